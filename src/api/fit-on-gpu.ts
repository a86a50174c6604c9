import { CATALOG_OPTIONS, catalogFromOptions } from "../hardware/catalog-options.js";
import { fitWithCatalog, type GpuFit } from "../hardware/fit-on-gpu.js";
import { FIT_OPTIONS, type FitOptions } from "../hardware/fit-options.js";
import { HUB_OPTIONS, type HubOptions } from "../io/hub-options.js";
import type { ModelInput } from "../io/model-input.js";
import { resolveModel } from "../io/resolve-model.js";
import { checkKnownOptions, optionsOf } from "../options/option-fields.js";

/**
 * Whether a model fits a GPU under vLLM or SGLang, sized the way the engine sizes itself at
 * start-up (weights as loaded, the profile run's activation peak, non-torch and CUDA-graph
 * memory, KV blocks), with every term of the budget and its source. Resolves the model first
 * (Hub repo id, path, config object or spec); with safetensors weights the weights are exact.
 * The pure twin is `fitOnGpuFromSpec`.
 *
 * @throws {ModelNotFoundError} / {InvalidConfigError} when the model cannot be resolved.
 * @throws {InvalidOptionError} for a missing or unknown `gpu` (with close matches), a
 * tensor-parallel degree that cannot split the heads, or an option out of range or unknown.
 * @throws {VramfitError} `CATALOG_INVALID` for a bad catalog.
 * @example
 * const fit = await fitOnGpu("meta-llama/Llama-3.1-8B-Instruct", { gpu: "nvidia-rtx-3090", contextLength: 29_000, gpuMemoryUtilization: 0.9, engineVersion: "0.6.4" });
 * fit.fits // false: vLLM 0.6.4 keeps 23,648 tokens of KV cache there (vllm#10517)
 */
export async function fitOnGpu(
  model: ModelInput,
  options: FitOptions & HubOptions,
): Promise<GpuFit> {
  checkKnownOptions(options, [FIT_OPTIONS, CATALOG_OPTIONS, HUB_OPTIONS], "fitOnGpu");
  const catalog = catalogFromOptions(options);
  const resolved = await resolveModel(model, optionsOf<HubOptions>(options, HUB_OPTIONS));
  const fit = fitWithCatalog(
    resolved.spec,
    {
      ...optionsOf<FitOptions>(options, FIT_OPTIONS),
      checkpoint: options.checkpoint ?? resolved.checkpoint,
    },
    catalog,
  );
  return {
    ...fit,
    model: { ...fit.model, id: resolved.id, source: resolved.source },
    warnings: [...(resolved.warnings ?? []), ...fit.warnings],
  };
}
