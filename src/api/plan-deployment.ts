import { planDeploymentFromSpec } from "../deploy/blueprint/plan-deployment.js";
import type { DeploymentPlan } from "../deploy/blueprint/plan-types.js";
import { PLAN_REQUEST_OPTIONS, type PlanRequest } from "../deploy/blueprint/request.js";
import type { UserDeployment } from "../deploy/checklist/user-deployment.js";
import {
  validateDeploymentFromSpec,
  validatePlan,
  type DeploymentChecklist,
} from "../deploy/checklist/validate-deployment.js";
import { InvalidOptionError } from "../errors.js";
import { CATALOG_OPTIONS, type CatalogOptions } from "../hardware/catalog-options.js";
import { HUB_OPTIONS, type HubOptions } from "../io/hub-options.js";
import type { ModelInput } from "../io/model-input.js";
import { resolveModel, type ResolvedModel } from "../io/resolve-model.js";
import { anyField, checkKnownOptions, optionsOf } from "../options/option-fields.js";

/** Options of {@link planDeployment}: what to plan, your catalog, and where to find the model. */
export interface PlanDeploymentOptions extends PlanRequest, CatalogOptions, HubOptions {}

/**
 * Plans a deployment: resolves the model (repo id, path, config object or spec), then walks the
 * decision tree (workload → modality → VRAM → topology → pricing) and returns every step's
 * choice and reason, the chosen GPUs, the quantization matrix, the LoRA suggestion, the
 * comparison with BF16 on A100 80GB, and the plans `renderTemplates` takes.
 *
 * @throws {ModelNotFoundError} / {InvalidConfigError} / {HubError} when the model cannot be resolved.
 * @throws {InvalidOptionError} for a request the estimates refuse, one no GPU can hold, or an
 * unknown option key.
 * @throws {VramfitError} `CATALOG_INVALID` for a bad catalog.
 * @example
 * const plan = await planDeployment("meta-llama/Meta-Llama-3-70B", { workload: "realtime", contextLength: 4096, batchSize: 8, gpu: "nvidia-h100-sxm" });
 * plan.chosen.tensorParallel; // 2
 * renderTemplates(plan.templates, ["vllm"]);
 */
export async function planDeployment(
  model: ModelInput,
  options: PlanDeploymentOptions,
): Promise<DeploymentPlan> {
  checkKnownOptions(
    options,
    [PLAN_REQUEST_OPTIONS, CATALOG_OPTIONS, HUB_OPTIONS],
    "planDeployment",
  );
  const resolved = await resolveModel(model, optionsOf<HubOptions>(options, HUB_OPTIONS));
  const plan = planDeploymentFromSpec(resolved.spec, {
    ...optionsOf<PlanRequest & CatalogOptions>(options, PLAN_REQUEST_OPTIONS, CATALOG_OPTIONS),
    modelId: templateModelId(resolved),
    source: resolved.source,
    checkpoint: resolved.checkpoint,
  });
  return { ...plan, warnings: [...(resolved.warnings ?? []), ...plan.warnings] };
}

/** Options of {@link validateDeployment}: your catalog, where to find the model, and the model itself. */
export interface ValidateDeploymentOptions extends CatalogOptions, HubOptions {
  /** The model, when the deployment does not name it (or to use a config object or spec instead). */
  readonly model?: ModelInput | undefined;
}

const MODEL_OPTION = { model: { field: anyField<ModelInput>("a model") } };

/**
 * Runs the twelve pre-deployment checks on a blueprint (`kind: "plan"`) or on your own deployment
 * (its model resolved like any other: repo id, path, config object or spec).
 *
 * @throws {InvalidOptionError} when a user deployment names no model, or an unknown GPU, or an
 * unknown option key.
 * @throws {ModelNotFoundError} / {InvalidConfigError} / {HubError} when the model cannot be resolved.
 * @example
 * const report = await validateDeployment({ model: "meta-llama/Meta-Llama-3-70B", workload: "realtime", gpu: "nvidia-a100-80gb-sxm", gpuCount: 1, contextLength: 4096, batchSize: 8, weights: "bf16" });
 * report.passed; // false: check 8 is 74.43 GB short
 */
export async function validateDeployment(
  planOrDeployment: DeploymentPlan | UserDeployment,
  options: ValidateDeploymentOptions = {},
): Promise<DeploymentChecklist> {
  checkKnownOptions(options, [CATALOG_OPTIONS, HUB_OPTIONS, MODEL_OPTION], "validateDeployment");
  const catalogOptions = optionsOf<CatalogOptions>(options, CATALOG_OPTIONS);
  if (isPlan(planOrDeployment)) return validatePlan(planOrDeployment, catalogOptions);
  const deployment = planOrDeployment;
  const model = options.model ?? deployment.model;
  if (model === undefined) {
    throw new InvalidOptionError("model", "the deployment names no model", {
      hint: 'Add "model": "org/name" (or a path to a config.json) to the deployment.',
    });
  }
  const resolved = await resolveModel(model, optionsOf<HubOptions>(options, HUB_OPTIONS));
  const report = validateDeploymentFromSpec(resolved.spec, deployment, {
    ...catalogOptions,
    checkpoint: resolved.checkpoint,
    modelId: resolved.id ?? deployment.model,
  });
  return { ...report, warnings: [...(resolved.warnings ?? []), ...report.warnings] };
}

/** A blueprint (`kind: "plan"`) rather than a deployment file, which has no `kind`. */
function isPlan(value: DeploymentPlan | UserDeployment): value is DeploymentPlan {
  return (value as { readonly kind?: unknown }).kind === "plan";
}

/** The model name a template serves: the repo id, or the folder of a local config.json. */
function templateModelId(resolved: ResolvedModel): string | undefined {
  if (resolved.source.kind === "file" && resolved.id !== undefined) {
    return resolved.id.replace(/[\\/]config\.json$/, "");
  }
  return resolved.id;
}
