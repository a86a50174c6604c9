import { describe, expect, it } from "vitest";
import {
  estimateInferenceFromSpec,
  InvalidOptionError,
  parseModelConfig,
  rankGpusForEstimate,
  rankInstancesForEstimate,
  type GpuMatch,
} from "../../src/index.js";
import type { MatchFigures } from "../../src/hardware/match.js";
import { findBundledModel } from "../../src/model/bundled/find-bundled-model.js";

const llama8b = parseModelConfig(findBundledModel("meta-llama/Meta-Llama-3-8B")!.config);
const LLAMA_8B_PARAMS = 8_030_261_248; // Hub safetensors total (fixtures truth.json)
const MIB = 1024 ** 2;
const GIB = 1024 ** 3;
// vLLM's budget at its newest rules (docs/methodology.md#serving-fit), worked by hand: the
// rotary cache (8,192 positions × 128 × 2 B); the profile run's forward pass of 8,192 batched
// tokens on a GPU of 70 GiB or more (not A100), 2,048 elsewhere, at 2 × (3 × hidden + 3 × MLP
// width / TP) B per token, which beats the sampler when max_num_seqs is the batch (the ranking's
// default); non-torch 0.10 GiB at TP 1 and 0.25 GiB under parallelism; 0.5 GiB of CUDA graphs.
const ROTARY = 8192 * 128 * 2;
const FORWARD_8192 = 8192 * 2 * (3 * 4096 + 3 * 14_336); // Llama-3-8B at TP 1
const FORWARD_2048 = 2048 * 2 * (3 * 4096 + 3 * 14_336);
const NON_TORCH_TP1 = Math.round(0.1 * GIB);
const NON_TORCH_TP = Math.round(0.25 * GIB);
const CUDA_GRAPHS = Math.round(0.5 * GIB);

const row = (matches: readonly GpuMatch[], id: string): GpuMatch => {
  const found = matches.find((match) => match.acceleratorId === id);
  if (found === undefined) throw new Error(`${id} is not listed`);
  return found;
};

describe("FP8 on GPUs without FP8 tensor cores", () => {
  const estimate = estimateInferenceFromSpec(llama8b, {
    contextLength: 2048,
    batchSize: 1,
    weights: "fp8",
  });
  const { matches } = rankGpusForEstimate(estimate);
  const kv = 2 * 32 * 8 * 128 * 2 * 2048; // BF16 KV cache, 268,435,456 B

  it("runs natively on H100: FP8 weights, FP8 tensor rate", () => {
    const h100 = row(matches, "nvidia-h100-sxm");
    expect(h100.computeRate).toBe("FP8");
    expect(h100.perGpu?.totalBytes).toBe(
      LLAMA_8B_PARAMS + ROTARY + FORWARD_8192 + NON_TORCH_TP1 + CUDA_GRAPHS + kv,
    );
  });

  it("is flagged on A100 and sized as vLLM's Marlin W8A16 fallback: FP8 memory, 16-bit math", () => {
    const a100 = row(matches, "nvidia-a100-80gb-sxm");
    expect(a100.computeRate).toContain("Marlin W8A16");
    expect(a100.reasons.join(" ")).toContain("no FP8 tensor cores");
    expect(a100.perGpu?.totalBytes).toBe(
      LLAMA_8B_PARAMS + ROTARY + FORWARD_2048 + NON_TORCH_TP1 + CUDA_GRAPHS + kv,
    );
    // Prefill of the 1,792-token default prompt at 0.5 × 312 TFLOPS (BF16), not an FP8 rate:
    // 2 × 8.03e9 × 1792 + 2 × 32 × 1792² × 4096 FLOPs.
    const flops = 2 * LLAMA_8B_PARAMS * 1792 + 2 * 32 * 1792 ** 2 * 4096;
    expect(a100.ttftSeconds).toBeCloseTo(flops / (312e12 * 0.5), 9);
  });

  it("is flagged on T4 (no FP8 path below compute capability 8.0) and sized as the 16-bit checkpoint", () => {
    const t4 = row(matches, "nvidia-t4");
    expect(t4.reasons.join(" ")).toContain("no FP8 path");
    // 16-bit weights are twice the FP8 bytes: 16.06 GB do not fit 0.92 × (15,360 − 512) MiB on one T4.
    expect(2 * LLAMA_8B_PARAMS).toBeGreaterThan(0.92 * (15_360 - 512) * MIB);
    expect(t4.tensorParallel).toBe(2);
    expect(t4.perGpu?.shardedBytes).toBe(LLAMA_8B_PARAMS + ROTARY); // 2 × 8.03 GB over 2 GPUs
  });
});

