/**
 * What a deployment blueprint is asked for: the workload class, the load, and the knobs that
 * size it. One plain-data object (a JSON file is enough), resolved field by field in
 * {@link resolvePlanRequest}, which echoes every default back as a note.
 */
import { InvalidOptionError } from "../../errors.js";
import { RANK_OPTIONS } from "../../hardware/rank-options.js";
import { INFERENCE_OPTIONS } from "../../memory/inference-options.js";
import {
  anyField,
  BOOLEAN_FIELD,
  checkKnownOptions,
  choiceField,
  integerField,
  numberField,
  readOption,
  TEXT_FIELD,
  type OptionTable,
} from "../../options/option-fields.js";
import type { Workload } from "../../hardware/workloads.js";
import type { InferenceEngine } from "../../memory/engine.js";
import type { ImageSize } from "../../model/features/vision/cache.js";
import type { KvCacheDtype, WeightPrecision } from "../../memory/precision.js";
import type { TrainingMethod, TrainingOptions } from "../../memory/training/training-options.js";
import {
  DEFAULT_VLLM_ENGINE_VERSION,
  VLLM_ENGINE_VERSIONS,
  type VllmEngineVersion,
} from "../templates/vllm-versions.js";

/** The four workload classes of the decision tree (LoRA and QLoRA are one class, two methods). */
export type WorkloadClass = "realtime" | "batch" | "lora" | "qlora" | "full";

/** What each workload class means and how it is planned. */
export interface WorkloadClassSpec {
  /** Serving or training. */
  readonly kind: "serving" | "training";
  /** Name for people. */
  readonly label: string;
  /** The GPU ranking's workload, which orders the GPUs and gives the pricing advice. */
  readonly rankingWorkload: Workload;
  /** The training method, for training classes. */
  readonly method: TrainingMethod | null;
  /** Default concurrent sequences per replica (serving) or sequences per GPU per pass (training). */
  readonly defaultBatchSize: number;
  /** Why the class is planned the way it is. */
  readonly summary: string;
}

/**
 * The workload classes. Defaults are vramfit's choices: 8 concurrent sequences per replica for
 * real-time serving (the worked example's concurrency), 32 for batch (throughput favours large
 * batches: a decode step reads the weights once for the whole batch), one sequence per GPU per
 * pass for training (the estimate's default).
 */
export const WORKLOAD_CLASSES = {
  realtime: {
    kind: "serving",
    label: "real-time inference",
    rankingWorkload: "realtime",
    method: null,
    defaultBatchSize: 8,
    summary:
      "interactive serving: each request waits for its first token, so the time to first token has a target",
  },
  batch: {
    kind: "serving",
    label: "batch inference",
    rankingWorkload: "batch",
    method: null,
    defaultBatchSize: 32,
    summary: "offline generation: throughput per dollar matters, latency does not",
  },
  lora: {
    kind: "training",
    label: "LoRA fine-tuning",
    rankingWorkload: "training",
    method: "lora",
    defaultBatchSize: 1,
    summary:
      "adapters on a frozen 16-bit base: base weights + small trainable states + activations",
  },
  qlora: {
    kind: "training",
    label: "QLoRA fine-tuning",
    rankingWorkload: "training",
    method: "qlora",
    defaultBatchSize: 1,
    summary: "adapters on a frozen 4-bit NF4 base: the smallest fine-tuning footprint",
  },
  full: {
    kind: "training",
    label: "full training",
    rankingWorkload: "training",
    method: "full",
    defaultBatchSize: 1,
    summary:
      "every weight trained: 16 bytes per parameter of model states (mixed-precision AdamW) + activations",
  },
} as const satisfies Record<WorkloadClass, WorkloadClassSpec>;

/** Every {@link WorkloadClass}, in table order. */
export const WORKLOAD_CLASS_IDS = Object.keys(WORKLOAD_CLASSES) as readonly WorkloadClass[];

/**
 * Training options the blueprint passes through. It chooses the GPU count and the sharding
 * itself (one GPU, or FSDP / ZeRO-3 over several), so those are not among them.
 */
export type PlanTrainingOptions = Omit<
  TrainingOptions,
  | "method"
  | "sequenceLength"
  | "microBatchSize"
  | "gpuCount"
  | "tensorParallel"
  | "zeroStage"
  | "offloadOptimizer"
>;

