import { kvElementsPerLayerPerToken } from "../model/features/dense/cache.js";
import {
  mlaDecompressedElementsPerToken,
  mlaLatentElementsPerToken,
} from "../model/features/mla.js";
import { windowedTokensPerSequence } from "../model/features/windowed.js";
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
 * Tokens one sequence keeps in one layer of a kind: the whole context under full attention;
 * for a sliding or chunked layer, the window rule of model/features/windowed.ts, where vLLM
 * reserves one prefill step (`max_num_batched_tokens`) past the window and llama.cpp and
 * transformers keep the window only; SGLang's one token pool holds the whole context in every layer.
 * See docs/methodology.md#sliding-window-and-chunked-attention.
 */
export function cachedTokensPerSequence(
  kind: "full" | "sliding" | "chunked",
  contextLength: number,
  spec: ModelSpec,
  options: LayerCacheOptions,
): number {
  if (kind === "full" || options.engine === "sglang") return contextLength;
  const scheduledTokens = options.engine === "vllm" ? options.maxNumBatchedTokens : undefined;
  return windowedTokensPerSequence(kind, contextLength, spec, scheduledTokens);
}

/**
 * KV-cache bytes one attention layer stores per token: the values its feature caches
 * (model/features/dense/cache.ts: `2 (K and V) × KV heads × head_dim`; model/features/mla.ts:
 * the latent `kvLoraRank + qkRopeHeadDim`) × bytes per value. The engine picks MLA's form:
 * vLLM and llama.cpp cache the latent, transformers the decompressed per-head keys and values.
 * `kind` picks a full-attention layer's own head settings where the model has them (Gemma-4).
 */
export function kvBytesPerLayerPerToken(
  spec: ModelSpec,
  dtype: KvCacheDtype,
  engine: InferenceEngine = "vllm",
  kind?: "full" | "sliding" | "chunked",
): number {
  const elements =
    spec.mla === undefined
      ? kvElementsPerLayerPerToken(spec, kind)
      : engine === "transformers"
        ? mlaDecompressedElementsPerToken(spec, spec.mla)
        : mlaLatentElementsPerToken(spec.mla);
  return (elements * KV_CACHE_BITS[dtype]) / 8;
}
