/**
 * The serving engines whose KV-cache accounting vramfit reproduces. They differ by
 * multiples on sliding-window, chunked and MLA models (docs/methodology.md#engines).
 */
export const INFERENCE_ENGINES = {
  vllm: {
    label: "vLLM",
    rule: "sliding/chunked layers hold min(context, window − 1 + max_num_batched_tokens) tokens (SlidingWindowSpec / ChunkedLocalAttentionSpec.max_memory_usage_bytes); MLA caches its latent",
  },
  sglang: {
    label: "SGLang",
    rule: "every attention layer holds the whole context in one token pool (its separate sliding-window pool is not modelled); MLA caches its latent",
  },
  llamacpp: {
    label: "llama.cpp",
    rule: "sliding/chunked layers hold min(context, window) tokens (its SWA cache); MLA caches its latent",
  },
  transformers: {
    label: "transformers",
    rule: "sliding/chunked layers hold min(context, window) tokens (sliding-window cache layers); MLA caches decompressed per-head keys and values",
  },
} as const satisfies Record<string, { label: string; rule: string }>;

/** A serving engine whose KV-cache accounting vramfit reproduces. */
export type InferenceEngine = keyof typeof INFERENCE_ENGINES;

/** Every {@link InferenceEngine}, in table order. */
export const INFERENCE_ENGINE_IDS = Object.keys(INFERENCE_ENGINES) as readonly InferenceEngine[];
