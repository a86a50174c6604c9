// Deployment templates: one vLLM command, and every target (vLLM, TGI, k8s, axolotl, PEFT,
// Terraform HCL + JSON, CloudFormation) for the worked example.
import { renderTemplates, renderVllmCommand } from "../../../dist/deploy.js";
import { rate, throughput } from "./measure.mjs";

/** Prints the template figures. */
export function run() {
  const servingPlan = {
    modelId: "meta-llama/Meta-Llama-3-70B-Instruct",
    tensorParallel: 2,
    maxModelLen: 4096,
    maxNumSeqs: 8,
    numAttentionHeads: 64,
    numKeyValueHeads: 8,
  };
  const allPlans = {
    serving: servingPlan,
    training: { baseModel: "meta-llama/Meta-Llama-3-8B", method: "qlora" },
    infra: {
      region: "us-east-1",
      instanceTypes: ["p4de.24xlarge", "p5.48xlarge"],
      gpusPerInstance: 8,
    },
  };
  const allTargets = ["vllm", "tgi", "k8s", "axolotl", "peft", "terraform", "cloudformation"];
  const commandsPerSecond = throughput(() => renderVllmCommand(servingPlan));
  const allPerSecond = throughput(() => renderTemplates(allPlans, allTargets));
  console.log(`renderVllmCommand:              ${rate(commandsPerSecond)} commands/s`);
  console.log(`renderTemplates, all 7 targets: ${rate(allPerSecond)} sets/s (12 files each)`);
}