/** What to plan. Only `workload` is required. */
export interface PlanRequest {
  /** The workload class: the first decision. */
  readonly workload: WorkloadClass;
  /**
   * Serving: tokens per sequence (prompt + output), vLLM's `--max-model-len`. Training: tokens per
   * training sequence.
   * @default 4096 for serving, 2048 for training (each capped at the model's `max_position_embeddings`)
   */
  readonly contextLength?: number | undefined;
  /**
   * Serving: concurrent sequences per replica (vLLM's `--max-num-seqs`). Training: sequences per
   * GPU per forward/backward pass.
   * @default 8 realtime, 32 batch, 1 training
   */
  readonly batchSize?: number | undefined;
  /**
   * Serving weight precision; `auto` follows the checkpoint (a pre-quantized one loads as stored).
   * @default "auto"
   */
  readonly weights?: WeightPrecision | "auto" | undefined;
  /** Serving KV cache dtype. @default "auto" */
  readonly kvCacheDtype?: KvCacheDtype | "auto" | undefined;
  /** Serving: the single-GPU estimate's framework reserve, a fraction of the weights. @default 0.12 */
  readonly overheadFraction?: number | undefined;
  /** Serving: a parameter count to use instead of the config's (e.g. 70e9). */
  readonly parameterCount?: number | undefined;
  /** Whose KV accounting to reproduce. @default "vllm" */
  readonly engine?: InferenceEngine | undefined;
  /** Images per request (vision models). @default 0 */
  readonly imagesPerRequest?: number | undefined;
  /** Image size in pixels, for Qwen2-VL and Llama-4. @default 1024 × 1024 */
  readonly imageSize?: ImageSize | undefined;
  /** Prompt tokens of one request, for the time to first token. @default the ranking's: context less up to 256 output tokens */
  readonly promptTokens?: number | undefined;
  /** Time-to-first-token target in milliseconds. @default 350 for realtime, none for batch */
  readonly maxTtftMs?: number | undefined;
  /** Requests per second the whole deployment must serve (sizes the replicas). */
  readonly targetRequestsPerSecond?: number | undefined;
  /** Output tokens per second the whole deployment must produce (sizes the replicas). */
  readonly targetTokensPerSecond?: number | undefined;
  /** An accelerator id to plan on (`nvidia-h100-sxm`); otherwise the ranking chooses. */
  readonly gpu?: string | undefined;
  /** Accelerator families, vendors or architectures allowed ("H100", "amd", "Hopper"). */
  readonly families?: readonly string[] | undefined;
  /** Providers whose instances and prices count ("aws", "gcp", ...). */
  readonly clouds?: readonly string[] | undefined;
  /** Training knobs (rank, targets, optimizer, precision, gradient checkpointing, ...). */
  readonly training?: PlanTrainingOptions | undefined;
  /** Tokens the training run processes (all epochs): sizes its hours and cost. */
  readonly trainingTokens?: number | undefined;
  /**
   * How long the deployment runs, in hours: a training run's length, or how long a serving
   * deployment is kept (8,760 or more suggests reserved capacity).
   * @default from `trainingTokens` for training; unknown for serving
   */
  readonly durationHours?: number | undefined;
  /**
   * Whether a training run writes checkpoints it can resume from (the axolotl template saves
   * every epoch).
   * @default true
   */
  readonly checkpointing?: boolean | undefined;
  /** Fraction of GPU memory usable. @default 0.92 serving (vLLM), 1 training */
  readonly gpuMemoryUtilization?: number | undefined;
  /** AWS region of the fleet templates. @default "us-east-1" */
  readonly region?: string | undefined;
  /**
   * The vLLM release the serving templates target (`VLLM_RELEASES`): its image, flags and INT4 route.
   * @default "0.29"
   */
  readonly engineVersion?: VllmEngineVersion | undefined;
}

/** A {@link PlanRequest} with every default resolved, echoed in the plan. */
export interface ResolvedPlanRequest {
  readonly workload: WorkloadClass;
  readonly batchSize: number;
  readonly weights: WeightPrecision | "auto";
  readonly targetRequestsPerSecond: number | null;
  readonly targetTokensPerSecond: number | null;
  readonly gpu: string | null;
  readonly trainingTokens: number | null;
  readonly durationHours: number | null;
  readonly checkpointing: boolean;
  readonly region: string;
  /** The vLLM release the serving templates target. */
  readonly engineVersion: VllmEngineVersion;
  /** One line for every value defaulted rather than given. */
  readonly notes: readonly string[];
}

/** Defaults of {@link PlanRequest} that do not depend on the workload class. */
export const DEFAULT_PLAN_REQUEST = {
  weights: "auto",
  checkpointing: true,
  region: "us-east-1",
} as const;

const POSITIVE = numberField({ min: 0, max: Number.MAX_VALUE, exclusiveMin: true });

/**
 * Every {@link PlanRequest} field. The estimate's and the ranking's fields are theirs
 * ({@link INFERENCE_OPTIONS}, {@link RANK_OPTIONS}), checked the same way; the blueprint's own
 * defaults depend on the workload class and are set in {@link resolvePlanRequest}.
 */
