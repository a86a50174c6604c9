import { InvalidOptionError } from "../../errors.js";
import type { ModelSpec } from "../../model/model-spec.js";
import {
  BOOLEAN_FIELD,
  choiceField,
  integerField,
  numberField,
  readOption,
  type OptionTable,
} from "../../options/option-fields.js";
import { BYTES_PER_MIB } from "../../units.js";
import { ATTENTION_KERNELS, type AttentionKernel } from "./activations.js";
import {
  FRAMEWORK_PRESETS,
  TRAINING_FRAMEWORKS,
  type FrameworkDefaults,
  type TrainingFramework,
} from "./frameworks.js";
import {
  CROSS_ENTROPY,
  CROSS_ENTROPY_IDS,
  LOSS_PRECISIONS,
  type CrossEntropyKind,
  type LossPrecision,
} from "./loss.js";
import {
  LORA_TARGET_ALIASES,
  LORA_TARGET_PRESET_IDS,
  LORA_TARGET_PRESETS,
  type LoraTargetPreset,
} from "./lora.js";
import { LORA_TARGETS, type LoraTarget } from "../../model/weight-shapes.js";
import { linearModules } from "./modules.js";
import { OPTIMIZER_IDS, OPTIMIZERS, type OptimizerId } from "./optimizers.js";
import {
  BASE_PRECISION_IDS,
  BASE_PRECISIONS,
  TRAINING_PRECISION_IDS,
  TRAINING_PRECISIONS,
  type BasePrecision,
  type TrainingPrecision,
} from "./precision.js";

/** What is trained: every weight (`full`), LoRA adapters on a 16-bit base, or on a 4-bit NF4 base (`qlora`). */
export type TrainingMethod = "full" | "lora" | "qlora";

/** Every {@link TrainingMethod}. */
export const TRAINING_METHODS = [
  "full",
  "lora",
  "qlora",
] as const satisfies readonly TrainingMethod[];

/** ZeRO stage: 0 none (DDP), 1 optimizer states, 2 + gradients, 3 + weights (FSDP full shard). */
export type ZeroStage = 0 | 1 | 2 | 3;

/** What shards parameters when `zeroStage` > 0: DeepSpeed ZeRO or PyTorch FSDP. */
export type ShardingEngine = "deepspeed" | "fsdp";

/** Every {@link ShardingEngine}. */
export const SHARDING_ENGINES = ["deepspeed", "fsdp"] as const satisfies readonly ShardingEngine[];

/** The model's output head: a language-model head over the vocabulary, or a small classifier. */
export type TrainingHead = "lm" | "classifier";

/** Every {@link TrainingHead}. */
export const TRAINING_HEADS = ["lm", "classifier"] as const satisfies readonly TrainingHead[];

