/**
 * A deployment as its owner describes it: the GPUs, the parallelism, the workload limits, the
 * precision and how it is paid for. Plain data; the JSON file form (`vramfit check
 * deployment.json`) is validated by `UserDeploymentSchema` in src/schema/deployment.ts.
 */
import { InvalidOptionError } from "../../errors.js";
import type { AcceleratorSpec } from "../../hardware/accelerator.js";
import type { GpuCatalog } from "../../hardware/catalog.js";
import type { InferenceEngine } from "../../memory/engine.js";
import type { KvCacheDtype, WeightPrecision } from "../../memory/precision.js";
import type { ZeroStage } from "../../memory/training/training-options.js";
import type { PricingModel } from "../blueprint/pricing.js";
import { WORKLOAD_CLASSES, type WorkloadClass } from "../blueprint/request.js";

/**
 * What the owner's own sizing assumed, when they did it by hand or with another tool. Each figure
 * given is checked against the model (a KV cache sized with the query heads, weights at the naive
 * 4-bit figure, a context shorter than the one served).
 */
export interface UserSizing {
  /** KV heads the sizing used. */
  readonly kvHeads?: number | undefined;
  /** Layers the sizing used. */
  readonly layers?: number | undefined;
  /** head_dim the sizing used. */
  readonly headDim?: number | undefined;
  /** KV cache the sizing reserved, in GB (10^9 bytes). */
  readonly kvCacheGB?: number | undefined;
  /** Weights the sizing reserved, in GB (10^9 bytes). */
  readonly weightsGB?: number | undefined;
  /** Context length the KV cache was sized for. */
  readonly contextLength?: number | undefined;
  /** Concurrent sequences the KV cache was sized for. */
  readonly batchSize?: number | undefined;
  /** Image tokens per request the sizing counted. */
  readonly imageTokensPerRequest?: number | undefined;
}

/** A proposed deployment. `gpu` and `gpuCount` are required; every other field has a documented default. */
export interface UserDeployment {
  /** The model: a Hub repo id or a path to a config.json (the async `validateDeployment` resolves it). */
  readonly model?: string | undefined;
  /** The workload class; without one, check 1 fails and the rest size it as real-time serving. */
  readonly workload?: WorkloadClass | undefined;
  /** The GPU: a catalog id (`nvidia-a100-80gb-sxm`) or its name (`A100 SXM4 80GB`), case-insensitive. */
  readonly gpu: string;
  /** GPUs in all (serving: replicas × TP × PP). */
  readonly gpuCount: number;
  /**
   * Tensor-parallel degree.
   * @default serving: gpuCount / pipelineParallel (one replica); training: 1
   */
  readonly tensorParallel?: number | undefined;
  /** Pipeline stages. @default 1 */
  readonly pipelineParallel?: number | undefined;
  /** Serving: tokens per sequence (vLLM `--max-model-len`); training: sequence length. @default 4096 / 2048 */
  readonly contextLength?: number | undefined;
  /** Serving: concurrent sequences per replica (`--max-num-seqs`); training: micro-batch per GPU. @default 1 */
  readonly batchSize?: number | undefined;
  /** Weight precision the deployment loads. @default "auto" (the checkpoint's) */
  readonly weights?: WeightPrecision | "auto" | undefined;
  /** KV cache dtype. @default "auto" */
  readonly kvCacheDtype?: KvCacheDtype | "auto" | undefined;
  /** Images per request (vision models). @default 0 */
  readonly imagesPerRequest?: number | undefined;
  /** Serving engine whose KV accounting applies. @default "vllm" */
  readonly engine?: InferenceEngine | undefined;
  /** Fraction of GPU memory the engine may use. @default 0.92 serving (vLLM), 1 training */
  readonly gpuMemoryUtilization?: number | undefined;
  /** Framework reserve the owner's sizing kept, as a fraction of the weights (0.10–0.15 is the rule of thumb). */
  readonly overheadFraction?: number | undefined;
  /** How the GPUs are paid for. */
  readonly pricing?: PricingModel | undefined;
  /** Training: whether the run writes checkpoints it can resume from. @default false */
  readonly checkpointing?: boolean | undefined;
  /** How long the run (or the serving deployment) lasts, in hours. */
  readonly durationHours?: number | undefined;
  /** Training: ZeRO stage over the data-parallel GPUs (FSDP full shard = 3). @default 0 */
  readonly zeroStage?: ZeroStage | undefined;
  /** Training: recompute activations. @default false */
  readonly gradientCheckpointing?: boolean | undefined;
  /** Training (LoRA / QLoRA): adapter rank. @default 16 */
  readonly loraRank?: number | undefined;
  /** What the owner's own sizing assumed, to check. */
  readonly sizing?: UserSizing | undefined;
}

