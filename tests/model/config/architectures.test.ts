import { describe, expect, it } from "vitest";
import {
  countParameters,
  InvalidConfigError,
  kvCacheBytesPerToken,
  parseModelConfig,
  UnsupportedArchitectureError,
} from "../../../src/index.js";
import { loadFixture } from "../../helpers/fixtures.js";

const LLAMA_8B = loadFixture("meta-llama__Meta-Llama-3-8B").config;

describe("mixture-of-experts sections", () => {
  it("DeepSeek-R1: first_k_dense_replace 3 leaves 58 MoE layers of 256 + 1 shared experts", () => {
    const spec = parseModelConfig(loadFixture("deepseek-ai__DeepSeek-R1").config);
    expect(spec.moe).toMatchObject({
      numExperts: 256,
      expertsPerToken: 8,
      expertIntermediateSize: 2048,
      numSharedExperts: 1,
      sharedExpertIntermediateSize: 2048,
      numMoeLayers: 58,
      routerCorrectionBias: true,
    });
    expect(spec.mla).toEqual({
      kvLoraRank: 512,
      qLoraRank: 1536,
      qkNopeHeadDim: 128,
      qkRopeHeadDim: 64,
      vHeadDim: 128,
    });
  });

  it("Qwen1.5-MoE: one gated shared expert of 5,632 beside 60 routed experts of 1,408", () => {
    const spec = parseModelConfig(loadFixture("Qwen__Qwen1.5-MoE-A2.7B-Chat-GPTQ-Int4").config);
    expect(spec.moe).toMatchObject({
      numExperts: 60,
      expertsPerToken: 4,
      expertIntermediateSize: 1408,
      numSharedExperts: 1,
      sharedExpertIntermediateSize: 5632,
      numMoeLayers: 24,
      sharedExpertGate: true,
    });
  });

  it("Jamba: experts every other layer, attention every eighth, Mamba elsewhere", () => {
    const spec = parseModelConfig(loadFixture("ai21labs__AI21-Jamba-1.5-Mini").config);
    expect(spec.moe?.numMoeLayers).toBe(16);
    expect(spec.attentionLayers).toEqual({ full: 4, sliding: 0, chunked: 0 });
    expect(spec.stateSpace).toMatchObject({ kind: "mamba", numLayers: 28 });
  });

  it("Mixtral's per-layer count, worked by hand: 8 SwiGLU experts of 14,336 and a 4096 × 8 router", () => {
    const breakdown = countParameters(
      parseModelConfig(loadFixture("mistralai__Mixtral-8x7B-v0.1").config),
    );
    expect(breakdown.mlp).toBe(32 * 8 * 3 * 4096 * 14_336);
    expect(breakdown.routedExperts).toBe(breakdown.mlp);
    expect(breakdown.router).toBe(32 * 4096 * 8);
  });

  it("DeepSeek-V3's MLA layer, worked by hand from the LoRA-style projections", () => {
    const breakdown = countParameters(
      parseModelConfig(loadFixture("deepseek-ai__DeepSeek-R1").config),
    );
    const perLayer =
      7168 * 1536 +
      1536 +
      1536 * 128 * (128 + 64) + // q_a_proj, q_a_layernorm, q_b_proj
      7168 * (512 + 64) +
      512 +
      512 * 128 * (128 + 128) + // kv_a_proj_with_mqa, kv_a_layernorm, kv_b_proj
      128 * 128 * 7168; // o_proj
    expect(breakdown.attention).toBe(61 * perLayer);
  });

  it("experts per token are required when experts are declared", () => {
    const { num_experts_per_tok: _dropped, ...config } = loadFixture(
      "mistralai__Mixtral-8x7B-v0.1",
    ).config;
    expect(() => parseModelConfig(config)).toThrow(InvalidConfigError);
  });
});

