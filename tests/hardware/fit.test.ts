import { describe, expect, it } from "vitest";
import {
  ACCELERATORS,
  estimateInferenceFromSpec,
  parseModelConfig,
  rankGpusForEstimate,
  type GpuMatch,
  type InferenceOptions,
} from "../../src/index.js";
import { kvCacheCapacity } from "../../src/hardware/capacity.js";
import {
  DEFAULT_SERVING_ENGINE_SETTINGS,
  requirementFromInference,
} from "../../src/hardware/inference-requirement.js";
import { perGpuBytes, tensorParallelProblem } from "../../src/hardware/topology.js";
import { findBundledModel } from "../../src/model/bundled/find-bundled-model.js";

// Figures below are worked by hand from published numbers, not read back from the code:
// - Llama-3-70B: 70,553,706,496 parameters (fixtures truth.json, the Hub's safetensors total),
//   80 layers, 64 query heads, 8 KV heads, head_dim 128, MLP 28,672, vocabulary 128,256,
//   8,192 positions.
// - The serving budget is vLLM's (docs/methodology.md#serving-fit), at the newest rules (≥ 0.21)
//   and the current default utilization 0.92 of the total torch.cuda.mem_get_info reports.
const LLAMA_70B_PARAMS = 70_553_706_496;
const GIB = 1024 ** 3;
const MIB = 1024 ** 2;
const KV_4K_BATCH_8 = 2 * 80 * 8 * 128 * 2 * 4096 * 8; // 10,737,418,240 B (BF16)
const ROTARY = 8192 * 128 * 2; // the cos/sin cache vLLM counts in the weights
const NON_TORCH_TP1 = Math.round(0.1 * GIB);
const NON_TORCH_TP = Math.round(0.25 * GIB);
const CUDA_GRAPHS = Math.round(0.5 * GIB);
// vLLM V1's defaults for `vllm serve` on a GPU of 70 GiB or more (not A100): 8,192 batched tokens,
// 1,024 sequences; the sampler holds 40 B per logit element of 1,024 × 128,256.
const SAMPLER_1024 = 1024 * 128_256 * 40; // 5,253,365,760 B
const SAMPLER_256 = 256 * 128_256 * 40; // 1,313,341,440 B

const llama70b = parseModelConfig(findBundledModel("meta-llama/Meta-Llama-3-70B")!.config);

function rank70b(options: InferenceOptions, rankOptions = {}) {
  const estimate = estimateInferenceFromSpec(llama70b, {
    contextLength: 4096,
    batchSize: 8,
    ...options,
  });
  return rankGpusForEstimate(estimate, rankOptions);
}

function row(matches: readonly GpuMatch[], id: string): GpuMatch {
  const found = matches.find((match) => match.acceleratorId === id);
  if (found === undefined) throw new Error(`${id} is not listed`);
  return found;
}

