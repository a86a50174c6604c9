/**
 * The pre-deployment checklist: twelve checks, in order, each pass / warn / fail with a one-line
 * reason and the numbers behind it, for a blueprint or for a deployment its owner describes.
 */
import type { GpuCatalog } from "../../hardware/catalog.js";
import {
  CATALOG_OPTIONS,
  catalogFromOptions,
  type CatalogOptions,
} from "../../hardware/catalog-options.js";
import {
  anyField,
  checkKnownOptions,
  TEXT_FIELD,
  type OptionTable,
} from "../../options/option-fields.js";
import type { CheckpointFacts } from "../../memory/checkpoint.js";
import type { TrainingOptions } from "../../memory/training/training-options.js";
import type { ModelSpec } from "../../model/model-spec.js";
import type { DeploymentPlan } from "../blueprint/plan-types.js";
import { checkBandwidth, checkFit, checkOverhead } from "./checks-fit.js";
import {
  checkConfig,
  checkKvCache,
  checkKvHeads,
  checkMultimodal,
  checkPrecision,
  checkWorkload,
} from "./checks-model.js";
import { checkContext, checkLora, checkPricing } from "./checks-plan.js";
import type { CheckStatus, DeploymentCheck } from "./checks.js";
import { checkNoTargets, checkPlanTargets } from "./check-targets.js";
import { reviewDeployment } from "./review.js";
import {
  resolveUserDeployment,
  type ResolvedUserDeployment,
  type UserDeployment,
} from "./user-deployment.js";

/** The checklist's answer. */
export interface DeploymentChecklist {
  /** What this is: a pre-deployment checklist. */
  readonly kind: "checklist";
  /** Which model. */
  readonly model: {
    readonly id: string | undefined;
    readonly architecture: string | undefined;
    readonly modelType: string | undefined;
  };
  /** The deployment checked, with every default applied (the accelerator by id and name). */
  readonly deployment: Omit<ResolvedUserDeployment, "accelerator"> & {
    readonly acceleratorName: string;
  };
  /** The thirteen checks, in order. */
  readonly checks: readonly DeploymentCheck[];
  /** How many of each status. */
  readonly counts: Readonly<Record<CheckStatus, number>>;
  /** Whether no check failed (warnings allowed). */
  readonly passed: boolean;
  /** Defaults applied to the deployment and the estimate, one line each. */
  readonly assumptions: readonly string[];
  /** What the estimates warn about. */
  readonly warnings: readonly string[];
}

/** Options of the pure checklist: your catalog, and what is known of the model. */
export interface ValidateDeploymentPureOptions extends CatalogOptions {
  /** Facts read from the stored weights (Hub models). */
  readonly checkpoint?: CheckpointFacts | undefined;
  /** Training options beyond the deployment's fields (optimizer, precision, targets, ...). */
  readonly training?: TrainingOptions | undefined;
  /** The model's id, for the report. */
  readonly modelId?: string | undefined;
}

const CHECKS = [
  checkWorkload,
  checkConfig,
  checkKvHeads,
  checkKvCache,
  checkMultimodal,
  checkPrecision,
  checkOverhead,
  checkFit,
  checkBandwidth,
  checkLora,
  checkPricing,
  checkContext,
  checkNoTargets,
] as const;

/**
 * Runs the thirteen checks on a deployment of a model. Pure. See docs/methodology.md#checklist.
 *
 * @throws {InvalidOptionError} for a GPU the catalog does not have, counts that are not positive
 * whole numbers, or values no check can judge.
 * @example
 * const report = validateDeploymentFromSpec(llama70b, { workload: "realtime", gpu: "nvidia-a100-80gb-sxm", gpuCount: 1, contextLength: 4096, batchSize: 8, precision: "bf16" });
 * report.checks[7].status; // "fail": 74.43 GB short
 */
export function validateDeploymentFromSpec(
  spec: ModelSpec,
  deployment: UserDeployment,
  options: ValidateDeploymentPureOptions = {},
): DeploymentChecklist {
  checkKnownOptions(options, [VALIDATE_OPTIONS, CATALOG_OPTIONS], "validateDeploymentFromSpec");
  return checklistOnCatalog(spec, deployment, options, catalogFromOptions(options));
}

/** {@link ValidateDeploymentPureOptions} fields besides the catalog's. */
const VALIDATE_OPTIONS: OptionTable<Omit<ValidateDeploymentPureOptions, keyof CatalogOptions>> = {
  checkpoint: { field: anyField<CheckpointFacts>("checkpoint facts") },
  training: { field: anyField<TrainingOptions>("training options") },
  modelId: { field: TEXT_FIELD },
};

