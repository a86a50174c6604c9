import { ATTENTION_KERNELS } from "../memory/training/activations.js";
import { TRAINING_FRAMEWORKS } from "../memory/training/frameworks.js";
import { CROSS_ENTROPY_IDS, LOSS_PRECISIONS } from "../memory/training/loss.js";
import { LORA_TARGET_PRESET_IDS, type LoraTargetPreset } from "../memory/training/lora.js";
import { OPTIMIZER_IDS } from "../memory/training/optimizers.js";
import { BASE_PRECISION_IDS, TRAINING_PRECISION_IDS } from "../memory/training/precision.js";
import {
  SHARDING_ENGINES,
  TRAINING_HEADS,
  TRAINING_METHODS,
  type TrainingOptions,
  type ZeroStage,
} from "../memory/training/training-options.js";
import { parseChoice, parseCount, parseFraction } from "./args.js";
import { UsageError } from "./usage-error.js";

/** Method, workload and parallelism flags of `vramfit train`, in node:util parseArgs form. */
export const TRAINING_FLAGS = {
  method: { type: "string" },
  framework: { type: "string" },
  rank: { type: "string" },
  targets: { type: "string" },
  optimizer: { type: "string" },
  precision: { type: "string" },
  base: { type: "string" },
  seq: { type: "string" },
  "micro-batch": { type: "string" },
  "grad-accum": { type: "string" },
  "grad-checkpointing": { type: "boolean" },
  "selective-checkpointing": { type: "boolean" },
  "offload-activations": { type: "boolean" },
  compile: { type: "boolean" },
  attention: { type: "string" },
  "softmax-precision": { type: "string" },
  dropout: { type: "boolean" },
  "lora-dropout": { type: "string" },
  loss: { type: "string" },
  "loss-precision": { type: "string" },
  "logits-to-keep": { type: "string" },
  head: { type: "string" },
  "fused-optimizer": { type: "boolean" },
  "optimizer-in-backward": { type: "boolean" },
  gpus: { type: "string" },
  tp: { type: "string" },
  zero: { type: "string" },
  sharding: { type: "string" },
  "no-reshard": { type: "boolean" },
  "offload-optimizer": { type: "boolean" },
  "offload-params": { type: "boolean" },
  "frozen-grad-buffers": { type: "boolean" },
  "keep-quantized-inputs": { type: "boolean" },
  batches: { type: "string" },
  "expandable-segments": { type: "boolean" },
} as const;

/** `--batches`: batch shapes fixed (packed, padded to --seq) or variable (padded to each batch's longest). */
const BATCH_SHAPES = ["fixed", "variable"] as const;

/** Help lines for {@link TRAINING_FLAGS}. */
export const TRAINING_FLAGS_HELP = `  --method M            ${TRAINING_METHODS.join(" | ")} (default full)
  --framework F         ${TRAINING_FRAMEWORKS.join(" | ")}: that framework's defaults for every option
                        left out (attention, loss, LoRA dropout, checkpointing, optimizer, sharding)
  --rank N              LoRA rank (default 16; lora and qlora only)
  --targets T           ${LORA_TARGET_PRESET_IDS.join(" | ")}, or a comma list of q,k,v,o,gate,up,down,router
                        or module names such as q_proj,v_proj (default all-linear)
  --lora-dropout P      LoRA dropout probability (default 0, PEFT's)
  --optimizer O         ${OPTIMIZER_IDS.join(" | ")} (default adamw)
  --fused-optimizer     a fused optimizer step: no foreach buffer (DeepSpeed's is fused)
  --optimizer-in-backward
                        step each parameter inside backward and free its gradient (torchtune)
  --precision P         ${TRAINING_PRECISION_IDS.join(" | ")} (default mixed; fp32 for LoRA adapters)
  --base B              LoRA base weights: ${BASE_PRECISION_IDS.join(" | ")} (default: the checkpoint's
                        16-bit dtype; nf4 for qlora)
  --keep-quantized-inputs
                        4-bit projections keep their inputs for backward (bitsandbytes < 0.43.2)
  --seq N               tokens per sequence (2048 or 2k; default 2048, capped at the model's limit)
  --micro-batch N       sequences per GPU per forward/backward pass (default 1)
  --grad-accum N        micro-batches per optimizer step: gradients live through the next forward
  --grad-checkpointing  keep only each layer's input and recompute the rest
  --selective-checkpointing
                        keep the attention output and every second projection output (torchtitan)
  --offload-activations keep the checkpointed layer inputs in host memory (torchtune)
  --compile             torch.compile: element-wise results recomputed, not stored
  --attention A         ${ATTENTION_KERNELS.join(" | ")} (default flash; sdpa repeats k and v, eager stores the
                        s×s scores)
  --softmax-precision P ${LOSS_PRECISIONS.join(" | ")}: eager softmax in 16-bit training (default fp32, as transformers)
  --dropout             the model applies dropout (BERT, GPT-2): 1-byte masks
  --loss L              ${CROSS_ENTROPY_IDS.join(" | ")} cross-entropy (default standard)
  --loss-precision P    ${LOSS_PRECISIONS.join(" | ")}: upcast the logits for the loss or not (default fp32)
  --logits-to-keep N    positions per sequence with logits (transformers' logits_to_keep)
  --head H              ${TRAINING_HEADS.join(" | ")} (default lm; classifier: no vocabulary logits)
  --gpus N              GPUs in total (default 1)
  --tp N                tensor-parallel degree (default 1)
  --zero S              ZeRO stage 0-3 over the data-parallel GPUs (FSDP full shard = 3)
  --sharding E          ${SHARDING_ENGINES.join(" | ")}: what shards at --zero 3 (default deepspeed)
  --no-reshard          ZeRO-3 / FSDP keep gathered weights from forward to backward (SHARD_GRAD_OP)
  --offload-optimizer   keep optimizer states and master weights in host memory (ZeRO 1-3)
  --offload-params      keep the sharded weights and gradients in host memory too (ZeRO 3)
  --frozen-grad-buffers FSDP1 units mixing frozen and LoRA weights keep frozen gradients (LitGPT)
  --batches B           ${BATCH_SHAPES.join(" | ")}: variable (dynamic padding) leaves an earlier batch's
                        logits cached beyond the allocated peak (default fixed; hf, torchtune,
                        litgpt: variable)
  --expandable-segments PYTORCH_CUDA_ALLOC_CONF=expandable_segments:True: no stale cache`;

