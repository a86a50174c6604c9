import type { ModelSpec } from "../../model/model-spec.js";
import { estimateTrainingFromSpec } from "./estimate-training.js";
import type { LoraTargetPreset } from "./lora.js";
import type { TrainingMethod, TrainingOptions } from "./training-options.js";

/** One row of a training trade-off table. */
export interface TrainingTradeOff {
  /** What is trained. */
  readonly method: TrainingMethod;
  /** LoRA rank; undefined for full training. */
  readonly rank: number | undefined;
  /** LoRA target preset; undefined for full training. */
  readonly targets: LoraTargetPreset | undefined;
  /** Trainable parameters. */
  readonly trainableParameters: number;
  /** Trainable weights + gradients + optimizer states + master weights on one GPU. */
  readonly trainableStatesBytes: number;
  /** Everything on one GPU. */
  readonly perGpuBytes: number;
}

/** Ranks of the LoRA trade-off grid. */
export const TRADE_OFF_RANKS = [8, 16, 32] as const;

/** Target presets of the LoRA trade-off grid, smallest first. */
export const TRADE_OFF_TARGETS = [
  "qv",
  "attention",
  "all-linear",
] as const satisfies readonly LoraTargetPreset[];

/**
 * The comparison printed beside an estimate, every other option kept: for LoRA and QLoRA the
 * grid of ranks 8 / 16 / 32 × targets qv / attention / all-linear; for full training the same run
 * as LoRA and as QLoRA (rank 16, all-linear), which is where a single GPU often becomes enough.
 *
 * @throws {InvalidOptionError} when `options` themselves are invalid.
 */
export function trainingTradeOffs(
  spec: ModelSpec,
  options: TrainingOptions = {},
): TrainingTradeOff[] {
  const method = options.method ?? "full";
  const variants: TrainingOptions[] =
    method === "full"
      ? [
          options,
          ...(["lora", "qlora"] as const).map((alternative) => ({
            ...options,
            method: alternative,
            precision: undefined,
            rank: 16,
            targets: "all-linear" as const,
          })),
        ]
      : TRADE_OFF_RANKS.flatMap((rank) =>
          TRADE_OFF_TARGETS.map((targets) => ({ ...options, rank, targets })),
        );
  return variants.map((variant) => {
    const estimate = estimateTrainingFromSpec(spec, variant);
    const gpu = estimate.memory.perGpu;
    return {
      method: estimate.method,
      rank: estimate.assumptions.rank,
      targets:
        typeof variant.targets === "string" && estimate.method !== "full"
          ? variant.targets
          : undefined,
      trainableParameters: estimate.parameters.trainable,
      trainableStatesBytes:
        gpu.weightsBytes + gpu.gradientsBytes + gpu.optimizerStatesBytes + gpu.masterWeightsBytes,
      perGpuBytes: gpu.totalBytes,
    };
  });
}