describe("BF16 on Turing", () => {
  it("is served as FP16, same bytes, at the FP16 tensor rate", () => {
    const estimate = estimateInferenceFromSpec(llama8b, {
      contextLength: 1024,
      batchSize: 1,
      weights: "bf16",
    });
    const t4 = row(rankGpusForEstimate(estimate).matches, "nvidia-t4");
    expect(t4.computeRate).toBe("FP16 (no BF16)");
    expect(t4.reasons[0]).toContain("served as FP16");
  });
});

describe("workloads order the rows by what they weigh", () => {
  const estimate = estimateInferenceFromSpec(llama8b, {
    contextLength: 4096,
    batchSize: 16,
    weights: "bf16",
  });
  const meeting = (matches: readonly MatchFigures[]) =>
    matches.filter((match) => match.meetsConstraints);

  it("realtime: rows meeting the 350 ms TTFT target first, cheapest first", () => {
    const ranking = rankGpusForEstimate(estimate, { workload: "realtime" });
    const first = meeting(ranking.matches);
    expect(first.length).toBeGreaterThan(0);
    for (const match of first) expect(match.ttftSeconds! * 1000).toBeLessThanOrEqual(350);
    const priced = first
      .filter((match) => match.price !== null)
      .map((match) => match.price!.usdPerHour);
    expect(priced).toEqual([...priced].sort((a, b) => a - b));
    expect(ranking.workload.pricingAdvice).toMatch(/on-demand or reserved/i);
    // Rows that do not fit come last.
    const fits = ranking.matches.map((match) => match.fits);
    expect(fits.indexOf(false) === -1 || !fits.slice(fits.indexOf(false)).includes(true)).toBe(
      true,
    );
  });

  it("decode: lowest inter-token latency first", () => {
    const { matches } = rankGpusForEstimate(estimate, { workload: "decode" });
    const latencies = meeting(matches)
      .map((match) => match.interTokenLatencySeconds)
      .filter((value): value is number => value !== null);
    expect(latencies).toEqual([...latencies].sort((a, b) => a - b));
  });

  it("batch: lowest $ per 1M output tokens first, and autoscaling advice", () => {
    const ranking = rankGpusForEstimate(estimate, { workload: "batch" });
    const costs = meeting(ranking.matches)
      .map((match) => match.usdPerMillionOutputTokens)
      .filter((value): value is number => value !== null);
    expect(costs.length).toBeGreaterThan(3);
    expect(costs).toEqual([...costs].sort((a, b) => a - b));
    expect(ranking.workload.pricingAdvice).toMatch(/autoscaling/i);
  });

  it("training: spot prices by default, spot advice, and a warning that training memory is not modelled", () => {
    const ranking = rankGpusForEstimate(estimate, { workload: "training" });
    expect(ranking.assumptions.spot).toBe(true);
    expect(ranking.workload.pricingAdvice).toMatch(/spot/i);
    expect(ranking.warnings.join(" ")).toContain("training memory");
    for (const match of ranking.matches)
      if (match.price !== null) expect(match.price.kind).toBe("spot");
  });
});

describe("constraints and filters", () => {
  const estimate = estimateInferenceFromSpec(llama8b, { contextLength: 4096, batchSize: 8 });

  it("families keep only the named family, vendor or architecture", () => {
    const { matches } = rankGpusForEstimate(estimate, { families: ["H100", "amd"] });
    expect(
      new Set(
        matches.map(
          (match) => match.accelerator.family === "H100" || match.accelerator.vendor === "amd",
        ),
      ),
    ).toEqual(new Set([true]));
  });

  it("a $/hour cap marks pricier rows as missing a constraint, with the reason", () => {
    const { matches } = rankGpusForEstimate(estimate, { workload: "decode", maxUsdPerHour: 1 });
    const h100 = row(matches, "nvidia-h100-sxm");
    expect(h100.fits).toBe(true);
    expect(h100.meetsConstraints).toBe(false);
    expect(h100.reasons.join(" ")).toContain("over $1/hour");
  });

  it("rejects options out of range with InvalidOptionError", () => {
    expect(() => rankGpusForEstimate(estimate, { gpuMemoryUtilization: 1.2 })).toThrow(
      InvalidOptionError,
    );
    expect(() => rankGpusForEstimate(estimate, { promptTokens: 5000 })).toThrow(/promptTokens/);
    expect(() => rankGpusForEstimate(estimate, { workload: "gaming" as "batch" })).toThrow(
      /workload/,
    );
  });
});