/** The parsed values of {@link TRAINING_FLAGS}. */
export interface TrainingFlagValues {
  readonly method?: string | undefined;
  readonly framework?: string | undefined;
  readonly rank?: string | undefined;
  readonly targets?: string | undefined;
  readonly optimizer?: string | undefined;
  readonly precision?: string | undefined;
  readonly base?: string | undefined;
  readonly seq?: string | undefined;
  readonly "micro-batch"?: string | undefined;
  readonly "grad-accum"?: string | undefined;
  readonly "grad-checkpointing"?: boolean | undefined;
  readonly "selective-checkpointing"?: boolean | undefined;
  readonly "offload-activations"?: boolean | undefined;
  readonly compile?: boolean | undefined;
  readonly attention?: string | undefined;
  readonly "softmax-precision"?: string | undefined;
  readonly dropout?: boolean | undefined;
  readonly "lora-dropout"?: string | undefined;
  readonly loss?: string | undefined;
  readonly "loss-precision"?: string | undefined;
  readonly "logits-to-keep"?: string | undefined;
  readonly head?: string | undefined;
  readonly "fused-optimizer"?: boolean | undefined;
  readonly "optimizer-in-backward"?: boolean | undefined;
  readonly gpus?: string | undefined;
  readonly tp?: string | undefined;
  readonly zero?: string | undefined;
  readonly sharding?: string | undefined;
  readonly "no-reshard"?: boolean | undefined;
  readonly "offload-optimizer"?: boolean | undefined;
  readonly "offload-params"?: boolean | undefined;
  readonly "frozen-grad-buffers"?: boolean | undefined;
  readonly "keep-quantized-inputs"?: boolean | undefined;
  readonly batches?: string | undefined;
  readonly "expandable-segments"?: boolean | undefined;
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
    framework: optional(values.framework, (v) =>
      parseChoice("--framework", v, TRAINING_FRAMEWORKS),
    ),
    rank: optional(values.rank, (v) => parseCount("--rank", v)),
    targets: optional(values.targets, parseTargets),
    loraDropout: optional(values["lora-dropout"], (v) => parseFraction("--lora-dropout", v)),
    optimizer: optional(values.optimizer, (v) => parseChoice("--optimizer", v, OPTIMIZER_IDS)),
    fusedOptimizer: values["fused-optimizer"],
    optimizerInBackward: values["optimizer-in-backward"],
    precision: optional(values.precision, (v) =>
      parseChoice("--precision", v, TRAINING_PRECISION_IDS),
    ),
    basePrecision: optional(values.base, (v) => parseChoice("--base", v, BASE_PRECISION_IDS)),
    keepQuantizedInputs: values["keep-quantized-inputs"],
    sequenceLength: optional(values.seq, (v) => parseCount("--seq", v, { allowK: true })),
    microBatchSize: optional(values["micro-batch"], (v) => parseCount("--micro-batch", v)),
    gradientAccumulationSteps: optional(values["grad-accum"], (v) => parseCount("--grad-accum", v)),
    gradientCheckpointing: values["grad-checkpointing"],
    selectiveCheckpointing: values["selective-checkpointing"],
    offloadActivations: values["offload-activations"],
    compile: values.compile,
    attention: optional(values.attention, (v) => parseChoice("--attention", v, ATTENTION_KERNELS)),
    softmaxPrecision: optional(values["softmax-precision"], (v) =>
      parseChoice("--softmax-precision", v, LOSS_PRECISIONS),
    ),
    dropout: values.dropout,
    crossEntropy: optional(values.loss, (v) => parseChoice("--loss", v, CROSS_ENTROPY_IDS)),
    lossPrecision: optional(values["loss-precision"], (v) =>
      parseChoice("--loss-precision", v, LOSS_PRECISIONS),
    ),
    logitsToKeep: optional(values["logits-to-keep"], (v) =>
      parseCount("--logits-to-keep", v, { allowK: true }),
    ),
    head: optional(values.head, (v) => parseChoice("--head", v, TRAINING_HEADS)),
    gpuCount: optional(values.gpus, (v) => parseCount("--gpus", v)),
    tensorParallel: optional(values.tp, (v) => parseCount("--tp", v)),
    zeroStage: optional(values.zero, (v) => parseWholeNumber("--zero", v) as ZeroStage),
    shardingEngine: optional(values.sharding, (v) =>
      parseChoice("--sharding", v, SHARDING_ENGINES),
    ),
    reshardAfterForward: values["no-reshard"] === true ? false : undefined,
    offloadOptimizer: values["offload-optimizer"],
    offloadParameters: values["offload-params"],
    frozenGradientBuffers: values["frozen-grad-buffers"],
    variableLengthBatches: optional(
      values.batches,
      (v) => parseChoice("--batches", v, BATCH_SHAPES) === "variable",
    ),
    expandableSegments: values["expandable-segments"],
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
