import { describe, expect, it } from "vitest";
import { estimateTraining, estimateTrainingFromSpec, ModelNotFoundError } from "../../src/index.js";
import { findBundledModel } from "../../src/model/bundled/find-bundled-model.js";
import { FIXTURES_DIR } from "../helpers/fixtures.js";
import { join } from "node:path";
import { llama8b, mixtralSpec } from "../helpers/training-specs.js";

describe("estimateTraining resolves any model input, like estimateInference", () => {
  it("a bundled repo id: same numbers as the pure estimate, with the source recorded", async () => {
    const estimate = await estimateTraining("meta-llama/Meta-Llama-3-8B", { method: "lora" });
    expect(estimate.model.id).toBe("meta-llama/Meta-Llama-3-8B");
    expect(estimate.model.source.kind).toBe("bundled");
    expect(estimate.memory).toEqual(estimateTrainingFromSpec(llama8b, { method: "lora" }).memory);
  });

  it("a config object, a local path and a ModelSpec (here the hand-built Mixtral)", async () => {
    const config = findBundledModel("meta-llama/Meta-Llama-3-8B")!.config as Record<
      string,
      unknown
    >;
    const fromObject = await estimateTraining(config, { method: "qlora" });
    expect(fromObject.model.source.kind).toBe("object");
    const fromPath = await estimateTraining(
      join(FIXTURES_DIR, "models", "meta-llama__Meta-Llama-3-8B"),
    );
    expect(fromPath.model.source.kind).toBe("file");
    expect(fromPath.parameters.trainable).toBe(8_030_261_248);
    const fromSpec = await estimateTraining(mixtralSpec(), { method: "lora" });
    expect(fromSpec.parameters.trainable).toBe(242_225_152);
  });

  it("an unknown repo is a ModelNotFoundError", async () => {
    await expect(estimateTraining("nobody/nothing")).rejects.toBeInstanceOf(ModelNotFoundError);
  });
});