/** The checklist over a catalog already combined and checked. */
function checklistOnCatalog(
  spec: ModelSpec,
  deployment: UserDeployment,
  options: ValidateDeploymentPureOptions,
  catalog: GpuCatalog,
): DeploymentChecklist {
  const resolved = resolveUserDeployment(deployment, catalog);
  const review = reviewDeployment(spec, resolved, catalog, {
    checkpoint: options.checkpoint,
    training: options.training,
  });
  const checks = CHECKS.map((run) => run(review));
  const counts = { pass: 0, warn: 0, fail: 0 };
  for (const result of checks) counts[result.status] += 1;
  const { accelerator, ...rest } = resolved;
  return {
    kind: "checklist",
    model: {
      id: options.modelId ?? deployment.model,
      architecture: spec.architecture,
      modelType: spec.modelType,
    },
    deployment: { ...rest, acceleratorName: accelerator.name },
    checks,
    counts,
    passed: counts.fail === 0,
    assumptions: [
      ...resolved.notes,
      ...(review.inference?.assumptions.notes ?? review.training?.assumptions.notes ?? []),
    ],
    warnings: [...new Set([...(review.inference?.warnings ?? review.training?.warnings ?? [])])],
  };
}

/**
 * The deployment a blueprint proposes, in the owner's terms: its GPU, count, parallelism, context,
 * batch, precision, pricing and checkpointing. A training plan's GPUs run FSDP / ZeRO-3 (TP 1).
 */
export function deploymentFromPlan(plan: DeploymentPlan): UserDeployment {
  const c = plan.chosen;
  const common = {
    model: plan.model.id,
    workload: plan.workload.class,
    gpu: c.acceleratorId,
    gpuMemoryUtilization: c.gpuMemoryUtilization,
    pricing: plan.pricing.model,
    checkpointing: plan.request.checkpointing,
    ...(plan.request.durationHours === null ? {} : { durationHours: plan.request.durationHours }),
  };
  if (plan.training !== null) {
    const a = plan.training.assumptions;
    return {
      ...common,
      gpuCount: a.gpuCount,
      tensorParallel: a.tensorParallel,
      contextLength: a.sequenceLength,
      batchSize: a.microBatchSize,
      zeroStage: a.zeroStage,
      gradientCheckpointing: a.gradientCheckpointing,
      ...(a.rank === undefined ? {} : { loraRank: a.rank }),
    };
  }
  const a = plan.inference?.assumptions;
  return {
    ...common,
    gpuCount: c.gpuCount,
    tensorParallel: c.tensorParallel,
    pipelineParallel: c.pipelineParallel,
    ...(a === undefined
      ? {}
      : {
          contextLength: a.contextLength,
          batchSize: a.batchSize,
          weights: plan.spec.quantization === undefined ? a.weights : "auto",
          kvCacheDtype: a.kvCacheDtype,
          imagesPerRequest: a.imagesPerRequest,
          engine: a.engine,
        }),
  };
}

/**
 * Runs the checklist on a blueprint, at the plan's own GPUs, parallelism and training options.
 *
 * @throws {InvalidOptionError} when the plan's GPU is not in the catalog given.
 */
export function validatePlan(
  plan: DeploymentPlan,
  options: CatalogOptions = {},
): DeploymentChecklist {
  const t = plan.training?.assumptions;
  const training: TrainingOptions | undefined =
    t === undefined
      ? undefined
      : {
          optimizer: t.optimizer,
          attention: t.attention,
          dropout: t.dropout,
          crossEntropy: t.crossEntropy,
          lossPrecision: t.lossPrecision,
          softmaxPrecision: t.softmaxPrecision,
          compile: t.compile,
          ...(t.framework === undefined ? {} : { framework: t.framework }),
          cudaContextBytes: t.cudaContextBytes,
          fragmentationFraction: t.fragmentationFraction,
          ...(t.method === "full"
            ? { precision: t.precision }
            : { targets: t.targets, doubleQuantization: t.doubleQuantization }),
        };
  const checklist = validateDeploymentFromSpec(plan.spec, deploymentFromPlan(plan), {
    ...options,
    checkpoint: plan.checkpoint ?? undefined,
    training,
    modelId: plan.model.id,
  });
  if (plan.inference === null) return checklist;
  // A plan is judged against its own targets, not only against memory.
  const targets = checkPlanTargets(
    plan.chosen,
    plan.search,
    plan.search?.targets.maxTtftMs ?? null,
  );
  const checks = checklist.checks.map((result) => (result.id === "targets" ? targets : result));
  const counts = { pass: 0, warn: 0, fail: 0 };
  for (const result of checks) counts[result.status] += 1;
  return { ...checklist, checks, counts, passed: counts.fail === 0 };
}
