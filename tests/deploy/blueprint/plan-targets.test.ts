import { describe, expect, it } from "vitest";
import { parseModelConfig } from "../../../src/index.js";
import { planDeploymentFromSpec } from "../../../src/deploy/blueprint/plan-deployment.js";
import { validatePlan } from "../../../src/deploy/checklist/validate-deployment.js";
import { llama3_70bConfig } from "../../helpers/blueprint.js";

// Issue 15's example: `vramfit plan meta-llama/Meta-Llama-3-70B --workload realtime --context 4096
// --batch 8 --weights bf16` chose 8 × A100 40GB at TP 8 (450 ms TTFT against a 350 ms target)
// and its checklist said "ready".
const PARAMETERS = 70_553_706_496;
const PROMPT = 3840;
const prefillFlops = 2 * PARAMETERS * PROMPT + 2 * 80 * PROMPT * PROMPT * 8192;
// Two all-reduces per layer of 3,840 × 8,192 × 2 B, ring over 4 GPUs at 450 GB/s × 0.7, + 10 µs.
const allReducesTp4 = 160 * ((1.5 * PROMPT * 8192 * 2) / (450e9 * 0.7) + 10e-6);

describe("the plan searches for a configuration that meets its TTFT target", () => {
  const plan = planDeploymentFromSpec(parseModelConfig(llama3_70bConfig()), {
    workload: "realtime",
    contextLength: 4096,
    batchSize: 8,
    weights: "bf16",
  });

  it("picks TP 4 on a 989-TFLOPS GPU: 283.7 ms of prefill + 49.5 ms of all-reduces = 333 ms ≤ 350 ms", () => {
    const ttft = prefillFlops / (4 * 989e12 * 0.5) + allReducesTp4;
    expect(plan.chosen.tensorParallel).toBe(4);
    expect(plan.chosen.ttftSeconds).toBeCloseTo(ttft, 6);
    expect(plan.chosen.meetsTtftTarget).toBe(true);
    expect(plan.chosen.acceleratorId).not.toBe("nvidia-a100-40gb-sxm");
    expect(plan.steps[3]?.reason).toContain("the search's choice");
    expect(plan.steps[3]?.reason).toContain("runner-up");
  });

  it("and its pricing decision says what the runner-up on another GPU would cost", () => {
    const runnerUp = plan.search?.runnerUp;
    expect(runnerUp?.acceleratorId).not.toBe(plan.search?.best?.acceleratorId);
    const pricing = plan.steps.find((step) => step.step === "pricing");
    expect(pricing?.figures.runnerUpUsdPerHour).toBe(runnerUp?.usdPerHour);
    expect(pricing?.reason).toContain(
      `Runner-up on another GPU: ${runnerUp?.gpusPerReplica} × ${runnerUp?.name}, TP ${runnerUp?.tensorParallel}`,
    );
    expect(pricing?.reason).toContain(`$${runnerUp?.usdPerHour?.toFixed(2)}/hour`);
  });

  it("and its checklist is ready: check 13 passes", () => {
    const report = validatePlan(plan);
    expect(report.checks[12]?.id).toBe("targets");
    expect(report.checks[12]?.status).toBe("pass");
    expect(report.passed).toBe(true);
  });

  it("fails check 13 when no configuration in the catalog meets the target", () => {
    const impossible = planDeploymentFromSpec(parseModelConfig(llama3_70bConfig()), {
      workload: "realtime",
      contextLength: 4096,
      batchSize: 8,
      weights: "bf16",
      maxTtftMs: 20,
    });
    const report = validatePlan(impossible);
    expect(impossible.search?.best).toBeNull();
    expect(report.checks[12]?.status).toBe("fail");
    expect(report.checks[12]?.reason).toContain(
      "no configuration in the catalog meets every target",
    );
    expect(report.passed).toBe(false);
  });
});
