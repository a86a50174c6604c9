import { describe, expect, it } from "vitest";
import {
  estimateInferenceFromSpec,
  kvCacheBytes,
  kvCacheBytesPerToken,
  parseModelConfig,
  type ModelSpec,
} from "../../src/index.js";
import { kvCacheShardableHeads } from "../../src/memory/kv-cache.js";
import { allFixtures, loadFixture } from "../helpers/fixtures.js";

const GIB = 2 ** 30;
const spec = (dir: string): ModelSpec => parseModelConfig(loadFixture(dir).config);

/**
 * KV bytes per token position in BF16, worked by hand from each config:
 * `layers × 2 (K, V) × KV heads × head_dim × 2 bytes` for attention layers, and
 * `layers × (kv_lora_rank + qk_rope_head_dim) × 2` for MLA. State-space layers cache
 * nothing per token; an encoder caches nothing.
 */
const KV_BYTES_PER_TOKEN_BF16: Record<string, number> = {
  "meta-llama__Meta-Llama-3-8B": 32 * 2 * 8 * 128 * 2, // 131,072
  "meta-llama__Meta-Llama-3-70B": 80 * 2 * 8 * 128 * 2, // 327,680
  "Qwen__Qwen2.5-0.5B": 24 * 2 * 2 * 64 * 2, // 12,288
  "google__gemma-2-9b": 42 * 2 * 8 * 256 * 2, // head_dim 256, not 3584 / 16
  "microsoft__Phi-3-mini-4k-instruct": 32 * 2 * 32 * 96 * 2, // MHA
  "mistralai__Mistral-7B-v0.1": 32 * 2 * 8 * 128 * 2,
  "mistralai__Mixtral-8x7B-v0.1": 32 * 2 * 8 * 128 * 2, // experts change nothing here
  "openai-community__gpt2": 12 * 2 * 12 * 64 * 2,
  "tiiuae__falcon-7b-instruct": 32 * 2 * 1 * 64 * 2, // multi_query: one KV head, not 71
  "deepseek-ai__DeepSeek-V2-Lite": 27 * (512 + 64) * 2, // MLA latent
  "deepseek-ai__DeepSeek-R1": 61 * (512 + 64) * 2, // 70,272, not 61 × 2 × 128 × 192 × 2
  "moonshotai__Kimi-K2-Instruct": 61 * (512 + 64) * 2,
  "Qwen__Qwen3-Next-80B-A3B-Thinking": 12 * 2 * 2 * 256 * 2, // 12 of 48 layers attend
  "meta-llama__Llama-4-Scout-17B-16E-Instruct": 48 * 2 * 8 * 128 * 2,
  "openai__gpt-oss-120b": 36 * 2 * 8 * 64 * 2, // 73,728: sliding layers get full pages in vLLM
  "Qwen__Qwen3-30B-A3B": 48 * 2 * 4 * 128 * 2,
  "Qwen__Qwen1.5-MoE-A2.7B-Chat-GPTQ-Int4": 24 * 2 * 16 * 128 * 2,
  "ai21labs__AI21-Jamba-1.5-Mini": 4 * 2 * 8 * 128 * 2, // 4 attention layers of 32
  "google__gemma-3-4b-it": 34 * 2 * 4 * 256 * 2,
  "Qwen__Qwen2.5-VL-3B-Instruct": 36 * 2 * 2 * 128 * 2,
  "nvidia__NVIDIA-Nemotron-3-Nano-30B-A3B-BF16": 6 * 2 * 2 * 128 * 2, // 6 attention blocks of 52
  "bigscience__bloom-560m": 24 * 2 * 16 * 64 * 2,
  "facebook__opt-6.7b": 32 * 2 * 32 * 128 * 2,
  "google-bert__bert-base-uncased": 0, // an encoder keeps no cache
  "togethercomputer__RedPajama-INCITE-Base-3B-v1": 32 * 2 * 32 * 80 * 2,
  "llava-hf__llava-1.5-7b-hf": 32 * 2 * 32 * 128 * 2, // Llama-2-7B defaults: MHA
  // 50 sliding layers of 16 KV heads × 256, 10 full layers of 4 × 512 (global heads).
  "google__gemma-4-31B-it": 50 * 2 * 16 * 256 * 2 + 10 * 2 * 4 * 512 * 2,
  "tiiuae__falcon-mamba-7b": 0, // pure Mamba: a constant state per sequence, no per-token cache
  "Qwen__Qwen-7B": 32 * 2 * 32 * 128 * 2, // MHA, head width kv_channels 128
};

