/**
 * Ranking a training run with the GPU count exact at every size. One training estimate cannot be
 * right for every GPU count: a fully-sharded group of two or more GPUs holds ZeRO-3's all-gather
 * buffers, one GPU does not. So the rows come from two estimates: one GPU from the single-GPU
 * estimate, two or more from the estimate with ZeRO-3 over two GPUs, whose per-GPU part
 * (activations, logits, the all-gather buffers of two layers) is what every GPU of a larger
 * fully-sharded group holds too.
 */
import type { TrainingEstimate } from "../memory/training/estimate-training.js";
import { compareMatches } from "./match.js";
import { rankGpusForEstimate, type GpuRanking, type RankGpusPureOptions } from "./rank-gpus.js";
import { rankInstancesForEstimate, type InstanceRanking } from "./rank-instances.js";

/** The two estimates a training ranking is built from. */
export interface TrainingRankingEstimates {
  /** The run on one GPU (`gpus: 1`, ZeRO stage 0). */
  readonly single: TrainingEstimate;
  /** The same run with ZeRO-3 over two GPUs (`gpus: 2`, `zeroStage: 3`). */
  readonly sharded: TrainingEstimate;
}

/**
 * Ranks every accelerator for a training run: a row that fits on one GPU is sized from
 * `single`, any other from `sharded`, so a row's per-GPU bytes at N GPUs equal those of the
 * estimate with `gpus: N` (ZeRO-3 when N > 1). Pure.
 *
 * @throws {InvalidOptionError} for options out of range.
 * @example
 * const single = estimateTrainingFromSpec(spec, { method: "lora" });
 * const sharded = estimateTrainingFromSpec(spec, { method: "lora", gpus: 2, zeroStage: 3 });
 * rankGpusForTraining({ single, sharded }, { workload: "training" }).matches[0]
 */
export function rankGpusForTraining(
  estimates: TrainingRankingEstimates,
  options: RankGpusPureOptions = {},
): GpuRanking {
  const one = rankGpusForEstimate(estimates.single, options);
  const many = rankGpusForEstimate(estimates.sharded, options);
  const alone = new Map(one.matches.map((match) => [match.acceleratorId, match]));
  const rows = many.matches.map((match) => {
    const single = alone.get(match.acceleratorId);
    return single?.fits === true && single.gpuCount === 1 ? single : match;
  });
  rows.sort((a, b) => compareMatches(many.assumptions.workload, a, b));
  return {
    ...many,
    warnings: [...new Set([...one.warnings, ...many.warnings])],
    matches: rows.map((match, index) => ({ ...match, rank: index + 1 })),
  };
}

/**
 * Ranks every cloud instance for a training run, with the same rule as
 * {@link rankGpusForTraining}: a replica on one GPU is sized from `single`, a replica sharded over
 * two or more GPUs from `sharded`. Pure.
 *
 * @throws {InvalidOptionError} for options out of range.
 */
export function rankInstancesForTraining(
  estimates: TrainingRankingEstimates,
  options: RankGpusPureOptions = {},
): InstanceRanking {
  const one = rankInstancesForEstimate(estimates.single, options);
  const many = rankInstancesForEstimate(estimates.sharded, options);
  const alone = new Map(one.matches.map((match) => [match.instanceId, match]));
  const rows = many.matches.map((match) => {
    const single = alone.get(match.instanceId);
    return single?.fits === true && single.gpuCount === 1 ? single : match;
  });
  rows.sort((a, b) => compareMatches(many.assumptions.workload, a, b));
  return {
    ...many,
    warnings: [...new Set([...one.warnings, ...many.warnings])],
    matches: rows.map((match, index) => ({ ...match, rank: index + 1 })),
  };
}
