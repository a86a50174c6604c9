// The public API of vramfit: every export is named here, so each addition is a visible diff.

// Estimates (resolve a model, then size it).
export { estimateInference } from "./api/estimate-inference.js";
export { resolveModel } from "./api/resolve-model.js";
export type { ResolvedModel } from "./api/resolve-model.js";
export type { ResolveModelOptions } from "./api/resolve-options.js";
export { isModelSpec } from "./api/model-input.js";
export type { ModelInput } from "./api/model-input.js";

// Pure core: model spec, parameters, memory.
export { estimateInferenceFromSpec } from "./memory/estimate-inference.js";
export type { InferenceEstimate, InferenceMemory } from "./memory/estimate-inference.js";
export { DEFAULT_INFERENCE_OPTIONS, resolveInferenceOptions } from "./memory/inference-options.js";
export type { InferenceAssumptions, InferenceOptions } from "./memory/inference-options.js";
export { kvCacheBytes, kvCacheBytesPerToken, kvCacheShardableHeads } from "./memory/kv-cache.js";
export type { KvCacheOptions } from "./memory/kv-cache.js";
export { overheadBytes } from "./memory/overhead.js";
export { uniformWeightsBytes, weightsBytes } from "./memory/weights.js";
export {
  KV_CACHE_BITS,
  KV_CACHE_DTYPE_IDS,
  WEIGHT_PRECISION_IDS,
  WEIGHT_PRECISIONS,
  groupQuantizedBitsPerParameter,
} from "./memory/precision.js";
export type {
  GroupQuantization,
  KvCacheDtype,
  WeightPrecision,
  WeightPrecisionSpec,
} from "./memory/precision.js";
export {
  attentionParametersPerLayer,
  countParameters,
  mlpParametersPerLayer,
  normParameters,
} from "./model/parameters.js";
export type { ParameterBreakdown } from "./model/parameters.js";
export { DENSE_FAMILIES, familyFacts } from "./model/families.js";
export type { DenseFamily, FamilyFacts } from "./model/families.js";
export type {
  ArchitectureLayout,
  CheckpointQuantization,
  MixtureOfExperts,
  MlpKind,
  ModelSpec,
  NormKind,
  TorchDtype,
} from "./model/model-spec.js";
export type { ModelSource, ParameterSource } from "./model/model-source.js";

// Schema: config.json -> ModelSpec.
export { parseModelConfig, validateModelConfig } from "./schema/parse.js";
export { CONFIG_ALIASES, toModelSpec } from "./schema/normalize.js";
export type { NormalizeOptions } from "./schema/normalize.js";
export { ModelConfigSchema, TextConfigSchema } from "./schema/model-config.js";
export type { ModelConfig, TextConfig } from "./schema/model-config.js";

// Bundled offline snapshot.
export { BUNDLED_MODELS } from "./bundled/snapshot.js";
export { bundledModelIds, findBundledModel } from "./bundled/find-bundled-model.js";
export type { BundledModel } from "./bundled/bundled-model.js";

// Units and errors.
export {
  BYTES_PER_GB,
  BYTES_PER_GIB,
  BYTES_PER_KIB,
  BYTES_PER_MIB,
  bytesToGB,
  bytesToGiB,
  formatBytes,
  gbToBytes,
  gibToBytes,
  mibToBytes,
} from "./units.js";
export type { FormatBytesOptions, MemoryUnit } from "./units.js";
export {
  InvalidConfigError,
  InvalidOptionError,
  ModelNotFoundError,
  UnsupportedArchitectureError,
  VramfitError,
} from "./errors.js";
export type { ConfigSubject, ErrorCode, VramfitErrorOptions } from "./errors.js";

// Hub client: typed errors of Hub requests, and the checkpoint facts read from safetensors.
export { HubError } from "./errors.js";
export type { HubErrorCode, HubErrorDetails } from "./errors.js";
export { sizeFromCheckpoint } from "./memory/checkpoint.js";
export type { CheckpointFacts, CheckpointSizing } from "./memory/checkpoint.js";
