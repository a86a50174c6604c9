// vramfit: how much GPU memory a Hugging Face model needs, and which GPUs fit it.
//
// Every public name is listed here, so each addition is a visible diff. Each question has an
// async door that resolves the model (Hub repo id, path, config object or spec) and a pure,
// synchronous twin that takes a ModelSpec or an estimate and runs anywhere (browser, worker).
//
// Deliberately left out: the zod schemas, the per-architecture formulas (MoE, MLA, state
// space, vision), the serving engines' rules behind `fitOnGpu` (profile run, KV pages, each
// release's defaults and measured constants), the catalogs of engine flags and every other
// building block. They are
// internal and may change in any release; the JSON Schemas of every input file and result
// ship in the package instead (`vramfit/schemas/*.json`, `vramfit schema <name>`).
// Deployment blueprints, the checklist and config templates live in `vramfit/deploy`.

// Questions, asked of a model (async: resolves it first).
export { estimateInference } from "./api/estimate-inference.js";
export { estimateMany } from "./api/estimate-many.js";
export type { EstimateManyItem, EstimateManyOptions } from "./api/estimate-many.js";
export { estimateTraining } from "./api/estimate-training.js";
export { rankGpus, rankInstances } from "./api/rank-gpus.js";
export { fitOnGpu } from "./api/fit-on-gpu.js";
export type { RankGpusOptions } from "./api/rank-gpus.js";
export { resolveModel } from "./io/resolve-model.js";
export type { ResolvedModel } from "./io/resolve-model.js";
export type { HubOptions } from "./io/hub-options.js";
export { createHubBackoff, type HubBackoff, type HubProgress } from "./io/hub/progress.js";
export type { ModelInput } from "./io/model-input.js";

// The same questions, pure and synchronous.
export { estimateInferenceFromSpec } from "./memory/estimate-inference.js";
export type { InferenceEstimate } from "./memory/estimate-inference.js";
export type { InferenceOptions } from "./memory/inference-options.js";
export { estimateTrainingFromSpec } from "./memory/training/estimate-training.js";
export type { TrainingEstimate } from "./memory/training/estimate-training.js";
export type {
  TrainingMethod,
  TrainingOptions,
  TrainingWarningCode,
} from "./memory/training/training-options.js";
export type { TrainingFramework } from "./memory/training/frameworks.js";
export type { TimelineMoment, TrainingPhase } from "./memory/training/timeline.js";
export { trainingTradeOffs } from "./memory/training/trade-offs.js";
export { rankGpusForEstimate } from "./hardware/rank-gpus.js";
export type { GpuMatch, GpuRanking } from "./hardware/rank-gpus.js";
export { rankInstancesForEstimate } from "./hardware/rank-instances.js";
export type { InstanceMatch, InstanceRanking } from "./hardware/rank-instances.js";
export { searchDeployments } from "./hardware/search/search-deployments.js";
export type {
  DeploymentConfig,
  DeploymentSearch,
  SearchDeploymentsOptions,
  SearchTargets,
} from "./hardware/search/search-deployments.js";
export type { SearchObjective, SearchOptions } from "./hardware/search/search-options.js";
export { fitOnGpuFromSpec } from "./hardware/fit-on-gpu.js";
export type { FitAssumptions, GpuFit } from "./hardware/fit-on-gpu.js";
export type { FitOptions } from "./hardware/fit-options.js";
export type { EngineOptions } from "./memory/serving/engine-options.js";
export type { BudgetTerm, ServingBudget } from "./memory/serving/serving-types.js";

// The model: config.json -> ModelSpec, and the parameter count.
export { parseModelConfig } from "./model/config/parse.js";
export type { ModelSpec } from "./model/model-spec.js";
export { countParameters } from "./model/parameters.js";
export type { ParameterBreakdown } from "./model/parameter-breakdown.js";
export { BUNDLED_MODELS } from "./model/bundled/snapshot.js";
export type { BundledModel } from "./model/bundled/bundled-model.js";

// Memory formulas, one per component (docs/methodology.md).
export { weightsBytes } from "./memory/weights.js";
export { kvCacheBytes, kvCacheBytesPerToken } from "./memory/kv-cache.js";
export { KV_CACHE_BITS, WEIGHT_PRECISIONS } from "./memory/precision.js";
export type { KvCacheDtype, WeightPrecision } from "./memory/precision.js";

// Hardware catalogs: accelerators and cloud instances, each row with its source and date.
export { ACCELERATORS } from "./hardware/accelerators.js";
export type { AcceleratorSpec } from "./hardware/accelerator.js";
export { INSTANCES } from "./hardware/instances.js";
export type { InstanceSpec } from "./hardware/instance.js";
export { parseGpuCatalog } from "./hardware/catalog-file.js";
export type { GpuCatalogFile } from "./hardware/catalog-file.js";

// Units: bytes <-> GB (10^9) and GiB (2^30).
export {
  BYTES_PER_GB,
  BYTES_PER_GIB,
  bytesToGB,
  bytesToGiB,
  formatBytes,
  gbToBytes,
  gibToBytes,
} from "./units.js";
export type { FormatBytesOptions, MemoryUnit } from "./units.js";

// Errors: one base class with a stable `code`.
export {
  AlreadyQuantizedError,
  HubError,
  InvalidConfigError,
  InvalidOptionError,
  ModelNotFoundError,
  UnsupportedArchitectureError,
  VramfitError,
} from "./errors.js";
export type { ErrorCode, HubErrorCode } from "./errors.js";
