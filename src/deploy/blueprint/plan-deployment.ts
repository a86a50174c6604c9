/**
 * The deployment blueprint: the decision tree walked in order (workload class → modality → VRAM →
 * topology → pricing), every step's choice and reason recorded, plus the quantization matrix, the
 * LoRA suggestion, the baseline comparison and the plans the template generators take. Pure.
 */
import {
  CATALOG_OPTIONS,
  catalogFromOptions,
  type CatalogOptions,
} from "../../hardware/catalog-options.js";
import {
  anyField,
  checkKnownOptions,
  optionsOf,
  TEXT_FIELD,
  type OptionTable,
} from "../../options/option-fields.js";
import type { CheckpointFacts } from "../../memory/checkpoint.js";
import type { ModelSource } from "../../model/model-source.js";
import type { ModelSpec } from "../../model/model-spec.js";
import type { TemplatePlans } from "../templates/render-templates.js";
import {
  describeConfig,
  describeCost,
  type DeploymentSearch,
} from "../../hardware/search/search-deployments.js";
import { chosenFrom } from "./choose.js";
import type { DeploymentPlan, PlanStep } from "./plan-types.js";
import {
  infraPlanFrom,
  MODEL_ID_PLACEHOLDER,
  servingPlanFrom,
  templateTargetsFor,
  trainingPlanFrom,
} from "./plan-templates.js";
import {
  choosePricing,
  PRICING_MODELS,
  pricingOptions,
  type PricingDecision,
  type PricingOptions,
} from "./pricing.js";
import {
  PLAN_REQUEST_OPTIONS,
  resolvePlanRequest,
  WORKLOAD_CLASSES,
  type PlanRequest,
  type ResolvedPlanRequest,
} from "./request.js";
import { planServing } from "./serving.js";
import { planTraining } from "./training.js";

/** What the blueprint knows of the model besides its spec (filled by `planDeployment`). */
export interface PlanModelFacts {
  /** The repo id or path the templates name. @default a placeholder, with a warning */
  readonly modelId?: string | undefined;
  /** Where the config came from. @default { kind: "spec" } */
  readonly source?: ModelSource | undefined;
  /** Facts read from the stored weights (exact count and bytes). */
  readonly checkpoint?: CheckpointFacts | undefined;
}

/** The {@link PlanModelFacts} fields, for the options engine. */
export const PLAN_MODEL_FACTS: OptionTable<PlanModelFacts> = {
  modelId: { field: TEXT_FIELD },
  source: { field: anyField<ModelSource>("a model source") },
  checkpoint: { field: anyField<CheckpointFacts>("checkpoint facts") },
};

/** Options of {@link planDeploymentFromSpec}: the request, your catalog, and the model's facts. */
export interface PlanDeploymentPureOptions extends PlanRequest, CatalogOptions, PlanModelFacts {}

const NO_PRICES: PricingOptions = {
  onDemand: null,
  spot: null,
  reservedOneYearUsdPerHour: null,
  reservedThreeYearsUsdPerHour: null,
};

/**
 * Plans a deployment of a model for a workload, purely (no I/O). See docs/methodology.md#blueprint.
 *
 * @throws {InvalidOptionError} for a request the estimates or the ranking refuse, an unknown
 * pinned GPU, or a workload no GPU in the catalog can hold.
 * @example
 * const plan = planDeploymentFromSpec(llama70b, { workload: "realtime", contextLength: 4096, batchSize: 8 });
 * plan.chosen.tensorParallel; renderTemplates(plan.templates, plan.templateTargets);
 */
