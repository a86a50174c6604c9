import { INFERENCE_OPTIONS, type InferenceOptions } from "../memory/inference-options.js";
import { checkKnownOptions, optionsOf } from "../options/option-fields.js";
import { estimateInferenceFromSpec, type InferenceEstimate } from "../memory/estimate-inference.js";
import type { ModelInput } from "../io/model-input.js";
import { resolveModel } from "../io/resolve-model.js";
import { HUB_OPTIONS, type HubOptions } from "../io/hub-options.js";

/**
 * Estimates the GPU memory to serve a model: resolves it (repo id, local path, config
 * object or spec), then sizes weights, KV cache and overhead.
 *
 * A repo id is read from the Hub (see {@link resolveModel}); with safetensors weights the
 * parameter count and, at `weights: "auto"`, the weights' bytes are exact.
 *
 * @throws {ModelNotFoundError} when the model cannot be found.
 * @throws {HubError} when the Hub refuses or fails and no cached or bundled copy can stand in.
 * @throws {InvalidConfigError} when its config cannot describe a model.
 * @throws {InvalidOptionError} for options vramfit cannot use, or an unknown option key.
 * @example
 * const estimate = await estimateInference("meta-llama/Meta-Llama-3-70B", { contextLength: 4096, batchSize: 8, offline: true });
 * formatBytes(estimate.memory.totalBytes) // "168.72 GB"
 */
export async function estimateInference(
  model: ModelInput,
  options: InferenceOptions & HubOptions = {},
): Promise<InferenceEstimate> {
  checkKnownOptions(options, [INFERENCE_OPTIONS, HUB_OPTIONS], "estimateInference");
  const resolved = await resolveModel(model, optionsOf<HubOptions>(options, HUB_OPTIONS));
  const estimate = estimateInferenceFromSpec(resolved.spec, {
    ...optionsOf<InferenceOptions>(options, INFERENCE_OPTIONS),
    checkpoint: options.checkpoint ?? resolved.checkpoint,
  });
  return {
    ...estimate,
    model: { ...estimate.model, id: resolved.id, source: resolved.source },
    warnings: [...(resolved.warnings ?? []), ...estimate.warnings],
  };
}