describe("Llama-3-70B, 4K context, batch 8, BF16, on vLLM's own budget", () => {
  const weights = LLAMA_70B_PARAMS * 2; // 141,107,412,992 B
  const ranking = rank70b({ weights: "bf16" });
  // H100 SXM: vLLM logs total_gpu_memory 79.22 GiB (vllm PR #12126).
  const h100Total = Math.round(79.22 * GIB); // 85,061,827,297
  const h100Cap = Math.floor(h100Total * 0.92); // 78,256,881,113
  const blockTp2 = 16 * 2 * 4 * 128 * 2 * 80; // 16 tokens × 80 layers: 2,621,440 B

  it("no single 80 GB GPU fits: the weights alone exceed 0.92 × what the driver reports", () => {
    for (const id of [
      "nvidia-h100-sxm",
      "nvidia-h100-pcie",
      "nvidia-a100-80gb-sxm",
      "nvidia-a100-80gb-pcie",
    ]) {
      const match = row(ranking.matches, id);
      expect(match.tensorParallel).not.toBe(1);
      expect(match.reasons[0]).toContain("TP 1 does not fit");
    }
    expect(weights).toBeGreaterThan(h100Cap);
  });

  it("two H100s hold the 8 sequences when vLLM runs with --max-num-seqs 8 (what a plan writes)", () => {
    // The profile run: 8,192 batched tokens (the default on ≥ 70 GiB) of 2 × (3 × 8,192 +
    // 3 × 28,672 / 2) B each beat the sampler's 8 rows.
    const forward = 8192 * 2 * (3 * 8192 + (3 * 28_672) / 2); // 1,107,296,256 B
    expect(forward).toBeGreaterThan(8 * 128_256 * 40);
    const weightsTp2 = weights / 2 + ROTARY; // 70,555,803,648
    const available = h100Cap - weightsTp2 - forward - NON_TORCH_TP - CUDA_GRAPHS;
    expect(available).toBe(5_788_474_841); // 5.39 GiB
    expect(Math.floor(available / blockTp2)).toBe(2208); // ≥ 8 × 256 blocks
    const h100 = row(ranking.matches, "nvidia-h100-sxm");
    expect(h100.fits).toBe(true);
    expect(h100.tensorParallel).toBe(2);
    expect(h100.budgetBytesPerGpu).toBe(h100Cap);
    expect(h100.perGpu?.totalBytes).toBe(
      weightsTp2 + forward + NON_TORCH_TP + CUDA_GRAPHS + 8 * 256 * blockTp2,
    );
  });

  it("at vLLM's own max_num_seqs (1,024 on an H100) the sampler takes 4.9 GiB: TP 2 holds 2 sequences, TP 4 fits", () => {
    const available = h100Cap - (weights / 2 + ROTARY) - SAMPLER_1024 - NON_TORCH_TP - CUDA_GRAPHS;
    expect(available).toBe(1_642_405_337); // 1.53 GiB
    expect(Math.floor(available / blockTp2)).toBe(626); // 626 / 256 per request = 2.4
    const h100 = row(rank70b({ weights: "bf16" }, { maxNumSeqs: 1024 }).matches, "nvidia-h100-sxm");
    expect(h100.tensorParallel).toBe(4);
    expect(h100.reasons[1]).toContain("TP 2 does not fit");
    expect(h100.perGpu?.totalBytes).toBe(
      weights / 4 + ROTARY + SAMPLER_1024 + NON_TORCH_TP + CUDA_GRAPHS + KV_4K_BATCH_8 / 4,
    );
  });

  it("the inverse question at TP 2 with vLLM's own defaults: concurrency 2 of 4,096 tokens, 1,248 tokens for 8", () => {
    const estimate = estimateInferenceFromSpec(llama70b, {
      contextLength: 4096,
      batchSize: 8,
      weights: "bf16",
    });
    const requirement = requirementFromInference(estimate, {
      promptTokens: 3840,
      engine: DEFAULT_SERVING_ENGINE_SETTINGS,
    });
    const capacity = kvCacheCapacity(requirement, ACCELERATORS["nvidia-h100-sxm"], {
      tp: 2,
      gpuMemoryUtilization: 0.92,
    });
    expect(capacity?.kvCacheBytesPerGpu).toBe(1_642_405_337);
    expect(capacity?.maxBatchSize).toBe(2); // floor(626 blocks / 256 blocks per request)
    // 8 sequences of L tokens take 8 × ceil(L / 16) blocks of the 626: L ≤ 78 × 16 = 1,248.
    expect(capacity?.maxContextLength).toBe(1248);
  });

  it("one H200 141GB cannot hold the weights under its cap, so it takes TP 2", () => {
    const h200 = row(ranking.matches, "nvidia-h200");
    const h200Cap = Math.floor((143_771 * MIB - 512 * MIB) * 0.92); // derived CUDA total
    expect(weights).toBeGreaterThan(h200Cap);
    expect(h200.reasons[0]).toContain("TP 1 does not fit");
    expect(h200.fits).toBe(true);
    expect(h200.tensorParallel).toBe(2);
  });

  it("at INT4 one A100 80GB fits even with vLLM's own 256 sequences (its small defaults on A100)", () => {
    const int4 = rank70b({ weights: "int4" }, { maxNumSeqs: 256 });
    const a100 = row(int4.matches, "nvidia-a100-80gb-sxm");
    const cap = Math.floor((81_920 - 512) * MIB * 0.92); // 78,533,477,007
    const need =
      LLAMA_70B_PARAMS * 0.5 + ROTARY + SAMPLER_256 + NON_TORCH_TP1 + CUDA_GRAPHS + KV_4K_BATCH_8;
    expect(need).toBeLessThanOrEqual(cap);
    expect(a100.fits).toBe(true);
    expect(a100.tensorParallel).toBe(1);
    expect(a100.perGpu?.totalBytes).toBe(need);
  });
});

