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
// 4096 hidden, 8 KV heads of 128, MLP 14,336; vocabulary 128,256), full training, mixed AdamW
// (DeepSpeed's fused step under ZeRO), 2,048 tokens, flash attention. Over two GPUs with ZeRO-3
// the peak is the loss's backward: 2 + 4 + 8 bytes per parameter over 2 GPUs, the activations
// (200,704 B per token per layer, activations.test.ts, plus the final norm's FP32 input and the LM
// head's input), four FP32 logit copies, and DeepSpeed's gathered largest layer, the embedding
// (128,256 × 4096), with its gradient in 16 bits. The allocator reserves 10 % more; the CUDA
// context is 512 MiB. Past two GPUs the model states (16 bytes per parameter, × 1.1) are split
// further and the rest of the two-GPU peak stays on every GPU.
const P = 8_030_261_248;
const MIB = 1024 ** 2;
const ACTIVATIONS = 32 * 2048 * 200_704 + 2048 * 8 * 4096;
const LOGITS = 16 * 2048 * 128_256;
const GATHER = 4 * 128_256 * 4096;
const TOTAL_AT_TWO = (7 * P + ACTIVATIONS + LOGITS + GATHER) * 1.1 + 512 * MIB;
const SHARDED = 16 * P * 1.1;
const fullyShardedPerGpu = (gpus: number): number => SHARDED / gpus + (TOTAL_AT_TWO - SHARDED / 2);

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
    // ≈ 83.85 GB on a GPU whose driver reports 81,559 MiB = 85.52 GB: the whole memory is the
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
    // Every row that fits comes before the first that does not (when one does not).
    expect(firstMiss === -1 ? full.matches.length : firstMiss).toBe(fitting.length);
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
