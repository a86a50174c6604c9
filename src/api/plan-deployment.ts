import type { CatalogMode, GpuCatalog } from "../hardware/catalog.js";
import { planDeploymentFromSpec } from "../deploy/blueprint/plan-deployment.js";
import type { DeploymentPlan } from "../deploy/blueprint/plan-types.js";
import type { PlanRequest, WorkloadClass } from "../deploy/blueprint/request.js";
import type { UserDeployment } from "../deploy/checklist/user-deployment.js";
import {
  validateDeploymentFromSpec,
  validatePlan,
  type DeploymentChecklist,
} from "../deploy/checklist/validate-deployment.js";
import type { GpuCatalogFile } from "../hardware/catalog-file.js";
import { InvalidOptionError } from "../errors.js";
import type { ModelInput } from "../io/model-input.js";
import { catalogFromOptions } from "./rank-gpus.js";
import { resolveModel, type ResolvedModel } from "../io/resolve-model.js";
import type { HubOptions } from "../io/hub-options.js";

/** Options of {@link planDeployment} and {@link validateDeployment}: where to find the model, and your catalog. */
export interface PlanDeploymentOptions extends HubOptions {
  /** Your own accelerators and instances, in the catalog file format (validated). */
  readonly catalog?: GpuCatalogFile | undefined;
  /** `extend` (default: the catalog's own mode) or `replace` the built-in catalog. */
  readonly catalogMode?: CatalogMode | undefined;
  /** A catalog already merged and checked (e.g. by `catalogFromOptions`); wins over `catalog`. */
  readonly gpuCatalog?: GpuCatalog | undefined;
}

/**
 * Plans a deployment: resolves the model (repo id, path, config object or spec), then walks the
 * decision tree (workload → modality → VRAM → topology → pricing) and returns every step's
 * choice and reason, the chosen GPUs, the quantization matrix, the LoRA suggestion, the
 * comparison with BF16 on A100 80GB, and the plans `renderTemplates` takes.
 *
 * @throws {ModelNotFoundError} / {InvalidConfigError} / {HubError} when the model cannot be resolved.
 * @throws {InvalidOptionError} for a request the estimates refuse, or one no GPU can hold.
 * @throws {VramfitError} `CATALOG_INVALID` for a bad catalog.
 * @example
 * const plan = await planDeployment("meta-llama/Meta-Llama-3-70B", { workload: "realtime", contextLength: 4096, batchSize: 8, gpu: "nvidia-h100-sxm" });
 * plan.chosen.tensorParallel; // 2
 * renderTemplates(plan.templates, ["vllm"]);
 */
export async function planDeployment(
  model: ModelInput,
  request: PlanRequest | WorkloadClass,
  options: PlanDeploymentOptions = {},
): Promise<DeploymentPlan> {
  const catalog = options.gpuCatalog ?? catalogFromOptions(options);
  const resolved = await resolveModel(model, options);
  const plan = planDeploymentFromSpec(
    resolved.spec,
    typeof request === "string" ? { workload: request } : request,
    {
      modelId: templateModelId(resolved),
      source: resolved.source,
      checkpoint: resolved.checkpoint,
      catalog,
    },
  );
  return { ...plan, warnings: [...(resolved.warnings ?? []), ...plan.warnings] };
}

/** Options of {@link validateDeployment}. */
export interface ValidateDeploymentOptions extends PlanDeploymentOptions {
  /** The model, when the deployment does not name it (or to use a config object or spec instead). */
  readonly model?: ModelInput | undefined;
}

/**
 * Runs the twelve pre-deployment checks on a blueprint or on your own deployment (its model
 * resolved like any other: repo id, path, config object or spec).
 *
 * @throws {InvalidOptionError} when a user deployment names no model, or an unknown GPU.
 * @throws {ModelNotFoundError} / {InvalidConfigError} / {HubError} when the model cannot be resolved.
 * @example
 * const report = await validateDeployment({ model: "meta-llama/Meta-Llama-3-70B", workload: "realtime", gpu: "nvidia-a100-80gb-sxm", gpuCount: 1, contextLength: 4096, batchSize: 8, precision: "bf16" });
 * report.passed; // false: check 8 is 74.43 GB short
 */
export async function validateDeployment(
  planOrDeployment: DeploymentPlan | UserDeployment,
  options: ValidateDeploymentOptions = {},
): Promise<DeploymentChecklist> {
  const catalog = options.gpuCatalog ?? catalogFromOptions(options);
  if (isDeploymentPlan(planOrDeployment)) return validatePlan(planOrDeployment, { catalog });
  const model = options.model ?? planOrDeployment.model;
  if (model === undefined) {
    throw new InvalidOptionError("model", "the deployment names no model", {
      hint: 'Add "model": "org/name" (or a path to a config.json) to the deployment.',
    });
  }
  const resolved = await resolveModel(model, options);
  const report = validateDeploymentFromSpec(resolved.spec, planOrDeployment, {
    catalog,
    checkpoint: resolved.checkpoint,
    modelId: resolved.id ?? planOrDeployment.model,
  });
  return { ...report, warnings: [...(resolved.warnings ?? []), ...report.warnings] };
}

/** Whether a value is a {@link DeploymentPlan} rather than a user deployment. */
export function isDeploymentPlan(value: unknown): value is DeploymentPlan {
  return (
    typeof value === "object" &&
    value !== null &&
    "steps" in value &&
    "chosen" in value &&
    "templates" in value
  );
}

/** The model name a template serves: the repo id, or the folder of a local config.json. */
function templateModelId(resolved: ResolvedModel): string | undefined {
  if (resolved.source.kind === "file" && resolved.id !== undefined) {
    return resolved.id.replace(/[\\/]config\.json$/, "");
  }
  return resolved.id;
}
