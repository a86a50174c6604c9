import { describe, expect, it } from "vitest";
import { InvalidConfigError, parseModelConfig } from "../../../src/index.js";
import { allFixtures, loadFixture } from "../../helpers/fixtures.js";

const LLAMA_8B = loadFixture("meta-llama__Meta-Llama-3-8B").config;

function invalid(json: unknown): InvalidConfigError {
  try {
    parseModelConfig(json, { subject: "org/model" });
  } catch (error) {
    expect(error).toBeInstanceOf(InvalidConfigError);
    return error as InvalidConfigError;
  }
  throw new Error("expected parseModelConfig to throw");
}

describe("parseModelConfig on the fixtures", () => {
  it.each(allFixtures().map((fixture) => [fixture.dir, fixture]))("%s parses", (_dir, fixture) => {
    const spec = parseModelConfig(fixture.config);
    expect(spec.numLayers).toBeGreaterThan(0);
    // Pure Mamba models (falcon-mamba) have no attention heads at all.
    if (spec.numKeyValueHeads > 0) expect(spec.numAttentionHeads % spec.numKeyValueHeads).toBe(0);
    else expect(spec.stateSpace?.numLayers).toBe(spec.numLayers);
  });

  it("Llama-3-8B normalizes to its config values", () => {
    expect(parseModelConfig(LLAMA_8B)).toMatchObject({
      architecture: "LlamaForCausalLM",
      modelType: "llama",
      numLayers: 32,
      hiddenSize: 4096,
      numAttentionHeads: 32,
      numKeyValueHeads: 8,
      headDim: 128,
      intermediateSize: 14_336,
      vocabSize: 128_256,
      tieWordEmbeddings: false,
      maxPositionEmbeddings: 8192,
      torchDtype: "bfloat16",
      approximations: [],
    });
  });

  it("reads GPT-2's n_layer / n_embd / n_head / n_positions and defaults KV heads to the heads", () => {
    expect(parseModelConfig(loadFixture("openai-community__gpt2").config)).toMatchObject({
      numLayers: 12,
      hiddenSize: 768,
      numAttentionHeads: 12,
      numKeyValueHeads: 12,
      headDim: 64,
      intermediateSize: 3072, // n_inner absent: 4 × hidden
      maxPositionEmbeddings: 1024,
      tieWordEmbeddings: true,
    });
  });

  it("reads the text model under text_config", () => {
    const spec = parseModelConfig({
      architectures: ["Gemma3ForConditionalGeneration"],
      model_type: "gemma3",
      text_config: {
        model_type: "gemma3_text",
        num_hidden_layers: 34,
        hidden_size: 2560,
        num_attention_heads: 8,
        num_key_value_heads: 4,
        head_dim: 256,
        intermediate_size: 10_240,
        vocab_size: 262_208,
      },
    });
    expect(spec).toMatchObject({
      architecture: "Gemma3ForConditionalGeneration",
      modelType: "gemma3_text",
      numLayers: 34,
      numKeyValueHeads: 4,
      headDim: 256,
      tieWordEmbeddings: true,
    });
  });

  it("accepts the other aliases: num_layers, d_model, n_heads, ffn_dim, max_seq_len", () => {
    const spec = parseModelConfig({
      model_type: "llama",
      num_layers: 4,
      d_model: 512,
      n_heads: 8,
      ffn_dim: 2048,
      max_seq_len: 2048,
      vocab_size: 1000,
    });
    expect(spec).toMatchObject({
      numLayers: 4,
      hiddenSize: 512,
      numAttentionHeads: 8,
      intermediateSize: 2048,
      maxPositionEmbeddings: 2048,
    });
  });

  it("treats head_dim: null as absent (hidden / heads)", () => {
    expect(parseModelConfig({ ...LLAMA_8B, head_dim: null }).headDim).toBe(128);
  });

  it("marks an unknown model_type as approximate instead of guessing silently", () => {
    const spec = parseModelConfig({ ...LLAMA_8B, model_type: "brand_new" });
    expect(spec.approximations.join()).toMatch(/"brand_new" is not a family vramfit knows/);
  });

  it("lets unknown keys pass", () => {
    expect(() =>
      parseModelConfig({ ...LLAMA_8B, some_future_key: { nested: [1, 2] } }),
    ).not.toThrow();
  });
});

describe("InvalidConfigError names the path and the aliases", () => {
  it("missing layer count lists every alias", () => {
    const { num_hidden_layers: _dropped, ...config } = LLAMA_8B;
    const error = invalid(config);
    expect(error.code).toBe("CONFIG_INVALID");
    expect(error.path).toBe("num_hidden_layers");
    expect(error.aliases).toEqual(["num_hidden_layers", "n_layer", "num_layers", "n_layers"]);
    expect(error.message).toBe(
      'Invalid config.json for org/model at "num_hidden_layers": missing the layer count (looked for num_hidden_layers, n_layer, num_layers, n_layers).',
    );
  });

  it("missing fields inside text_config are reported with the text_config prefix", () => {
    // A known family without class defaults in vramfit's table: nothing is filled in.
    const error = invalid({
      model_type: "llava",
      text_config: { model_type: "phi3", vocab_size: 32_064 },
    });
    expect(error.path).toBe("text_config.num_hidden_layers");
  });

  it.each([
    ["zero", 0, /expected a positive integer, got 0/],
    ["negative", -4, /expected a positive integer, got -4/],
    ["fractional", 4096.5, /expected an integer, got 4096.5/],
    ["string", "4096", /expected a number, got the string "4096"/],
  ])("%s hidden_size", (_name, value, message) => {
    const error = invalid({ ...LLAMA_8B, hidden_size: value });
    expect(error.path).toBe("hidden_size");
    expect(error.message).toMatch(message);
  });

  it("a string nested in text_config names the nested path", () => {
    const error = invalid({ model_type: "x", text_config: { num_hidden_layers: "32" } });
    expect(error.path).toBe("text_config.num_hidden_layers");
  });

  it("heads not divisible by KV heads", () => {
    const error = invalid({ ...LLAMA_8B, num_key_value_heads: 5 });
    expect(error.path).toBe("num_key_value_heads");
    expect(error.message).toMatch(/32 attention heads are not divisible by 5 key\/value heads/);
  });

  it("hidden size not divisible by heads without head_dim", () => {
    expect(invalid({ ...LLAMA_8B, num_attention_heads: 30, num_key_value_heads: 6 }).path).toBe(
      "head_dim",
    );
  });

  it.each([
    ["null", null],
    ["an array", [1, 2]],
    ["string", "config"],
    ["number", 42],
  ])("not an object at all: %s", (_name, json) => {
    const error = invalid(json);
    expect(error.path).toBe("");
    expect(error.message).toMatch(/expected a JSON object/);
  });
});
