// The public API of vramfit: every export is named here, so each addition is a visible diff.

// Estimates (resolve a model, then size it).
export { estimateInference } from "./api/estimate-inference.js";
export { resolveModel } from "./io/resolve-model.js";
export type { ResolvedModel } from "./io/resolve-model.js";
export type { ResolveModelOptions } from "./io/resolve-options.js";
export { isModelSpec } from "./io/model-input.js";
export type { ModelInput } from "./io/model-input.js";

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
export { parseModelConfig, validateModelConfig } from "./model/config/parse.js";
export { CONFIG_ALIASES, toModelSpec } from "./model/config/normalize.js";
export type { NormalizeOptions } from "./model/config/normalize.js";
export { ModelConfigSchema, TextConfigSchema } from "./model/config/model-config.js";
export type { ModelConfig, TextConfig } from "./model/config/model-config.js";

// Bundled offline snapshot.
export { BUNDLED_MODELS } from "./model/bundled/snapshot.js";
export { bundledModelIds, findBundledModel } from "./model/bundled/find-bundled-model.js";
export type { BundledModel } from "./model/bundled/bundled-model.js";

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
  AlreadyQuantizedError,
  EngineRuleError,
  InvalidConfigError,
  InvalidOptionError,
  ModelNotFoundError,
  UnsupportedArchitectureError,
  VramfitError,
} from "./errors.js";
export type { ConfigSubject, ErrorCode, VramfitErrorOptions } from "./errors.js";