describe("more GPUs for the TTFT target (realtime, 350 ms)", () => {
  // Prefill of the default 3,840-token prompt (4,096 less 256 output tokens):
  // 2 × params × prompt + 2 × layers × prompt² × hidden FLOPs, at 0.5 × 989 TFLOPS (H100 SXM dense
  // BF16) on each of the TP GPUs.
  const prompt = 3840;
  const flops = 2 * LLAMA_70B_PARAMS * prompt + 2 * 80 * prompt ** 2 * 8192;
  const ttftOnH100 = (tp: number): number => flops / (tp * 989e12 * 0.5);
  const ranking = rank70b({ weights: "bf16" }, { workload: "realtime" });
  const h100 = row(ranking.matches, "nvidia-h100-sxm");

  it("keeps TP 2, the smallest fit, and says TP 4 would meet the target", () => {
    expect(ttftOnH100(2)).toBeGreaterThan(0.35); // ≈ 567 ms
    expect(ttftOnH100(4)).toBeLessThan(0.35); // ≈ 284 ms
    expect(h100.tensorParallel).toBe(2);
    expect(h100.ttftSeconds).toBeCloseTo(ttftOnH100(2), 6);
    expect(h100.meetsConstraints).toBe(false);
    expect(h100.ttftTargetMetAt?.tensorParallel).toBe(4);
    expect(h100.ttftTargetMetAt?.ttftSeconds).toBeCloseTo(ttftOnH100(4), 6);
    expect(h100.reasons).toContain("TP 4 would meet the 350 ms TTFT target: 284 ms on 4 GPUs");
  });

  it("suggests nothing without a target, or when the target is met", () => {
    const batch = rank70b({ weights: "bf16" }, { workload: "batch" });
    expect(row(batch.matches, "nvidia-h100-sxm").ttftTargetMetAt).toBeNull();
    const relaxed = rank70b({ weights: "bf16" }, { workload: "realtime", maxTtftMs: 600 });
    expect(row(relaxed.matches, "nvidia-h100-sxm").ttftTargetMetAt).toBeNull();
  });

  it("says so when no TP in one node meets it", () => {
    // One H100 takes ≈ 1,135 ms for the prefill, so 100 ms needs more than 11: TP 8 gives ≈ 142 ms.
    const strict = rank70b({ weights: "bf16" }, { workload: "realtime", maxTtftMs: 100 });
    const h100Strict = row(strict.matches, "nvidia-h100-sxm");
    expect(h100Strict.ttftTargetMetAt).toBeNull();
    expect(h100Strict.reasons).toContain(
      `no TP up to 8 meets the 100 ms TTFT target (TP 8: ${(ttftOnH100(8) * 1000).toFixed(0)} ms)`,
    );
  });
});

