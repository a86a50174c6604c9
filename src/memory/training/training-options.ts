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
import { BYTES_PER_GIB } from "../../units.js";
import {
  ATTENTION_KERNELS,
  CROSS_ENTROPY,
  CROSS_ENTROPY_IDS,
  type AttentionKernel,
  type CrossEntropyKind,
} from "./activations.js";
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

/** Workload, method and parallelism knobs of a training estimate. Every field is optional. */
export interface TrainingOptions {
  /**
   * What is trained.
   * @default "full"
   */
  readonly method?: TrainingMethod | undefined;
  /**
   * Tokens per training sequence.
   * @default 2048, or the model's `max_position_embeddings` when that is smaller
   */
  readonly sequenceLength?: number | undefined;
  /**
   * Sequences per forward/backward pass on each data-parallel rank (gradient accumulation does not add memory).
   * @default 1
   */
  readonly microBatchSize?: number | undefined;
  /**
   * Optimizer.
   * @default "adamw"
   */
  readonly optimizer?: OptimizerId | undefined;
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
   * Attention kernel: `flash` stores no s×s score matrices (FlashAttention, SDPA, selective recomputation).
   * @default "flash"
   */
  readonly attention?: AttentionKernel | undefined;
  /**
   * Whether the model uses dropout (1-byte masks per Korthikanti et al.).
   * @default false
   */
  readonly dropout?: boolean | undefined;
  /**
   * How the loss handles the logits.
   * @default "standard"
   */
  readonly crossEntropy?: CrossEntropyKind | undefined;
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
   * ZeRO stage over the data-parallel ranks (FSDP full shard = 3, SHARD_GRAD_OP = 2).
   * @default 0
   */
  readonly zeroStage?: ZeroStage | undefined;
  /**
   * Keep optimizer states and master weights in host memory (DeepSpeed `offload_optimizer`); needs ZeRO ≥ 1.
   * @default false
   */
  readonly offloadOptimizer?: boolean | undefined;
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
   * CUDA context and library workspaces per GPU, in bytes.
   * @default 1 GiB (1_073_741_824)
   */
  readonly cudaContextBytes?: number | undefined;
  /**
   * Allocator fragmentation as a fraction of the allocated bytes, from 0 to 1.
   * @default 0.05
   */
  readonly fragmentationFraction?: number | undefined;
}

/** Defaults of {@link TrainingOptions}, resolved in {@link resolveTrainingOptions}. */
export const DEFAULT_TRAINING_OPTIONS = {
  method: "full",
  sequenceLength: 2048,
  microBatchSize: 1,
  optimizer: "adamw",
  precision: "mixed",
  adapterPrecision: "fp32",
  gradientCheckpointing: false,
  attention: "flash",
  dropout: false,
  crossEntropy: "standard",
  gpuCount: 1,
  tensorParallel: 1,
  zeroStage: 0,
  offloadOptimizer: false,
  rank: 16,
  targets: "all-linear",
  qloraBasePrecision: "nf4",
  doubleQuantization: true,
  cudaContextBytes: BYTES_PER_GIB,
  fragmentationFraction: 0.05,
} as const;

const D = DEFAULT_TRAINING_OPTIONS;

/**
 * Every {@link TrainingOptions} field: what it accepts, its fixed default and the note echoed
 * when it is taken. Defaults that depend on the model or the method are set in
 * {@link checkTrainingOptions}.
 */
