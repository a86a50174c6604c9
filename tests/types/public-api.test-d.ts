import { describe, expectTypeOf, it } from "vitest";
import {
  estimateInference,
  estimateInferenceFromSpec,
  parseModelConfig,
  type CheckpointFacts,
  type ErrorCode,
  type HubErrorCode,
  type InferenceEstimate,
  type InferenceOptions,
  type KvCacheDtype,
  type ModelSource,
  type ModelSpec,
  type ParameterSource,
  type ResolvedModel,
  type ResolveModelOptions,
  type WeightPrecision,
} from "../../src/index.js";

describe("public types", () => {
  it("estimateInference is async and returns an InferenceEstimate", () => {
    expectTypeOf(estimateInference).returns.resolves.toEqualTypeOf<InferenceEstimate>();
    expectTypeOf(estimateInferenceFromSpec).returns.toEqualTypeOf<InferenceEstimate>();
  });

  it("parseModelConfig accepts unknown and returns a ModelSpec", () => {
    expectTypeOf(parseModelConfig).parameter(0).toEqualTypeOf<unknown>();
    expectTypeOf(parseModelConfig).returns.toEqualTypeOf<ModelSpec>();
  });

  it("precisions and codes are literal unions", () => {
    expectTypeOf<WeightPrecision>().toEqualTypeOf<
      "fp32" | "bf16" | "fp16" | "fp8" | "int8" | "int4" | "int4-g128"
    >();
    expectTypeOf<KvCacheDtype>().toEqualTypeOf<"fp32" | "bf16" | "fp16" | "fp8">();
    expectTypeOf<"CONFIG_INVALID">().toExtend<ErrorCode>();
  });

  it("options reject unknown precisions at compile time", () => {
    // @ts-expect-error: "int3" is not a WeightPrecision
    const bad: InferenceOptions = { weights: "int3" };
    expectTypeOf(bad).toExtend<InferenceOptions>();
  });

  it("spec fields are readonly", () => {
    expectTypeOf<ModelSpec>().toHaveProperty("numKeyValueHeads").toEqualTypeOf<number>();
    const spec = {} as ModelSpec;
    // @ts-expect-error: ModelSpec is readonly
    spec.numLayers = 1;
  });

  it("the Hub client's contracts: source kinds, parameter sources, checkpoint facts, options", () => {
    expectTypeOf<HubErrorCode>().toExtend<ErrorCode>();
    expectTypeOf<ModelSource["kind"]>().toEqualTypeOf<
      "spec" | "object" | "file" | "bundled" | "hub" | "cache" | "hf-cache"
    >();
    expectTypeOf<ParameterSource>().toEqualTypeOf<
      "config" | "override" | "safetensors" | "hub-summary"
    >();
    expectTypeOf<CheckpointFacts["parameterSource"]>().toEqualTypeOf<
      "safetensors" | "hub-summary"
    >();
    expectTypeOf<InferenceOptions["checkpoint"]>().toEqualTypeOf<CheckpointFacts | undefined>();
    expectTypeOf<ResolvedModel["checkpoint"]>().toEqualTypeOf<CheckpointFacts | undefined>();
    expectTypeOf<ResolveModelOptions>()
      .toHaveProperty("cacheDir")
      .toEqualTypeOf<string | false | undefined>();
  });
});
