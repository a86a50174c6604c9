import type { ModelSpec } from "../model/model-spec.js";
import { KV_CACHE_BITS, type KvCacheDtype } from "./precision.js";

/**
 * KV cache bytes per token of one sequence: `2 (K and V) × layers × KV heads × head_dim ×
 * bytes per element`. It uses the **KV** heads, not the query heads: Llama-3-70B has 64
 * query heads but 8 KV heads, so its cache is 8× smaller than an MHA reading would say.
 * See docs/methodology.md#kv-cache.
 *
 * @example
 * kvCacheBytesPerToken(llama3_70b, "bf16") // 2 × 80 × 8 × 128 × 2 = 327_680
 */
export function kvCacheBytesPerToken(spec: ModelSpec, dtype: KvCacheDtype): number {
  return (2 * spec.numLayers * spec.numKeyValueHeads * spec.headDim * KV_CACHE_BITS[dtype]) / 8;
}

/** Options of {@link kvCacheBytes}. */
export interface KvCacheOptions {
  /** Tokens per sequence (prompt + generated). */
  readonly contextLength: number;
  /** Concurrent sequences. */
  readonly batchSize: number;
  /** Element type of the cache. */
  readonly kvCacheDtype: KvCacheDtype;
}

/**
 * KV cache bytes for a batch of full-length sequences: bytes per token × context × batch.
 *
 * @example
 * // Llama-3-70B, 4,096 tokens, batch 8, BF16: 2 × 80 × 8 × 128 × 4096 × 8 × 2
 * kvCacheBytes(llama3_70b, { contextLength: 4096, batchSize: 8, kvCacheDtype: "bf16" }) // 10_737_418_240
 */
export function kvCacheBytes(spec: ModelSpec, options: KvCacheOptions): number {
  return (
    kvCacheBytesPerToken(spec, options.kvCacheDtype) * options.contextLength * options.batchSize
  );
}

/**
 * How many KV heads tensor parallelism can split the cache across. vLLM gives each rank
 * `max(1, kvHeads / tp)` heads, so beyond `tp = kvHeads` the cache is replicated, and
 * per-GPU KV = total KV / min(tp, this). Standard attention: the KV heads. Architectures
 * whose cache is one shared latent (MLA) return 1: every rank holds all of it.
 * See docs/methodology.md#kv-cache.
 */
export function kvCacheShardableHeads(spec: ModelSpec): number {
  return spec.numKeyValueHeads;
}
