import { describe, expect, it } from "vitest";
import { validateDeploymentFromSpec, type UserDeployment } from "../../src/deploy.js";
import { bundledSpec } from "../helpers/blueprint.js";

// `check` passed a pipeline longer than the model: Llama-3-8B has 32 layers (its config.json,
// num_hidden_layers), and 64 stages would leave 32 of them empty. vLLM splits the layers into
// contiguous stages, so every stage needs one.
const llama8b = bundledSpec("meta-llama/Meta-Llama-3-8B");

const deployment = (pipelineParallel: number): UserDeployment => ({
  model: "meta-llama/Meta-Llama-3-8B",
  workload: "realtime",
  gpu: "nvidia-a100-80gb-sxm",
  gpuCount: pipelineParallel,
  tensorParallel: 1,
  pipelineParallel,
  contextLength: 4096,
  batchSize: 1,
  weights: "bf16",
  pricing: "on-demand",
});

describe("pipeline stages against the layer count", () => {
  it("64 stages for 32 layers: the fit check fails and says why", () => {
    expect(llama8b.numLayers).toBe(32);
    const fit = validateDeploymentFromSpec(llama8b, deployment(64)).checks.find(
      (check) => check.id === "fit",
    );
    expect(fit?.status).toBe("fail");
    expect(fit?.reason).toContain("64 pipeline stages for 32 layers");
  });

  it("32 stages for 32 layers is not refused for its stage count", () => {
    const fit = validateDeploymentFromSpec(llama8b, deployment(32)).checks.find(
      (check) => check.id === "fit",
    );
    expect(fit?.reason).not.toContain("pipeline stages for");
  });
});
