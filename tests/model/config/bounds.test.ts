import { describe, expect, it } from "vitest";
import { CONFIG_BOUNDS } from "../../../src/model/config/model-config.js";
import { validateModelConfig } from "../../../src/model/config/parse.js";
import { countParameters, InvalidConfigError, parseModelConfig } from "../../../src/index.js";
import { allFixtures, loadFixture } from "../../helpers/fixtures.js";

const LLAMA_8B = loadFixture("meta-llama__Meta-Llama-3-8B").config;

function refusal(json: unknown): InvalidConfigError {
  try {
    parseModelConfig(json, { subject: "org/model" });
  } catch (error) {
    expect(error).toBeInstanceOf(InvalidConfigError);
    return error as InvalidConfigError;
  }
  throw new Error("expected parseModelConfig to refuse the config");
}

describe("every dimension has an upper bound well above any real model", () => {
  it("no fixture comes within a factor of 4 of a bound", () => {
    for (const { config } of allFixtures()) {
      const spec = parseModelConfig(config);
      expect(spec.numLayers * 4).toBeLessThan(CONFIG_BOUNDS.layers.max);
      expect(spec.hiddenSize * 4).toBeLessThan(CONFIG_BOUNDS.width.max);
      expect(spec.intermediateSize * 4).toBeLessThan(CONFIG_BOUNDS.width.max);
      expect(spec.numAttentionHeads * 4).toBeLessThan(CONFIG_BOUNDS.heads.max);
      expect(spec.vocabSize * 4).toBeLessThan(CONFIG_BOUNDS.vocabulary.max);
      expect((spec.moe?.numExperts ?? 0) * 4).toBeLessThan(CONFIG_BOUNDS.experts.max);
      expect((spec.maxPositionEmbeddings ?? 0) * 4).toBeLessThan(CONFIG_BOUNDS.positions.max);
    }
  });

  it.each([
    ["num_hidden_layers", 10_001, "layer counts", "10,000"],
    ["hidden_size", 2 ** 21, "widths (hidden, MLP, head and state sizes)", "1,048,576"],
    ["intermediate_size", 10 ** 9, "widths (hidden, MLP, head and state sizes)", "1,048,576"],
    ["num_attention_heads", 65_537, "head counts", "65,536"],
    ["num_key_value_heads", 10 ** 6, "head counts", "65,536"],
    ["vocab_size", 2 ** 25, "vocabulary sizes", "16,777,216"],
    ["num_local_experts", 100_000, "expert counts", "65,536"],
    ["max_position_embeddings", 2 ** 31, "context lengths and windows", "1,073,741,824"],
  ])("%s = %d is refused as CONFIG_INVALID, naming the bound", (key, value, what, max) => {
    const error = refusal({ ...LLAMA_8B, [key]: value });
    expect(error.code).toBe("CONFIG_INVALID");
    expect(error.path).toBe(key);
    expect(error.message).toBe(
      `Invalid config.json for org/model at "${key}": expected at most ${max} (vramfit's bound on ${what}), got ${value}.`,
    );
  });

  it("the bound is checked inside text_config and vision_config too", () => {
    const { config } = loadFixture("google__gemma-3-4b-it");
    const nested = {
      ...config,
      text_config: { ...(config.text_config as object), num_hidden_layers: 20_000 },
    };
    expect(refusal(nested).path).toBe("text_config.num_hidden_layers");
    const vision = {
      ...config,
      vision_config: { ...(config.vision_config as object), hidden_size: 2 ** 30 },
    };
    expect(refusal(vision).path).toBe("vision_config.hidden_size");
  });

  it("a per-layer list longer than the layer bound is refused", () => {
    const error = refusal({
      ...LLAMA_8B,
      layer_types: Array.from({ length: 10_001 }, () => "full_attention"),
    });
    expect(error.path).toBe("layer_types");
    expect(error.message).toMatch(
      /expected at most 10,000 entries \(vramfit's bound on layer counts\)/,
    );
  });

  it("a value at the bound passes (the bounds are inclusive)", () => {
    expect(() => validateModelConfig({ ...LLAMA_8B, num_hidden_layers: 10_000 })).not.toThrow();
    expect(parseModelConfig({ ...LLAMA_8B, num_hidden_layers: 10_000 }).numLayers).toBe(10_000);
  });
});

describe("layer patterns are counted in closed form", () => {
  const jamba = loadFixture("ai21labs__AI21-Jamba-1.5-Mini").config;
  const deepseek = loadFixture("deepseek-ai__DeepSeek-R1").config;
  const qwenMoe = loadFixture("Qwen__Qwen3-30B-A3B").config;

  it("Jamba at the layer bound: attention every 8th layer from 4, experts every other layer", () => {
    const spec = parseModelConfig({ ...jamba, num_hidden_layers: 10_000 });
    // i % 8 == 4 for i < 10,000: 4, 12, …, 9,996 → (9,996 − 4) / 8 + 1 = 1,250.
    expect(spec.attentionLayers?.full).toBe(1250);
    expect(spec.stateSpace?.numLayers).toBe(10_000 - 1250);
    // i % 2 == 1: 5,000 MoE layers.
    expect(spec.moe?.numMoeLayers).toBe(5000);
  });

  it("DeepSeek: MoE from first_k_dense_replace (3) on, every moe_layer_freq (1)", () => {
    const spec = parseModelConfig({ ...deepseek, num_hidden_layers: 9_999 });
    expect(spec.moe?.numMoeLayers).toBe(9_999 - 3);
    const everyThird = parseModelConfig({ ...deepseek, num_hidden_layers: 100, moe_layer_freq: 3 });
    // Multiples of 3 in [3, 100): 3, 6, …, 99 → 33.
    expect(everyThird.moe?.numMoeLayers).toBe(33);
  });

  it("Qwen-MoE: decoder_sparse_step 2 and mlp_only_layers", () => {
    const spec = parseModelConfig({
      ...qwenMoe,
      num_hidden_layers: 10,
      decoder_sparse_step: 2,
      mlp_only_layers: [1, 2, 5, 5, 99],
    });
    // (i + 1) % 2 == 0 → 1, 3, 5, 7, 9; layers 1 and 5 are dense (2 is not sparse anyway, 99 is past the end).
    expect(spec.moe?.numMoeLayers).toBe(3);
  });

  it("absurd but in-bound shapes still give a finite count quickly", () => {
    const started = performance.now();
    const spec = parseModelConfig({
      ...deepseek,
      num_hidden_layers: 10_000,
      n_routed_experts: 65_536,
      hidden_size: 1_048_576,
    });
    expect(Number.isFinite(countParameters(spec).total)).toBe(true);
    expect(performance.now() - started).toBeLessThan(1000);
  });
});