/** Workload, method and parallelism knobs of a training estimate. Every field is optional. */
export interface TrainingOptions {
  /**
   * What is trained.
   * @default "full"
   */
  readonly method?: TrainingMethod | undefined;
  /**
   * A framework whose defaults fill every option left out (attention kernel, loss, LoRA dropout,
   * checkpointing, optimizer, sharding): see docs/methodology.md, "Frameworks".
   * @default none: vramfit's own defaults
   */
  readonly framework?: TrainingFramework | undefined;
  /**
   * Tokens per training sequence.
   * @default 2048, or the model's `max_position_embeddings` when that is smaller
   */
  readonly sequenceLength?: number | undefined;
  /**
   * Sequences per forward/backward pass on each data-parallel rank.
   * @default 1
   */
  readonly microBatchSize?: number | undefined;
  /**
   * Micro-batches whose gradients accumulate before each optimizer step: above 1 the gradients
   * stay allocated through the next forward pass.
   * @default 1
   */
  readonly gradientAccumulationSteps?: number | undefined;
  /**
   * Optimizer.
   * @default "adamw"
   */
  readonly optimizer?: OptimizerId | undefined;
  /**
   * A fused optimizer step (`torch.optim.AdamW(fused=True)`, DeepSpeed FusedAdam): no foreach
   * temporaries. Torch's default on CUDA is the foreach step, which allocates one state-sized buffer.
   * @default false
   */
  readonly fusedOptimizer?: boolean | undefined;
  /**
   * Step each parameter inside backward and free its gradient at once (torchtune `optimizer_in_bwd`).
   * @default false
   */
  readonly optimizerInBackward?: boolean | undefined;
  /**
   * How trainable weights, gradients and optimizer states are stored.
   * @default "mixed" for full training; "fp32" for LoRA adapters (PEFT upcasts them)
   */
  readonly precision?: TrainingPrecision | undefined;
  /**
   * Full activation (gradient) checkpointing: keep only each layer's input and recompute the rest.
   * @default false
   */
  readonly gradientCheckpointing?: boolean | undefined;
  /**
   * Selective activation checkpointing, torchtitan's op-level policy: keep the attention output and
   * every second projection output, recompute the rest.
   * @default false
   */
  readonly selectiveCheckpointing?: boolean | undefined;
  /**
   * Keep checkpointed layer inputs in host memory (torchtune `enable_activation_offloading`); needs checkpointing.
   * @default false
   */
  readonly offloadActivations?: boolean | undefined;
  /**
   * `torch.compile`: the min-cut partitioner recomputes cheap element-wise results in backward, so
   * RMSNorm keeps only its 16-bit input and a gated MLP only its gate and up projections.
   * @default false
   */
  readonly compile?: boolean | undefined;
  /**
   * Attention kernel: `flash` (FlashAttention-2), `sdpa` (PyTorch SDPA: k and v repeated to every
   * query head) or `eager` (the s×s scores stored).
   * @default "flash"
   */
  readonly attention?: AttentionKernel | undefined;
  /**
   * Precision of eager attention's softmax in 16-bit training: transformers computes it in FP32
   * (`softmax(..., dtype=torch.float32)`) and keeps a 16-bit copy. Autocast and FP32 training
   * always use FP32.
   * @default "fp32"
   */
  readonly softmaxPrecision?: LossPrecision | undefined;
  /**
   * Whether the model uses dropout (1-byte masks per Korthikanti et al.; BERT and GPT-2 configs use 0.1).
   * @default false
   */
  readonly dropout?: boolean | undefined;
  /**
   * LoRA dropout probability: above 0 each adapter keeps its own dropped copy of its input.
   * @default 0 (PEFT's `lora_dropout`)
   */
  readonly loraDropout?: number | undefined;
  /**
   * How the loss handles the logits.
   * @default "standard"
   */
  readonly crossEntropy?: CrossEntropyKind | undefined;
  /**
   * Precision of the cross-entropy: `fp32` upcasts the logits first (transformers), `bf16`
   * keeps their 16-bit dtype.
   * @default "fp32"
   */
  readonly lossPrecision?: LossPrecision | undefined;
  /**
   * Positions per sequence whose logits the LM head computes (transformers' `logits_to_keep`).
   * @default every position
   */
  readonly logitsToKeep?: number | undefined;
  /**
   * The output head: `lm` computes vocabulary logits, `classifier` (sequence classification) a
   * handful per sequence.
   * @default "lm"
   */
  readonly head?: TrainingHead | undefined;
  /**
   * GPUs in total.
   * @default 1
   */
  readonly gpuCount?: number | undefined;
  /**
   * Tensor-parallel degree; must divide `gpus` and the attention heads.
   * @default 1
   */
  readonly tensorParallel?: number | undefined;
  /**
   * ZeRO stage over the data-parallel ranks (FSDP full shard = 3).
   * @default 0
   */
  readonly zeroStage?: ZeroStage | undefined;
  /**
   * What shards parameters: DeepSpeed ZeRO (stages 1–3) or PyTorch FSDP (stage 3 = FULL_SHARD;
   * SHARD_GRAD_OP is stage 3 with `reshardAfterForward: false`).
   * @default "deepspeed"
   */
  readonly shardingEngine?: ShardingEngine | undefined;
  /**
   * ZeRO-3 / FSDP: free each unit's gathered weights after its forward (FSDP `reshard_after_forward`).
   * False keeps every gathered weight from the forward pass to its backward.
   * @default true
   */
  readonly reshardAfterForward?: boolean | undefined;
  /**
   * Keep optimizer states and master weights in host memory (DeepSpeed `offload_optimizer`); needs ZeRO ≥ 1.
   * @default false
   */
  readonly offloadOptimizer?: boolean | undefined;
  /**
   * Keep the sharded weights and gradients in host memory too (FSDP `CPUOffload(offload_params=True)`,
   * DeepSpeed `offload_param`); needs ZeRO stage 3.
   * @default false
   */
  readonly offloadParameters?: boolean | undefined;
  /**
   * FSDP units that hold frozen and LoRA weights in one flat parameter keep gradient buffers for
   * the frozen ones too (FSDP1 with whole-block wrapping, as Lightning's strategy wraps LitGPT).
   * @default false
   */
  readonly frozenGradientBuffers?: boolean | undefined;
  /**
   * Quantized base projections keep their input for backward (bitsandbytes' `MatMul4Bit`
   * before 0.43.2, commit 9e753741, saved it although it computes no weight gradient).
   * @default false
   */
  readonly keepQuantizedInputs?: boolean | undefined;
  /**
   * LoRA rank (lora and qlora only).
   * @default 16
   */
  readonly rank?: number | undefined;
  /**
   * LoRA targets: a preset, or a list of roles (`q`, `k`, `v`, `o`, `gate`, `up`, `down`, `router`)
   * or transformers module names (`q_proj`, `w1`, `qkv_proj`, ...). lora and qlora only.
   * @default "all-linear"
   */
  readonly targets?: LoraTargetPreset | readonly string[] | undefined;
  /**
   * Precision of the frozen base (lora only; qlora is nf4).
   * @default the checkpoint's 16-bit dtype for lora, "nf4" for qlora
   */
  readonly basePrecision?: BasePrecision | undefined;
  /**
   * NF4 double quantization (QLoRA §3): 4.127 bits per weight instead of 4.5.
   * @default true
   */
  readonly doubleQuantization?: boolean | undefined;
  /**
   * CUDA context and library handles per GPU, in bytes: outside PyTorch's allocator, inside
   * what nvidia-smi shows.
   * @default 512 MiB (536_870_912)
   */
  readonly cudaContextBytes?: number | undefined;
  /**
   * Memory the caching allocator reserves beyond its allocated peak, as a fraction of that peak.
   * @default 0.05
   */
  readonly fragmentationFraction?: number | undefined;
  /**
   * Batches padded to their own longest sample (dynamic padding), so tensor shapes change from
   * step to step: the caching allocator keeps an earlier batch's logits blocks that the longest
   * batch cannot reuse (docs/methodology.md#reserved-memory). Packed or fixed-length batches: false.
   * @default the framework's collator (hf, torchtune, litgpt: true); false without a framework
   */
  readonly variableLengthBatches?: boolean | undefined;
  /**
   * `PYTORCH_CUDA_ALLOC_CONF=expandable_segments:True`: segments grow in place, so variable-length
   * batches strand no cached blocks.
   * @default false (PyTorch's default)
   */
  readonly expandableSegments?: boolean | undefined;
}

