import { describe, expect, it } from "vitest";
import {
  countParameters,
  estimateInferenceFromSpec,
  kvCacheBytes,
  kvCacheBytesPerToken,
  parseModelConfig,
} from "../../../src/index.js";
import { loadFixture } from "../../helpers/fixtures.js";

/** Relative difference, for "within 3 %" checks against a hand-worked figure. */
const off = (counted: number, expected: number) => Math.abs(counted - expected) / expected;

describe("Gemma-4 (google/gemma-4-31B-it and its MoE sibling)", () => {
  const gemma31b = loadFixture("google__gemma-4-31B-it");
  const spec = parseModelConfig(gemma31b.config);

  it("31B: every component by hand from the tensor listing, summing to the checkpoint's 31,273,088,876", () => {
    const breakdown = countParameters(spec);
    // 50 sliding layers: q 5376 × 8192, k and v 5376 × 4096 (16 KV heads × 256), o, q/k norms of 256.
    const sliding = 2 * 5376 * 8192 + 2 * 5376 * 4096 + 2 * 256;
    // 10 full layers: q 5376 × 16,384, k 5376 × 2048 (4 KV heads × 512), no v (k_eq_v), o, norms of 512.
    const full = 2 * 5376 * 16_384 + 5376 * 2048 + 2 * 512;
    expect(breakdown.attention).toBe(50 * sliding + 10 * full);
    expect(breakdown.mlp).toBe(60 * 3 * 5376 * 21_504);
    expect(breakdown.norms).toBe((60 * 4 + 1) * 5376);
    expect(breakdown.other).toBe(60); // one layer_scalar per layer
    // Tower: patch projection 768 × 1152, two position tables of 10,240 rows, 27 layers of
    // q/k/v/o 1152², q/k norms of 72, a gated MLP 3 × 1152 × 4304 and 4 norms; std bias and
    // scale. Projector: 1152 × 5376.
    const tower =
      768 * 1152 +
      2 * 10_240 * 1152 +
      27 * (4 * 1152 ** 2 + 2 * 72 + 3 * 1152 * 4304 + 4 * 1152) +
      2 * 1152;
    expect(breakdown.vision).toBe(tower + 1152 * 5376);
    expect(breakdown.total).toBe(gemma31b.truth.params_total);
  });

  it("31B's cache: sliding layers 16 KV heads × 256, full layers 4 × 512 (K and V both kept)", () => {
    expect(spec.globalAttention).toEqual({ numKeyValueHeads: 4, headDim: 512, keyIsValue: true });
    expect(kvCacheBytesPerToken(spec, "bf16")).toBe(50 * 2 * 16 * 256 * 2 + 10 * 2 * 4 * 512 * 2);
    // At 32K tokens the sliding layers keep their window (llama.cpp's rule) and the full ones all.
    const bytes = kvCacheBytes(spec, {
      contextLength: 32_768,
      batchSize: 1,
      kvCacheDtype: "bf16",
      engine: "llamacpp",
    });
    expect(bytes).toBe(50 * 1024 * 2 * 16 * 256 * 2 + 10 * 32_768 * 2 * 4 * 512 * 2);
  });

  it("280 tokens per image", () => {
    expect(spec.vision?.imageTokens).toEqual({ kind: "fixed", tokensPerImage: 280 });
  });

  // gemma-4-26B-A4B-it's text_config as public copies give it (NVFP4 re-quantizations that
  // keep Google's config, index ids 70302083267 and 62094311603): 30 layers of 2,816, 16
  // heads, 8 KV heads × 256 (sliding) and 2 × 512 (full, k_eq_v), a dense MLP of 2,112 beside
  // 128 experts of 704 (top 8) on every layer; the vision tower is the 31B's.
  const gemma26b = parseModelConfig({
    ...gemma31b.config,
    text_config: {
      ...(gemma31b.config.text_config as Record<string, unknown>),
      enable_moe_block: true,
      hidden_size: 2816,
      intermediate_size: 2112,
      moe_intermediate_size: 704,
      num_attention_heads: 16,
      num_experts: 128,
      num_global_key_value_heads: 2,
      num_hidden_layers: 30,
      num_key_value_heads: 8,
      top_k_experts: 8,
      layer_types: Array.from({ length: 30 }, (_, i) =>
        (i + 1) % 6 === 0 ? "full_attention" : "sliding_attention",
      ),
    },
  });

  it("26B-A4B: top_k_experts read, experts beside a dense MLP on every layer", () => {
    expect(gemma26b.moe).toMatchObject({
      numExperts: 128,
      expertsPerToken: 8,
      expertIntermediateSize: 704,
      numMoeLayers: 30,
      besideDenseMlp: true,
    });
    expect(gemma26b.denseMlpLayers).toBe(30);
  });

  it("26B-A4B's text model by hand: 25.23 B total, 3.82 B active (the card's 25.2 B / 3.8 B)", () => {
    const sliding = 2 * 2816 * 4096 + 2 * 2816 * 2048 + 2 * 256;
    const full = 2 * 2816 * 8192 + 2816 * 1024 + 2 * 512;
    const denseMlp = 3 * 2816 * 2112;
    const experts = 128 * 3 * 2816 * 704;
    const router = 2816 * 128 + 2816 + 128; // proj, scale, per_expert_scale
    const norms = 30 * 4 * 2816 + 2816 + 30 * 3 * 2816; // + the MoE block's three norms
    const text =
      262_144 * 2816 + 25 * sliding + 5 * full + 30 * (denseMlp + experts + router) + norms + 30;
    const breakdown = countParameters(gemma26b);
    expect(breakdown.total - breakdown.vision).toBe(text);
    expect(text / 1e9).toBeCloseTo(25.23, 2);
    const active = text - 30 * experts * (1 - 8 / 128);
    expect(active / 1e9).toBeCloseTo(3.82, 2);
    const estimate = estimateInferenceFromSpec(gemma26b);
    expect(off(estimate.parameters.active - breakdown.vision, active)).toBeLessThan(1e-9);
  });
});

