/**
 * Semantic tests (issue 17): the AWS fleet the templates launch is the plan's fleet — instance type
 * and count, replicas per instance, capacity market and hourly cost — and the serving flags are the
 * plan's (TP, context, utilization, sequences).
 */
import { describe, expect, it } from "vitest";
import {
  planDeploymentFromSpec,
  renderTemplates,
  type DeploymentPlan,
} from "../../../src/deploy.js";
import { INSTANCES } from "../../../src/hardware/instances.js";
import { resolveFleetPlan } from "../../../src/deploy/templates/fleet.js";
import { llama3_70bSpec } from "../../helpers/templates.js";

const MODEL = "meta-llama/Meta-Llama-3-70B-Instruct";

function plan(extra: Partial<Parameters<typeof planDeploymentFromSpec>[1]>): DeploymentPlan {
  return planDeploymentFromSpec(llama3_70bSpec(), {
    workload: "realtime",
    contextLength: 4096,
    batchSize: 8,
    weights: "bf16",
    gpu: "nvidia-h100-sxm",
    clouds: ["aws"],
    modelId: MODEL,
    ...extra,
  });
}

/** The catalog's p5.48xlarge: 8 × H100 SXM, $98.32/h On-Demand, $20.9934/h Spot (SkyPilot AWS snapshot). */
const P5 = INSTANCES["aws/p5.48xlarge"];

function checkFleet(result: DeploymentPlan, batch = 8): void {
  const { serving, infra } = result.templates;
  const rent = result.fleet;
  if (serving === undefined || infra === undefined || rent === null) throw new Error("no fleet");
  const fleet = resolveFleetPlan({ serving, infra });
  // Replicas: the plan's count, no more per instance than it has.
  expect(fleet.replicasPerInstance).toBe(rent.replicasPerInstance);
  expect(fleet.replicasPerInstance).toBeLessThanOrEqual(result.chosen.replicas);
  expect(rent.instances).toBe(Math.ceil(result.chosen.replicas / rent.replicasPerInstance));
  expect(fleet.userData.match(/docker run/g)).toHaveLength(fleet.replicasPerInstance);
  // Serving flags: the plan's.
  const tp = result.chosen.tensorParallel;
  expect(fleet.serve.plan.tensorParallel).toBe(tp);
  expect(fleet.serve.plan.maxModelLen).toBe(4096);
  expect(fleet.serve.plan.maxNumSeqs).toBe(batch);
  expect(fleet.serve.plan.gpuMemoryUtilization).toBe(serving.gpuMemoryUtilization);
  expect(64 % tp).toBe(0);
  expect(8 % tp === 0 || tp % 8 === 0).toBe(true);
  // Cost: the instances the group starts, at the catalog's price, is the plan's fleet cost.
  const instance = Object.values(INSTANCES).find((row) => row.name === fleet.instanceTypes[0]);
  const price = rent.market === "spot" ? instance?.spotUsdPerHour : instance?.onDemandUsdPerHour;
  const started = fleet.desiredCapacity ?? fleet.minSize;
  expect(started).toBe(rent.instances);
  expect(started * (price ?? Number.NaN)).toBeCloseTo(rent.usdPerHour, 9);
  expect(rent.gpusRented).toBe(started * fleet.gpusPerInstance);
}

describe("the AWS fleet equals the plan", () => {
  it("realtime BF16, 1 replica of TP 2: one p5.48xlarge running ONE replica, $98.32/h On-Demand, 6 idle GPUs said", () => {
    const result = plan({});
    expect(result.chosen.replicas).toBe(1);
    checkFleet(result);
    expect(result.fleet).toMatchObject({
      instanceType: "p5.48xlarge",
      instances: 1,
      replicasPerInstance: 1,
      gpusUsed: 2,
      gpusRented: 8,
      market: "on-demand",
    });
    expect(result.fleet?.usdPerHour).toBeCloseTo(P5.onDemandUsdPerHour, 9);
    expect(result.templates.infra).toMatchObject({ minSize: 1, onDemandBaseCapacity: 1 });
    expect(result.warnings.join("\n")).toContain("6 GPU(s) idle");
  });

  it("realtime, 5 replicas of TP 2: 2 instances (4 + 4 slots for 5), $196.64/h", () => {
    const result = plan({ targetTokensPerSecond: 1000 });
    expect(result.chosen.replicas).toBe(5);
    checkFleet(result);
    expect(result.fleet?.instances).toBe(2);
    expect(result.fleet?.usdPerHour).toBeCloseTo(2 * 98.32, 9);
  });

  it("batch: Spot only, scales to zero (min 0), starts the plan's instances", () => {
    const result = plan({ workload: "batch", batchSize: 32 });
    checkFleet(result, 32);
    expect(result.templates.infra).toMatchObject({
      minSize: 0,
      onDemandBaseCapacity: 0,
      onDemandPercentageAboveBaseCapacity: 0,
    });
    expect(result.fleet?.market).toBe("spot");
  });

  it("INT4: one GPU, one replica per instance (not 8), a pre-quantized checkpoint in the templates", () => {
    const result = plan({ weights: "int4-g128" });
    expect(result.chosen.gpuCount).toBe(1);
    checkFleet(result);
    expect(result.fleet?.replicasPerInstance).toBe(1);
    const { files } = renderTemplates(result.templates, ["vllm"]);
    const serve = files.find((file) => file.path === "vllm/serve.sh")?.contents ?? "";
    expect(serve).toContain(`vllm serve ${MODEL}-AWQ`);
    expect(serve).not.toContain("--quantization");
  });
});