/** Defaults of {@link TrainingOptions}, resolved in {@link resolveTrainingOptions}. */
export const DEFAULT_TRAINING_OPTIONS = {
  method: "full",
  sequenceLength: 2048,
  microBatchSize: 1,
  gradientAccumulationSteps: 1,
  optimizer: "adamw",
  fusedOptimizer: false,
  optimizerInBackward: false,
  precision: "mixed",
  adapterPrecision: "fp32",
  gradientCheckpointing: false,
  selectiveCheckpointing: false,
  offloadActivations: false,
  compile: false,
  attention: "flash",
  softmaxPrecision: "fp32",
  dropout: false,
  loraDropout: 0,
  crossEntropy: "standard",
  lossPrecision: "fp32",
  head: "lm",
  gpuCount: 1,
  tensorParallel: 1,
  zeroStage: 0,
  shardingEngine: "deepspeed",
  reshardAfterForward: true,
  offloadOptimizer: false,
  offloadParameters: false,
  frozenGradientBuffers: false,
  keepQuantizedInputs: false,
  rank: 16,
  targets: "all-linear",
  qloraBasePrecision: "nf4",
  doubleQuantization: true,
  // 426 MiB measured with PyTorch 2.10 + CUDA 13 (unsloth-zoo PR #1053); "around 400MB if CUDA >=
  // 11.7 ... and lazy module loading" (ptrblck, pytorch#109888); rounded up for cuBLAS/NCCL handles.
  cudaContextBytes: 512 * BYTES_PER_MIB,
  fragmentationFraction: 0.1,
  variableLengthBatches: false,
  expandableSegments: false,
} as const;

const D = DEFAULT_TRAINING_OPTIONS;

const PROBABILITY_FIELD = numberField({
  min: 0,
  max: 0.99,
  hint: "Pass the dropout probability, e.g. 0.05.",
});

/**
 * Every {@link TrainingOptions} field: what it accepts, its fixed default and the note echoed
 * when it is taken. Defaults that depend on the model, the method or the framework are set in
 * {@link checkTrainingOptions}.
 */
export const TRAINING_OPTIONS: OptionTable<TrainingOptions> = {
  method: {
    field: choiceField(TRAINING_METHODS),
    default: D.method,
    note: (method) => `method: default ${method} (every weight trained)`,
  },
  framework: { field: choiceField(TRAINING_FRAMEWORKS) },
  sequenceLength: { field: integerField() },
  microBatchSize: {
    field: integerField(),
    default: D.microBatchSize,
    note: (size) => `microBatchSize: default ${size} sequence per GPU`,
  },
  gradientAccumulationSteps: { field: integerField() },
  optimizer: { field: choiceField(OPTIMIZER_IDS) },
  fusedOptimizer: { field: BOOLEAN_FIELD },
  optimizerInBackward: { field: BOOLEAN_FIELD },
  precision: { field: choiceField(TRAINING_PRECISION_IDS) },
  gradientCheckpointing: { field: BOOLEAN_FIELD },
  selectiveCheckpointing: { field: BOOLEAN_FIELD },
  offloadActivations: { field: BOOLEAN_FIELD, default: D.offloadActivations },
  compile: { field: BOOLEAN_FIELD, default: D.compile },
  attention: { field: choiceField(ATTENTION_KERNELS) },
  softmaxPrecision: { field: choiceField(LOSS_PRECISIONS) },
  dropout: { field: BOOLEAN_FIELD },
  loraDropout: { field: PROBABILITY_FIELD },
  crossEntropy: { field: choiceField(CROSS_ENTROPY_IDS) },
  lossPrecision: { field: choiceField(LOSS_PRECISIONS) },
  logitsToKeep: { field: integerField() },
  head: { field: choiceField(TRAINING_HEADS) },
  gpuCount: { field: integerField(), default: D.gpuCount, note: () => "gpuCount: default 1" },
  tensorParallel: { field: integerField(), default: D.tensorParallel },
  zeroStage: {
    field: {
      ...choiceField([0, 1, 2, 3] as const),
      hint: "ZeRO has stages 0–3 (3 shards weights too, like FSDP full shard).",
    },
    default: D.zeroStage,
    note: () => "zeroStage: default 0 (plain data parallel)",
  },
  shardingEngine: { field: choiceField(SHARDING_ENGINES) },
  reshardAfterForward: { field: BOOLEAN_FIELD },
  offloadOptimizer: { field: BOOLEAN_FIELD, default: D.offloadOptimizer },
  offloadParameters: { field: BOOLEAN_FIELD, default: D.offloadParameters },
  frozenGradientBuffers: { field: BOOLEAN_FIELD },
  keepQuantizedInputs: { field: BOOLEAN_FIELD, default: D.keepQuantizedInputs },
  rank: { field: integerField(), default: D.rank, note: (rank) => `rank: default ${rank}` },
  targets: {
    field: {
      expected: `a preset (${LORA_TARGET_PRESET_IDS.join(", ")}) or a non-empty list of roles or module names`,
      accepts: (value): value is LoraTargetPreset | readonly string[] =>
        typeof value === "string" ||
        (Array.isArray(value) &&
          value.length > 0 &&
          value.every((item) => typeof item === "string")),
    },
  },
  basePrecision: { field: choiceField(BASE_PRECISION_IDS) },
  doubleQuantization: { field: BOOLEAN_FIELD, default: D.doubleQuantization },
  cudaContextBytes: {
    field: numberField({
      min: 0,
      max: Number.MAX_SAFE_INTEGER,
      hint: "Pass 536870912 for 512 MiB.",
    }),
    default: D.cudaContextBytes,
    note: () =>
      "cudaContextBytes: default 512 MiB per GPU (CUDA context with lazy module loading, ~300–430 MiB measured, plus library handles)",
  },
  fragmentationFraction: {
    field: numberField({ min: 0, max: 1, hint: "Pass 0.05 for 5 % of the allocated memory." }),
    default: D.fragmentationFraction,
    note: (value) =>
      `fragmentationFraction: default ${value}: the allocator reserves ${+(value * 100).toFixed(2)} % beyond its allocated peak`,
  },
  variableLengthBatches: { field: BOOLEAN_FIELD },
  expandableSegments: { field: BOOLEAN_FIELD, default: D.expandableSegments },
};