describe("KV bytes per token of every fixture, worked by hand", () => {
  it("has a hand-worked figure for every fixture", () => {
    expect(Object.keys(KV_BYTES_PER_TOKEN_BF16).sort()).toEqual(
      allFixtures()
        .map((fixture) => fixture.dir)
        .sort(),
    );
  });

  it.each(Object.entries(KV_BYTES_PER_TOKEN_BF16))("%s: %d B/token", (dir, expected) => {
    expect(kvCacheBytesPerToken(spec(dir), "bf16")).toBe(expected);
  });

  it("DeepSeek-V3's MLA cache is 70,272 B/token, 71× below the decompressed MHA shape", () => {
    expect(61 * (512 + 64) * 2).toBe(70_272);
    const decompressed = 61 * 128 * (128 + 64 + 128) * 2; // 4,997,120: what transformers caches
    expect(kvCacheBytesPerToken(spec("deepseek-ai__DeepSeek-R1"), "bf16", "transformers")).toBe(
      decompressed,
    );
    expect(Math.round(decompressed / 70_272)).toBe(71);
  });
});

describe("sliding windows: the engine decides", () => {
  // gpt-oss-20b has gpt-oss-120b's layer shapes with 24 layers (12 sliding, 12 full) and 32 experts.
  const gptOss20b = parseModelConfig({
    ...loadFixture("openai__gpt-oss-120b").config,
    num_hidden_layers: 24,
    num_local_experts: 32,
    layer_types: Array.from({ length: 12 }, () => ["sliding_attention", "full_attention"]).flat(),
  });
  const layerTokenBytes = 2 * 8 * 64 * 2; // 2,048 B per layer per token

  it("gpt-oss-20b at 8,192 tokens × 32 sequences: 12.00 GiB under vLLM (hf-mem#70), 6.09 GiB under llama.cpp", () => {
    const options = { contextLength: 8192, batchSize: 32, kvCacheDtype: "bf16" } as const;
    const vllm = kvCacheBytes(gptOss20b, options);
    // vLLM reserves window − 1 + max_num_batched_tokens (8,192) ≥ 8,192 tokens: every layer full.
    expect(vllm).toBe(24 * layerTokenBytes * 8192 * 32);
    expect(vllm / GIB).toBe(12);
    const llamacpp = kvCacheBytes(gptOss20b, { ...options, engine: "llamacpp" });
    expect(llamacpp).toBe(12 * layerTokenBytes * 8192 * 32 + 12 * layerTokenBytes * 128 * 32);
    expect((llamacpp / GIB).toFixed(2)).toBe("6.09");
  });

  it("gpt-oss-120b at 128K: vLLM keeps window − 1 + 8,192 tokens in sliding layers", () => {
    const bytes = kvCacheBytes(spec("openai__gpt-oss-120b"), {
      contextLength: 131_072,
      batchSize: 1,
      kvCacheDtype: "bf16",
    });
    expect(bytes).toBe(18 * layerTokenBytes * 131_072 + 18 * layerTokenBytes * (127 + 8192));
  });

  it("maxNumBatchedTokens moves vLLM's sliding reservation", () => {
    const bytes = kvCacheBytes(spec("openai__gpt-oss-120b"), {
      contextLength: 131_072,
      batchSize: 1,
      kvCacheDtype: "bf16",
      maxNumBatchedTokens: 2048,
    });
    expect(bytes).toBe(18 * layerTokenBytes * 131_072 + 18 * layerTokenBytes * (127 + 2048));
  });

  it("Gemma-3-4B at 32K: 29 of 34 layers slide over 1,024 tokens", () => {
    const gemma = spec("google__gemma-3-4b-it");
    expect(gemma.attentionLayers).toEqual({ full: 5, sliding: 29, chunked: 0 });
    const perLayer = 2 * 4 * 256 * 2;
    const options = { contextLength: 32_768, batchSize: 1, kvCacheDtype: "bf16" } as const;
    expect(kvCacheBytes(gemma, { ...options, engine: "llamacpp" })).toBe(
      perLayer * (5 * 32_768 + 29 * 1024),
    );
    expect(kvCacheBytes(gemma, { ...options, engine: "transformers" })).toBe(
      perLayer * (5 * 32_768 + 29 * 1024),
    );
    expect(kvCacheBytes(gemma, options)).toBe(perLayer * (5 * 32_768 + 29 * (1023 + 8192)));
    // An estimator that ignores the windows sizes all 34 layers at 32K: 5.8× llama.cpp's cache.
    const allFull = perLayer * 34 * 32_768;
    expect(allFull / kvCacheBytes(gemma, { ...options, engine: "llamacpp" })).toBeGreaterThan(5.7);
  });

  it("Mistral-7B v0.1 under llama.cpp: the 4,096 window caps a sequence at 512 MiB", () => {
    const bytes = kvCacheBytes(spec("mistralai__Mistral-7B-v0.1"), {
      contextLength: 32_768,
      batchSize: 1,
      kvCacheDtype: "bf16",
      engine: "llamacpp",
    });
    expect(bytes).toBe(4096 * 131_072);
    expect(bytes / 2 ** 20).toBe(512);
  });

  it("Llama-4-Scout: 36 chunked layers of 8,192 tokens, 12 global", () => {
    const scout = spec("meta-llama__Llama-4-Scout-17B-16E-Instruct");
    expect(scout.attentionLayers).toEqual({ full: 12, sliding: 0, chunked: 36 });
    const perLayer = 2 * 8 * 128 * 2;
    const options = { contextLength: 1_048_576, batchSize: 1, kvCacheDtype: "bf16" } as const;
    expect(kvCacheBytes(scout, { ...options, engine: "llamacpp" })).toBe(
      perLayer * (12 * 1_048_576 + 36 * 8192),
    );
    expect(kvCacheBytes(scout, options)).toBe(perLayer * (12 * 1_048_576 + 36 * (8192 + 8192)));
  });

  it("a short context is never cut by a window", () => {
    const gemma = spec("google__gemma-3-4b-it");
    for (const engine of ["vllm", "llamacpp", "transformers"] as const) {
      expect(
        kvCacheBytes(gemma, { contextLength: 512, batchSize: 2, kvCacheDtype: "bf16", engine }),
      ).toBe(34 * 2 * 4 * 256 * 2 * 512 * 2);
    }
  });
});

