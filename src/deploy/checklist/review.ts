/**
 * Everything the checks read about one proposed deployment: the estimate at its own context,
 * batch and precision, and the fit at its own GPU, TP and PP. Built once, read by all twelve.
 */
import { InvalidOptionError } from "../../errors.js";
import type { GpuCatalog } from "../../hardware/catalog.js";
import { evaluateAccelerator, evaluateTopology, type Evaluation } from "../../hardware/evaluate.js";
import { executionOn } from "../../hardware/execution.js";
import { phaseTime } from "../../hardware/roofline.js";
import { prepareInferenceRanking } from "../../hardware/inference-requirement.js";
import type { RankAssumptions } from "../../hardware/rank-options.js";
import type { GpuRequirement } from "../../hardware/requirement.js";
import { requirementFromTraining } from "../../hardware/training-requirement.js";
import type { CheckpointFacts } from "../../memory/checkpoint.js";
import {
  estimateInferenceFromSpec,
  type InferenceEstimate,
} from "../../memory/estimate-inference.js";
import {
  estimateTrainingFromSpec,
  type TrainingEstimate,
} from "../../memory/training/estimate-training.js";
import type { TrainingOptions } from "../../memory/training/training-options.js";
import type { ModelSpec } from "../../model/model-spec.js";
import { resolveRankOptions } from "../../hardware/rank-options.js";
import { WORKLOAD_CLASSES } from "../blueprint/request.js";
import type { ResolvedUserDeployment } from "./user-deployment.js";

/** What the checks read. */
export interface DeploymentReview {
  /** The model. */
  readonly spec: ModelSpec;
  /** The deployment, resolved. */
  readonly deployment: ResolvedUserDeployment;
  /** The catalog the GPU came from. */
  readonly catalog: GpuCatalog;
  /** Serving: the estimate at the deployment's context, batch and precision. */
  readonly inference: InferenceEstimate | null;
  /** Training: the estimate at the deployment's GPUs, TP and ZeRO stage. */
  readonly training: TrainingEstimate | null;
  /** Why the training estimate could not be made (a TP that does not divide the heads, ...). */
  readonly trainingProblem: string | null;
  /** The requirement the fit and speed are computed from. */
  readonly requirement: GpuRequirement | null;
  /** The ranking options used (utilization, efficiencies). */
  readonly rankAssumptions: RankAssumptions;
  /** The fit and speed at the deployment's own TP and PP. */
  readonly evaluation: Evaluation | null;
  /** The smallest parallelism that fits this GPU (for the fit check's advice). */
  readonly smallestFit: Evaluation | null;
  /** Training: tokens per second of the whole group, and the tensor rate it runs at. */
  readonly trainingSpeed: {
    readonly tokensPerSecond: number | null;
    readonly flopsPerSecond: number | null;
    readonly rateLabel: string;
  } | null;
}

/** Options of a review. */
export interface ReviewOptions {
  /** Facts read from the stored weights (Hub models). */
  readonly checkpoint?: CheckpointFacts | undefined;
  /** Training options beyond the deployment's fields (optimizer, precision, targets, ...). */
  readonly training?: TrainingOptions | undefined;
}

/**
 * Estimates the deployment as proposed. Options the estimates would refuse are not thrown: a
 * precision asked of a pre-quantized checkpoint is sized as stored (check 6 reports it), images
 * asked of a text model are left out (check 5 reports them), and a training layout the estimate
 * refuses is recorded as `trainingProblem` (check 8 reports it).
 *
 * @throws {InvalidOptionError} for values no check can judge (a context of 0, an unknown engine).
 */
export function reviewDeployment(
  spec: ModelSpec,
  deployment: ResolvedUserDeployment,
  catalog: GpuCatalog,
  options: ReviewOptions = {},
): DeploymentReview {
  const d = deployment;
  const workload = WORKLOAD_CLASSES[d.sizedAs];
  if (workload.kind === "serving") {
    const inference = estimateInferenceFromSpec(spec, {
      contextLength: d.contextLength ?? undefined,
      batchSize: d.batchSize ?? undefined,
      weights: spec.quantization === undefined ? d.weights : "auto",
      kvCacheDtype: d.kvCacheDtype,
      engine: d.engine,
      imagesPerRequest: spec.vision === undefined ? 0 : d.imagesPerRequest,
      ...(d.overheadFraction === null ? {} : { overheadFraction: d.overheadFraction }),
      checkpoint: options.checkpoint,
    });
    const { requirement, assumptions } = prepareInferenceRanking(inference, {
      workload: workload.rankingWorkload,
      gpuMemoryUtilization: d.gpuMemoryUtilization,
    });
    return {
      spec,
      deployment,
      catalog,
      inference,
      training: null,
      trainingProblem: null,
      requirement,
      rankAssumptions: assumptions,
      evaluation: evaluateTopology(requirement, d.accelerator, assumptions, {
        tp: d.tensorParallel,
        pp: d.pipelineParallel,
      }),
      smallestFit: evaluateAccelerator(
        requirement,
        d.accelerator,
        assumptions,
        Number.POSITIVE_INFINITY,
      ),
      trainingSpeed: null,
    };
  }

  const method = workload.method;
  const rankAssumptions = resolveRankOptions(
    { workload: "training", gpuMemoryUtilization: d.gpuMemoryUtilization },
    d.contextLength ?? 2048,
  );
  let training: TrainingEstimate | null = null;
  let trainingProblem: string | null = null;
  try {
    training = estimateTrainingFromSpec(spec, {
      ...options.training,
      method,
      sequenceLength: d.contextLength ?? undefined,
      microBatchSize: d.batchSize ?? undefined,
      gpuCount: d.gpuCount,
      tensorParallel: d.tensorParallel,
      zeroStage: d.zeroStage,
      gradientCheckpointing: d.gradientCheckpointing,
      ...(method === "full" ? {} : { rank: d.loraRank ?? options.training?.rank }),
    });
  } catch (error) {
    if (!(error instanceof InvalidOptionError)) throw error;
    trainingProblem = error.message;
  }
  const requirement = training === null ? null : requirementFromTraining(training);
  return {
    spec,
    deployment,
    catalog,
    inference: null,
    training,
    trainingProblem,
    requirement,
    rankAssumptions,
    evaluation: null,
    smallestFit: null,
    trainingSpeed: requirement === null ? null : trainingSpeed(requirement, d, rankAssumptions),
  };
}

/** The group's training throughput: one step's FLOPs over every GPU at the dense tensor rate × MFU. */
function trainingSpeed(
  requirement: GpuRequirement,
  d: ResolvedUserDeployment,
  assumptions: RankAssumptions,
): NonNullable<DeploymentReview["trainingSpeed"]> {
  const execution = executionOn(requirement, d.accelerator);
  const step = phaseTime(
    requirement.step,
    {
      tp: d.gpuCount,
      kvCacheRanks: 1,
      flopsPerSecond: execution.flopsPerSecond,
      memoryBandwidthBytesPerSecond: d.accelerator.memoryBandwidthBytesPerSecond,
      computeEfficiency: assumptions.computeEfficiency,
      bandwidthEfficiency: assumptions.bandwidthEfficiency,
      extraShardedBytes: 0,
    },
    "compute",
  );
  return {
    tokensPerSecond:
      step.seconds === null || step.seconds <= 0 ? null : requirement.step.tokens / step.seconds,
    flopsPerSecond: execution.flopsPerSecond,
    rateLabel: execution.rateLabel,
  };
}
