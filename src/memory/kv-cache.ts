import { MLA_SHARDABLE_KV_HEADS } from "../model/features/mla.js";
import { attentionLayerCount, attentionLayers } from "../model/layers.js";
import type { ModelSpec } from "../model/model-spec.js";
import { cachedTokensPerSequence, kvBytesPerLayerPerToken } from "./attention-layers.js";
import type { InferenceEngine } from "./engine.js";
import type { KvCacheDtype } from "./precision.js";

/**
 * vLLM's `max_num_batched_tokens` assumed when none is given: 8192, its V1 default for the
 * OpenAI-compatible server on a data-center GPU [recalled]. It decides how much past the
 * window vLLM reserves for sliding and chunked layers.
 */
export const DEFAULT_MAX_NUM_BATCHED_TOKENS = 8192;

/**
 * KV cache bytes per token position of one sequence, summed over every layer that caches
 * it: `2 (K and V) × attention layers × KV heads × head_dim × bytes per element`. It uses
 * the **KV** heads, not the query heads: Llama-3-70B has 64 query heads but 8 KV heads, so
 * its cache is 8× smaller than an MHA reading would say. MLA layers cache one latent of
 * `kvLoraRank + qkRopeHeadDim` (DeepSeek-V3: 61 × 576 × 2 = 70,272 B in BF16) unless the
 * engine is transformers, which caches decompressed keys and values. Mamba / linear-attention
 * layers cache nothing per token (their state is constant: see `stateCacheBytes`), and an
 * encoder caches nothing at all. Sliding layers are counted at full size here; how many
 * tokens they keep is `kvCacheBytes`'s business. See docs/methodology.md#kv-cache.
 *
 * @example
 * kvCacheBytesPerToken(llama3_70b, "bf16") // 2 × 80 × 8 × 128 × 2 = 327_680
 */
export function kvCacheBytesPerToken(
  spec: ModelSpec,
  dtype: KvCacheDtype,
  engine: InferenceEngine = "vllm",
): number {
  if (spec.encoderOnly === true) return 0;
  if (spec.globalAttention === undefined) {
    return attentionLayerCount(spec) * kvBytesPerLayerPerToken(spec, dtype, engine);
  }
  // Gemma-4: full-attention layers have their own heads.
  const layers = attentionLayers(spec);
  return (
    layers.full * kvBytesPerLayerPerToken(spec, dtype, engine, "full") +
    (layers.sliding + layers.chunked) * kvBytesPerLayerPerToken(spec, dtype, engine)
  );
}

/** Options of {@link kvCacheBytes}. */
export interface KvCacheOptions {
  /** Tokens per sequence (prompt + generated, image tokens included). */
  readonly contextLength: number;
  /** Concurrent sequences. */
  readonly batchSize: number;
  /** Element type of the cache. */
  readonly kvCacheDtype: KvCacheDtype;
  /** Whose accounting of sliding/chunked layers and MLA to reproduce. @default "vllm" */
  readonly engine?: InferenceEngine | undefined;
  /** vLLM's `max_num_batched_tokens`. @default 8192 */
  readonly maxNumBatchedTokens?: number | undefined;
}

/**
 * KV cache bytes for a batch of full-length sequences: for each kind of attention layer,
 * layers × bytes per layer per token × tokens that layer keeps (the whole context for full
 * attention; the engine's window rule for sliding and chunked layers) × batch.
 *
 * @example
 * // Llama-3-70B, 4,096 tokens, batch 8, BF16: 2 × 80 × 8 × 128 × 4096 × 8 × 2
 * kvCacheBytes(llama3_70b, { contextLength: 4096, batchSize: 8, kvCacheDtype: "bf16" }) // 10_737_418_240
 */
export function kvCacheBytes(spec: ModelSpec, options: KvCacheOptions): number {
  if (spec.encoderOnly === true) return 0;
  const engine = options.engine ?? "vllm";
  const layerOptions = {
    engine,
    maxNumBatchedTokens: options.maxNumBatchedTokens ?? DEFAULT_MAX_NUM_BATCHED_TOKENS,
  };
  const layers = attentionLayers(spec);
  const bytes = (kind: "full" | "sliding" | "chunked") =>
    kvBytesPerLayerPerToken(spec, options.kvCacheDtype, engine, kind);
  const perSequence =
    layers.full * options.contextLength * bytes("full") +
    layers.sliding *
      cachedTokensPerSequence("sliding", options.contextLength, spec, layerOptions) *
      bytes("sliding") +
    layers.chunked *
      cachedTokensPerSequence("chunked", options.contextLength, spec, layerOptions) *
      bytes("chunked");
  return perSequence * options.batchSize;
}

/**
 * How many KV heads tensor parallelism can split the cache across. vLLM gives each rank
 * `max(1, kvHeads / tp)` heads, so beyond `tp = kvHeads` the cache is replicated, and
 * per-GPU KV = total KV / min(tp, this).
 *
 * - standard attention (MHA, GQA, MQA): the KV heads (1 for MQA);
 * - MLA (DeepSeek-V2/V3, Kimi-K2): 1: the latent is one shared "head", replicated on every
 *   rank (vLLM treats MLA as one KV head);
 * - hybrid models (Jamba, Nemotron-H, Granite-4, Qwen3-Next): the KV heads of their attention
 *   layers. This divides `kvCacheBytes` only; `stateCacheBytes` (Mamba / linear-attention
 *   state) is split by its own heads and is small and constant.
 *
 * See docs/methodology.md#kv-cache.
 */
export function kvCacheShardableHeads(spec: ModelSpec): number {
  return spec.mla === undefined ? spec.numKeyValueHeads : MLA_SHARDABLE_KV_HEADS;
}