/** The options a training estimate actually used, echoed in its result so every number explains itself. */
export interface TrainingAssumptions {
  /** What is trained. */
  readonly method: TrainingMethod;
  /** The framework whose defaults filled the options left out; undefined for vramfit's own. */
  readonly framework: TrainingFramework | undefined;
  /** Tokens per sequence. */
  readonly sequenceLength: number;
  /** Sequences per micro-batch on each data-parallel rank. */
  readonly microBatchSize: number;
  /** Micro-batches per optimizer step. */
  readonly gradientAccumulationSteps: number;
  /** Optimizer. */
  readonly optimizer: OptimizerId;
  /** Whether the optimizer step is one fused kernel (no foreach temporaries). */
  readonly fusedOptimizer: boolean;
  /** Whether each parameter is stepped inside backward. */
  readonly optimizerInBackward: boolean;
  /** Precision of the trainable weights, gradients and optimizer states. */
  readonly precision: TrainingPrecision;
  /** Whether layers keep only their inputs and recompute the rest. */
  readonly gradientCheckpointing: boolean;
  /** Whether layers keep torchtitan's selective subset and recompute the rest. */
  readonly selectiveCheckpointing: boolean;
  /** Whether checkpointed layer inputs live in host memory. */
  readonly offloadActivations: boolean;
  /** Whether the model runs under `torch.compile`. */
  readonly compile: boolean;
  /** Attention kernel. */
  readonly attention: AttentionKernel;
  /** Eager attention's softmax precision in 16-bit training. */
  readonly softmaxPrecision: LossPrecision;
  /** Whether dropout masks are stored. */
  readonly dropout: boolean;
  /** LoRA dropout probability (0 for full training). */
  readonly loraDropout: number;
  /** How the loss handles the logits. */
  readonly crossEntropy: CrossEntropyKind;
  /** Precision of the cross-entropy. */
  readonly lossPrecision: LossPrecision;
  /** Positions per sequence with logits. */
  readonly logitsToKeep: number;
  /** The output head. */
  readonly head: TrainingHead;
  /** GPUs in total. */
  readonly gpuCount: number;
  /** Tensor-parallel degree. */
  readonly tensorParallel: number;
  /** Data-parallel ranks: GPUs / tensor parallel. */
  readonly dataParallel: number;
  /** ZeRO stage. */
  readonly zeroStage: ZeroStage;
  /** What shards parameters. */
  readonly shardingEngine: ShardingEngine;
  /** Whether ZeRO-3 / FSDP frees gathered weights after each unit's forward. */
  readonly reshardAfterForward: boolean;
  /** Whether optimizer states and master weights live in host memory. */
  readonly offloadOptimizer: boolean;
  /** Whether sharded weights and gradients live in host memory too. */
  readonly offloadParameters: boolean;
  /** Whether FSDP units give frozen weights gradient buffers. */
  readonly frozenGradientBuffers: boolean;
  /** Whether quantized projections keep their inputs for backward. */
  readonly keepQuantizedInputs: boolean;
  /** LoRA rank; undefined for full training. */
  readonly rank: number | undefined;
  /** LoRA targets as roles; undefined for full training. */
  readonly targets: readonly LoraTarget[] | undefined;
  /** Frozen-base precision; `"checkpoint"` for a pre-quantized repo kept as stored; undefined for full training. */
  readonly basePrecision: BasePrecision | "checkpoint" | undefined;
  /** NF4 double quantization, when the base is NF4. */
  readonly doubleQuantization: boolean;
  /** CUDA context per GPU, in bytes. */
  readonly cudaContextBytes: number;
  /** Reserved beyond the allocated peak, as a fraction of it. */
  readonly fragmentationFraction: number;
  /** Whether batch shapes change from step to step (dynamic padding). */
  readonly variableLengthBatches: boolean;
  /** Whether the allocator grows segments in place (`expandable_segments:True`). */
  readonly expandableSegments: boolean;
  /** One line for every value that was defaulted or derived rather than given. */
  readonly notes: readonly string[];
}

/** A warning's stable code, for programs to branch on. */
export type TrainingWarningCode =
  | "UNKNOWN_FAMILY"
  | "APPROXIMATION"
  | "SEQUENCE_TOO_LONG"
  | "KV_HEADS_REPLICATED"
  | "ZERO_ON_ONE_RANK"
  | "TARGET_MISSING"
  | "FUSED_TARGET";

/** A warning with its code. */
export interface TrainingWarning {
  /** Stable code. */
  readonly code: TrainingWarningCode;
  /** What to know, in words. */
  readonly message: string;
}