describe("decode speed follows memory bandwidth when decode is memory-bound", () => {
  it("H100 SXM vs A100 80GB SXM inter-token latency ratio = 3.35 / 2.039 TB/s for Llama-3-8B, batch 1", () => {
    const spec = parseModelConfig(findBundledModel("meta-llama/Meta-Llama-3-8B")!.config);
    const estimate = estimateInferenceFromSpec(spec, {
      contextLength: 2048,
      batchSize: 1,
      weights: "bf16",
    });
    const { matches } = rankGpusForEstimate(estimate);
    const h100 = row(matches, "nvidia-h100-sxm");
    const a100 = row(matches, "nvidia-a100-80gb-sxm");
    expect(h100.tensorParallel).toBe(1);
    expect(a100.tensorParallel).toBe(1);
    expect(h100.decodeBound).toBe("memory");
    expect(a100.decodeBound).toBe("memory");
    expect(a100.interTokenLatencySeconds! / h100.interTokenLatencySeconds!).toBeCloseTo(
      3.35 / 2.039,
      10,
    );
    // ≈ 16.06 GB of weights + 0.27 GB of KV read per step at 0.7 × 3.35 TB/s ≈ 7 ms.
    const bytes = 8_030_261_248 * 2 + 2 * 32 * 8 * 128 * 2 * 2048;
    expect(h100.interTokenLatencySeconds).toBeCloseTo(bytes / (3.35e12 * 0.7), 12);
  });
});

describe("KV heads under tensor parallelism", () => {
  // A 70B-shaped model with 8 KV heads, and a 32-head model with 4 KV heads, built by hand.
  const eightKv = parseModelConfig({
    model_type: "llama",
    num_hidden_layers: 80,
    hidden_size: 8192,
    num_attention_heads: 64,
    num_key_value_heads: 8,
    intermediate_size: 28672,
    vocab_size: 128256,
  });
  const fourKv = parseModelConfig({
    model_type: "llama",
    num_hidden_layers: 32,
    hidden_size: 4096,
    num_attention_heads: 32,
    num_key_value_heads: 4,
    intermediate_size: 14336,
    vocab_size: 32000,
  });
  const requirementOf = (spec: typeof eightKv) =>
    requirementFromInference(
      estimateInferenceFromSpec(spec, { contextLength: 4096, batchSize: 1 }),
      { promptTokens: 1024, engine: DEFAULT_SERVING_ENGINE_SETTINGS },
    );

  it("8 KV heads at TP 16 are replicated: each GPU holds 1/8 of the cache, not 1/16", () => {
    const requirement = requirementOf(eightKv);
    const kv = 2 * 80 * 8 * 128 * 2 * 4096; // 1,342,177,280 B
    expect(requirement.kvCacheBytes).toBe(kv);
    expect(tensorParallelProblem(requirement, 16)).toBeUndefined();
    const tp8 = perGpuBytes(requirement, 8);
    const tp16 = perGpuBytes(requirement, 16);
    expect(tp8.kvCacheBytes).toBe(kv / 8);
    expect(tp8.kvCacheReplicated).toBe(false);
    expect(tp16.kvCacheBytes).toBe(kv / 8);
    expect(tp16.kvCacheReplicated).toBe(true);
    expect(tp16.shardedBytes).toBe(requirement.shardedBytes / 16);
  });

  it("4 KV heads at TP 8 are replicated too: 1/4 of the cache per GPU", () => {
    const requirement = requirementOf(fourKv);
    const kv = 2 * 32 * 4 * 128 * 2 * 4096; // 268,435,456 B
    const tp8 = perGpuBytes(requirement, 8);
    expect(tp8.kvCacheBytes).toBe(kv / 4);
    expect(tp8.kvCacheReplicated).toBe(true);
    expect(perGpuBytes(requirement, 4).kvCacheReplicated).toBe(false);
  });

  it("applies vLLM's divisibility rule: TP must divide the heads; KV heads and TP must divide one another", () => {
    const requirement = { attentionHeads: 40, kvHeads: 8 };
    expect(tensorParallelProblem(requirement, 8)).toBeUndefined();
    expect(tensorParallelProblem({ attentionHeads: 20, kvHeads: 4 }, 8)).toBe(
      "TP 8 does not divide the 20 attention heads",
    );
    expect(tensorParallelProblem({ attentionHeads: 24, kvHeads: 6 }, 4)).toBe(
      "TP 4 and the 6 KV heads do not divide one another",
    );
  });
});