describe("hybrid models: KV for attention layers, a constant state for the rest", () => {
  it("Jamba-1.5-Mini: 28 Mamba layers of (3 × 8,192 × 2 + 8,192 × 16 × 4) bytes per sequence", () => {
    const perSequence = 28 * ((4 - 1) * 8192 * 2 + 8192 * 16 * 4);
    const short = estimateInferenceFromSpec(spec("ai21labs__AI21-Jamba-1.5-Mini"), {
      contextLength: 1024,
      batchSize: 4,
    });
    const long = estimateInferenceFromSpec(spec("ai21labs__AI21-Jamba-1.5-Mini"), {
      contextLength: 262_144,
      batchSize: 4,
    });
    expect(short.memory.stateCacheBytes).toBe(perSequence * 4);
    expect(long.memory.stateCacheBytes).toBe(perSequence * 4);
    expect(long.memory.kvCacheBytes).toBe(4 * 2 * 8 * 128 * 2 * 262_144 * 4);
  });

  it("Qwen3-Next: 36 gated delta-net layers of (3 × 8,192 × 2 + 32 × 128 × 128 × 4) bytes", () => {
    const { memory } = estimateInferenceFromSpec(spec("Qwen__Qwen3-Next-80B-A3B-Thinking"));
    expect(memory.stateCacheBytes).toBe(36 * (3 * 8192 * 2 + 32 * 128 * 128 * 4));
  });

  it("Nemotron-3-Nano: 23 Mamba-2 blocks of (3 × (4,096 + 2 × 8 × 128) × 2 + 64 × 64 × 128 × 4) bytes", () => {
    const { memory } = estimateInferenceFromSpec(
      spec("nvidia__NVIDIA-Nemotron-3-Nano-30B-A3B-BF16"),
    );
    expect(memory.stateCacheBytes).toBe(23 * (3 * (4096 + 2 * 8 * 128) * 2 + 64 * 64 * 128 * 4));
  });

  it("the state is part of the total", () => {
    const { memory } = estimateInferenceFromSpec(spec("ai21labs__AI21-Jamba-1.5-Mini"));
    expect(memory.totalBytes).toBe(
      memory.weightsBytes + memory.kvCacheBytes + memory.stateCacheBytes + memory.overheadBytes,
    );
  });
});

describe("kvCacheShardableHeads: what tensor parallelism can split", () => {
  it.each([
    ["meta-llama__Meta-Llama-3-70B", 8], // GQA: 8 KV heads
    ["deepseek-ai__DeepSeek-R1", 1], // MLA: one latent, replicated on every rank
    ["moonshotai__Kimi-K2-Instruct", 1],
    ["tiiuae__falcon-7b-instruct", 1], // MQA
    ["ai21labs__AI21-Jamba-1.5-Mini", 8], // the attention layers' KV heads
    ["Qwen__Qwen3-Next-80B-A3B-Thinking", 2],
    ["microsoft__Phi-3-mini-4k-instruct", 32], // MHA
  ])("%s: %d", (dir, heads) => {
    expect(kvCacheShardableHeads(spec(dir))).toBe(heads);
  });
});