export const TRAINING_OPTIONS: OptionTable<TrainingOptions> = {
  method: {
    field: choiceField(TRAINING_METHODS),
    default: D.method,
    note: (method) => `method: default ${method} (every weight trained)`,
  },
  sequenceLength: { field: integerField() },
  microBatchSize: {
    field: integerField(),
    default: D.microBatchSize,
    note: (size) => `microBatchSize: default ${size} sequence per GPU`,
  },
  optimizer: {
    field: choiceField(OPTIMIZER_IDS),
    default: D.optimizer,
    note: (optimizer) => `optimizer: default ${OPTIMIZERS[optimizer].label}`,
  },
  precision: { field: choiceField(TRAINING_PRECISION_IDS) },
  gradientCheckpointing: {
    field: BOOLEAN_FIELD,
    default: D.gradientCheckpointing,
    note: () => "gradientCheckpointing: default off (every layer keeps its activations)",
  },
  attention: {
    field: choiceField(ATTENTION_KERNELS),
    default: D.attention,
    note: () => "attention: default flash (no s×s score matrices stored; SDPA / FlashAttention)",
  },
  dropout: {
    field: BOOLEAN_FIELD,
    default: D.dropout,
    note: () => "dropout: default off (no dropout masks stored)",
  },
  crossEntropy: {
    field: choiceField(CROSS_ENTROPY_IDS),
    default: D.crossEntropy,
    note: (kind) => `crossEntropy: default ${CROSS_ENTROPY[kind].label}`,
  },
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
  offloadOptimizer: { field: BOOLEAN_FIELD, default: D.offloadOptimizer },
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
      hint: "Pass 1073741824 for 1 GiB.",
    }),
    default: D.cudaContextBytes,
    note: () => "cudaContextBytes: default 1 GiB per GPU (reported range 0.3–2 GiB)",
  },
  fragmentationFraction: {
    field: numberField({ min: 0, max: 1, hint: "Pass 0.05 for 5 % of the allocated memory." }),
    default: D.fragmentationFraction,
    note: (value) => `fragmentationFraction: default ${value} of the allocated memory`,
  },
};

/** The options a training estimate actually used, echoed in its result so every number explains itself. */
export interface TrainingAssumptions {
  /** What is trained. */
  readonly method: TrainingMethod;
  /** Tokens per sequence. */
  readonly sequenceLength: number;
  /** Sequences per micro-batch on each data-parallel rank. */
  readonly microBatchSize: number;
  /** Optimizer. */
  readonly optimizer: OptimizerId;
  /** Precision of the trainable weights, gradients and optimizer states. */
  readonly precision: TrainingPrecision;
  /** Whether layers keep only their inputs and recompute the rest. */
  readonly gradientCheckpointing: boolean;
  /** Attention kernel. */
  readonly attention: AttentionKernel;
  /** Whether dropout masks are stored. */
  readonly dropout: boolean;
  /** How the loss handles the logits. */
  readonly crossEntropy: CrossEntropyKind;
  /** GPUs in total. */
  readonly gpuCount: number;
  /** Tensor-parallel degree. */
  readonly tensorParallel: number;
  /** Data-parallel ranks: GPUs / tensor parallel. */
  readonly dataParallel: number;
  /** ZeRO stage. */
  readonly zeroStage: ZeroStage;
  /** Whether optimizer states and master weights live in host memory. */
  readonly offloadOptimizer: boolean;
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
  /** Allocator fragmentation as a fraction of the allocated bytes. */
  readonly fragmentationFraction: number;
  /** One line for every value that was defaulted or derived rather than given. */
  readonly notes: readonly string[];
}

/** Resolved options plus what the reader should know about them (a target on a fused projection, ZeRO on one rank). */
export interface ResolvedTrainingOptions {
  /** The options used. */
  readonly assumptions: TrainingAssumptions;
  /** Warnings about the combination of options and model. */
  readonly warnings: readonly string[];
}