/** A {@link UserDeployment} with its GPU found and every default applied. */
export interface ResolvedUserDeployment {
  readonly model: string | undefined;
  /** The workload class, or `null` when none was given. */
  readonly workload: WorkloadClass | null;
  /** How it is sized: the given class, or real-time serving when none was given. */
  readonly sizedAs: WorkloadClass;
  readonly kind: "serving" | "training";
  readonly acceleratorId: string;
  readonly accelerator: AcceleratorSpec;
  readonly gpuCount: number;
  readonly tensorParallel: number;
  readonly pipelineParallel: number;
  /** Serving: replicas = gpuCount / (TP × PP), rounded down; training: 1. */
  readonly replicas: number;
  /** Given, or `null` when defaulted by the estimate. */
  readonly contextLength: number | null;
  readonly batchSize: number | null;
  readonly weights: WeightPrecision | "auto";
  readonly kvCacheDtype: KvCacheDtype | "auto";
  readonly imagesPerRequest: number;
  readonly engine: InferenceEngine | undefined;
  readonly gpuMemoryUtilization: number;
  readonly overheadFraction: number | null;
  readonly pricing: PricingModel | undefined;
  readonly checkpointing: boolean;
  readonly durationHours: number | null;
  readonly zeroStage: ZeroStage;
  readonly gradientCheckpointing: boolean;
  readonly loraRank: number | undefined;
  readonly sizing: UserSizing;
  /** One line per default applied. */
  readonly notes: readonly string[];
}

/** Defaults of {@link UserDeployment}. */
export const DEFAULT_USER_DEPLOYMENT = {
  pipelineParallel: 1,
  weights: "auto",
  kvCacheDtype: "auto",
  imagesPerRequest: 0,
  servingGpuMemoryUtilization: 0.92,
  trainingGpuMemoryUtilization: 1,
  checkpointing: false,
  zeroStage: 0,
  gradientCheckpointing: false,
} as const;

/**
 * Finds an accelerator by catalog id or display name (case-insensitive, spaces and dashes ignored).
 *
 * @throws {InvalidOptionError} naming some ids when nothing matches.
 */
export function findAccelerator(
  catalog: GpuCatalog,
  gpu: string,
): { readonly id: string; readonly accelerator: AcceleratorSpec } {
  const key = (text: string): string => text.toLowerCase().replace(/[\s_-]+/g, "");
  const wanted = key(gpu);
  for (const [id, accelerator] of Object.entries(catalog.accelerators)) {
    if (key(id) === wanted || key(accelerator.name) === wanted) return { id, accelerator };
  }
  throw new InvalidOptionError("gpu", `no accelerator "${gpu}" in the catalog`, {
    hint: `Use a catalog id such as ${Object.keys(catalog.accelerators)
      .filter((id) => /a100|h100|l40s/.test(id))
      .join(", ")}; "vramfit gpus <model>" lists them all.`,
  });
}

/**
 * Finds the deployment's GPU and applies {@link DEFAULT_USER_DEPLOYMENT} field by field.
 *
 * @throws {InvalidOptionError} for an unknown GPU or workload, or counts that are not positive
 * whole numbers, or a TP × PP larger than the GPU count.
 */