describe("older families", () => {
  it("Falcon-7B: multi_query, one LayerNorm per parallel layer, tied head, 4 × hidden MLP", () => {
    const spec = parseModelConfig(loadFixture("tiiuae__falcon-7b-instruct").config);
    const layer = 4544 * (4544 + 2 * 64) + 4544 * 4544 + 2 * 4544 * 18_176 + 2 * 4544;
    expect(countParameters(spec).total).toBe(65_024 * 4544 + 32 * layer + 2 * 4544);
  });

  it("Falcon-40B's new_decoder_architecture: 8 KV heads and two LayerNorms per layer", () => {
    // Falcon-40B's shape (hidden 8192, 60 layers, 128 heads, num_kv_heads 8), bias false.
    const spec = parseModelConfig({
      model_type: "falcon",
      hidden_size: 8192,
      num_hidden_layers: 60,
      num_attention_heads: 128,
      num_kv_heads: 8,
      new_decoder_architecture: true,
      parallel_attn: true,
      bias: false,
      vocab_size: 65_024,
    });
    expect(spec.numKeyValueHeads).toBe(8);
    const layer = 8192 * (8192 + 2 * 8 * 64) + 8192 * 8192 + 2 * 8192 * 32_768 + 2 * 2 * 8192;
    expect(countParameters(spec).total).toBe(65_024 * 8192 + 60 * layer + 2 * 8192);
    expect(kvCacheBytesPerToken(spec, "bf16")).toBe(60 * 2 * 8 * 64 * 2);
  });

  it("MPT-7B's shape: d_model 4096 × 4 expansion, no biases, weight-only LayerNorms, ALiBi", () => {
    const spec = parseModelConfig({
      model_type: "mpt",
      d_model: 4096,
      n_heads: 32,
      n_layers: 32,
      expansion_ratio: 4,
      max_seq_len: 2048,
      vocab_size: 50_432,
      no_bias: true,
    });
    const layer = 4 * 4096 * 4096 + 2 * 4096 * 16_384 + 2 * 4096;
    expect(countParameters(spec).total).toBe(50_432 * 4096 + 32 * layer + 4096);
  });

  it("BERT for masked LM: token types and the MLM head, no pooler, no KV cache", () => {
    const spec = parseModelConfig(loadFixture("google-bert__bert-base-uncased").config);
    expect(spec.encoderOnly).toBe(true);
    expect(spec.extraParameters?.map((extra) => extra.name)).toEqual([
      "token_type_embeddings",
      "masked-LM head",
    ]);
    const layer = 4 * (768 * 768 + 768) + 2 * 2 * 768 + (768 * 3072 + 3072) + (3072 * 768 + 768);
    const embeddings = 30_522 * 768 + 512 * 768 + 2 * 768 + 2 * 768;
    const head = 768 * 768 + 768 + 2 * 768 + 30_522;
    expect(countParameters(spec).total).toBe(embeddings + 12 * layer + head);
  });
});

describe("unknown shapes", () => {
  it("an unknown model_type with the standard fields gets a generic estimate marked approximate", () => {
    const spec = parseModelConfig({ ...LLAMA_8B, model_type: "brand_new_lm" });
    expect(countParameters(spec).total).toBe(8_030_261_248);
    expect(spec.approximations.join()).toMatch(
      /"brand_new_lm" is not a family vramfit knows: parameters counted as a Llama-style decoder/,
    );
  });

  it("an unknown MoE family still has its experts read from the standard MoE fields", () => {
    const spec = parseModelConfig({
      ...LLAMA_8B,
      model_type: "future_moe",
      num_local_experts: 8,
      num_experts_per_tok: 2,
    });
    expect(spec.moe?.numExperts).toBe(8);
  });

  it("an unknown model_type without them is refused, naming what is missing", () => {
    try {
      parseModelConfig({ model_type: "mystery", num_hidden_layers: 12, vocab_size: 1000 });
      expect.unreachable();
    } catch (error) {
      expect(error).toBeInstanceOf(UnsupportedArchitectureError);
      const refused = error as UnsupportedArchitectureError;
      expect(refused.code).toBe("UNSUPPORTED_ARCHITECTURE");
      expect(refused.modelType).toBe("mystery");
      expect(refused.message).toMatch(
        /hidden size \(hidden_size \| n_embd \| d_model \| n_embed\)/,
      );
      expect(refused.message).toMatch(/attention head count/);
      expect(refused.message).toMatch(/MLP width/);
      expect(refused.message).not.toMatch(/layer count/);
    }
  });

  it("never falls back to silent sizes such as hidden 768", () => {
    expect(() => parseModelConfig({ model_type: "mystery" })).toThrow(UnsupportedArchitectureError);
  });

  it("a layer type vramfit does not know is refused, not counted as attention", () => {
    expect(() =>
      parseModelConfig({ ...LLAMA_8B, layer_types: Array.from({ length: 32 }, () => "retention") }),
    ).toThrow(/layer type "retention"/);
  });
});

