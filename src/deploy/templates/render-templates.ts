/**
 * One entry point for "write these templates": a table of targets (the names a CLI's
 * `--emit vllm,tgi,axolotl,terraform,cloudformation,k8s` would use), each saying which plan it
 * needs, and {@link renderTemplates}, which runs the chosen ones and gathers their files and notes.
 */
import { InvalidOptionError } from "../../errors.js";
import { renderAxolotlYaml } from "./axolotl.js";
import { renderCloudFormationYaml } from "./cloudformation.js";
import type { FleetOptions } from "./fleet.js";
import { renderKubernetesDeployment } from "./kubernetes.js";
import { renderPeftLoraConfig } from "./peft.js";
import type { InfraPlan, ServingPlan, TemplateOutput, TrainingPlan } from "./plans.js";
import { renderTerraformHcl, renderTerraformJson } from "./terraform.js";
import { renderTgiDockerRun, renderTgiLauncher } from "./tgi.js";
import { renderVllmCommand, renderVllmConfigYaml, renderVllmDockerRun } from "./vllm.js";

/** The plans a set of templates is rendered from; each target needs some of them. */
export interface TemplatePlans {
  /** The serving replica (vLLM, TGI, Kubernetes, and with `infra` the AWS fleet). */
  readonly serving?: ServingPlan | undefined;
  /** The fine-tuning run (axolotl, PEFT). */
  readonly training?: TrainingPlan | undefined;
  /** The AWS fleet (Terraform, CloudFormation), with `serving`. */
  readonly infra?: InfraPlan | undefined;
}

/** The plans with the ones a target needs present (checked by {@link renderTemplates}). */
interface CheckedPlans {
  readonly serving: ServingPlan;
  readonly training: TrainingPlan;
  readonly infra: InfraPlan;
}

/** What a target needs and what it renders. */
interface TemplateTargetSpec {
  /** Which plans the target reads. */
  readonly needs: "serving" | "training" | "fleet";
  /** What it writes. */
  readonly description: string;
  /** Renders it. */
  readonly render: (plans: CheckedPlans) => readonly TemplateOutput[];
}

function fleet(plans: CheckedPlans): { serving: ServingPlan; infra: InfraPlan } {
  return { serving: plans.serving, infra: plans.infra };
}

const NO_OPTIONS: FleetOptions = {};

/** Every template target, by the name a CLI uses. */
export const TEMPLATE_TARGETS = {
  vllm: {
    needs: "serving",
    description: "vllm serve command, --config YAML and docker run line",
    render: ({ serving }) => [
      renderVllmCommand(serving),
      renderVllmConfigYaml(serving),
      renderVllmDockerRun(serving),
    ],
  },
  tgi: {
    needs: "serving",
    description:
      "text-generation-launcher command and docker run line (TGI is in maintenance mode)",
    render: ({ serving }) => [renderTgiLauncher(serving), renderTgiDockerRun(serving)],
  },
  k8s: {
    needs: "serving",
    description: "Kubernetes Deployment running vLLM with nvidia.com/gpu limits",
    render: ({ serving }) => [renderKubernetesDeployment(serving)],
  },
  axolotl: {
    needs: "training",
    description: "axolotl LoRA/QLoRA YAML config",
    render: ({ training }) => [renderAxolotlYaml(training)],
  },
  peft: {
    needs: "training",
    description: "PEFT LoraConfig as Python and JSON",
    render: ({ training }) => [renderPeftLoraConfig(training)],
  },
  terraform: {
    needs: "fleet",
    description: "Terraform (HCL and JSON) for an AWS autoscaling GPU fleet",
    render: (plans) => [
      renderTerraformHcl(fleet(plans), NO_OPTIONS),
      renderTerraformJson(fleet(plans), NO_OPTIONS),
    ],
  },
  cloudformation: {
    needs: "fleet",
    description: "CloudFormation YAML for the same AWS fleet",
    render: (plans) => [renderCloudFormationYaml(fleet(plans), NO_OPTIONS)],
  },
} as const satisfies Record<string, TemplateTargetSpec>;

/** The name of a template target. */
export type TemplateTarget = keyof typeof TEMPLATE_TARGETS;

/** Every {@link TemplateTarget}, in table order. */
export const TEMPLATE_TARGET_IDS = Object.keys(TEMPLATE_TARGETS) as readonly TemplateTarget[];

const NEEDED_PLANS = {
  serving: ["serving"],
  training: ["training"],
  fleet: ["serving", "infra"],
} as const satisfies Record<TemplateTargetSpec["needs"], readonly (keyof TemplatePlans)[]>;

/**
 * Renders the chosen targets and gathers their files and notes (each note once, in order).
 *
 * @throws {InvalidOptionError} for an unknown target, a target whose plan is missing, or a malformed plan.
 * @throws {EngineRuleError} for a plan an engine would refuse.
 * @example
 * const { files } = renderTemplates({ serving }, ["vllm", "k8s"]);
 * // files: vllm/serve.sh, vllm/config.yaml, vllm/docker-run.sh, kubernetes/deployment.yaml
 */
export function renderTemplates(plans: TemplatePlans, targets: readonly string[]): TemplateOutput {
  const outputs: TemplateOutput[] = [];
  for (const target of targets) {
    if (!Object.hasOwn(TEMPLATE_TARGETS, target)) {
      throw new InvalidOptionError("targets", `unknown template "${target}"`, {
        hint: `Use some of: ${TEMPLATE_TARGET_IDS.join(", ")}.`,
      });
    }
    const spec: TemplateTargetSpec = TEMPLATE_TARGETS[target as TemplateTarget];
    const missing = NEEDED_PLANS[spec.needs].filter((key) => plans[key] === undefined);
    if (missing.length > 0) {
      throw new InvalidOptionError(
        "targets",
        `"${target}" needs the ${missing.join(" and ")} plan`,
        {
          hint: `Pass plans.${missing.join(" and plans.")}.`,
        },
      );
    }
    // Only the plans the target needs are read, and they were checked above.
    outputs.push(...spec.render(plans as CheckedPlans));
  }
  return {
    files: outputs.flatMap((output) => output.files),
    notes: [...new Set(outputs.flatMap((output) => output.notes))],
  };
}
