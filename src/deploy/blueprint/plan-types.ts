/**
 * The shape of a deployment blueprint: the decision tree's steps with their reasons, the chosen
 * GPUs, the pricing, the quantization matrix, the LoRA suggestion, the comparison with the naive
 * baseline, and the plans the template generators take. Plain data: bytes, seconds and dollars.
 */
import type { DeploymentSearch } from "../../hardware/search/search-deployments.js";
import type { FleetRent } from "./plan-templates.js";
import type { PricePoint } from "../../hardware/price.js";
import type { CheckpointFacts } from "../../memory/checkpoint.js";
import type { InferenceEstimate } from "../../memory/estimate-inference.js";
import type { TrainingEstimate } from "../../memory/training/estimate-training.js";
import type { ModelSource } from "../../model/model-source.js";
import type { ModelSpec } from "../../model/model-spec.js";
import type { TemplatePlans } from "../templates/render-templates.js";
import type { PricingDecision } from "./pricing.js";
import type { QuantizationRow } from "./quantization.js";
import type { ResolvedPlanRequest, WorkloadClass } from "./request.js";

/** The decisions of the tree, in order. */
export type PlanStepId = "workload" | "modality" | "vram" | "topology" | "pricing";

/** One decision: what was chosen, why, and the numbers behind it. */
export interface PlanStep {
  /** Which decision. */
  readonly step: PlanStepId;
  /** What was chosen, in a few words. */
  readonly choice: string;
  /** Why, in one or two sentences. */
  readonly reason: string;
  /** The figures the reason cites (bytes, seconds, dollars, counts). */
  readonly figures: Readonly<Record<string, number | string | boolean | null>>;
}

/** The GPUs the plan runs on and what they deliver. */
export interface ChosenDeployment {
  /** Catalog id of the accelerator. */
  readonly acceleratorId: string;
  /** Its display name. */
  readonly acceleratorName: string;
  /** Memory of one GPU as the driver reports it, in bytes. */
  readonly memoryBytesPerGpu: number;
  /** Tensor-parallel degree (training: GPUs the model states are fully sharded over, within a node). */
  readonly tensorParallel: number;
  /** Pipeline stages (nodes, beyond 8 GPUs). */
  readonly pipelineParallel: number;
  /** GPUs one replica (or the training group) uses: TP × PP. */
  readonly gpusPerReplica: number;
  /** Replicas for the target load (1 for training). */
  readonly replicas: number;
  /** GPUs in all. */
  readonly gpuCount: number;
  /** What one GPU holds, in bytes. */
  readonly perGpuBytes: number;
  /** Fraction of each GPU's memory the engine may use (vLLM's `--gpu-memory-utilization`; 1 for training). */
  readonly gpuMemoryUtilization: number;
  /** `utilization × memory` of one GPU, in bytes. */
  readonly budgetBytesPerGpu: number;
  /** Time to first token of one request, in seconds (serving). */
  readonly ttftSeconds: number | null;
  /** Time per decode step, in seconds (serving). */
  readonly interTokenLatencySeconds: number | null;
  /** Output (serving) or trained (training) tokens per second of one replica. */
  readonly tokensPerSecondPerReplica: number | null;
  /** The same for all replicas. */
  readonly tokensPerSecond: number | null;
  /** Requests per second one replica completes: batch / (TTFT + output tokens × inter-token latency). */
  readonly requestsPerSecondPerReplica: number | null;
  /** The catalog price for one replica's GPUs under the chosen pricing model, with its source and date. */
  readonly price: PricePoint | null;
  /** Dollars per hour for all replicas under the chosen pricing model (reserved: estimated from On-Demand). */
  readonly usdPerHour: number | null;
  /** Dollars per million output (serving) or trained (training) tokens at that price. */
  readonly usdPerMillionTokens: number | null;
  /** Whether the time to first token meets the target (`null` without a target). */
  readonly meetsTtftTarget: boolean | null;
  /** Why this GPU and parallelism: the ranking's sentences. */
  readonly reasons: readonly string[];
}

/** One side of the baseline comparison. */
export interface ComparedDeployment {
  /** What it is, e.g. "BF16 on 2 × A100 SXM4 80GB (TP 2)". */
  readonly label: string;
  /** Accelerator id. */
  readonly acceleratorId: string;
  /** Whether it fits at all. */
  readonly fits: boolean;
  /** GPUs one replica uses. */
  readonly gpuCount: number | null;
  /** Tensor-parallel degree. */
  readonly tensorParallel: number | null;
  /** Output (or trained) tokens per second of one replica. */
  readonly tokensPerSecond: number | null;
  /** Dollars per million tokens. */
  readonly usdPerMillionTokens: number | null;
  /** Time to first token, in seconds (serving). */
  readonly ttftSeconds: number | null;
  /** Whether the TTFT target is met (`null` without a target or a TTFT). */
  readonly meetsTtftTarget: boolean | null;
  /** The price used (the same kind on both sides), with its source and date. */
  readonly price: PricePoint | null;
}

