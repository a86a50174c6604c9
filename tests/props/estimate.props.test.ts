import fc from "fast-check";
import { describe, expect, it } from "vitest";
import {
  estimateInferenceFromSpec,
  parseModelConfig,
  type InferenceEstimate,
  type ModelSpec,
} from "../../src/index.js";
import { KV_CACHE_DTYPE_IDS, WEIGHT_PRECISION_IDS } from "../../src/memory/precision.js";

/** Random but valid decoder configs: heads divisible by KV heads, widths from heads × head_dim. */
const specArbitrary: fc.Arbitrary<ModelSpec> = fc
  .record({
    layers: fc.integer({ min: 1, max: 160 }),
    kvHeads: fc.integer({ min: 1, max: 16 }),
    groups: fc.integer({ min: 1, max: 16 }),
    headDim: fc.constantFrom(32, 64, 80, 96, 128, 256),
    mlpRatio: fc.double({ min: 1, max: 8, noNaN: true }),
    vocab: fc.integer({ min: 256, max: 300_000 }),
    tie: fc.boolean(),
    family: fc.constantFrom("llama", "qwen2", "qwen3", "gemma2", "gpt2", "phi3", "unknown"),
  })
  .map((r) => {
    const heads = r.kvHeads * r.groups;
    const hidden = heads * r.headDim;
    return parseModelConfig({
      model_type: r.family,
      num_hidden_layers: r.layers,
      hidden_size: hidden,
      num_attention_heads: heads,
      num_key_value_heads: r.kvHeads,
      intermediate_size: Math.round(hidden * r.mlpRatio),
      vocab_size: r.vocab,
      max_position_embeddings: 131_072,
      tie_word_embeddings: r.tie,
    });
  });

const optionsArbitrary = fc.record({
  contextLength: fc.integer({ min: 1, max: 1_048_576 }),
  batchSize: fc.integer({ min: 1, max: 1024 }),
  weights: fc.constantFrom(...WEIGHT_PRECISION_IDS),
  kvCacheDtype: fc.constantFrom(...KV_CACHE_DTYPE_IDS),
  overheadFraction: fc.double({ min: 0, max: 1, noNaN: true }),
});

/** Every number of an estimate's memory (the engine's per-GPU figures included) and breakdown. */
function numbersOf(estimate: InferenceEstimate): number[] {
  return [
    ...Object.values(estimate.memory),
    ...Object.values(estimate.memory.perGpu),
    ...Object.values(estimate.parameters.breakdown),
  ].filter((value): value is number => typeof value === "number");
}

describe("inference estimate properties", () => {
  it("every figure is finite and non-negative", () => {
    fc.assert(
      fc.property(specArbitrary, optionsArbitrary, (spec, options) => {
        for (const value of numbersOf(estimateInferenceFromSpec(spec, options))) {
          expect(Number.isFinite(value)).toBe(true);
          expect(value).toBeGreaterThanOrEqual(0);
        }
      }),
    );
  });

  it("total is the sum of its parts", () => {
    fc.assert(
      fc.property(specArbitrary, optionsArbitrary, (spec, options) => {
        const { memory } = estimateInferenceFromSpec(spec, options);
        expect(memory.totalBytes).toBe(
          memory.weightsBytes + memory.kvCacheBytes + memory.stateCacheBytes + memory.overheadBytes,
        );
      }),
    );
  });

  it("KV cache is linear in batch size, and in context length when every layer attends fully", () => {
    fc.assert(
      fc.property(
        specArbitrary,
        optionsArbitrary,
        fc.integer({ min: 2, max: 16 }),
        (spec, options, k) => {
          const base = estimateInferenceFromSpec(spec, options).memory.kvCacheBytes;
          const longer = estimateInferenceFromSpec(spec, {
            ...options,
            contextLength: options.contextLength * k,
          });
          const wider = estimateInferenceFromSpec(spec, {
            ...options,
            batchSize: options.batchSize * k,
          });
          expect(wider.memory.kvCacheBytes).toBe(base * k);
          // Sliding-window layers (Gemma-2's) stop growing at their window: never more than linear.
          const windowed = (spec.attentionLayers?.sliding ?? 0) > 0;
          if (windowed) expect(longer.memory.kvCacheBytes).toBeLessThanOrEqual(base * k);
          else expect(longer.memory.kvCacheBytes).toBe(base * k);
        },
      ),
    );
  });

  it("total never decreases when context, batch or precision grows", () => {
    // Each pair is (narrower, wider). int4-g128 keeps embeddings 16-bit, so it sits between
    // int4 and bf16 but can exceed int8 for a small model with a large vocabulary.
    const weightsPairs = [
      ["int4", "int8"],
      ["int8", "bf16"],
      ["bf16", "fp32"],
      ["int4", "int4-g128"],
      ["int4-g128", "bf16"],
    ] as const;
    const kvOrder = ["fp8", "bf16", "fp32"] as const;
    fc.assert(
      fc.property(
        specArbitrary,
        optionsArbitrary,
        fc.integer({ min: 0, max: weightsPairs.length - 1 }),
        fc.integer({ min: 0, max: 1 }),
        (spec, options, w, kv) => {
          const total = (changes: object): number =>
            estimateInferenceFromSpec(spec, { ...options, ...changes }).memory.totalBytes;
          const base = total({});
          expect(total({ contextLength: options.contextLength + 1 })).toBeGreaterThanOrEqual(base);
          expect(total({ batchSize: options.batchSize + 1 })).toBeGreaterThanOrEqual(base);
          const [narrow, wide] = weightsPairs[w]!;
          expect(total({ weights: wide })).toBeGreaterThanOrEqual(total({ weights: narrow }));
          expect(total({ kvCacheDtype: kvOrder[kv + 1] })).toBeGreaterThanOrEqual(
            total({ kvCacheDtype: kvOrder[kv] }),
          );
        },
      ),
    );
  });
});