export function planDeploymentFromSpec(
  spec: ModelSpec,
  options: PlanDeploymentPureOptions,
): DeploymentPlan {
  checkKnownOptions(
    options,
    [PLAN_REQUEST_OPTIONS, CATALOG_OPTIONS, PLAN_MODEL_FACTS],
    "planDeploymentFromSpec",
  );
  const request = optionsOf<PlanRequest>(options, PLAN_REQUEST_OPTIONS);
  const resolved = resolvePlanRequest(request);
  const workload = WORKLOAD_CLASSES[resolved.workload];
  const catalog = catalogFromOptions(options);
  const modelId = options.modelId ?? MODEL_ID_PLACEHOLDER;
  const context = { modelId: options.modelId, checkpoint: options.checkpoint, catalog };
  const warnings: string[] = [];
  if (options.modelId === undefined) {
    warnings.push(
      `no repo id given: the templates name ${MODEL_ID_PLACEHOLDER}; replace it with the checkpoint to serve or train`,
    );
  }
  const clouds = (request.clouds ?? []).map((cloud) => cloud.trim().toLowerCase());
  const pricingInputs = {
    workload: resolved.workload,
    durationHours: resolved.durationHours,
    checkpointing: resolved.checkpointing,
  };
  const workloadStep: PlanStep = {
    step: "workload",
    choice: workload.label,
    reason: `${workload.summary}; GPUs ranked for the ${workload.rankingWorkload} workload`,
    figures: {
      workload: resolved.workload,
      kind: workload.kind,
      rankingWorkload: workload.rankingWorkload,
    },
  };

  const shared = {
    model: {
      id: options.modelId,
      architecture: spec.architecture,
      modelType: spec.modelType,
      source: options.source ?? { kind: "spec" as const },
    },
    spec,
    checkpoint: options.checkpoint ?? null,
    workload: { class: resolved.workload, kind: workload.kind, label: workload.label },
    request: resolved,
  };

  if (workload.kind === "serving") {
    const d = planServing(spec, request, resolved, context);
    const tp = d.row.tensorParallel ?? 1;
    const pricing = choosePricing(
      pricingInputs,
      pricingOptions(d.row.acceleratorId, catalog.instances, {
        clouds,
        gpuCount: d.row.gpuCount ?? tp,
        tensorParallel: tp,
      }),
    );
    const serving = servingPlanFrom(spec, modelId, d.inference, d.row, {
      kvCacheDtype: request.kvCacheDtype,
      gpuMemoryUtilization: d.ranking.assumptions.gpuMemoryUtilization,
      engineVersion: resolved.engineVersion,
    });
    const { infra, rent, note } = infraPlanFrom(catalog, d.row, {
      replicas: d.replicas,
      pricing,
      region: resolved.region,
      clouds,
    });
    if (note !== null) warnings.push(note);
    if (spec.quantization === undefined && d.inference.assumptions.weights === "int8") {
      warnings.push(
        "vLLM has no in-flight INT8 quantization: the vllm template needs an INT8 checkpoint (W8A8, compressed-tensors); TGI's eetq works",
      );
    }
    const templates: TemplatePlans = infra === undefined ? { serving } : { serving, infra };
    return {
      kind: "plan",
      ...shared,
      steps: [workloadStep, ...d.steps, pricingStep(pricing, resolved, d.search)],
      inference: d.inference,
      training: null,
      chosen: chosenFrom(d.row, {
        replicas: d.replicas,
        requestsPerSecondPerReplica: d.requestsPerSecondPerReplica,
        pricing,
        ttftTargetMs: d.ttftTargetMs,
        gpuMemoryUtilization: d.ranking.assumptions.gpuMemoryUtilization,
      }),
      search: d.search,
      pricing,
      quantization: d.quantization,
      loraSuggestion: null,
      baseline: d.baseline,
      templates,
      fleet: rent ?? null,
      templateTargets: templateTargetsFor(templates),
      assumptions: [
        ...resolved.notes,
        ...d.inference.assumptions.notes,
        ...d.ranking.assumptions.notes,
      ],
      warnings: unique([...warnings, ...d.inference.warnings, ...d.warnings]),
    };
  }

  // Training: Spot prices rank the GPUs when the run may use Spot.
  const first = choosePricing(pricingInputs, NO_PRICES);
  const d = planTraining(spec, request, resolved, context, first.model === "spot");
  const gpus = d.row.gpuCount ?? 1;
  const pricing = choosePricing(
    { ...pricingInputs, durationHours: resolved.durationHours ?? d.hours },
    pricingOptions(d.row.acceleratorId, catalog.instances, {
      clouds,
      gpuCount: gpus,
      // A fully-sharded group is priced on instances that hold it whole (within a node).
      tensorParallel: Math.min(gpus, 8),
    }),
  );
  const training = trainingPlanFrom(spec, modelId, d.training);
  const templates: TemplatePlans = training === undefined ? {} : { training };
  return {
    kind: "plan",
    ...shared,
    steps: [workloadStep, ...d.steps, pricingStep(pricing, resolved, null)],
    inference: null,
    training: d.training,
    chosen: chosenFrom(d.row, {
      replicas: 1,
      requestsPerSecondPerReplica: null,
      pricing,
      ttftTargetMs: null,
      gpuMemoryUtilization: d.ranking.assumptions.gpuMemoryUtilization,
    }),
    search: null,
    pricing,
    quantization: [],
    loraSuggestion: d.loraSuggestion,
    baseline: d.baseline,
    templates,
    fleet: null,
    templateTargets: templateTargetsFor(templates),
    assumptions: [
      ...resolved.notes,
      ...d.training.assumptions.notes,
      ...d.ranking.assumptions.notes,
    ],
    warnings: unique([...warnings, ...d.warnings]),
  };
}

/**
 * Decision 5: the pricing model and one replica's prices, and, when the deployment search has a
 * runner-up on another GPU, what that one would cost.
 */
function pricingStep(
  pricing: PricingDecision,
  resolved: ResolvedPlanRequest,
  search: DeploymentSearch | null,
): PlanStep {
  const { onDemand, spot, reservedOneYearUsdPerHour, reservedThreeYearsUsdPerHour } =
    pricing.options;
  const dollars = (value: number | null | undefined): string =>
    value === null || value === undefined ? "no price" : `$${value.toFixed(2)}/hour`;
  const dated = onDemand ?? spot;
  const runnerUp = search?.runnerUp ?? null;
  const runnerUpLine =
    runnerUp === null
      ? ""
      : ` Runner-up on another GPU: ${describeConfig(runnerUp)}, ${describeCost(runnerUp)}.`;
  return {
    step: "pricing",
    choice: PRICING_MODELS[pricing.model].label,
    reason: `${pricing.reason}. For one replica's GPUs: On-Demand ${dollars(onDemand?.usdPerHour)}, Spot ${dollars(spot?.usdPerHour)}, reserved ≈ ${dollars(reservedOneYearUsdPerHour)} (1 year) / ${dollars(reservedThreeYearsUsdPerHour)} (3 years)${dated === null ? "" : ` (prices as of ${dated.asOf}; ${dated.source})`}.${runnerUpLine}`,
    figures: {
      model: pricing.model,
      onDemandUsdPerHour: onDemand?.usdPerHour ?? null,
      spotUsdPerHour: spot?.usdPerHour ?? null,
      reservedOneYearUsdPerHour,
      reservedThreeYearsUsdPerHour,
      durationHours: resolved.durationHours,
      checkpointing: resolved.checkpointing,
      runnerUpUsdPerHour: runnerUp?.usdPerHour ?? null,
    },
  };
}

function unique(lines: readonly string[]): string[] {
  return [...new Set(lines)];
}
