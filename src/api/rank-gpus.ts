import { VramfitError } from "../errors.js";
import {
  DEFAULT_CATALOG,
  mergeCatalogs,
  type CatalogMode,
  type GpuCatalog,
} from "../hardware/catalog.js";
import { rankGpusForEstimate, type GpuRanking } from "../hardware/rank-gpus.js";
import { rankInstancesForEstimate, type InstanceRanking } from "../hardware/rank-instances.js";
import type { RankOptions } from "../hardware/rank-options.js";
import { isTrainingEstimate, type RankableEstimate } from "../hardware/prepare-ranking.js";
import type { InferenceEstimate } from "../memory/estimate-inference.js";
import type { InferenceOptions } from "../memory/inference-options.js";
import { parseGpuCatalog, type GpuCatalogFile } from "../hardware/catalog-file.js";
import { estimateInference } from "./estimate-inference.js";
import type { ModelInput } from "../io/model-input.js";
import type { HubOptions } from "../io/hub-options.js";

/** Options of {@link rankGpus} and {@link rankInstances}: the estimate's, the ranking's, and a catalog. */
export interface RankGpusOptions extends InferenceOptions, RankOptions, HubOptions {
  /**
   * Your own accelerators and instances (internal fleets, fresher prices), in the catalog file
   * format; validated like `--catalog file.json`.
   */
  readonly catalog?: GpuCatalogFile | undefined;
  /**
   * `extend` adds the catalog's rows to the built-in ones (same id: yours wins); `replace` ranks
   * over yours only, table by table.
   * @default the catalog's own `mode`, else "extend"
   */
  readonly catalogMode?: CatalogMode | undefined;
}

/**
 * Ranks GPUs for a model or an estimate: whether it fits each accelerator, at which tensor-parallel
 * degree, how fast it serves and the cheapest known price with its date. Given a model (repo id,
 * path, config or spec), it is estimated first with {@link estimateInference}; given a
 * `TrainingEstimate` (from `estimateTraining`), it ranks on training memory and picks the GPU count
 * (see `requirementFromTraining`). The ranking itself is pure.
 *
 * @throws {ModelNotFoundError} / {InvalidConfigError} when the model cannot be resolved.
 * @throws {InvalidOptionError} for options out of range.
 * @throws {VramfitError} `CATALOG_INVALID` for a bad catalog.
 * @example
 * const { matches } = await rankGpus("meta-llama/Meta-Llama-3-70B", { contextLength: 4096, batchSize: 8 });
 * matches[0].acceleratorId // the cheapest GPU that meets the 350 ms TTFT target
 */
export async function rankGpus(
  estimateOrModel: RankableEstimate | ModelInput,
  options: RankGpusOptions = {},
): Promise<GpuRanking> {
  const catalog = catalogFromOptions(options);
  const estimate = await toEstimate(estimateOrModel, options);
  return rankGpusForEstimate(estimate, { ...options, catalog });
}

/**
 * Ranks cloud instances for a model or an estimate: fit, replicas per instance, tokens/s and
 * $ per 1M output tokens, every price with its source and date. Placeholder and fractional-GPU
 * rows of the snapshot are listed in `excluded`, not ranked.
 *
 * @throws {ModelNotFoundError} / {InvalidConfigError} when the model cannot be resolved.
 * @throws {InvalidOptionError} for options out of range.
 * @throws {VramfitError} `CATALOG_INVALID` for a bad catalog.
 * @example
 * const { matches } = await rankInstances("meta-llama/Meta-Llama-3-70B", { workload: "batch", clouds: ["aws"] });
 */
export async function rankInstances(
  estimateOrModel: RankableEstimate | ModelInput,
  options: RankGpusOptions = {},
): Promise<InstanceRanking> {
  const catalog = catalogFromOptions(options);
  const estimate = await toEstimate(estimateOrModel, options);
  return rankInstancesForEstimate(estimate, { ...options, catalog });
}

/** Whether a value is an {@link InferenceEstimate} rather than a model to resolve. */
export function isInferenceEstimate(value: unknown): value is InferenceEstimate {
  if (typeof value !== "object" || value === null) return false;
  const candidate = value as Partial<Record<keyof InferenceEstimate, unknown>>;
  return (
    typeof candidate.memory === "object" &&
    typeof candidate.parameters === "object" &&
    typeof candidate.assumptions === "object" &&
    typeof candidate.spec === "object" &&
    !isTrainingEstimate(candidate as InferenceEstimate)
  );
}

async function toEstimate(
  input: RankableEstimate | ModelInput,
  options: RankGpusOptions,
): Promise<RankableEstimate> {
  if (isInferenceEstimate(input)) return input;
  if (isEstimateLike(input) && isTrainingEstimate(input)) return input;
  return estimateInference(input, options);
}

function isEstimateLike(value: unknown): value is RankableEstimate {
  return typeof value === "object" && value !== null && "memory" in value && "spec" in value;
}

/**
 * The catalog a ranking runs over: the built-in one, combined with the caller's (validated).
 *
 * @throws {VramfitError} `CATALOG_INVALID` for a bad catalog or an instance naming an unknown accelerator.
 */
export function catalogFromOptions(options: {
  readonly catalog?: GpuCatalogFile | undefined;
  readonly catalogMode?: CatalogMode | undefined;
}): GpuCatalog {
  if (options.catalog === undefined) return DEFAULT_CATALOG;
  const parsed = parseGpuCatalog(options.catalog);
  return checkedCatalog(mergeCatalogs(DEFAULT_CATALOG, parsed, options.catalogMode ?? parsed.mode));
}

/**
 * Checks that every instance names an accelerator the catalog has.
 *
 * @throws {VramfitError} `CATALOG_INVALID` naming the first instance that does not.
 */
export function checkedCatalog(catalog: GpuCatalog, subject = "catalog"): GpuCatalog {
  for (const [id, instance] of Object.entries(catalog.instances)) {
    if (catalog.accelerators[instance.acceleratorId] === undefined) {
      throw new VramfitError(
        "CATALOG_INVALID",
        `Invalid GPU ${subject}: instance "${id}" names the accelerator "${instance.acceleratorId}", which is not in the catalog.`,
        {
          hint: `Add it under "accelerators", or use a built-in id such as ${Object.keys(catalog.accelerators).slice(0, 3).join(", ")}.`,
        },
      );
    }
  }
  return catalog;
}