/**
 * Applies {@link DEFAULT_TRAINING_OPTIONS} field by field and checks every value against the spec.
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
  const warnings: string[] = [];
  const read = <Key extends keyof TrainingOptions>(key: Key) =>
    readOption(TRAINING_OPTIONS, options, key, notes);

  const method = read("method") ?? D.method;
  const adapters = method !== "full";

  const defaultSequence = Math.min(
    D.sequenceLength,
    spec.maxPositionEmbeddings ?? Number.POSITIVE_INFINITY,
  );
  const sequenceLength = read("sequenceLength") ?? defaultSequence;
  if (options.sequenceLength === undefined)
    notes.push(`sequenceLength: default ${sequenceLength} tokens`);
  if (spec.maxPositionEmbeddings !== undefined && sequenceLength > spec.maxPositionEmbeddings) {
    warnings.push(
      `sequence of ${sequenceLength} tokens exceeds the model's max_position_embeddings (${spec.maxPositionEmbeddings})`,
    );
  }

  const microBatchSize = read("microBatchSize") ?? D.microBatchSize;
  const optimizer = read("optimizer") ?? D.optimizer;

  const precision = read("precision") ?? (adapters ? D.adapterPrecision : D.precision);
  if (options.precision === undefined) {
    notes.push(
      adapters
        ? `precision: default fp32 adapters (PEFT upcasts LoRA weights to FP32, autocast_adapter_dtype)`
        : `precision: default ${TRAINING_PRECISIONS[precision].label}`,
    );
  }

  const gradientCheckpointing = read("gradientCheckpointing") ?? D.gradientCheckpointing;
  const attention = read("attention") ?? D.attention;
  const dropout = read("dropout") ?? D.dropout;
  const crossEntropy = read("crossEntropy") ?? D.crossEntropy;

  const { gpuCount, tensorParallel, dataParallel, zeroStage, offloadOptimizer } =
    resolveParallelism(spec, options, notes, warnings);

  const lora = resolveLora(spec, method, options, notes, warnings);

  const cudaContextBytes = read("cudaContextBytes") ?? D.cudaContextBytes;
  const fragmentationFraction = read("fragmentationFraction") ?? D.fragmentationFraction;

  const assumptions: TrainingAssumptions = {
    method,
    sequenceLength,
    microBatchSize,
    optimizer,
    precision,
    gradientCheckpointing,
    attention,
    dropout,
    crossEntropy,
    gpuCount,
    tensorParallel,
    dataParallel,
    zeroStage,
    offloadOptimizer,
    ...lora,
    cudaContextBytes,
    fragmentationFraction,
    notes,
  };
  return { assumptions, warnings };
}

function resolveParallelism(
  spec: ModelSpec,
  options: TrainingOptions,
  notes: string[],
  warnings: string[],
): Pick<
  TrainingAssumptions,
  "gpuCount" | "tensorParallel" | "dataParallel" | "zeroStage" | "offloadOptimizer"
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
    warnings.push(
      `tensor parallel ${tensorParallel} exceeds the ${spec.numKeyValueHeads} KV heads: k and v are replicated across ranks`,
    );
  }
  const dataParallel = gpus / tensorParallel;

  const zeroStage: ZeroStage =
    readOption(TRAINING_OPTIONS, options, "zeroStage", notes) ?? D.zeroStage;
  if (zeroStage > 0 && dataParallel === 1) {
    warnings.push(
      `ZeRO stage ${zeroStage} shards across data-parallel ranks, and there is only one: it saves nothing here`,
    );
  }

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
  return { gpuCount: gpus, tensorParallel, dataParallel, zeroStage, offloadOptimizer };
}

function resolveLora(
  spec: ModelSpec,
  method: TrainingMethod,
  options: TrainingOptions,
  notes: string[],
  warnings: string[],
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
  warnings: string[],
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
    warnings.push(`targets ${missing.join(", ")}: no such projection in this model, ignored`);
  }
  roles = roles.filter((role) => present.has(role));
  // A fused projection (Phi-3's qkv_proj, GPT-2's c_attn) is adapted whole.
  for (const module of modules) {
    const hit = module.targets.filter((role) => roles.includes(role));
    if (hit.length > 0 && hit.length < module.targets.length) {
      warnings.push(
        `${module.name} fuses ${module.targets.join(", ")}: targeting ${hit.join(", ")} adapts the whole fused projection`,
      );
    }
  }
  return roles;
}