describe("pure Mamba models: no attention, a constant state per sequence", () => {
  const falcon = loadFixture("tiiuae__falcon-mamba-7b");
  const spec = parseModelConfig(falcon.config);

  it("falcon-mamba-7b by hand: 64 Mamba-1 layers of 4096 (inner 8192, state 16, Δ rank 256), untied head", () => {
    // in_proj 4096 → 16,384; conv 8192 × 4 + bias; x_proj 8192 → 256 + 32; dt_proj 256 → 8192 + bias;
    // A_log 8192 × 16 and D 8192; out_proj 8192 → 4096. expand 16 in the file is not used.
    const mixer =
      4096 * 16_384 +
      (8192 * 4 + 8192) +
      8192 * 288 +
      (256 * 8192 + 8192) +
      (8192 * 16 + 8192) +
      8192 * 4096;
    const total = 64 * (mixer + 4096) + 2 * 65_024 * 4096 + 4096;
    expect(total).toBe(7_272_665_088);
    expect(countParameters(spec).total).toBe(total);
    expect(off(total, falcon.truth.params_total!)).toBeLessThan(0.03); // the Hub's 7.27 B
  });

  it("caches nothing per token; each sequence keeps 64 × (3 × 8192 × 2 B + 8192 × 16 × 4 B)", () => {
    expect(spec.numAttentionHeads).toBe(0);
    expect(spec.attentionLayers).toEqual({ full: 0, sliding: 0, chunked: 0 });
    expect(kvCacheBytesPerToken(spec, "bf16")).toBe(0);
    const estimate = estimateInferenceFromSpec(spec, { contextLength: 100_000, batchSize: 4 });
    expect(estimate.memory.kvCacheBytes).toBe(0);
    expect(estimate.memory.stateCacheBytes).toBe(4 * 64 * (3 * 8192 * 2 + 8192 * 16 * 4));
  });

  it("mamba (state-spaces/mamba-2.8b-hf shapes): expand × hidden when intermediate_size is absent, tied head", () => {
    const mamba = parseModelConfig({
      model_type: "mamba",
      architectures: ["MambaForCausalLM"],
      hidden_size: 2560,
      num_hidden_layers: 64,
      state_size: 16,
      expand: 2,
      conv_kernel: 4,
      vocab_size: 50_280,
      time_step_rank: "auto",
      use_bias: false,
      use_conv_bias: true,
    });
    // inner 5120, Δ rank ⌈2560 / 16⌉ = 160.
    const mixer =
      2560 * 10_240 +
      (5120 * 4 + 5120) +
      5120 * (160 + 32) +
      (160 * 5120 + 5120) +
      (5120 * 16 + 5120) +
      5120 * 2560;
    expect(countParameters(mamba).total).toBe(64 * (mixer + 2560) + 50_280 * 2560 + 2560);
    // mamba-2.8b: "2.8B" in its name; by hand 2.77 B.
    expect(countParameters(mamba).total / 1e9).toBeCloseTo(2.77, 2);
  });

  it("mamba2 (Mamba-Codestral-7B shapes): 128 heads of 64, 8 groups, state 128", () => {
    const mamba2 = parseModelConfig({
      model_type: "mamba2",
      architectures: ["Mamba2ForCausalLM"],
      hidden_size: 4096,
      num_hidden_layers: 64,
      num_heads: 128,
      head_dim: 64,
      state_size: 128,
      n_groups: 8,
      conv_kernel: 4,
      expand: 2,
      vocab_size: 32_768,
      use_bias: false,
      use_conv_bias: true,
      tie_word_embeddings: false,
    });
    // inner 8192; conv channels 8192 + 2 × 8 × 128 = 10,240; in_proj 4096 → 8192 + 10,240 + 128;
    // conv 10,240 × 4 + bias; dt_bias, A_log, D of 128; gated norm 8192; out_proj 8192 → 4096.
    const mixer =
      4096 * (8192 + 10_240 + 128) + (10_240 * 4 + 10_240) + 3 * 128 + 8192 + 8192 * 4096;
    const total = 64 * (mixer + 4096) + 2 * 32_768 * 4096 + 4096;
    expect(countParameters(mamba2).total).toBe(total);
    expect(total / 1e9).toBeCloseTo(7.29, 2); // Mistral's "7.3B"
    expect(mamba2.stateSpace).toMatchObject({
      kind: "mamba2",
      convStateElements: 3 * 10_240,
      recurrentStateElements: 128 * 64 * 128,
    });
  });
});

describe("the original Qwen (QWenLMHeadModel, model_type qwen)", () => {
  const qwen = loadFixture("Qwen__Qwen-7B");
  const spec = parseModelConfig(qwen.config);

  it("its MLP is intermediate_size / 2 wide, and it is a family vramfit knows (no warning)", () => {
    expect(spec.intermediateSize).toBe(11_008);
    expect(spec.headDim).toBe(128); // kv_channels
    expect(spec.approximations).toEqual([]);
  });

  it("Qwen-7B by hand: c_attn with bias, bias-free c_proj and MLP, untied head: 7,721,324,544 as published", () => {
    const layer = 4096 * 3 * 4096 + 3 * 4096 + 4096 * 4096 + 3 * 4096 * 11_008 + 2 * 4096;
    const total = 32 * layer + 2 * 151_936 * 4096 + 4096;
    expect(total).toBe(qwen.truth.params_total);
    expect(countParameters(spec).total).toBe(total);
    // Reading 22,016 as the MLP width (Qwen2's rule) would be +56 %.
    const misread = total + 32 * 3 * 4096 * 11_008;
    expect(misread / total).toBeCloseTo(1.56, 2);
  });
});
