import { describe, expect, it } from "vitest";
import {
  estimateTrainingFromSpec,
  InvalidOptionError,
  parseModelConfig,
  type GpuMatch,
  type TrainingOptions,
} from "../../src/index.js";
import { DEFAULT_CATALOG } from "../../src/hardware/catalog.js";
import { rankGpusForTraining, rankInstancesForTraining } from "../../src/hardware/rank-training.js";
import { findBundledModel } from "../../src/model/bundled/find-bundled-model.js";

// Worked by hand for Llama-3-8B (8,030,261,248 parameters, fixtures truth.json; 32 layers of
// 4096 hidden, 8 KV heads of 128, MLP 14,336; vocabulary 128,256), full training, mixed AdamW,
// 2,048 tokens, flash attention, fully sharded (ZeRO-3) over N GPUs:
// - model states 16 B per parameter (ZeRO paper §3.1), split over the N GPUs;
// - per GPU: activations 167,936 B per token per layer (docs/methodology.md#activations), logits
//   at the loss 16 B each, and ZeRO-3's all-gather buffers of two decoder layers in 16 bits:
//   each layer is q, o (4096 × 4096), k, v (4096 × 1024), gate, up, down (4096 × 14,336) and two
//   4096-wide norms = 218,112,000 parameters;
// - overhead: 5 % fragmentation of all of that, plus a 1 GiB CUDA context.
const STATES = 16 * 8_030_261_248;
const PER_GPU = 167_936 * 2048 * 32 + 2048 * 128_256 * 16 + 2 * 218_112_000 * 2;
const GIB = 1024 ** 3;
const fullyShardedPerGpu = (gpus: number): number => (STATES / gpus + PER_GPU) * 1.05 + GIB;

const llama8b = parseModelConfig(findBundledModel("meta-llama/Meta-Llama-3-8B")!.config);

function estimates(options: TrainingOptions) {
  return {
    single: estimateTrainingFromSpec(llama8b, { ...options, gpuCount: 1, zeroStage: 0 }),
    sharded: estimateTrainingFromSpec(llama8b, { ...options, gpuCount: 2, zeroStage: 3 }),
  };
}

function row(matches: readonly GpuMatch[], id: string): GpuMatch {
  const found = matches.find((match) => match.acceleratorId === id);
  if (found === undefined) throw new Error(`${id} is not listed`);
  return found;
}

describe("rankGpusForTraining", () => {
  const full = rankGpusForTraining(estimates({}), { workload: "training" }, DEFAULT_CATALOG);

  it("sizes a sharded group with ZeRO-3's all-gather buffers, as the hand-worked sum", () => {
    const h100 = row(full.matches, "nvidia-h100-sxm");
    expect(h100.gpuCount).toBe(2);
    // ≈ 85.41 GB on a GPU whose driver reports 81,559 MiB = 85.52 GB: the whole memory is the
    // training budget.
    expect(h100.perGpu!.totalBytes / fullyShardedPerGpu(2)).toBeCloseTo(1, 6);
    const a100x40 = row(full.matches, "nvidia-a100-40gb-sxm");
    expect(a100x40.gpuCount).toBe(8);
    expect(a100x40.perGpu!.totalBytes / fullyShardedPerGpu(8)).toBeCloseTo(1, 6);
  });

  it("sizes a run that fits one GPU from the single-GPU estimate: no all-gather buffers", () => {
    const options: TrainingOptions = { method: "qlora" };
    const ranking = rankGpusForTraining(
      estimates(options),
      { workload: "training" },
      DEFAULT_CATALOG,
    );
    const h100 = row(ranking.matches, "nvidia-h100-sxm");
    expect(h100.gpuCount).toBe(1);
    expect(h100.perGpu!.totalBytes).toBe(
      estimateTrainingFromSpec(llama8b, options).memory.perGpu.totalBytes,
    );
  });

  it("keeps the ranking's order rules and numbers the rows from 1", () => {
    expect(full.matches.map((match) => match.rank)).toEqual(
      full.matches.map((_, index) => index + 1),
    );
    const fitting = full.matches.filter((match) => match.fits);
    const firstMiss = full.matches.findIndex((match) => !match.fits);
    expect(firstMiss).toBeGreaterThanOrEqual(fitting.length);
  });
});

describe("top", () => {
  it("cuts the merged ranking, not the two it merges, and is checked", () => {
    const options: TrainingOptions = { method: "qlora" };
    const every = rankGpusForTraining(
      estimates(options),
      { workload: "training" },
      DEFAULT_CATALOG,
    );
    const three = rankGpusForTraining(
      estimates(options),
      { workload: "training", top: 3 },
      DEFAULT_CATALOG,
    );
    expect(three.matches.map((match) => match.acceleratorId)).toEqual(
      every.matches.slice(0, 3).map((match) => match.acceleratorId),
    );
    expect(three.assumptions.top).toBe(3);
    expect(() => rankInstancesForTraining(estimates(options), { top: 0 }, DEFAULT_CATALOG)).toThrow(
      InvalidOptionError,
    );
  });
});

describe("rankInstancesForTraining", () => {
  it("runs replicas of the fully-sharded group on a larger instance", () => {
    const ranking = rankInstancesForTraining(
      estimates({}),
      { workload: "training" },
      DEFAULT_CATALOG,
    );
    const p5 = ranking.matches.find((match) => match.instanceId === "aws/p5.48xlarge");
    expect(p5?.instance.gpuCount).toBe(8);
    // Two H100s per run, so four runs side by side on eight.
    expect(p5?.gpuCount).toBe(2);
    expect(p5?.replicas).toBe(4);
    expect(p5!.perGpu!.totalBytes / fullyShardedPerGpu(2)).toBeCloseTo(1, 6);
  });

  it("sizes a one-GPU replica from the single-GPU estimate", () => {
    const options: TrainingOptions = { method: "qlora" };
    const ranking = rankInstancesForTraining(
      estimates(options),
      { workload: "training" },
      DEFAULT_CATALOG,
    );
    const single = ranking.matches.find((match) => match.fits && match.instance.gpuCount === 1);
    expect(single?.gpuCount).toBe(1);
    expect(single!.perGpu!.totalBytes).toBe(
      estimateTrainingFromSpec(llama8b, options).memory.perGpu.totalBytes,
    );
  });
});
