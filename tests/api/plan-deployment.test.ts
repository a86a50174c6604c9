import { describe, expect, it } from "vitest";
import { planDeployment, validateDeployment } from "../../src/deploy.js";
import { InvalidOptionError } from "../../src/index.js";
import { llama3_70bConfig } from "../helpers/blueprint.js";

// Offline: the bundled snapshot answers, so no request leaves the machine.
const offline = { offline: true, cacheDir: false } as const;

describe("planDeployment and validateDeployment (async edges)", () => {
  it("plan a repo id with a workload class alone; the templates name the repo", async () => {
    const plan = await planDeployment("meta-llama/Meta-Llama-3-8B", {
      workload: "qlora",
      ...offline,
    });
    expect(plan.model.source.kind).toBe("bundled");
    expect(plan.templates.training?.baseModel).toBe("meta-llama/Meta-Llama-3-8B");
    const report = await validateDeployment(plan, offline);
    expect(report.passed).toBe(true);
  });

  it("a user deployment is resolved from its model field, or from the model option", async () => {
    const deployment = {
      model: "meta-llama/Meta-Llama-3-70B",
      workload: "realtime" as const,
      gpu: "nvidia-h100-sxm",
      gpuCount: 2,
      contextLength: 4096,
      batchSize: 8,
    };
    const report = await validateDeployment(deployment, offline);
    expect(report.model.id).toBe("meta-llama/Meta-Llama-3-70B");
    expect(report.checks.find((check) => check.id === "fit")?.status).toBe("pass");
    const { model: _model, ...unnamed } = deployment;
    const fromObject = await validateDeployment(unnamed, { ...offline, model: llama3_70bConfig() });
    expect(fromObject.checks.find((check) => check.id === "fit")?.status).toBe("pass");
    await expect(validateDeployment(unnamed, offline)).rejects.toBeInstanceOf(InvalidOptionError);
  });

  it("a user catalog joins the built-in one", async () => {
    const plan = await planDeployment("meta-llama/Meta-Llama-3-8B", {
      workload: "realtime",
      gpu: "acme-x1",
      contextLength: 4096,
      batchSize: 8,
      ...offline,
      catalog: {
        accelerators: {
          "acme-x1": {
            name: "Acme X1",
            memoryGiB: 96,
            memoryBandwidthTBps: 4,
            bf16DenseTflops: 800,
          },
        },
      },
    });
    expect(plan.chosen.acceleratorName).toBe("Acme X1");
    expect(plan.chosen.tensorParallel).toBe(1);
  });
});