export function resolveUserDeployment(
  deployment: UserDeployment,
  catalog: GpuCatalog,
): ResolvedUserDeployment {
  const notes: string[] = [];
  const D = DEFAULT_USER_DEPLOYMENT;
  const workload = deployment.workload ?? null;
  if (workload !== null && !Object.hasOwn(WORKLOAD_CLASSES, workload)) {
    throw new InvalidOptionError("workload", `unknown workload class "${workload}"`, {
      hint: `Use one of: ${Object.keys(WORKLOAD_CLASSES).join(", ")}.`,
    });
  }
  const sizedAs: WorkloadClass = workload ?? "realtime";
  const kind = WORKLOAD_CLASSES[sizedAs].kind;
  const { id, accelerator } = findAccelerator(catalog, deployment.gpu);
  const gpuCount = count("gpuCount", deployment.gpuCount);
  const pipelineParallel =
    count("pipelineParallel", deployment.pipelineParallel) ?? D.pipelineParallel;
  const defaultTp = kind === "serving" ? Math.max(1, Math.floor(gpuCount / pipelineParallel)) : 1;
  const tensorParallel = count("tensorParallel", deployment.tensorParallel) ?? defaultTp;
  if (deployment.tensorParallel === undefined) {
    notes.push(
      kind === "serving"
        ? `tensorParallel: default ${tensorParallel} (one replica over every GPU)`
        : "tensorParallel: default 1 (data parallel)",
    );
  }
  if (tensorParallel * pipelineParallel > gpuCount) {
    throw new InvalidOptionError(
      "tensorParallel",
      `TP ${tensorParallel} × PP ${pipelineParallel} needs ${tensorParallel * pipelineParallel} GPUs, but gpuCount is ${gpuCount}`,
      { hint: "Raise gpuCount or lower the parallelism." },
    );
  }
  const gpuMemoryUtilization =
    deployment.gpuMemoryUtilization ??
    (kind === "serving" ? D.servingGpuMemoryUtilization : D.trainingGpuMemoryUtilization);
  if (!(gpuMemoryUtilization > 0 && gpuMemoryUtilization <= 1)) {
    throw new InvalidOptionError(
      "gpuMemoryUtilization",
      `expected a fraction above 0 and at most 1, got ${gpuMemoryUtilization}`,
    );
  }
  if (deployment.gpuMemoryUtilization === undefined) {
    notes.push(
      kind === "serving"
        ? "gpuMemoryUtilization: default 0.92 (vLLM's)"
        : "gpuMemoryUtilization: default 1 (the training estimate itemizes CUDA context and fragmentation)",
    );
  }
  const zeroStage = deployment.zeroStage ?? D.zeroStage;
  if (kind === "training" && deployment.zeroStage === undefined && gpuCount > 1) {
    notes.push("zeroStage: default 0 (plain data parallel: every GPU holds every model state)");
  }
  return {
    model: deployment.model,
    workload,
    sizedAs,
    kind,
    acceleratorId: id,
    accelerator,
    gpuCount,
    tensorParallel,
    pipelineParallel,
    replicas: kind === "serving" ? Math.floor(gpuCount / (tensorParallel * pipelineParallel)) : 1,
    contextLength: count("contextLength", deployment.contextLength) ?? null,
    batchSize: count("batchSize", deployment.batchSize) ?? null,
    weights: deployment.weights ?? D.weights,
    kvCacheDtype: deployment.kvCacheDtype ?? D.kvCacheDtype,
    imagesPerRequest: deployment.imagesPerRequest ?? D.imagesPerRequest,
    engine: deployment.engine,
    gpuMemoryUtilization,
    overheadFraction: deployment.overheadFraction ?? null,
    pricing: deployment.pricing,
    checkpointing: deployment.checkpointing ?? D.checkpointing,
    durationHours: deployment.durationHours ?? null,
    zeroStage,
    gradientCheckpointing: deployment.gradientCheckpointing ?? D.gradientCheckpointing,
    loraRank: deployment.loraRank,
    sizing: deployment.sizing ?? {},
    notes,
  };
}

function count(option: string, value: number): number;
function count(option: string, value: number | undefined): number | undefined;
function count(option: string, value: number | undefined): number | undefined {
  if (value === undefined) return undefined;
  if (!Number.isSafeInteger(value) || value < 1) {
    throw new InvalidOptionError(option, `expected a positive whole number, got ${value}`);
  }
  return value;
}
