// vramfit/deploy: from a model and a workload to a deployment: the blueprint of decisions,
// the pre-deployment checklist, and configs for vLLM, TGI, axolotl / PEFT, Terraform,
// CloudFormation and Kubernetes.
//
// Deliberately left out: the flag and key catalogs each template is checked against, the
// option resolvers and the YAML / HCL / shell writers. They are internal and may change in
// any release.

// The blueprint: every decision with its reason and figures.
export { planDeployment, validateDeployment } from "./api/plan-deployment.js";
export type { PlanDeploymentOptions, ValidateDeploymentOptions } from "./api/plan-deployment.js";
export { planDeploymentFromSpec } from "./deploy/blueprint/plan-deployment.js";
export type { DeploymentPlan } from "./deploy/blueprint/plan-types.js";
export type { PlanRequest } from "./deploy/blueprint/request.js";

// The pre-deployment checklist, for a plan or a deployment file.
export {
  validateDeploymentFromSpec,
  validatePlan,
} from "./deploy/checklist/validate-deployment.js";
export type { DeploymentChecklist } from "./deploy/checklist/validate-deployment.js";
export { DEPLOYMENT_CHECKS } from "./deploy/checklist/checks.js";
export type { CheckId, CheckStatus, DeploymentCheck } from "./deploy/checklist/checks.js";
export { parseUserDeployment } from "./deploy/checklist/deployment-file.js";
export type { UserDeployment } from "./deploy/checklist/user-deployment.js";

// Config templates: every file at once, or one renderer per file.
export { renderTemplates, TEMPLATE_TARGETS } from "./deploy/templates/render-templates.js";
export type { TemplateTarget } from "./deploy/templates/render-templates.js";
export type {
  FleetPlan,
  InfraPlan,
  ServingPlan,
  TemplateFile,
  TemplateOutput,
  TrainingPlan,
} from "./deploy/templates/plans.js";
export {
  renderVllmCommand,
  renderVllmConfigYaml,
  renderVllmDockerRun,
} from "./deploy/templates/vllm.js";
export { renderTgiDockerRun, renderTgiLauncher } from "./deploy/templates/tgi.js";
export { renderAxolotlYaml } from "./deploy/templates/axolotl.js";
export { renderPeftLoraConfig } from "./deploy/templates/peft.js";
export { renderTerraformHcl, renderTerraformJson } from "./deploy/templates/terraform.js";
export { renderCloudFormationYaml } from "./deploy/templates/cloudformation.js";
export { renderKubernetesDeployment } from "./deploy/templates/kubernetes.js";

// The error templates throw for a plan an engine would refuse at start-up.
export { EngineRuleError } from "./errors.js";