/** Resolved options plus what the reader should know about them (a target on a fused projection, ZeRO on one rank). */
export interface ResolvedTrainingOptions {
  /** The options used. */
  readonly assumptions: TrainingAssumptions;
  /** Warnings about the combination of options and model. */
  readonly warnings: readonly TrainingWarning[];
}

/**
 * Applies the framework preset, then {@link DEFAULT_TRAINING_OPTIONS}, field by field, and checks
 * every value against the spec.
 *
 * @throws {InvalidOptionError} for a non-positive count, an unknown method, optimizer, precision or
 * target, a ZeRO stage outside 0–3, a tensor-parallel degree that does not divide the GPUs or the
 * heads, LoRA options on full training, or QLoRA / full training on an already-quantized checkpoint.
 */
export function resolveTrainingOptions(
  spec: ModelSpec,
  options: TrainingOptions = {},
): TrainingAssumptions {
  return checkTrainingOptions(spec, options).assumptions;
}

/**
 * {@link resolveTrainingOptions}, plus the warnings the combination raises.
 *
 * @throws {InvalidOptionError} as {@link resolveTrainingOptions} does.
 */
export function checkTrainingOptions(
  spec: ModelSpec,
  options: TrainingOptions = {},
): ResolvedTrainingOptions {
  const notes: string[] = [];
  const warnings: TrainingWarning[] = [];
  const read = <Key extends keyof TrainingOptions>(key: Key) =>
    readOption(TRAINING_OPTIONS, options, key, notes);

  const method = read("method") ?? D.method;
  const adapters = method !== "full";
  const framework = read("framework");
  const preset: FrameworkDefaults | undefined =
    framework === undefined ? undefined : FRAMEWORK_PRESETS[framework].defaults;
  const presetLabel = framework === undefined ? "" : FRAMEWORK_PRESETS[framework].label;

  /** The given value, else the framework's, else vramfit's default; each default taken is noted. */
  const pick = <Key extends keyof TrainingOptions>(
    key: Key,
    fromPreset: Exclude<TrainingOptions[Key], undefined> | undefined,
    fallback: Exclude<TrainingOptions[Key], undefined>,
    why: string,
  ): Exclude<TrainingOptions[Key], undefined> => {
    const given = options[key] === undefined ? undefined : read(key);
    if (given !== undefined) return given;
    if (fromPreset !== undefined) {
      notes.push(`${key}: ${String(fromPreset)} (${presetLabel} default)`);
      return fromPreset;
    }
    notes.push(`${key}: default ${String(fallback)}${why === "" ? "" : ` (${why})`}`);
    return fallback;
  };

  const defaultSequence = Math.min(
    D.sequenceLength,
    spec.maxPositionEmbeddings ?? Number.POSITIVE_INFINITY,
  );
  const sequenceLength = read("sequenceLength") ?? defaultSequence;
  if (options.sequenceLength === undefined)
    notes.push(`sequenceLength: default ${sequenceLength} tokens`);
  if (spec.maxPositionEmbeddings !== undefined && sequenceLength > spec.maxPositionEmbeddings) {
    warnings.push({
      code: "SEQUENCE_TOO_LONG",
      message: `sequence of ${sequenceLength} tokens exceeds the model's max_position_embeddings (${spec.maxPositionEmbeddings})`,
    });
  }

  const microBatchSize = read("microBatchSize") ?? D.microBatchSize;
  const gradientAccumulationSteps =
    options.gradientAccumulationSteps === undefined
      ? D.gradientAccumulationSteps
      : (read("gradientAccumulationSteps") ?? D.gradientAccumulationSteps);
  const optimizer = pick(
    "optimizer",
    adapters ? preset?.adapterOptimizer : preset?.optimizer,
    D.optimizer,
    OPTIMIZERS[D.optimizer].label,
  );
  // DeepSpeed ZeRO steps its own FusedAdam; plain PyTorch and FSDP step torch's foreach AdamW.
  const deepSpeedSteps =
    (options.zeroStage ?? D.zeroStage) > 0 &&
    (options.shardingEngine ?? (options.zeroStage === 3 ? preset?.shardingEngine : undefined)) !==
      "fsdp";
  const fusedOptimizer = pick(
    "fusedOptimizer",
    preset?.fusedOptimizer ?? (deepSpeedSteps ? true : undefined),
    D.fusedOptimizer,
    "torch's foreach step on CUDA",
  );
  const optimizerInBackward = pick("optimizerInBackward", undefined, D.optimizerInBackward, "");

  const sharded = (options.zeroStage ?? D.zeroStage) > 0;
  const precision = pick(
    "precision",
    adapters
      ? preset?.adapterPrecision
      : sharded
        ? (preset?.shardedPrecision ?? preset?.precision)
        : preset?.precision,
    adapters ? D.adapterPrecision : D.precision,
    adapters
      ? "PEFT upcasts LoRA weights to FP32, autocast_adapter_dtype"
      : TRAINING_PRECISIONS[D.precision].label,
  );

  const gradientCheckpointing = pick(
    "gradientCheckpointing",
    options.selectiveCheckpointing === true ? false : preset?.gradientCheckpointing,
    D.gradientCheckpointing,
    "every layer keeps its activations",
  );
  const selectiveCheckpointing =
    options.selectiveCheckpointing === undefined
      ? D.selectiveCheckpointing
      : (read("selectiveCheckpointing") ?? D.selectiveCheckpointing);
  if (gradientCheckpointing && selectiveCheckpointing) {
    throw new InvalidOptionError(
      "selectiveCheckpointing",
      "selective checkpointing replaces full checkpointing: both are on",
      { hint: "Set gradientCheckpointing to false, or drop selectiveCheckpointing." },
    );
  }
  const offloadActivations = read("offloadActivations") ?? D.offloadActivations;
  if (offloadActivations && !gradientCheckpointing && !selectiveCheckpointing) {
    throw new InvalidOptionError(
      "offloadActivations",
      "activation offloading moves checkpointed layer inputs: it needs checkpointing",
      { hint: "Turn on gradientCheckpointing, or drop offloadActivations." },
    );
  }
  const compile = read("compile") ?? D.compile;
  const attention = pick(
    "attention",
    preset?.attention,
    D.attention,
    "no s×s score matrices stored; FlashAttention-2",
  );
  const softmaxPrecision =
    options.softmaxPrecision === undefined
      ? D.softmaxPrecision
      : (read("softmaxPrecision") ?? D.softmaxPrecision);
  const dropout = pick("dropout", undefined, D.dropout, "no dropout masks stored");
  const loraDropout = adapters
    ? pick("loraDropout", preset?.loraDropout, D.loraDropout, "PEFT's lora_dropout")
    : 0;
  if (!adapters && options.loraDropout !== undefined) {
    throw new InvalidOptionError("loraDropout", "applies only to method lora or qlora", {
      hint: 'Drop loraDropout, or set method to "lora" or "qlora".',
    });
  }
  const crossEntropy = pick(
    "crossEntropy",
    preset?.crossEntropy,
    D.crossEntropy,
    CROSS_ENTROPY[D.crossEntropy].label,
  );
  const lossPrecision = pick(
    "lossPrecision",
    preset?.lossPrecision,
    D.lossPrecision,
    "the logits are upcast before the loss",
  );
  const logitsToKeep = Math.min(read("logitsToKeep") ?? sequenceLength, sequenceLength);
  const head = options.head === undefined ? D.head : (read("head") ?? D.head);

  const parallelism = resolveParallelism(spec, options, notes, warnings, preset, presetLabel);

  const lora = resolveLora(spec, method, options, notes, warnings);

  const cudaContextBytes = read("cudaContextBytes") ?? D.cudaContextBytes;
  const fragmentationFraction = read("fragmentationFraction") ?? D.fragmentationFraction;
  const keepQuantizedInputs = read("keepQuantizedInputs") ?? D.keepQuantizedInputs;
  const variableLengthBatches = pick(
    "variableLengthBatches",
    preset?.variableLengthBatches,
    D.variableLengthBatches,
    "fixed-length batches",
  );
  const expandableSegments = read("expandableSegments") ?? D.expandableSegments;

  const assumptions: TrainingAssumptions = {
    method,
    framework,
    sequenceLength,
    microBatchSize,
    gradientAccumulationSteps,
    optimizer,
    fusedOptimizer,
    optimizerInBackward,
    precision,
    gradientCheckpointing,
    selectiveCheckpointing,
    offloadActivations,
    compile,
    attention,
    softmaxPrecision,
    dropout,
    loraDropout,
    crossEntropy,
    lossPrecision,
    logitsToKeep,
    head,
    ...parallelism,
    keepQuantizedInputs,
    ...lora,
    cudaContextBytes,
    fragmentationFraction,
    variableLengthBatches,
    expandableSegments,
    notes,
  };
  return { assumptions, warnings };
}