describe("multi-node beyond 8 GPUs", () => {
  it("adds pipeline stages when TP 8 is not enough: Llama-3-70B BF16 on 16 GB V100s", () => {
    const llama70b = parseModelConfig(findBundledModel("meta-llama/Meta-Llama-3-70B")!.config);
    const estimate = estimateInferenceFromSpec(llama70b, {
      contextLength: 4096,
      batchSize: 8,
      weights: "bf16",
    });
    const v100 = row(rankGpusForEstimate(estimate).matches, "nvidia-v100-16gb");
    // TP 8: 141.11 / 8 = 17.64 GB of weights alone exceed 0.92 × (16,384 − 512) MiB = 15.31 GB;
    // two stages of 40 layers halve the weights and the KV cache (1 KV head per GPU at TP 8).
    const cap = 0.92 * (16_384 - 512) * MIB;
    // 2,048 batched tokens at TP 8: 2 × (3 × 8,192 + 3 × 28,672 / 8) B per token beat 8 sampler rows.
    const forward = 2048 * 2 * (3 * 8192 + (3 * 28_672) / 8);
    const reserve = forward + NON_TORCH_TP + CUDA_GRAPHS;
    const kvPerGpuPp2 = 8 * 4096 * (2 * 1 * 128 * 2) * 40; // 671,088,640 B
    const tp8pp2 = (70_553_706_496 * 2) / 16 + ROTARY + reserve + kvPerGpuPp2;
    expect((70_553_706_496 * 2) / 8).toBeGreaterThan(cap);
    expect(tp8pp2).toBeLessThanOrEqual(cap);
    expect(v100).toMatchObject({
      fits: true,
      tensorParallel: 8,
      pipelineParallel: 2,
      gpuCount: 16,
    });
    expect(v100.perGpu?.totalBytes).toBe(tp8pp2);
    expect(v100.reasons.join(" ")).toContain("multi-node: 2 pipeline stages of TP 8");
  });
});

describe("instances", () => {
  const estimate = estimateInferenceFromSpec(llama8b, {
    contextLength: 2048,
    batchSize: 1,
    weights: "bf16",
  });

  it("counts replicas and prices per 1M tokens: p5.48xlarge runs 8 copies of Llama-3-8B", () => {
    const ranking = rankInstancesForEstimate(estimate, { workload: "batch" });
    const p5 = ranking.matches.find((match) => match.instanceId === "aws/p5.48xlarge")!;
    expect(p5.replicas).toBe(8);
    const bytesPerStep = LLAMA_8B_PARAMS * 2 + 2 * 32 * 8 * 128 * 2 * 2048;
    const tokensPerSecond = 8 / (bytesPerStep / (3.35e12 * 0.7));
    expect(p5.tokensPerSecond).toBeCloseTo(tokensPerSecond, 6);
    expect(p5.usdPerMillionOutputTokens).toBeCloseTo((98.32 / (tokensPerSecond * 3600)) * 1e6, 9);
    expect(p5.price).toMatchObject({ kind: "on-demand", asOf: expect.stringContaining("undated") });
    expect(p5.price?.source).toContain("skypilot-catalog");
  });

  it("filters by cloud and lists the cleaned-out rows", () => {
    const ranking = rankInstancesForEstimate(estimate, { clouds: ["azure"] });
    expect(ranking.matches.length).toBeGreaterThan(5);
    for (const match of ranking.matches) expect(match.instance.provider).toBe("azure");
    expect(ranking.excluded.length).toBeGreaterThan(10);
  });

  it("a spot ranking leaves out instances without a spot price rather than inventing one", () => {
    const ranking = rankInstancesForEstimate(estimate, { spot: true, clouds: ["lambda"] });
    for (const match of ranking.matches) expect(match.price).toBeNull();
  });

  it("an instance too small for the model gets no speed, no $ per token and no replicas, and says why", () => {
    const llama70b = parseModelConfig(findBundledModel("meta-llama/Meta-Llama-3-70B")!.config);
    const big = estimateInferenceFromSpec(llama70b, { contextLength: 4096, batchSize: 8 });
    const g5 = rankInstancesForEstimate(big).matches.find(
      (match) => match.instanceId === "aws/g5.xlarge",
    )!;
    expect(g5).toMatchObject({
      fits: false,
      replicas: 0,
      tokensPerSecond: null,
      usdPerMillionOutputTokens: null,
    });
    expect(g5.reasons).toContain("needs more than its 1 × A10G 24GB");
    expect(g5.capacity?.maxBatchSize).toBe(0); // 141 GB of weights on one 24 GB card: no room for any KV cache
  });

  it("results are plain JSON: a round trip changes nothing", () => {
    const ranking = rankInstancesForEstimate(estimate, { top: 5 });
    expect(ranking.matches).toHaveLength(5);
    expect(JSON.parse(JSON.stringify(ranking))).toEqual(ranking);
  });
});
