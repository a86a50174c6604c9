import type { InferenceEstimate } from "../memory/estimate-inference.js";
import type { TrainingEstimate } from "../memory/training/estimate-training.js";
import { prepareInferenceRanking } from "./inference-requirement.js";
import type { RankAssumptions, RankOptions } from "./rank-options.js";
import type { GpuRequirement } from "./requirement.js";
import { prepareTrainingRanking } from "./training-requirement.js";

/** What the rankings accept: a serving estimate, or a training one (ranked on training memory). */
export type RankableEstimate = InferenceEstimate | TrainingEstimate;

/** Whether an estimate is a {@link TrainingEstimate} (it has a training `method`). */
export function isTrainingEstimate(estimate: RankableEstimate): estimate is TrainingEstimate {
  return "method" in estimate && "bytesPerParameter" in estimate;
}

/**
 * Resolves the ranking options and converts either kind of estimate into a requirement: the
 * common first step of both rankings.
 *
 * @throws {InvalidOptionError} for options out of range.
 */
export function prepareRanking(
  estimate: RankableEstimate,
  options: RankOptions,
): { readonly requirement: GpuRequirement; readonly assumptions: RankAssumptions } {
  return isTrainingEstimate(estimate)
    ? prepareTrainingRanking(estimate, options)
    : prepareInferenceRanking(estimate, options);
}