// GPU catalog and ranking.
export {
  rankGpus,
  rankInstances,
  isInferenceEstimate,
  catalogFromOptions,
} from "./api/rank-gpus.js";
export type { RankGpusOptions } from "./api/rank-gpus.js";
export { ACCELERATORS } from "./hardware/accelerators.js";
export type { BuiltInAcceleratorId } from "./hardware/accelerators.js";
export type {
  AcceleratorSpec,
  AcceleratorVendor,
  Fp8Support,
  MemorySource,
  TensorParallelLink,
} from "./hardware/accelerator.js";
export { EXCLUDED_INSTANCES, INSTANCES } from "./hardware/instances.js";
export type { BuiltInInstanceId } from "./hardware/instances.js";
export type { ExcludedInstance, InstanceSpec } from "./hardware/instance.js";
export { DEFAULT_CATALOG, mergeCatalogs } from "./hardware/catalog.js";
export type { CatalogMode, GpuCatalog, GpuCatalogExtension } from "./hardware/catalog.js";
export type { ComputePhase, ComputePrecision, GpuRequirement } from "./hardware/requirement.js";
export { requirementFromInference } from "./hardware/inference-requirement.js";
export type { InferenceRequirementOptions } from "./hardware/inference-requirement.js";
export { executionOn } from "./hardware/execution.js";
export type { Execution } from "./hardware/execution.js";
export {
  findTopology,
  GPUS_PER_NODE,
  perGpuBytes,
  TENSOR_PARALLEL_DEGREES,
  tensorParallelProblem,
} from "./hardware/topology.js";
export type { PerGpuBytes, TensorParallelTrial, Topology } from "./hardware/topology.js";
export { phaseTime } from "./hardware/roofline.js";
export type { PhaseTime, RooflineTarget } from "./hardware/roofline.js";
export { kvCacheCapacity } from "./hardware/capacity.js";
export type { KvCacheCapacity, KvCacheCapacityOptions } from "./hardware/capacity.js";
export { DEFAULT_RANK_OPTIONS, resolveRankOptions } from "./hardware/rank-options.js";
export type { RankAssumptions, RankOptions } from "./hardware/rank-options.js";
export { WORKLOAD_IDS, WORKLOADS } from "./hardware/workloads.js";
export type { Workload } from "./hardware/workloads.js";
export { rankGpusForEstimate, rankGpusForRequirement } from "./hardware/rank-gpus.js";
export type { GpuMatch, GpuRanking, RankGpusPureOptions } from "./hardware/rank-gpus.js";
export {
  rankInstancesForEstimate,
  rankInstancesForRequirement,
} from "./hardware/rank-instances.js";
export type { InstanceMatch, InstanceRanking } from "./hardware/rank-instances.js";
export { rankGpusForTraining, rankInstancesForTraining } from "./hardware/rank-training.js";
export type { TrainingRankingEstimates } from "./hardware/rank-training.js";
export type { MatchFigures, RankingHeader, WorkloadSummary } from "./hardware/match.js";
export type { PricePoint } from "./hardware/price.js";
export { evaluateAccelerator } from "./hardware/evaluate.js";
export type { Evaluation, TtftTargetMetAt } from "./hardware/evaluate.js";
export { GpuCatalogFileSchema, parseGpuCatalog } from "./hardware/catalog-file.js";
export type { GpuCatalogFile, ParsedGpuCatalog } from "./hardware/catalog-file.js";
// Deployment templates: vLLM, TGI, axolotl / PEFT, Terraform, CloudFormation, Kubernetes.
export type {
  FleetPlan,
  InfraPlan,
  InfraScaling,
  LoraAdapter,
  ScalingMetric,
  ServingLora,
  ServingPlan,
  TemplateFile,
  TemplateOutput,
  TrainingDataset,
  TrainingPlan,
  Warmup,
} from "./deploy/templates/plans.js";
export {
  DEFAULT_SERVING_PLAN,
  resolveServingPlan,
} from "./deploy/templates/resolve-serving-plan.js";
export type { ResolvedServingPlan } from "./deploy/templates/resolve-serving-plan.js";
export {
  DEFAULT_TRAINING_PLAN,
  resolveTrainingPlan,
} from "./deploy/templates/resolve-training-plan.js";
export type { ResolvedTrainingPlan } from "./deploy/templates/resolve-training-plan.js";
export { DEFAULT_INFRA_PLAN, SCALING_METRICS, resolveFleetPlan } from "./deploy/templates/fleet.js";
export type { FleetOptions, ResolvedFleetPlan } from "./deploy/templates/fleet.js";
export {
  VLLM_DEFAULT_MAX_NUM_BATCHED_TOKENS,
  renderVllmCommand,
  renderVllmConfigYaml,
  renderVllmDockerRun,
  vllmServeArgs,
} from "./deploy/templates/vllm.js";
export type {
  VllmArg,
  VllmArgValue,
  VllmCommand,
  VllmConfigYaml,
  VllmDockerOptions,
  VllmServeArgs,
} from "./deploy/templates/vllm.js";
export {
  TGI_DEFAULT_MAX_BATCH_PREFILL_TOKENS,
  renderTgiDockerRun,
  renderTgiLauncher,
  tgiLauncherArgs,
} from "./deploy/templates/tgi.js";
export type {
  TgiArg,
  TgiCommand,
  TgiDockerOptions,
  TgiLauncherArgs,
} from "./deploy/templates/tgi.js";
export { renderAxolotlYaml } from "./deploy/templates/axolotl.js";
export type { AxolotlConfig } from "./deploy/templates/axolotl.js";
export { renderPeftLoraConfig } from "./deploy/templates/peft.js";
export type { PeftLoraConfig } from "./deploy/templates/peft.js";
export { renderTerraformHcl, renderTerraformJson } from "./deploy/templates/terraform.js";
export type { TerraformHclTemplate, TerraformJsonTemplate } from "./deploy/templates/terraform.js";
export type { TerraformJson, TerraformJsonValue } from "./deploy/templates/hcl.js";
export { renderCloudFormationYaml } from "./deploy/templates/cloudformation.js";
export type { CloudFormationTemplate } from "./deploy/templates/cloudformation.js";
export { renderKubernetesDeployment } from "./deploy/templates/kubernetes.js";
export type { KubernetesDeployment, KubernetesOptions } from "./deploy/templates/kubernetes.js";
export {
  TEMPLATE_TARGETS,
  TEMPLATE_TARGET_IDS,
  renderTemplates,
} from "./deploy/templates/render-templates.js";
export type { TemplatePlans, TemplateTarget } from "./deploy/templates/render-templates.js";
export { ENGINE_RULES } from "./deploy/templates/engine-rules.js";
export type { EngineRule, EngineRuleId, RuleHandling } from "./deploy/templates/engine-rules.js";
export {
  KV_CACHE_DTYPE_FLAGS,
  WEIGHT_PRECISION_FLAGS,
} from "./deploy/templates/precision-flags.js";
export type { PrecisionFlags } from "./deploy/templates/precision-flags.js";
export { toYaml } from "./deploy/templates/yaml.js";
export type { PlainObject, PlainValue, YamlOptions } from "./deploy/templates/yaml.js";
export type {
  CatalogProvenance,
  FlagKind,
  FlagSpec,
  KeyTree,
  RemovedName,
} from "./deploy/templates/catalog-types.js";
export {
  VLLM_CATALOG,
  VLLM_CONFIG_FILE_KEYS,
  VLLM_DEFAULT_IMAGE,
  VLLM_DEPRECATED_QUANTIZATION_METHODS,
  VLLM_FLAGS,
  VLLM_KV_CACHE_DTYPES,
  VLLM_MAX_LORA_RANKS,
  VLLM_NEVER_EMITTED_FLAGS,
  VLLM_QUANTIZATION_METHODS,
  VLLM_REMOVED_FLAGS,
} from "./deploy/templates/vllm-catalog.js";
export type { VllmFlag } from "./deploy/templates/vllm-catalog.js";
export {
  DOCKER_RUN_OPTIONS,
  TGI_CATALOG,
  TGI_DEFAULT_IMAGE,
  TGI_FLAGS,
  TGI_MAINTENANCE_NOTE,
  TGI_NEVER_EMITTED_FLAGS,
  TGI_QUANTIZE_METHODS,
} from "./deploy/templates/tgi-catalog.js";
export type { TgiFlag } from "./deploy/templates/tgi-catalog.js";
export {
  AXOLOTL_ATTN_IMPLEMENTATIONS,
  AXOLOTL_CATALOG,
  AXOLOTL_DATASET_KEYS,
  AXOLOTL_DEPRECATED_KEYS,
  AXOLOTL_KEYS,
  BITSANDBYTES_CONFIG_KEYS,
  LORA_PRESETS,
  PEFT_CATALOG,
  PEFT_LORA_CONFIG_KEYS,
} from "./deploy/templates/training-catalog.js";
export type { AxolotlAttnImplementation, LoraPreset } from "./deploy/templates/training-catalog.js";
export {
  CLOUDFORMATION_CATALOG,
  CLOUDFORMATION_INTRINSICS,
  CLOUDFORMATION_RESOURCE_PROPERTIES,
  CLOUDFORMATION_TEMPLATE_KEYS,
  DLAMI_SSM_PARAMETER,
  SPOT_ALLOCATION_STRATEGIES,
  TERRAFORM_AWS_CATALOG,
  TERRAFORM_AWS_ENUMS,
  TERRAFORM_AWS_KEYS,
  TERRAFORM_AWS_PROVIDER_VERSION,
  TERRAFORM_AWS_REMOVED_ARGUMENTS,
} from "./deploy/templates/aws-catalog.js";
export type {
  CloudFormationResourceType,
  SpotAllocationStrategy,
} from "./deploy/templates/aws-catalog.js";
export {
  KUBERNETES_CATALOG,
  KUBERNETES_DEPLOYMENT_KEYS,
  NVIDIA_GPU_RESOURCE,
} from "./deploy/templates/kubernetes-catalog.js";
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
  elementsOf,
  LORA_TARGETS,
  linearModules,
  moeLayerCount,
  parameterTensors,
  reconcileTensors,
  tensorParameterCount,
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
// Architectures: MoE, MLA, windowed attention, hybrid state-space, vision, quantized checkpoints.
export { ARCHITECTURE_FAMILIES } from "./model/families.js";
export type { ArchitectureFamily } from "./model/families.js";
export { attentionLayerCount, attentionLayers, denseMlpLayerCount } from "./model/layers.js";
export {
  mlaDecompressedElementsPerToken,
  mlaLatentElementsPerToken,
  mlaParametersPerLayer,
} from "./model/mla.js";
export { mlpParameters } from "./model/mlp.js";
export { activeParameters } from "./model/parameters.js";
export {
  moeParametersPerLayer,
  routedExpertParametersPerLayer,
  routerParametersPerLayer,
  sharedExpertParametersPerLayer,
} from "./model/moe.js";
export { gatedDeltaNetMixer, mamba1Mixer, mamba2Mixer } from "./model/state-space.js";
export type {
  GatedDeltaNetDimensions,
  Mamba1Dimensions,
  Mamba2Dimensions,
  MixerShape,
} from "./model/state-space.js";
export {
  clipVisionParameters,
  gemma3ProjectorParameters,
  llama4ProjectorParameters,
  llama4VisionParameters,
  llavaProjectorParameters,
  qwenVisionParameters,
  siglipVisionParameters,
} from "./model/vision.js";
export type {
  Llama4VisionDimensions,
  QwenVisionDimensions,
  VitDimensions,
} from "./model/vision.js";
export type {
  AttentionLayers,
  ExtraParameters,
  MultiHeadLatentAttention,
  StateSpaceLayers,
  VisionEncoder,
} from "./model/model-spec.js";
export { cachedTokensPerSequence, kvBytesPerLayerPerToken } from "./memory/attention-layers.js";
export type { LayerCacheOptions } from "./memory/attention-layers.js";
export { INFERENCE_ENGINE_IDS, INFERENCE_ENGINES } from "./memory/engine.js";
export type { InferenceEngine } from "./memory/engine.js";
export { imageTokensPerImage } from "./memory/image-tokens.js";
export type { ImageSize } from "./memory/image-tokens.js";
export { DEFAULT_MAX_NUM_BATCHED_TOKENS } from "./memory/kv-cache.js";
export { checkpointWeightsBytes } from "./memory/quantized-weights.js";
export { stateCacheBytes } from "./memory/state-cache.js";
export {
  FIELD_KINDS,
  QUANTIZATION_CONFIG_FIELDS,
  QuantizationConfigSchema,
  TEXT_CONFIG_FIELDS,
  VISION_CONFIG_FIELDS,
  VisionConfigSchema,
} from "./model/config/model-config.js";
export type { FieldKind, QuantizationConfig, VisionConfig } from "./model/config/model-config.js";
export {
  TEXT_CONFIG_DEFAULTS,
  VISION_CONFIG_DEFAULTS,
} from "./model/config/families/config-defaults.js";
// Hub client: typed errors of Hub requests, and the checkpoint facts read from safetensors.
export { HubError } from "./errors.js";
export type { HubErrorCode, HubErrorDetails } from "./errors.js";
export { sizeFromCheckpoint } from "./memory/checkpoint.js";
export type { CheckpointFacts, CheckpointSizing } from "./memory/checkpoint.js";
// Training on the GPU ranking (issue 7).
export {
  prepareTrainingRanking,
  requirementFromTraining,
  TRAINING_FLOPS_PER_PARAMETER_TOKEN,
  TRAINING_RANK_DEFAULTS,
  unshardedModelStates,
} from "./hardware/training-requirement.js";
export type { UnshardedModelStates } from "./hardware/training-requirement.js";
export { isTrainingEstimate, prepareRanking } from "./hardware/prepare-ranking.js";
export type { RankableEstimate } from "./hardware/prepare-ranking.js";
export type { GpuSharding } from "./hardware/requirement.js";
export { evaluateTopology } from "./hardware/evaluate.js";
export { splitProblem } from "./hardware/topology.js";
// Deployment blueprint and pre-deployment checklist (issue 7).
export { isDeploymentPlan, planDeployment, validateDeployment } from "./api/plan-deployment.js";
export type { PlanDeploymentOptions, ValidateDeploymentOptions } from "./api/plan-deployment.js";
export { planDeploymentFromSpec } from "./deploy/blueprint/plan-deployment.js";
export type { PlanDeploymentPureOptions } from "./deploy/blueprint/plan-deployment.js";
export type {
  BaselineComparison,
  ChosenDeployment,
  ComparedDeployment,
  DeploymentPlan,
  LoraSuggestion,
  PlanStep,
  PlanStepId,
} from "./deploy/blueprint/plan-types.js";
export {
  DEFAULT_PLAN_REQUEST,
  resolvePlanRequest,
  WORKLOAD_CLASS_IDS,
  WORKLOAD_CLASSES,
} from "./deploy/blueprint/request.js";
export type {
  PlanRequest,
  PlanTrainingOptions,
  ResolvedPlanRequest,
  WorkloadClass,
  WorkloadClassSpec,
} from "./deploy/blueprint/request.js";
export {
  choosePricing,
  judgePricing,
  PRICING_MODEL_IDS,
  PRICING_MODELS,
  PRICING_RULES,
  pricingOptions,
} from "./deploy/blueprint/pricing.js";
export type {
  PricingDecision,
  PricingInputs,
  PricingModel,
  PricingOptions,
  PricingVerdict,
} from "./deploy/blueprint/pricing.js";
export {
  checkpointChoice,
  ENGINE_SUPPORT_SOURCE,
  engineSupport,
  QUANTIZATION_CHOICE_IDS,
  QUANTIZATION_CHOICES,
  quantizationMatrix,
  withoutQuantization,
} from "./deploy/blueprint/quantization.js";
export type {
  EngineSupport,
  QuantizationChoice,
  QuantizationMatrixInput,
  QuantizationOnGpu,
  QuantizationRow,
} from "./deploy/blueprint/quantization.js";
export { BASELINE_ACCELERATOR_ID } from "./deploy/blueprint/baseline.js";
export { rankTraining } from "./deploy/blueprint/training.js";
export { MODEL_ID_PLACEHOLDER } from "./deploy/blueprint/plan-templates.js";
export {
  deploymentFromPlan,
  validateDeploymentFromSpec,
  validatePlan,
} from "./deploy/checklist/validate-deployment.js";
export type {
  DeploymentChecklist,
  ValidateDeploymentPureOptions,
} from "./deploy/checklist/validate-deployment.js";
export { CHECK_IDS, DEPLOYMENT_CHECKS } from "./deploy/checklist/checks.js";
export type { CheckId, CheckStatus, DeploymentCheck } from "./deploy/checklist/checks.js";
export { CHECKLIST_THRESHOLDS } from "./deploy/checklist/checks-fit.js";
export {
  DEFAULT_USER_DEPLOYMENT,
  findAccelerator,
  resolveUserDeployment,
} from "./deploy/checklist/user-deployment.js";
export type {
  ResolvedUserDeployment,
  UserDeployment,
  UserSizing,
} from "./deploy/checklist/user-deployment.js";
export {
  parseUserDeployment,
  UserDeploymentSchema,
  UserSizingSchema,
} from "./deploy/checklist/deployment-file.js";