/**
 * The options that reproduce an estimate's assumptions: every resolved value passed back, so
 * re-sizing the same run elsewhere (the checklist, the blueprint) uses exactly the same choices.
 */
export function trainingOptionsFromAssumptions(a: TrainingAssumptions): TrainingOptions {
  return {
    method: a.method,
    sequenceLength: a.sequenceLength,
    microBatchSize: a.microBatchSize,
    gradientAccumulationSteps: a.gradientAccumulationSteps,
    optimizer: a.optimizer,
    fusedOptimizer: a.fusedOptimizer,
    optimizerInBackward: a.optimizerInBackward,
    gradientCheckpointing: a.gradientCheckpointing,
    selectiveCheckpointing: a.selectiveCheckpointing,
    offloadActivations: a.offloadActivations,
    compile: a.compile,
    attention: a.attention,
    softmaxPrecision: a.softmaxPrecision,
    dropout: a.dropout,
    crossEntropy: a.crossEntropy,
    lossPrecision: a.lossPrecision,
    logitsToKeep: a.logitsToKeep,
    head: a.head,
    shardingEngine: a.shardingEngine,
    reshardAfterForward: a.reshardAfterForward,
    offloadParameters: a.offloadParameters,
    frozenGradientBuffers: a.frozenGradientBuffers,
    keepQuantizedInputs: a.keepQuantizedInputs,
    cudaContextBytes: a.cudaContextBytes,
    fragmentationFraction: a.fragmentationFraction,
    variableLengthBatches: a.variableLengthBatches,
    expandableSegments: a.expandableSegments,
    ...(a.method === "full"
      ? { precision: a.precision }
      : {
          precision: a.precision,
          rank: a.rank,
          targets: a.targets,
          loraDropout: a.loraDropout,
          doubleQuantization: a.doubleQuantization,
        }),
  };
}

function resolveParallelism(
  spec: ModelSpec,
  options: TrainingOptions,
  notes: string[],
  warnings: TrainingWarning[],
  preset: FrameworkDefaults | undefined,
  presetLabel: string,
): Pick<
  TrainingAssumptions,
  | "gpuCount"
  | "tensorParallel"
  | "dataParallel"
  | "zeroStage"
  | "shardingEngine"
  | "reshardAfterForward"
  | "offloadOptimizer"
  | "offloadParameters"
  | "frozenGradientBuffers"
