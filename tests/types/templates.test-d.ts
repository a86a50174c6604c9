import { describe, expectTypeOf, it } from "vitest";
import {
  renderTemplates,
  renderTerraformJson,
  renderVllmCommand,
  type FleetPlan,
  type ServingPlan,
  type TemplateOutput,
  type TemplateTarget,
} from "../../src/deploy.js";
import type { ErrorCode } from "../../src/index.js";
import type { TerraformJson } from "../../src/deploy/templates/hcl.js";
import type { VllmCommand } from "../../src/deploy/templates/vllm.js";

describe("template types", () => {
  it("generators take a plan and return files and notes", () => {
    expectTypeOf(renderVllmCommand).parameter(0).toEqualTypeOf<ServingPlan>();
    expectTypeOf(renderVllmCommand).returns.toEqualTypeOf<VllmCommand>();
    expectTypeOf<VllmCommand>().toExtend<TemplateOutput>();
    expectTypeOf(renderTerraformJson).parameter(0).toEqualTypeOf<FleetPlan>();
    expectTypeOf(renderTerraformJson)
      .returns.toHaveProperty("config")
      .toEqualTypeOf<TerraformJson>();
    expectTypeOf(renderTemplates).returns.toEqualTypeOf<TemplateOutput>();
  });

  it("targets and codes are literal unions", () => {
    expectTypeOf<TemplateTarget>().toEqualTypeOf<
      "vllm" | "tgi" | "k8s" | "axolotl" | "peft" | "terraform" | "cloudformation"
    >();
    expectTypeOf<"ENGINE_RULE_VIOLATED">().toExtend<ErrorCode>();
  });

  it("a serving plan needs a model, a context and a batch", () => {
    // @ts-expect-error: maxNumSeqs is required
    const missing: ServingPlan = { modelId: "org/model", maxModelLen: 4096 };
    expectTypeOf(missing).toExtend<ServingPlan>();
    const bad: ServingPlan = {
      modelId: "m",
      maxModelLen: 1,
      maxNumSeqs: 1,
      // @ts-expect-error: "int3" is not a WeightPrecision
      weights: "int3",
    };
    expectTypeOf(bad).toExtend<ServingPlan>();
  });
});