export const PLAN_REQUEST_OPTIONS: OptionTable<PlanRequest> = {
  workload: { field: choiceField(WORKLOAD_CLASS_IDS) },
  contextLength: INFERENCE_OPTIONS.contextLength,
  batchSize: { field: integerField() },
  weights: { field: INFERENCE_OPTIONS.weights.field, default: DEFAULT_PLAN_REQUEST.weights },
  kvCacheDtype: { field: INFERENCE_OPTIONS.kvCacheDtype.field },
  overheadFraction: { field: INFERENCE_OPTIONS.overheadFraction.field },
  parameterCount: INFERENCE_OPTIONS.parameterCount,
  engine: { field: INFERENCE_OPTIONS.engine.field },
  imagesPerRequest: { field: INFERENCE_OPTIONS.imagesPerRequest.field },
  imageSize: { field: INFERENCE_OPTIONS.imageSize.field },
  promptTokens: RANK_OPTIONS.promptTokens,
  maxTtftMs: RANK_OPTIONS.maxTtftMs,
  targetRequestsPerSecond: { field: POSITIVE },
  targetTokensPerSecond: { field: POSITIVE },
  gpu: { field: TEXT_FIELD },
  families: RANK_OPTIONS.families,
  clouds: RANK_OPTIONS.clouds,
  training: { field: anyField<PlanTrainingOptions>("training options") },
  trainingTokens: { field: POSITIVE },
  durationHours: { field: POSITIVE },
  checkpointing: { field: BOOLEAN_FIELD, default: DEFAULT_PLAN_REQUEST.checkpointing },
  gpuMemoryUtilization: { field: RANK_OPTIONS.gpuMemoryUtilization.field },
  region: {
    field: {
      expected: "an AWS region name such as us-east-1 or eu-west-2",
      accepts: (value): value is string =>
        typeof value === "string" && /^[a-z]{2}(-[a-z]+)+-\d+$/.test(value),
    },
    default: DEFAULT_PLAN_REQUEST.region,
  },
  // The releases whose facts were checked (vllm-versions.ts): later ones are refused, not guessed.
  engineVersion: {
    field: choiceField(VLLM_ENGINE_VERSIONS),
    default: DEFAULT_VLLM_ENGINE_VERSION,
  },
};

/**
 * Checks a plan request and resolves the fields the blueprint itself owns (the estimate and
 * ranking resolve theirs). Pure.
 *
 * @throws {InvalidOptionError} for an unknown workload class, an unknown field or a value out of range.
 */
export function resolvePlanRequest(request: PlanRequest): ResolvedPlanRequest {
  const notes: string[] = [];
  checkKnownOptions(request, [PLAN_REQUEST_OPTIONS], "a plan request");
  const read = <Key extends keyof PlanRequest>(key: Key) =>
    readOption(PLAN_REQUEST_OPTIONS, request, key);
  const workload = read("workload");
  if (workload === undefined) {
    throw new InvalidOptionError("workload", "is required", {
      hint: `Use one of: ${WORKLOAD_CLASS_IDS.join(", ")}.`,
    });
  }
  const spec = WORKLOAD_CLASSES[workload];
  const batchSize = read("batchSize") ?? spec.defaultBatchSize;
  if (request.batchSize === undefined) {
    notes.push(
      spec.kind === "serving"
        ? `batchSize: default ${batchSize} concurrent sequences per replica for ${spec.label}`
        : `batchSize: default ${batchSize} sequence per GPU per pass`,
    );
  }
  const checkpointing = read("checkpointing") ?? DEFAULT_PLAN_REQUEST.checkpointing;
  if (spec.kind === "training" && request.checkpointing === undefined) {
    notes.push("checkpointing: default on (the run can resume after an interruption)");
  }
  const region = read("region") ?? DEFAULT_PLAN_REQUEST.region;
  if (spec.kind === "training" && (read("imagesPerRequest") ?? 0) > 0) {
    throw new InvalidOptionError("imagesPerRequest", "image tokens are not modelled for training", {
      hint: "Leave imagesPerRequest at 0 for training plans; size the sequence length to include them.",
    });
  }
  const trainingKnob = Object.entries(read("training") ?? {}).find(
    ([, value]) => value !== undefined,
  )?.[0];
  if (spec.kind !== "training" && trainingKnob !== undefined) {
    throw new InvalidOptionError(
      `training.${trainingKnob}`,
      `applies to the lora, qlora and full workloads, not ${workload}`,
      { hint: "Drop it, or plan a training workload: lora, qlora or full." },
    );
  }
  return {
    workload,
    batchSize,
    weights: read("weights") ?? DEFAULT_PLAN_REQUEST.weights,
    targetRequestsPerSecond: read("targetRequestsPerSecond") ?? null,
    targetTokensPerSecond: read("targetTokensPerSecond") ?? null,
    gpu: read("gpu") ?? null,
    trainingTokens: read("trainingTokens") ?? null,
    durationHours: read("durationHours") ?? null,
    checkpointing,
    region,
    engineVersion: read("engineVersion") ?? DEFAULT_VLLM_ENGINE_VERSION,
    notes,
  };
}
