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

// Training and fine-tuning memory (full, LoRA, QLoRA).
export { estimateTraining } from "./api/estimate-training.js";
export { estimateTrainingFromSpec, frozenBaseLayout } from "./memory/training/estimate-training.js";
export type {
  BytesPerParameter,
  LoraModuleCount,
  TrainingEstimate,
  TrainingMemory,
} from "./memory/training/estimate-training.js";
export {
  checkTrainingOptions,
  DEFAULT_TRAINING_OPTIONS,
  resolveTrainingOptions,
  TRAINING_METHODS,
} from "./memory/training/training-options.js";
export type {
  ResolvedTrainingOptions,
  TrainingAssumptions,
  TrainingMethod,
  TrainingOptions,
  ZeroStage,
} from "./memory/training/training-options.js";
export {
  BASE_PRECISION_IDS,
  BASE_PRECISIONS,
  nf4BitsPerParameter,
  TRAINING_PRECISION_IDS,
  TRAINING_PRECISIONS,
} from "./memory/training/precision.js";
export type {
  BasePrecision,
  BasePrecisionSpec,
  TrainingPrecision,
  TrainingPrecisionSpec,
} from "./memory/training/precision.js";
export {
  OPTIMIZER_8BIT_BLOCK_SIZE,
  OPTIMIZER_IDS,
  OPTIMIZERS,
  optimizerStateBytes,
} from "./memory/training/optimizers.js";
export type {
  OptimizerId,
  OptimizerSpec,
  OptimizerStateLayout,
} from "./memory/training/optimizers.js";
export {
  activeParameterCount,
  elementsOf,
  LORA_TARGETS,
  linearModules,
  moeLayerCount,
  parameterTensors,
  trainingParameterBreakdown,
} from "./memory/training/modules.js";
export type { LinearModule, LoraTarget, ParameterTensor } from "./memory/training/modules.js";
export {
  adaptedModules,
  LORA_TARGET_ALIASES,
  LORA_TARGET_PRESET_IDS,
  LORA_TARGET_PRESETS,
  loraParameterCount,
  loraParametersPerModule,
  loraTensors,
  tensorParameterCount,
} from "./memory/training/lora.js";
export type { LoraTargetPreset } from "./memory/training/lora.js";
export {
  frozenBaseBytes,
  shardModelStates,
  trainableStateBytes,
} from "./memory/training/model-states.js";
export type {
  FrozenBaseLayout,
  ModelStateBytes,
  Parallelism,
  ShardedModelStates,
} from "./memory/training/model-states.js";
export {
  activationBytes,
  activationBytesPerLayer,
  ATTENTION_KERNELS,
  CROSS_ENTROPY,
  CROSS_ENTROPY_IDS,
  logitsBytes,
} from "./memory/training/activations.js";
export type {
  ActivationBytes,
  ActivationOptions,
  AttentionKernel,
  CrossEntropyKind,
  CrossEntropySpec,
} from "./memory/training/activations.js";
export { trainingOverheadBytes } from "./memory/training/overhead.js";
export type { TrainingOverhead } from "./memory/training/overhead.js";
export {
  TRADE_OFF_RANKS,
  TRADE_OFF_TARGETS,
  trainingTradeOffs,
} from "./memory/training/trade-offs.js";
export type { TrainingTradeOff } from "./memory/training/trade-offs.js";
