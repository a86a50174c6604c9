import { kvElementsPerLayerPerToken } from "../model/features/dense/cache.js";
import {
  mlaDecompressedElementsPerToken,
  mlaLatentElementsPerToken,
} from "../model/features/mla.js";
import type { ModelSpec } from "../model/model-spec.js";
import type { InferenceEngine } from "./engine.js";
import { KV_CACHE_BITS, type KvCacheDtype } from "./precision.js";

/** What decides how many tokens a windowed layer keeps. */
export interface LayerCacheOptions {
  /** Which engine's accounting to reproduce. */
  readonly engine: InferenceEngine;
  /** vLLM's `max_num_batched_tokens`: the chunk of new tokens a prefill step adds past the window. */
  readonly maxNumBatchedTokens: number;
}

/**
 * Tokens one sequence keeps in one layer of a kind:
 *
 * - full attention: the whole context;
 * - sliding window W (or chunk C): under vLLM, `min(context, W − 1 + max_num_batched_tokens)`
 *   (`C + max_num_batched_tokens` for chunks): what its `SlidingWindowSpec` /
 *   `ChunkedLocalAttentionSpec` reserve per request, so a 128-token window still costs the
 *   full context when the context fits in one prefill chunk (gpt-oss at 8K); under llama.cpp
 *   and transformers, `min(context, W)`.
 *
 * See docs/methodology.md#sliding-window-and-chunked-attention.
 */
export function cachedTokensPerSequence(
  kind: "full" | "sliding" | "chunked",
  contextLength: number,
  spec: ModelSpec,
  options: LayerCacheOptions,
): number {
  if (kind === "full") return contextLength;
  const window = kind === "sliding" ? spec.slidingWindow : spec.attentionChunkSize;
  if (window === undefined) return contextLength;
  if (options.engine !== "vllm") return Math.min(contextLength, window);
  const reach = kind === "sliding" ? window - 1 : window;
  return Math.min(contextLength, reach + options.maxNumBatchedTokens);
}

/**
 * KV-cache bytes one attention layer stores per token: the values its feature caches
 * (model/features/dense/cache.ts: `2 (K and V) × KV heads × head_dim`; model/features/mla.ts:
 * the latent `kvLoraRank + qkRopeHeadDim`) × bytes per value. The engine picks MLA's form:
 * vLLM and llama.cpp cache the latent, transformers the decompressed per-head keys and values.
 */
export function kvBytesPerLayerPerToken(
  spec: ModelSpec,
  dtype: KvCacheDtype,
  engine: InferenceEngine = "vllm",
): number {
  const elements =
    spec.mla === undefined
      ? kvElementsPerLayerPerToken(spec)
      : engine === "transformers"
        ? mlaDecompressedElementsPerToken(spec, spec.mla)
        : mlaLatentElementsPerToken(spec.mla);
  return (elements * KV_CACHE_BITS[dtype]) / 8;
}
