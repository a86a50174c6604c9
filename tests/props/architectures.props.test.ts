import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { estimateInferenceFromSpec, parseModelConfig, type ModelSpec } from "../../src/index.js";

/** Random configs with experts, MLA, sliding windows or Mamba layers, in their real dialects. */
const architectureArbitrary: fc.Arbitrary<ModelSpec> = fc
  .record({
    layers: fc.integer({ min: 2, max: 96 }),
    kvHeads: fc.integer({ min: 1, max: 8 }),
    groups: fc.integer({ min: 1, max: 8 }),
    headDim: fc.constantFrom(64, 128),
    experts: fc.integer({ min: 2, max: 256 }),
    perToken: fc.integer({ min: 1, max: 8 }),
    firstDense: fc.integer({ min: 0, max: 3 }),
    window: fc.integer({ min: 16, max: 8192 }),
    kind: fc.constantFrom(
      "mixtral",
      "deepseek_v3",
      "gemma2",
      "gpt_oss",
      "jamba",
      "gemma4_text",
      "falcon_mamba",
      "mamba2",
      "qwen",
    ),
    vocab: fc.integer({ min: 1000, max: 200_000 }),
  })
  .map((r) => {
    const heads = r.kvHeads * r.groups;
    const hidden = heads * r.headDim;
    const base = {
      model_type: r.kind,
      num_hidden_layers: r.layers,
      hidden_size: hidden,
      num_attention_heads: heads,
      num_key_value_heads: r.kvHeads,
      intermediate_size: hidden * 2,
      vocab_size: r.vocab,
      max_position_embeddings: 1_048_576,
    };
    const experts = {
      num_local_experts: r.experts,
      num_experts_per_tok: Math.min(r.perToken, r.experts),
    };
    switch (r.kind) {
      case "deepseek_v3":
        return parseModelConfig({
          ...base,
          n_routed_experts: r.experts,
          num_experts_per_tok: Math.min(r.perToken, r.experts),
          n_shared_experts: 1,
          moe_intermediate_size: r.headDim * 4,
          first_k_dense_replace: Math.min(r.firstDense, r.layers),
          kv_lora_rank: 512,
          q_lora_rank: 1536,
          qk_nope_head_dim: 128,
          qk_rope_head_dim: 64,
          v_head_dim: 128,
        });
      case "gemma2":
        return parseModelConfig({ ...base, sliding_window: r.window });
      case "gpt_oss":
        return parseModelConfig({
          ...base,
          ...experts,
          sliding_window: r.window,
          layer_types: Array.from({ length: r.layers }, (_, i) =>
            i % 2 === 0 ? "sliding_attention" : "full_attention",
          ),
        });
      case "jamba":
        return parseModelConfig({
          ...base,
          num_experts: r.experts,
          num_experts_per_tok: Math.min(r.perToken, r.experts),
          attn_layer_period: 8,
          attn_layer_offset: 4 % r.layers,
          expert_layer_period: 2,
          expert_layer_offset: 1,
          mamba_d_state: 16,
          mamba_d_conv: 4,
          mamba_expand: 2,
        });
      case "gemma4_text":
        // Global layers with their own heads (k_eq_v), experts beside the dense MLP.
        return parseModelConfig({
          ...base,
          num_experts: r.experts,
          top_k_experts: Math.min(r.perToken, r.experts),
          moe_intermediate_size: r.headDim * 4,
          enable_moe_block: true,
          head_dim: r.headDim,
          global_head_dim: r.headDim * 2,
          num_global_key_value_heads: Math.max(1, r.kvHeads >> 1),
          attention_k_eq_v: true,
          sliding_window: r.window,
          layer_types: Array.from({ length: r.layers }, (_, i) =>
            (i + 1) % 6 === 0 ? "full_attention" : "sliding_attention",
          ),
        });
      case "falcon_mamba":
        return parseModelConfig({
          model_type: "falcon_mamba",
          num_hidden_layers: r.layers,
          hidden_size: hidden,
          intermediate_size: hidden * 2,
          state_size: 16,
          conv_kernel: 4,
          vocab_size: r.vocab,
        });
      case "mamba2":
        return parseModelConfig({
          model_type: "mamba2",
          num_hidden_layers: r.layers,
          hidden_size: hidden,
          num_heads: (hidden * 2) / r.headDim,
          head_dim: r.headDim,
          state_size: 128,
          n_groups: r.groups,
          conv_kernel: 4,
          vocab_size: r.vocab,
        });
      case "qwen":
        return parseModelConfig({ ...base, kv_channels: r.headDim, num_key_value_heads: heads });
      default:
        return parseModelConfig({ ...base, ...experts });
    }
  });

const optionsArbitrary = fc.record({
  contextLength: fc.integer({ min: 1, max: 262_144 }),
  batchSize: fc.integer({ min: 1, max: 256 }),
  maxNumBatchedTokens: fc.integer({ min: 1, max: 32_768 }),
});

describe("architecture estimate properties", () => {
  it("every figure is finite and non-negative, and the total is the sum of its parts", () => {
    fc.assert(
      fc.property(architectureArbitrary, optionsArbitrary, (spec, options) => {
        const { memory, parameters } = estimateInferenceFromSpec(spec, options);
        const numbers = [
          ...Object.values(memory),
          ...Object.values(memory.perGpu),
          ...Object.values(parameters.breakdown),
        ].filter((value): value is number => typeof value === "number");
        for (const value of numbers) {
          expect(Number.isFinite(value)).toBe(true);
          expect(value).toBeGreaterThanOrEqual(0);
        }
        expect(memory.totalBytes).toBe(
          memory.weightsBytes + memory.kvCacheBytes + memory.stateCacheBytes + memory.overheadBytes,
        );
      }),
    );
  });

  it("active parameters never exceed the total, and memory never uses them", () => {
    fc.assert(
      fc.property(architectureArbitrary, (spec) => {
        const { parameters, memory } = estimateInferenceFromSpec(spec, { weights: "bf16" });
        expect(parameters.active).toBeLessThanOrEqual(parameters.total);
        expect(memory.weightsBytes).toBe(parameters.total * 2);
      }),
    );
  });

  it("KV never shrinks as the context grows, and llama.cpp never keeps more than vLLM", () => {
    fc.assert(
      fc.property(
        architectureArbitrary,
        optionsArbitrary,
        fc.integer({ min: 1, max: 4096 }),
        (spec, options, extra) => {
          const kv = (changes: object): number =>
            estimateInferenceFromSpec(spec, { ...options, ...changes }).memory.kvCacheBytes;
          expect(kv({ contextLength: options.contextLength + extra })).toBeGreaterThanOrEqual(
            kv({}),
          );
          if (spec.mla === undefined) {
            expect(kv({ engine: "llamacpp" })).toBeLessThanOrEqual(kv({ engine: "vllm" }));
            expect(kv({ engine: "transformers" })).toBe(kv({ engine: "llamacpp" }));
          }
        },
      ),
    );
  });

  it("the Mamba state does not depend on the context", () => {
    fc.assert(
      fc.property(architectureArbitrary, optionsArbitrary, (spec, options) => {
        const state = (contextLength: number): number =>
          estimateInferenceFromSpec(spec, { ...options, contextLength }).memory.stateCacheBytes;
        expect(state(options.contextLength)).toBe(state(1));
      }),
    );
  });
});
