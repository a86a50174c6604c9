// Deployment blueprint and checklist: plans and checklists per second on the worked example.
// A plan ranks every accelerator several times (the choice, four quantization rows, the
// baseline), so it is timed with fewer warm-up calls than the microsecond-scale sections.
import { performance } from "node:perf_hooks";
import { parseModelConfig } from "../../../dist/index.js";
import { planDeploymentFromSpec, validateDeploymentFromSpec } from "../../../dist/deploy.js";
import { findBundledModel } from "../../../dist/model/bundled/find-bundled-model.js";
import { validatePlan } from "../../../dist/deploy/checklist/validate-deployment.js";
import { rate } from "./measure.mjs";

/** Calls per second by wall clock and per CPU-second, after `warmUp` calls. */
function timed(fn, { warmUp = 50, seconds = 2 } = {}) {
  for (let i = 0; i < warmUp; i++) fn();
  let calls = 0;
  const cpuStart = process.cpuUsage();
  const start = performance.now();
  while (performance.now() - start < seconds * 1000) {
    fn();
    calls += 1;
  }
  const wallSeconds = (performance.now() - start) / 1000;
  const cpu = process.cpuUsage(cpuStart);
  return { wall: calls / wallSeconds, cpu: calls / ((cpu.user + cpu.system) / 1e6) };
}

function line(label, result) {
  const ms = 1000 / result.cpu;
  console.log(
    `${label.padEnd(52)} ${rate(result.cpu).padStart(7)}/CPU-s  ${rate(result.wall).padStart(7)}/s wall  (${ms.toFixed(2)} ms)`,
  );
}

/** Prints the blueprint and checklist figures. */
export function run() {
  const spec70b = parseModelConfig(findBundledModel("meta-llama/Meta-Llama-3-70B").config);
  const spec8b = parseModelConfig(findBundledModel("meta-llama/Meta-Llama-3-8B").config);
  const realtime = { workload: "realtime", contextLength: 4096, batchSize: 8 };
  const plan = planDeploymentFromSpec(spec70b, { ...realtime, gpu: "nvidia-h100-sxm" });
  const proposal = {
    workload: "realtime",
    gpu: "nvidia-a100-80gb-sxm",
    gpuCount: 1,
    contextLength: 4096,
    batchSize: 8,
    weights: "bf16",
    pricing: "on-demand",
  };
  line(
    "planDeployment, Llama-3-70B realtime (ranking picks)",
    timed(() => planDeploymentFromSpec(spec70b, realtime)),
  );
  line(
    "planDeployment, Llama-3-70B realtime on H100",
    timed(() => planDeploymentFromSpec(spec70b, { ...realtime, gpu: "nvidia-h100-sxm" })),
  );
  line(
    "planDeployment, Llama-3-8B full training",
    timed(() => planDeploymentFromSpec(spec8b, { workload: "full" })),
  );
  line(
    "planDeployment, Llama-3-8B QLoRA",
    timed(() => planDeploymentFromSpec(spec8b, { workload: "qlora" })),
  );
  line(
    "validatePlan, the H100 plan",
    timed(() => validatePlan(plan), { warmUp: 500 }),
  );
  line(
    "validateDeployment, one A100 at BF16 (fails check 8)",
    timed(() => validateDeploymentFromSpec(spec70b, proposal), { warmUp: 500 }),
  );
  line(
    "validateDeployment, Llama-3-8B full on 8 × A100 (DDP)",
    timed(() =>
      validateDeploymentFromSpec(spec8b, {
        workload: "full",
        gpu: "nvidia-a100-80gb-sxm",
        gpuCount: 8,
      }),
    ),
  );
}
