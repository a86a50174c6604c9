import { describe, expect, it } from "vitest";
import { countParameters, parseModelConfig } from "../../../src/index.js";
import {
  linearModules,
  parameterTensors,
  reconcileTensors,
  tensorParameterCount,
} from "../../../src/memory/training/modules.js";
import { activeParameters } from "../../../src/model/features/moe.js";
import { loadFixture } from "../../helpers/fixtures.js";
import { llama8b, mixtralSpec } from "../../helpers/training-specs.js";

// Published counts come from each fixture's truth.json.
const DENSE_FIXTURES = [
  "meta-llama__Meta-Llama-3-8B",
  "meta-llama__Meta-Llama-3-70B",
  "Qwen__Qwen2.5-0.5B",
  "google__gemma-2-9b",
  "microsoft__Phi-3-mini-4k-instruct",
  "mistralai__Mistral-7B-v0.1",
  "openai-community__gpt2",
];

describe("parameterTensors: the real tensor shapes training keeps state for", () => {
  it.each(DENSE_FIXTURES)("%s itemizes exactly its published count", (dir) => {
    const { config, truth } = loadFixture(dir);
    const published = truth.model_parameters_excluding_buffers ?? truth.params_total;
    expect(tensorParameterCount(parameterTensors(parseModelConfig(config)))).toBe(published);
  });

  it("Mixtral-8x7B itemizes all 8 experts and the routers: 46,702,792,704 (truth.json)", () => {
    const { truth } = loadFixture("mistralai__Mixtral-8x7B-v0.1");
    expect(tensorParameterCount(parameterTensors(mixtralSpec()))).toBe(truth.params_total);
    const breakdown = countParameters(mixtralSpec());
    // By hand: per layer 8 experts × 3 × 4096 × 14336, router 4096 × 8.
    expect(breakdown.mlp + breakdown.router).toBe(32 * (8 * 3 * 4096 * 14336 + 4096 * 8));
    expect(breakdown.attention).toBe(32 * 4096 * (2 * 4096 + 2 * 1024));
  });

  it("the hand-built Mixtral spec of the training tests is what the parser reads from config.json", () => {
    const parsed = parseModelConfig(loadFixture("mistralai__Mixtral-8x7B-v0.1").config);
    const { moe, numLayers, hiddenSize, numKeyValueHeads, headDim } = mixtralSpec();
    expect(parsed.moe).toMatchObject(moe!);
    expect(parsed).toMatchObject({ numLayers, hiddenSize, numKeyValueHeads, headDim });
  });

  it("Mixtral runs 2 of 8 experts per token: ≈ 12.88 B active (truth.json notes)", () => {
    const skipped = 32 * 6 * 3 * 4096 * 14336;
    const spec = mixtralSpec();
    expect(activeParameters(spec, countParameters(spec))).toBe(46_702_792_704 - skipped);
    expect(activeParameters(llama8b, countParameters(llama8b))).toBe(8_030_261_248);
  });

  it("reconcileTensors sizes what training does not itemize from countParameters (MLA: DeepSeek-V2-Lite)", () => {
    const { config, truth } = loadFixture("deepseek-ai__DeepSeek-V2-Lite");
    const spec = parseModelConfig(config);
    const breakdown = countParameters(spec);
    const reconciled = reconcileTensors(parameterTensors(spec), breakdown);
    expect(tensorParameterCount(reconciled)).toBe(truth.params_total); // 15,706,484,224
    const attention = reconciled.filter((tensor) => tensor.component === "attention");
    expect(tensorParameterCount(attention)).toBe(breakdown.attention);
  });
});

describe("linearModules: the projections LoRA can wrap", () => {
  it("Llama-3-8B: GQA makes k and v 4096 → 1024; the MLP is 4096 → 14336 → 4096", () => {
    const shapes = Object.fromEntries(
      linearModules(llama8b).map((m) => [m.name, [m.inFeatures, m.outFeatures, m.instances]]),
    );
    expect(shapes).toEqual({
      q_proj: [4096, 4096, 32],
      k_proj: [4096, 1024, 32],
      v_proj: [4096, 1024, 32],
      o_proj: [4096, 4096, 32],
      gate_proj: [4096, 14336, 32],
      up_proj: [4096, 14336, 32],
      down_proj: [14336, 4096, 32],
    });
  });

  it("Mixtral: 256 of each expert projection (w1, w3, w2) and a 4096 → 8 router per layer", () => {
    const modules = linearModules(mixtralSpec());
    const byName = Object.fromEntries(modules.map((m) => [m.name, m]));
    expect(byName["experts.w1"]).toMatchObject({
      inFeatures: 4096,
      outFeatures: 14336,
      instances: 256,
    });
    expect(byName["experts.w2"]).toMatchObject({
      inFeatures: 14336,
      outFeatures: 4096,
      instances: 256,
    });
    expect(byName["gate"]).toMatchObject({ inFeatures: 4096, outFeatures: 8, instances: 32 });
    expect(byName["experts.w1"]!.tokenShare).toBe(2 / 8);
    expect(modules.some((m) => m.name === "gate_proj")).toBe(false);
  });

  it("Phi-3 and GPT-2 fuse q, k and v into one projection", () => {
    const phi3 = parseModelConfig(loadFixture("microsoft__Phi-3-mini-4k-instruct").config);
    const names = linearModules(phi3).map((m) => [m.name, m.inFeatures, m.outFeatures]);
    expect(names).toEqual([
      ["qkv_proj", 3072, 3 * 3072],
      ["o_proj", 3072, 3072],
      ["gate_up_proj", 3072, 2 * 8192],
      ["down_proj", 8192, 3072],
    ]);
    const gpt2 = parseModelConfig(loadFixture("openai-community__gpt2").config);
    expect(linearModules(gpt2).map((m) => m.name)).toEqual([
      "c_attn",
      "attn.c_proj",
      "mlp.c_fc",
      "mlp.c_proj",
    ]);
  });
});