> {
  const gpus = readOption(TRAINING_OPTIONS, options, "gpuCount", notes) ?? D.gpuCount;
  const tensorParallel =
    readOption(TRAINING_OPTIONS, options, "tensorParallel") ?? D.tensorParallel;
  if (gpus % tensorParallel !== 0) {
    throw new InvalidOptionError(
      "tensorParallel",
      `${tensorParallel} does not divide ${gpus} GPUs`,
      {
        hint: "Pick a tensor-parallel degree that divides the GPU count (data parallel = GPUs / TP).",
      },
    );
  }
  if (spec.numAttentionHeads % tensorParallel !== 0) {
    throw new InvalidOptionError(
      "tensorParallel",
      `${tensorParallel} does not divide the model's ${spec.numAttentionHeads} attention heads`,
      {
        hint: "Megatron-style tensor parallelism splits whole heads: pick a divisor of the head count.",
      },
    );
  }
  if (spec.numKeyValueHeads > 0 && tensorParallel > spec.numKeyValueHeads) {
    warnings.push({
      code: "KV_HEADS_REPLICATED",
      message: `tensor parallel ${tensorParallel} exceeds the ${spec.numKeyValueHeads} KV heads: k and v are replicated across ranks`,
    });
  }
  const dataParallel = gpus / tensorParallel;

  const zeroStage: ZeroStage =
    readOption(TRAINING_OPTIONS, options, "zeroStage", notes) ?? D.zeroStage;
  if (zeroStage > 0 && dataParallel === 1) {
    warnings.push({
      code: "ZERO_ON_ONE_RANK",
      message: `ZeRO stage ${zeroStage} shards across data-parallel ranks, and there is only one: it saves nothing here`,
    });
  }

  const given = <Key extends keyof TrainingOptions>(key: Key) =>
    options[key] === undefined ? undefined : readOption(TRAINING_OPTIONS, options, key);
  const sharded = zeroStage > 0;
  const engineGiven = given("shardingEngine");
  // FSDP has no ZeRO-1/2 equivalent: a framework's FSDP default applies to stage 3 only.
  const shardingEngine: ShardingEngine =
    engineGiven ?? (zeroStage === 3 ? preset?.shardingEngine : undefined) ?? D.shardingEngine;
  if (sharded && engineGiven === undefined) {
    notes.push(
      preset?.shardingEngine === undefined || zeroStage !== 3
        ? `shardingEngine: default ${D.shardingEngine} (ZeRO)`
        : `shardingEngine: ${shardingEngine} (${presetLabel} default)`,
    );
  }
  if (shardingEngine === "fsdp" && (zeroStage === 1 || zeroStage === 2)) {
    throw new InvalidOptionError(
      "zeroStage",
      `FSDP shards parameters, gradients and optimizer states together: stage ${zeroStage} has no FSDP equivalent`,
      {
        hint: "Use zeroStage 3 (FULL_SHARD), with reshardAfterForward false for SHARD_GRAD_OP, or 0 for NO_SHARD.",
      },
    );
  }
  const reshardAfterForward = given("reshardAfterForward") ?? D.reshardAfterForward;

  const offloadOptimizer =
    readOption(TRAINING_OPTIONS, options, "offloadOptimizer") ?? D.offloadOptimizer;
  if (offloadOptimizer && zeroStage === 0) {
    throw new InvalidOptionError(
      "offloadOptimizer",
      "optimizer offload needs ZeRO stage 1, 2 or 3",
      {
        hint: "Set zeroStage to 1–3 (DeepSpeed's offload_optimizer runs inside ZeRO).",
      },
    );
  }
  const offloadParameters =
    readOption(TRAINING_OPTIONS, options, "offloadParameters") ?? D.offloadParameters;
  if (offloadParameters && zeroStage !== 3) {
    throw new InvalidOptionError("offloadParameters", "parameter offload needs ZeRO stage 3", {
      hint: "Set zeroStage to 3 (FSDP FULL_SHARD with CPUOffload, or DeepSpeed offload_param).",
    });
  }
  const frozenGradientBuffers =
    given("frozenGradientBuffers") ??
    (sharded && shardingEngine === "fsdp" ? preset?.frozenGradientBuffers : undefined) ??
    D.frozenGradientBuffers;
  return {
    gpuCount: gpus,
    tensorParallel,
    dataParallel,
    zeroStage,
    shardingEngine,
    reshardAfterForward,
    offloadOptimizer,
    offloadParameters,
    frozenGradientBuffers,
  };
}

function resolveLora(
  spec: ModelSpec,
  method: TrainingMethod,
  options: TrainingOptions,
  notes: string[],
  warnings: TrainingWarning[],
): Pick<TrainingAssumptions, "rank" | "targets" | "basePrecision" | "doubleQuantization"> {
  const doubleQuantization =
    readOption(TRAINING_OPTIONS, options, "doubleQuantization") ?? D.doubleQuantization;
  const quantized = spec.quantization;

  if (method === "full") {
    for (const option of ["rank", "targets", "basePrecision"] as const) {
      if (options[option] !== undefined) {
        throw new InvalidOptionError(option, "applies only to method lora or qlora", {
          hint: `Drop ${option}, or set method to "lora" or "qlora".`,
        });
      }
    }
    if (quantized !== undefined) {
      throw new InvalidOptionError(
        "method",
        `full training needs unquantized weights, and this checkpoint is ${quantized.method} ${quantized.bits}-bit`,
        { hint: 'Use method "lora" on this checkpoint, or full training on the unquantized repo.' },
      );
    }
    return { rank: undefined, targets: undefined, basePrecision: undefined, doubleQuantization };
  }

  const rank = readOption(TRAINING_OPTIONS, options, "rank", notes) ?? D.rank;
  const targets = resolveTargets(
    spec,
    readOption(TRAINING_OPTIONS, options, "targets") ?? D.targets,
    warnings,
  );
  if (options.targets === undefined) {
    notes.push(`targets: default all-linear (${targets.join(", ")})`);
  }

  const basePrecision = resolveBasePrecision(spec, method, options, notes);
  if (basePrecision === "nf4" && options.doubleQuantization === undefined) {
    notes.push("doubleQuantization: default on (NF4 at 4.127 bits per weight)");
  }
  return { rank, targets, basePrecision, doubleQuantization };
}