/** The chosen plan next to the naive baseline people start from: BF16 on A100 80GB. */
export interface BaselineComparison {
  /** The baseline: BF16 (training: the same run, QLoRA as LoRA on a BF16 base) on A100 SXM4 80GB. */
  readonly baseline: ComparedDeployment;
  /** One replica of the chosen plan. */
  readonly chosen: ComparedDeployment;
  /** Chosen ÷ baseline: > 1 is more throughput; < 1 is cheaper or faster to first token. */
  readonly ratios: {
    readonly tokensPerSecond: number | null;
    readonly usdPerMillionTokens: number | null;
    readonly ttft: number | null;
  };
  /** The TTFT target in milliseconds, if any. */
  readonly ttftTargetMs: number | null;
  /** One sentence. */
  readonly summary: string;
}

/** The LoRA alternative to a full-training plan. */
export interface LoraSuggestion {
  /** Whether it is suggested: LoRA needs at most half the GPUs full training does. */
  readonly suggested: boolean;
  /** The alternative's method. */
  readonly method: "lora" | "qlora";
  /** GPUs full training needs on the chosen accelerator. */
  readonly fullGpus: number;
  /** GPUs the alternative needs on the same accelerator. */
  readonly gpus: number | null;
  /** Its per-GPU memory at that count, in bytes. */
  readonly perGpuBytes: number | null;
  /** Trainable parameters of the alternative. */
  readonly trainableParameters: number;
  /** Trainable share of all parameters, 0–1. */
  readonly trainableFraction: number;
  /** What it gives up, with the source. */
  readonly givesUp: string;
  /** One sentence. */
  readonly summary: string;
}

/** A deployment blueprint: the answer of `planDeployment`. */
export interface DeploymentPlan {
  /** What this is: a deployment blueprint. */
  readonly kind: "plan";
  /** Which model. */
  readonly model: {
    readonly id: string | undefined;
    readonly architecture: string | undefined;
    readonly modelType: string | undefined;
    readonly source: ModelSource;
  };
  /** The model the numbers were computed from. */
  readonly spec: ModelSpec;
  /** Facts read from the stored weights that sized it (Hub models), or `null`. */
  readonly checkpoint: CheckpointFacts | null;
  /** The workload class and its kind. */
  readonly workload: {
    readonly class: WorkloadClass;
    readonly kind: "serving" | "training";
    readonly label: string;
  };
  /** The request with every default resolved (and a note for each). */
  readonly request: ResolvedPlanRequest;
  /** The decision tree, in order: workload, modality, VRAM, topology, pricing. */
  readonly steps: readonly PlanStep[];
  /** The serving estimate (serving plans). */
  readonly inference: InferenceEstimate | null;
  /** The training estimate at the chosen GPU count (training plans). */
  readonly training: TrainingEstimate | null;
  /** The chosen GPUs. */
  readonly chosen: ChosenDeployment;
  /**
   * The deployment search the serving plan chose from (its batch, precision and KV dtype, every
   * GPU × TP × PP, against its targets); `null` for training.
   */
  readonly search: DeploymentSearch | null;
  /** How to pay for them. */
  readonly pricing: PricingDecision;
  /** BF16 / FP8 / INT8 / INT4 for this model (serving plans; empty for training). */
  readonly quantization: readonly QuantizationRow[];
  /** The LoRA alternative (full-training plans). */
  readonly loraSuggestion: LoraSuggestion | null;
  /** Next to BF16 on A100 80GB. */
  readonly baseline: BaselineComparison | null;
  /** The plans `renderTemplates` takes: serving (+ infra for AWS) or training. */
  readonly templates: TemplatePlans;
  /**
   * What the AWS fleet template rents for the replicas (instances, GPUs used and rented, dollars per
   * hour for the whole instances); null without an AWS fleet.
   */
  readonly fleet: FleetRent | null;
  /** The template targets these plans can render. */
  readonly templateTargets: readonly string[];
  /** The options the estimate and the ranking used, one line per default. */
  readonly assumptions: readonly string[];
  /** What the reader must know. */
  readonly warnings: readonly string[];
}