describe("dialects without a bundled fixture, checked against module shapes by hand", () => {
  it("Granite-4 hybrid: layer_types mamba/attention, a shared MLP beside the experts on every layer", () => {
    // Granite-4.0-H's config keys (GraniteMoeHybridConfig), small dimensions.
    const spec = parseModelConfig({
      model_type: "granitemoehybrid",
      num_hidden_layers: 4,
      hidden_size: 256,
      num_attention_heads: 4,
      num_key_value_heads: 2,
      intermediate_size: 128, // the experts' width
      shared_intermediate_size: 512,
      num_local_experts: 8,
      num_experts_per_tok: 2,
      vocab_size: 1000,
      layer_types: ["mamba", "mamba", "mamba", "attention"],
      mamba_n_heads: 8,
      mamba_d_head: 64,
      mamba_d_state: 128,
      mamba_n_groups: 1,
      mamba_d_conv: 4,
      mamba_expand: 2,
      mamba_conv_bias: true,
      mamba_proj_bias: false,
      tie_word_embeddings: true,
    });
    expect(spec.attentionLayers).toEqual({ full: 1, sliding: 0, chunked: 0 });
    expect(spec.moe).toMatchObject({
      numExperts: 8,
      expertIntermediateSize: 128,
      numSharedExperts: 1,
      sharedExpertIntermediateSize: 512,
      numMoeLayers: 4,
    });
    // Mamba-2: inner 512, conv channels 512 + 2 × 1 × 128 = 768.
    const mamba = 256 * (512 + 768 + 8) + (768 * 4 + 768) + 3 * 8 + 512 + 512 * 256;
    expect(spec.stateSpace).toMatchObject({
      kind: "mamba2",
      numLayers: 3,
      parametersPerLayer: mamba,
    });
    expect(spec.stateSpace?.convStateElements).toBe(3 * 768);
    expect(spec.stateSpace?.recurrentStateElements).toBe(8 * 64 * 128);
  });

  it("Qwen2-VL's vision transformer (LayerNorms, plain MLP of embed × mlp_ratio) with its merger", async () => {
    const { qwenVisionParameters } =
      await import("../../../src/model/features/vision/parameters.js");
    // Qwen2-VL-7B's vision_config: depth 32, embed_dim 1280, mlp_ratio 4, hidden_size 3584.
    const block =
      2 * 2 * 1280 +
      (1280 * 3840 + 3840) +
      (1280 * 1280 + 1280) +
      (1280 * 5120 + 5120) +
      (5120 * 1280 + 1280);
    const merger = 2 * 1280 + (5120 * 5120 + 5120) + (5120 * 3584 + 3584);
    const expected = 3 * 2 * 14 * 14 * 1280 + 32 * block + merger;
    expect(
      qwenVisionParameters({
        depth: 32,
        embedDim: 1280,
        mlpWidth: 5120,
        outHidden: 3584,
        patchSize: 14,
        temporalPatchSize: 2,
        spatialMergeSize: 2,
        numChannels: 3,
        gated: false,
      }),
    ).toBe(expected);
    const spec = parseModelConfig({
      model_type: "qwen2_vl",
      hidden_size: 3584,
      num_hidden_layers: 28,
      num_attention_heads: 28,
      num_key_value_heads: 4,
      intermediate_size: 18_944,
      vocab_size: 152_064,
      vision_config: {
        depth: 32,
        embed_dim: 1280,
        mlp_ratio: 4,
        num_heads: 16,
        hidden_size: 3584,
        patch_size: 14,
        spatial_merge_size: 2,
        temporal_patch_size: 2,
        in_chans: 3,
      },
    });
    expect(spec.vision?.towerParameters).toBe(expected);
  });
});
