import {
  CATALOG_OPTIONS,
  catalogFromOptions,
  type CatalogOptions,
} from "../hardware/catalog-options.js";
import type { RankableEstimate } from "../hardware/prepare-ranking.js";
import { rankGpusWithCatalog, type GpuRanking } from "../hardware/rank-gpus.js";
import { rankInstancesWithCatalog, type InstanceRanking } from "../hardware/rank-instances.js";
import { RANK_OPTIONS, type RankOptions } from "../hardware/rank-options.js";
import { HUB_OPTIONS, type HubOptions } from "../io/hub-options.js";
import type { ModelInput } from "../io/model-input.js";
import { INFERENCE_OPTIONS, type InferenceOptions } from "../memory/inference-options.js";
import { checkKnownOptions, optionsOf } from "../options/option-fields.js";
import { estimateInference } from "./estimate-inference.js";

/**
 * Options of {@link rankGpus} and {@link rankInstances}: the estimate's (when given a model),
 * the ranking's, your catalog, and where to find the model.
 */
export interface RankGpusOptions
  extends InferenceOptions, RankOptions, CatalogOptions, HubOptions {}

/** Every option table {@link rankGpus} reads. */
const TABLES = [INFERENCE_OPTIONS, RANK_OPTIONS, CATALOG_OPTIONS, HUB_OPTIONS];

/**
 * Ranks GPUs for a model or an estimate: whether it fits each accelerator, at which tensor-parallel
 * degree, how fast it serves and the cheapest known price with its date. Given a model (repo id,
 * path, config or spec), it is estimated first with {@link estimateInference}; given an estimate
 * (`kind: "inference"`, or `kind: "training"` from `estimateTraining`, ranked on training memory
 * with the GPU count it needs), it is ranked as is. The ranking itself is pure.
 *
 * @throws {ModelNotFoundError} / {InvalidConfigError} when the model cannot be resolved.
 * @throws {InvalidOptionError} for options out of range, or an unknown option key.
 * @throws {VramfitError} `CATALOG_INVALID` for a bad catalog.
 * @example
 * const { matches } = await rankGpus("meta-llama/Meta-Llama-3-70B", { contextLength: 4096, batchSize: 8 });
 * matches[0].acceleratorId // the cheapest GPU that meets the 350 ms TTFT target
 */
export async function rankGpus(
  modelOrEstimate: ModelInput | RankableEstimate,
  options: RankGpusOptions = {},
): Promise<GpuRanking> {
  checkKnownOptions(options, TABLES, "rankGpus");
  const catalog = catalogFromOptions(options);
  const estimate = await toEstimate(modelOrEstimate, options);
  return rankGpusWithCatalog(estimate, optionsOf<RankOptions>(options, RANK_OPTIONS), catalog);
}

/**
 * Ranks cloud instances for a model or an estimate: fit, replicas per instance, tokens/s and
 * $ per 1M output tokens, every price with its source and date. Placeholder and fractional-GPU
 * rows of the snapshot are listed in `excluded`, not ranked.
 *
 * @throws {ModelNotFoundError} / {InvalidConfigError} when the model cannot be resolved.
 * @throws {InvalidOptionError} for options out of range, or an unknown option key.
 * @throws {VramfitError} `CATALOG_INVALID` for a bad catalog.
 * @example
 * const { matches } = await rankInstances("meta-llama/Meta-Llama-3-70B", { workload: "batch", clouds: ["aws"] });
 */
export async function rankInstances(
  modelOrEstimate: ModelInput | RankableEstimate,
  options: RankGpusOptions = {},
): Promise<InstanceRanking> {
  checkKnownOptions(options, TABLES, "rankInstances");
  const catalog = catalogFromOptions(options);
  const estimate = await toEstimate(modelOrEstimate, options);
  return rankInstancesWithCatalog(estimate, optionsOf<RankOptions>(options, RANK_OPTIONS), catalog);
}

/** An estimate as given (told apart by its `kind`), or the model estimated first. */
async function toEstimate(
  input: ModelInput | RankableEstimate,
  options: RankGpusOptions,
): Promise<RankableEstimate> {
  if (isEstimate(input)) return input;
  return estimateInference(
    input,
    optionsOf<InferenceOptions & HubOptions>(options, INFERENCE_OPTIONS, HUB_OPTIONS),
  );
}

function isEstimate(input: ModelInput | RankableEstimate): input is RankableEstimate {
  return (
    typeof input === "object" &&
    "kind" in input &&
    (input.kind === "inference" || input.kind === "training")
  );
}
