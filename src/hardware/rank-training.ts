/**
 * Ranking a training run with the GPU count exact at every size. One training estimate cannot be
 * right for every GPU count: a fully-sharded group of two or more GPUs holds ZeRO-3's all-gather
 * buffers, one GPU does not. So the rows come from two estimates: one GPU from the single-GPU
 * estimate, two or more from the estimate with ZeRO-3 over two GPUs, whose per-GPU part
 * (activations, logits, the all-gather buffers of two layers) is what every GPU of a larger
 * fully-sharded group holds too.
 */
import type { TrainingEstimate } from "../memory/training/estimate-training.js";
import { compareMatches, type MatchFigures, type RankingHeader } from "./match.js";
import type { GpuCatalog } from "./catalog.js";
import { rankGpusWithCatalog, type GpuRanking } from "./rank-gpus.js";
import { rankInstancesWithCatalog, type InstanceRanking } from "./rank-instances.js";
import { resolveTop, type RankOptions } from "./rank-options.js";

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
 * rankGpusForTraining({ single, sharded }, { workload: "training" }, DEFAULT_CATALOG).matches[0]
 */
export function rankGpusForTraining(
  estimates: TrainingRankingEstimates,
  options: RankOptions,
  catalog: GpuCatalog,
): GpuRanking {
  const whole = { ...options, top: undefined };
  return mergeRankings(
    rankGpusWithCatalog(estimates.single, whole, catalog),
    rankGpusWithCatalog(estimates.sharded, whole, catalog),
    (match) => match.acceleratorId,
    resolveTop(options.top),
  );
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
  options: RankOptions,
  catalog: GpuCatalog,
): InstanceRanking {
  const whole = { ...options, top: undefined };
  return mergeRankings(
    rankInstancesWithCatalog(estimates.single, whole, catalog),
    rankInstancesWithCatalog(estimates.sharded, whole, catalog),
    (match) => match.instanceId,
    resolveTop(options.top),
  );
}

/**
 * The rows of `sharded`, each replaced by its `single` row when that one fits on one GPU,
 * re-sorted by the workload's order, cut to the first `top` and renumbered. Both rankings must
 * hold every row (no `top` of their own), or a row could be lost before the merge.
 */
function mergeRankings<
  Ranking extends RankingHeader & {
    readonly matches: readonly (MatchFigures & { readonly rank: number; readonly name: string })[];
  },
>(
  single: Ranking,
  sharded: Ranking,
  key: (row: Ranking["matches"][number]) => string,
  top: number | null,
): Ranking {
  const alone = new Map(single.matches.map((match) => [key(match), match]));
  const rows = sharded.matches.map((match) => {
    const one = alone.get(key(match));
    return one?.fits === true && one.gpuCount === 1 ? one : match;
  });
  rows.sort((a, b) => compareMatches(sharded.assumptions.workload, a, b));
  return {
    ...sharded,
    assumptions: { ...sharded.assumptions, top },
    warnings: [...new Set([...single.warnings, ...sharded.warnings])],
    matches: rows.slice(0, top ?? undefined).map((match, index) => ({ ...match, rank: index + 1 })),
  };
}