function resolveBasePrecision(
  spec: ModelSpec,
  method: "lora" | "qlora",
  options: TrainingOptions,
  notes: string[],
): BasePrecision | "checkpoint" {
  const quantized = spec.quantization;
  const requested = readOption(TRAINING_OPTIONS, options, "basePrecision");

  if (quantized !== undefined) {
    const bitsandbytes4 = quantized.method === "bitsandbytes" && quantized.bits === 4;
    if (method === "qlora" && !bitsandbytes4) {
      throw new InvalidOptionError(
        "method",
        `QLoRA quantizes a 16-bit base to NF4, and this checkpoint is already ${quantized.method} ${quantized.bits}-bit`,
        {
          hint: 'Use method "lora": adapters train over the quantized weights as stored. Or pick the unquantized repo for QLoRA.',
        },
      );
    }
    if (requested !== undefined) {
      throw new InvalidOptionError(
        "basePrecision",
        `this checkpoint is already quantized (${quantized.method} ${quantized.bits}-bit): its base precision is fixed`,
        { hint: "Drop basePrecision, or pick the unquantized repo." },
      );
    }
    notes.push(
      `basePrecision: the checkpoint's own ${quantized.method} ${quantized.bits}-bit weights (quantization_config)`,
    );
    return bitsandbytes4 ? "nf4" : "checkpoint";
  }

  if (method === "qlora") {
    if (requested !== undefined && requested !== "nf4") {
      throw new InvalidOptionError("basePrecision", `QLoRA's base is nf4, got "${requested}"`, {
        hint: 'Drop basePrecision, or use method "lora" with basePrecision "int8" / "bf16".',
      });
    }
    if (requested === undefined) notes.push(`basePrecision: default nf4 (QLoRA)`);
    return "nf4";
  }

  if (requested !== undefined) return requested;
  const dtype: BasePrecision = spec.torchDtype === "float16" ? "fp16" : "bf16";
  notes.push(
    `basePrecision: default ${BASE_PRECISIONS[dtype].label} (the checkpoint's ${spec.torchDtype ?? "unstated"} dtype, loaded in 16-bit)`,
  );
  return dtype;
}

/** Turns a preset or a list of roles / module names into roles, checking each one. */
function resolveTargets(
  spec: ModelSpec,
  targets: LoraTargetPreset | readonly string[],
  warnings: TrainingWarning[],
): LoraTarget[] {
  let roles: LoraTarget[];
  if (typeof targets === "string") {
    if (!(LORA_TARGET_PRESET_IDS as readonly string[]).includes(targets)) {
      throw new InvalidOptionError("targets", `unknown preset "${targets}"`, {
        hint: `Use one of ${LORA_TARGET_PRESET_IDS.join(", ")}, or roles such as ["q", "v"].`,
      });
    }
    roles = [...LORA_TARGET_PRESETS[targets]];
  } else {
    const wanted = new Set<LoraTarget>();
    for (const name of targets) {
      const mapped = (LORA_TARGETS as readonly string[]).includes(name)
        ? [name as LoraTarget]
        : LORA_TARGET_ALIASES[name];
      if (mapped === undefined) {
        throw new InvalidOptionError("targets", `unknown target "${name}"`, {
          hint: `Use roles (${LORA_TARGETS.join(", ")}), module names such as q_proj or w1, or a preset (${LORA_TARGET_PRESET_IDS.join(", ")}).`,
        });
      }
      for (const role of mapped) wanted.add(role);
    }
    roles = LORA_TARGETS.filter((role) => wanted.has(role));
  }
  const modules = linearModules(spec);
  const present = new Set(modules.flatMap((module) => module.targets));
  const missing = roles.filter((role) => !present.has(role));
  if (missing.length === roles.length) {
    throw new InvalidOptionError("targets", `none of ${roles.join(", ")} exists in this model`, {
      hint: 'Use "all-linear", "attention" or "qv".',
    });
  }
  // Presets name every role any model has (the router exists only in MoE models); a list is the user's.
  if (typeof targets !== "string" && missing.length > 0) {
    warnings.push({
      code: "TARGET_MISSING",
      message: `targets ${missing.join(", ")}: no such projection in this model, ignored`,
    });
  }
  roles = roles.filter((role) => present.has(role));
  // A fused projection (Phi-3's qkv_proj, GPT-2's c_attn) is adapted whole.
  for (const module of modules) {
    const hit = module.targets.filter((role) => roles.includes(role));
    if (hit.length > 0 && hit.length < module.targets.length) {
      warnings.push({
        code: "FUSED_TARGET",
        message: `${module.name} fuses ${module.targets.join(", ")}: targeting ${hit.join(", ")} adapts the whole fused projection`,
      });
    }
  }
  return roles;
}
