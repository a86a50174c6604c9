import {
  estimateTrainingFromSpec,
  type TrainingEstimate,
} from "../memory/training/estimate-training.js";
import { TRAINING_OPTIONS, type TrainingOptions } from "../memory/training/training-options.js";
import { checkKnownOptions, optionsOf } from "../options/option-fields.js";
import type { ModelInput } from "../io/model-input.js";
import { resolveModel } from "../io/resolve-model.js";
import { HUB_OPTIONS, type HubOptions } from "../io/hub-options.js";

/**
 * Estimates the GPU memory to train or fine-tune a model: resolves it (repo id, local path,
 * config object or spec), then sizes model states, activations, logits and overhead per GPU for
 * full training, LoRA or QLoRA.
 *
 * @throws {ModelNotFoundError} when the model cannot be found.
 * @throws {InvalidConfigError} when its config cannot describe a model.
 * @throws {InvalidOptionError} for options vramfit cannot use, or an unknown option key.
 * @example
 * const estimate = await estimateTraining("meta-llama/Meta-Llama-3-8B", { method: "lora", rank: 16 });
 * estimate.parameters.trainable // 41_943_040
 * formatBytes(estimate.memory.perGpu.totalBytes)
 */
export async function estimateTraining(
  model: ModelInput,
  options: TrainingOptions & HubOptions = {},
): Promise<TrainingEstimate> {
  checkKnownOptions(options, [TRAINING_OPTIONS, HUB_OPTIONS], "estimateTraining");
  const resolved = await resolveModel(model, optionsOf(options, HUB_OPTIONS));
  const estimate = estimateTrainingFromSpec(resolved.spec, optionsOf(options, TRAINING_OPTIONS));
  return {
    ...estimate,
    model: { ...estimate.model, id: resolved.id, source: resolved.source },
  };
}
