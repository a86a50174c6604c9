import { describe, expect, it } from "vitest";
import { kvCacheBytes, kvCacheBytesPerToken, parseModelConfig } from "../../src/index.js";
import { loadFixture } from "../helpers/fixtures.js";

const llama70b = parseModelConfig(loadFixture("meta-llama__Meta-Llama-3-70B").config);

describe("KV cache", () => {
  it("Llama-3-70B, 4096 tokens, batch 8, BF16 is 2 × 80 × 8 × 128 × 4096 × 8 × 2 bytes", () => {
    const expected = 2 * 80 * 8 * 128 * 4096 * 8 * 2;
    expect(expected).toBe(10_737_418_240);
    expect(
      kvCacheBytes(llama70b, { contextLength: 4096, batchSize: 8, kvCacheDtype: "bf16" }),
    ).toBe(expected);
  });

  it("uses the 8 KV heads, not the 64 query heads (which would be 8× larger)", () => {
    const withQueryHeads = 2 * 80 * 64 * 128 * 4096 * 8 * 2;
    const bytes = kvCacheBytes(llama70b, {
      contextLength: 4096,
      batchSize: 8,
      kvCacheDtype: "bf16",
    });
    expect(llama70b.numAttentionHeads).toBe(64);
    expect(withQueryHeads / bytes).toBe(8);
  });

  it("per token: 320 KiB for Llama-3-70B in BF16, half that in FP8", () => {
    expect(kvCacheBytesPerToken(llama70b, "bf16")).toBe(320 * 1024);
    expect(kvCacheBytesPerToken(llama70b, "fp8")).toBe(160 * 1024);
  });

  it("Falcon-7B's multi_query means one KV head despite num_kv_heads 71", () => {
    // Falcon-7B's attention fields (fixtures/models/tiiuae__falcon-7b-instruct), with a Llama MLP width.
    const falcon = parseModelConfig({
      model_type: "llama",
      hidden_size: 4544,
      num_attention_heads: 71,
      num_hidden_layers: 32,
      num_kv_heads: 71,
      multi_query: true,
      new_decoder_architecture: false,
      intermediate_size: 18_176,
      vocab_size: 65_024,
    });
    expect(falcon.numKeyValueHeads).toBe(1);
    expect(kvCacheBytesPerToken(falcon, "bf16")).toBe(2 * 32 * 1 * 64 * 2);
  });

  it("Gemma-2-9B uses its explicit head_dim 256, not 3584 / 16 = 224", () => {
    const gemma = parseModelConfig(loadFixture("google__gemma-2-9b").config);
    expect(kvCacheBytesPerToken(gemma, "bf16")).toBe(2 * 42 * 8 * 256 * 2);
  });
});

describe("kvCacheShardableHeads", () => {
  it("standard attention shards across its KV heads (8 for Llama-3-70B)", async () => {
    const { kvCacheShardableHeads } = await import("../../src/memory/kv-cache.js");
    expect(kvCacheShardableHeads(llama70b)).toBe(8);
  });
});
