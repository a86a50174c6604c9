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
import { requirementFromInference } from "../../src/hardware/inference-requirement.js";
import { perGpuBytes, tensorParallelProblem } from "../../src/hardware/topology.js";
import { findBundledModel } from "../../src/model/bundled/find-bundled-model.js";

// Figures below are worked by hand from published numbers, not read back from the code:
// - Llama-3-70B: 70,553,706,496 parameters (fixtures truth.json, the Hub's safetensors total),
//   80 layers, 64 query heads, 8 KV heads, head_dim 128.
// - H100 SXM: nvidia-smi reports 81,559 MiB; A100 80GB: 81,920 MiB; H200: 143,771 MiB.
// - Runtime reserve: the documented default, 1.5 GiB per GPU.
const LLAMA_70B_PARAMS = 70_553_706_496;
const MIB = 1024 ** 2;
const H100_BYTES = 81_559 * MIB; // 85,520,809,984
const A100_80_BYTES = 81_920 * MIB; // 85,899,345,920
const H200_BYTES = 143_771 * MIB; // 150,755,721,216
const RESERVE = 1.5 * 1024 ** 3; // 1,610,612,736
const KV_4K_BATCH_8 = 2 * 80 * 8 * 128 * 2 * 4096 * 8; // 10,737,418,240 B (BF16)

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

describe("Llama-3-70B, 4K context, batch 8, BF16", () => {
  const weights = LLAMA_70B_PARAMS * 2; // 141,107,412,992 B
  const ranking = rank70b({ weights: "bf16" });

  it("no single 80 GB GPU fits: weights alone exceed 0.9 × 80 GB", () => {
    const tp1 = weights + KV_4K_BATCH_8 + RESERVE; // 153,455,443,968 B
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
    expect(tp1).toBeGreaterThan(0.9 * A100_80_BYTES);
    expect(tp1).toBeGreaterThan(0.9 * H100_BYTES);
  });

  it("two H100 80GB (TP 2) fit at the default 0.92 (current vLLM); at 0.9 (vLLM ≤ 0.10) they are 0.56 GB short", () => {
    const perGpuTp2 = weights / 2 + KV_4K_BATCH_8 / 2 + RESERVE; // 77,533,028,352 B
    expect(perGpuTp2).toBe(77_533_028_352);

    const atDefault = row(ranking.matches, "nvidia-h100-sxm");
    expect(atDefault.fits).toBe(true);
    expect(atDefault.tensorParallel).toBe(2);
    expect(atDefault.gpuCount).toBe(2);
    expect(atDefault.perGpu?.totalBytes).toBeCloseTo(perGpuTp2, 0);
    expect(atDefault.budgetBytesPerGpu).toBeCloseTo(0.92 * H100_BYTES, 0); // 78.68 GB

    const at09 = row(
      rank70b({ weights: "bf16" }, { gpuMemoryUtilization: 0.9 }).matches,
      "nvidia-h100-sxm",
    );
    expect(perGpuTp2 - 0.9 * H100_BYTES).toBeCloseTo(564_299_366.4, 0); // short by 0.56 GB
    expect(at09.tensorParallel).toBe(4);
    expect(at09.perGpu?.totalBytes).toBeCloseTo(weights / 4 + KV_4K_BATCH_8 / 4 + RESERVE, 0);
  });

  it("the inverse question says how many sequences two H100s do hold at 0.9: 7 of 4,096 tokens", () => {
    const available = 0.9 * H100_BYTES - weights / 2 - RESERVE; // 4,804,409,753.6 B for KV per GPU
    const perSequencePerGpu = (2 * 80 * 8 * 128 * 2 * 4096) / 2; // 671,088,640 B
    expect(Math.floor(available / perSequencePerGpu)).toBe(7);
    const estimate = estimateInferenceFromSpec(llama70b, {
      contextLength: 4096,
      batchSize: 8,
      weights: "bf16",
    });
    const requirement = requirementFromInference(estimate, {
      promptTokens: 3840,
      runtimeOverheadBytesPerGpu: RESERVE,
    });
    const capacity = kvCacheCapacity(requirement, ACCELERATORS["nvidia-h100-sxm"], {
      tp: 2,
      gpuMemoryUtilization: 0.9,
    });
    expect(capacity?.maxBatchSize).toBe(7);
    expect(capacity?.maxContextLength).toBe(
      Math.floor((available / (perSequencePerGpu * 8)) * 4096),
    ); // 3,665
  });

  it("one H200 141GB is listed: TP 1 needs 153.46 GB > 0.92 × 150.76 GB, so it takes TP 2", () => {
    const h200 = row(ranking.matches, "nvidia-h200");
    expect(weights + KV_4K_BATCH_8 + RESERVE).toBeGreaterThan(0.92 * H200_BYTES);
    const budgetGB = ((0.92 * H200_BYTES) / 1e9).toFixed(2); // 138.70
    expect(h200.reasons[0]).toContain(
      `TP 1 does not fit: 153.46 GB per GPU > ${budgetGB} GB budget`,
    );
    expect(h200.fits).toBe(true);
    expect(h200.tensorParallel).toBe(2);
  });

  it("at INT4 one A100 80GB fits: 35.28 + 10.74 + 1.61 GB ≤ 0.92 × 85.90 GB", () => {
    const int4 = rank70b({ weights: "int4" });
    const a100 = row(int4.matches, "nvidia-a100-80gb-sxm");
    const need = LLAMA_70B_PARAMS * 0.5 + KV_4K_BATCH_8 + RESERVE; // 47,624,884,224 B
    expect(need).toBeLessThanOrEqual(0.92 * A100_80_BYTES);
    expect(a100.fits).toBe(true);
    expect(a100.tensorParallel).toBe(1);
    expect(a100.perGpu?.totalBytes).toBeCloseTo(need, 0);
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
      {
        promptTokens: 1024,
        runtimeOverheadBytesPerGpu: 0,
      },
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
