import { describe, expectTypeOf, it } from "vitest";
import {
  estimateInference,
  estimateInferenceFromSpec,
  parseModelConfig,
  type ErrorCode,
  type HubErrorCode,
  type InferenceEstimate,
  type InferenceOptions,
  type KvCacheDtype,
  type ModelSpec,
  type ResolvedModel,
  type HubOptions,
  type WeightPrecision,
  type AlreadyQuantizedError,
} from "../../src/index.js";
import type { CheckpointFacts } from "../../src/memory/checkpoint.js";
import type { InferenceEngine } from "../../src/memory/engine.js";
import type { ModelSource, ParameterSource } from "../../src/model/model-source.js";
import type {
  CheckpointQuantization,
  MixtureOfExperts,
  MultiHeadLatentAttention,
} from "../../src/model/model-spec.js";

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
    expectTypeOf<HubOptions>()
      .toHaveProperty("cacheDir")
      .toEqualTypeOf<string | false | undefined>();
  });
});

describe("architecture types", () => {
  it("engines are a literal union and new options are typed", async () => {
    const { INFERENCE_ENGINE_IDS } = await import("../../src/memory/engine.js");
    expectTypeOf<InferenceEngine>().toEqualTypeOf<
      "vllm" | "sglang" | "llamacpp" | "transformers"
    >();
    expectTypeOf(INFERENCE_ENGINE_IDS).toEqualTypeOf<readonly InferenceEngine[]>();
    expectTypeOf<InferenceOptions["imagesPerRequest"]>().toEqualTypeOf<number | undefined>();
    // @ts-expect-error: "tgi" is not an engine vramfit reproduces
    const bad: InferenceOptions = { engine: "tgi" };
    expectTypeOf(bad).toExtend<InferenceOptions>();
  });

  it("the MoE contract other branches code against keeps its fields", () => {
    expectTypeOf<MixtureOfExperts>().toHaveProperty("numExperts").toEqualTypeOf<number>();
    expectTypeOf<MixtureOfExperts>().toHaveProperty("expertsPerToken").toEqualTypeOf<number>();
    expectTypeOf<MixtureOfExperts>().toHaveProperty("numMoeLayers").toEqualTypeOf<number>();
    expectTypeOf<CheckpointQuantization>().toHaveProperty("method").toEqualTypeOf<string>();
    expectTypeOf<ModelSpec["mla"]>().toEqualTypeOf<MultiHeadLatentAttention | undefined>();
    expectTypeOf<InferenceEstimate["memory"]["stateCacheBytes"]>().toEqualTypeOf<number>();
  });

  it("AlreadyQuantizedError carries its code", () => {
    expectTypeOf<"ALREADY_QUANTIZED">().toExtend<ErrorCode>();
    expectTypeOf<AlreadyQuantizedError["method"]>().toEqualTypeOf<string>();
  });
});
