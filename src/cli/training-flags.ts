import { ATTENTION_KERNELS } from "../memory/training/activations.js";
import { CROSS_ENTROPY_IDS } from "../memory/training/loss.js";
import { LORA_TARGET_PRESET_IDS, type LoraTargetPreset } from "../memory/training/lora.js";
import { OPTIMIZER_IDS } from "../memory/training/optimizers.js";
import { BASE_PRECISION_IDS, TRAINING_PRECISION_IDS } from "../memory/training/precision.js";
import {
  TRAINING_METHODS,
  type TrainingOptions,
  type ZeroStage,
} from "../memory/training/training-options.js";
import { parseChoice, parseCount } from "./args.js";
import { UsageError } from "./usage-error.js";

/** Method, workload and parallelism flags of `vramfit train`, in node:util parseArgs form. */
export const TRAINING_FLAGS = {
  method: { type: "string" },
  rank: { type: "string" },
  targets: { type: "string" },
  optimizer: { type: "string" },
  precision: { type: "string" },
  base: { type: "string" },
  seq: { type: "string" },
  "micro-batch": { type: "string" },
  "grad-checkpointing": { type: "boolean" },
  attention: { type: "string" },
  loss: { type: "string" },
  gpus: { type: "string" },
  tp: { type: "string" },
  zero: { type: "string" },
  "offload-optimizer": { type: "boolean" },
} as const;

/** Help lines for {@link TRAINING_FLAGS}. */
export const TRAINING_FLAGS_HELP = `  --method M            ${TRAINING_METHODS.join(" | ")} (default full)
  --rank N              LoRA rank (default 16; lora and qlora only)
  --targets T           ${LORA_TARGET_PRESET_IDS.join(" | ")}, or a comma list of q,k,v,o,gate,up,down,router
                        or module names such as q_proj,v_proj (default all-linear)
  --optimizer O         ${OPTIMIZER_IDS.join(" | ")} (default adamw)
  --precision P         ${TRAINING_PRECISION_IDS.join(" | ")} (default mixed; fp32 for LoRA adapters)
  --base B              LoRA base weights: ${BASE_PRECISION_IDS.join(" | ")} (default: the checkpoint's
                        16-bit dtype; nf4 for qlora)
  --seq N               tokens per sequence (2048 or 2k; default 2048, capped at the model's limit)
  --micro-batch N       sequences per GPU per forward/backward pass (default 1)
  --grad-checkpointing  keep only each layer's input and recompute the rest
  --attention A         ${ATTENTION_KERNELS.join(" | ")} (default flash: no s×s scores stored)
  --loss L              ${CROSS_ENTROPY_IDS.join(" | ")} cross-entropy (default standard: 4 FP32 logit copies)
  --gpus N              GPUs in total (default 1)
  --tp N                tensor-parallel degree (default 1)
  --zero S              ZeRO stage 0-3 over the data-parallel GPUs (FSDP full shard = 3)
  --offload-optimizer   keep optimizer states and master weights in host memory (ZeRO 1-3)`;

/** The parsed values of {@link TRAINING_FLAGS}. */
export interface TrainingFlagValues {
  readonly method?: string | undefined;
  readonly rank?: string | undefined;
  readonly targets?: string | undefined;
  readonly optimizer?: string | undefined;
  readonly precision?: string | undefined;
  readonly base?: string | undefined;
  readonly seq?: string | undefined;
  readonly "micro-batch"?: string | undefined;
  readonly "grad-checkpointing"?: boolean | undefined;
  readonly attention?: string | undefined;
  readonly loss?: string | undefined;
  readonly gpus?: string | undefined;
  readonly tp?: string | undefined;
  readonly zero?: string | undefined;
  readonly "offload-optimizer"?: boolean | undefined;
}

/**
 * Turns the parsed {@link TRAINING_FLAGS} into {@link TrainingOptions}. Values the library checks
 * against the model (a ZeRO stage, a target list) pass through so its errors name the option.
 *
 * @throws {UsageError} for values that are not numbers or choices at all.
 */
export function trainingOptionsFromFlags(values: TrainingFlagValues): TrainingOptions {
  const optional = <T>(value: string | undefined, parse: (value: string) => T): T | undefined =>
    value === undefined ? undefined : parse(value);
  return {
    method: optional(values.method, (v) => parseChoice("--method", v, TRAINING_METHODS)),
    rank: optional(values.rank, (v) => parseCount("--rank", v)),
    targets: optional(values.targets, parseTargets),
    optimizer: optional(values.optimizer, (v) => parseChoice("--optimizer", v, OPTIMIZER_IDS)),
    precision: optional(values.precision, (v) =>
      parseChoice("--precision", v, TRAINING_PRECISION_IDS),
    ),
    basePrecision: optional(values.base, (v) => parseChoice("--base", v, BASE_PRECISION_IDS)),
    sequenceLength: optional(values.seq, (v) => parseCount("--seq", v, { allowK: true })),
    microBatchSize: optional(values["micro-batch"], (v) => parseCount("--micro-batch", v)),
    gradientCheckpointing: values["grad-checkpointing"],
    attention: optional(values.attention, (v) => parseChoice("--attention", v, ATTENTION_KERNELS)),
    crossEntropy: optional(values.loss, (v) => parseChoice("--loss", v, CROSS_ENTROPY_IDS)),
    gpuCount: optional(values.gpus, (v) => parseCount("--gpus", v)),
    tensorParallel: optional(values.tp, (v) => parseCount("--tp", v)),
    zeroStage: optional(values.zero, (v) => parseWholeNumber("--zero", v) as ZeroStage),
    offloadOptimizer: values["offload-optimizer"],
  };
}

/** A preset name, or a comma-separated list of roles / module names. */
function parseTargets(value: string): LoraTargetPreset | string[] {
  const trimmed = value.trim().toLowerCase();
  const preset = LORA_TARGET_PRESET_IDS.find((id) => id === trimmed);
  if (preset !== undefined) return preset;
  const list = trimmed
    .split(",")
    .map((item) => item.trim())
    .filter((item) => item !== "");
  if (list.length === 0) {
    throw new UsageError(
      `--targets expects ${LORA_TARGET_PRESET_IDS.join(", ")} or a comma list, got "${value}".`,
    );
  }
  return list;
}

/** A whole number ≥ 0 (ZeRO stage 0 is valid). */
function parseWholeNumber(flag: string, value: string): number {
  if (!/^\d+$/.test(value.trim())) {
    throw new UsageError(`${flag} expects a whole number, got "${value}".`);
  }
  return Number(value.trim());
}
