import { atLeast, isVllmV1, type EngineRelease, type VllmEra } from "./engine-version.js";
import type { ServingModel } from "./serving-model.js";

/**
 * How a paged KV cache turns bytes into blocks and blocks into requests: page sizes per layer,
 * the block count, the memory one `max_model_len` request needs and the concurrency vLLM
 * reports (docs/methodology.md#kv-blocks).
 */

/** Rounds `value` up to a multiple of `multiple`. */
export function roundUp(value: number, multiple: number): number {
  return Math.ceil(value / multiple) * multiple;
}

/** `ceil(a / b)` for positive whole numbers. */
export function cdiv(a: number, b: number): number {
  return Math.ceil(a / b);
}

/**
 * Bytes one attention layer caches per token on one GPU, as a given vLLM release lays it out:
 * - standard attention: `2 (K, V) × KV heads per rank × head_dim × bytes`, with
 *   `max(1, kv_heads / tp)` heads per rank (replicated past the KV-head count);
 * - MLA from 0.7.1: the latent `(kv_lora_rank + qk_rope_head_dim) × bytes`, on every rank; the V0
 *   engine (0.7.x) pads each entry to a multiple of 256 B (DeepSeek: 1,152 → 1,280 B, the only
 *   size that reproduces 29,055 blocks = 14.96 GiB in vllm#15196), V1 does not (vllm#15871:
 *   27 × 576 × 2 B per token);
 * - MLA before 0.7.1: vLLM served DeepSeek-V2 as multi-head attention with K and V padded to 256
 *   per head (`Attention(num_local_heads, 256, ...)`), 14.2× the latent for V2-Lite.
 */
export function kvBytesPerLayerPerToken(
  model: ServingModel,
  bytesPerValue: number,
  tp: number,
  era: VllmEra | "sglang",
  release: EngineRelease | null,
): number {
  const mla = model.mla;
  if (mla !== null) {
    if (era !== "sglang" && release !== null && !atLeast(release, 0, 7, 1)) {
      return (model.numAttentionHeads / tp) * 256 * 2 * bytesPerValue;
    }
    const latent = (mla.kvLoraRank + mla.qkRopeHeadDim) * bytesPerValue;
    return era === "profiled" ? roundUp(latent, 256) : latent;
  }
  const heads = Math.max(1, model.numKeyValueHeads / tp);
  return 2 * heads * model.headDim * bytesPerValue;
}

/** Attention layers of one pipeline stage by kind (the stage with the most layers decides). */
export interface StageLayers {
  readonly full: number;
  readonly sliding: number;
  readonly chunked: number;
}

/** The attention layers the largest of `pp` stages holds: each kind's share, rounded up. */
export function stageLayers(model: ServingModel, pp: number): StageLayers {
  const share = pp === 1 ? 1 : Math.ceil(model.numLayers / pp) / model.numLayers;
  const { full, sliding, chunked } = model.attentionLayers;
  return {
    full: Math.ceil(full * share),
    sliding: Math.ceil(sliding * share),
    chunked: Math.ceil(chunked * share),
  };
}

/** How the KV cache of one GPU splits into blocks and serves requests. */
export interface KvBlocks {
  /** Blocks in the pool (each a page of `blockSize` tokens in every layer of a group). */
  readonly blocks: number;
  /** Tokens one group of layers can hold: `blocks × blockSize`. */
  readonly tokens: number;
  /** Bytes one block takes across the layers that share it. */
  readonly blockBytes: number;
  /** Bytes one request of `contextLength` tokens needs, summed over this GPU's layers. */
  readonly neededBytesPerRequest: number;
  /** Blocks one such request takes from the pool. */
  readonly blocksPerRequest: number;
  /** Requests of `contextLength` tokens the pool holds at once (vLLM's "Maximum concurrency"). */
  readonly maxConcurrency: number;
}

/** What decides the blocks. */
export interface KvBlockOptions {
  /** Bytes one layer caches per token on this GPU. */
  readonly bytesPerLayerPerToken: number;
  /** Tokens per block. */
  readonly blockSize: number;
  /** `max_model_len`. */
  readonly contextLength: number;
  /** `max_num_batched_tokens`, for what sliding and chunked layers keep past the window. */
  readonly maxNumBatchedTokens: number;
  /** Whether sliding and chunked layers get their own block groups (V1's hybrid allocator, ≥ 0.10). */
  readonly hybridAllocator: boolean;
}

/**
 * Blocks and concurrency of the bytes `availableBytes` left for the KV cache on one GPU.
 *
 * - Without the hybrid allocator (V0, and V1 before 0.10) every attention layer is sized as
 *   full attention: `blocks = floor(available / (blockSize × layers × bytes per layer per
 *   token))`, a request takes `cdiv(context, blockSize)` blocks, concurrency is
 *   `blocks × blockSize / context` (V0's log line).
 * - With it (V1 ≥ 0.10), layers are grouped by kind in groups of the smallest kind's count
 *   (`_get_kv_cache_groups_uniform_page_size`); each block id is one page in each of
 *   `groupSize` layers, so `blocks = floor(available / (page × groupSize))`; a request takes
 *   `cdiv(context, blockSize)` blocks per full group and `cdiv(min(window − 1 +
 *   max_num_batched_tokens, context), blockSize) + 1` per sliding group
 *   (`SlidingWindowSpec.max_memory_usage_bytes`); concurrency is blocks over that.
 */
export function kvBlocks(
  layers: StageLayers,
  model: ServingModel,
  availableBytes: number,
  options: KvBlockOptions,
): KvBlocks {
  const bs = options.blockSize;
  const page = bs * options.bytesPerLayerPerToken;
  const context = options.contextLength;
  const fullBlocks = cdiv(context, bs);
  const count = layers.full + layers.sliding + layers.chunked;
  if (count === 0 || page === 0) {
    return {
      blocks: 0,
      tokens: 0,
      blockBytes: 0,
      neededBytesPerRequest: 0,
      blocksPerRequest: 0,
      maxConcurrency: Number.POSITIVE_INFINITY,
    };
  }
  const kinds: { readonly layers: number; readonly blocksPerRequest: number }[] = [];
  if (!options.hybridAllocator) {
    kinds.push({ layers: count, blocksPerRequest: fullBlocks });
  } else {
    if (layers.full > 0) kinds.push({ layers: layers.full, blocksPerRequest: fullBlocks });
    if (layers.sliding > 0) {
      const window = model.slidingWindow ?? context;
      const kept = Math.min(window - 1 + options.maxNumBatchedTokens, context);
      kinds.push({ layers: layers.sliding, blocksPerRequest: cdiv(kept, bs) + 1 });
    }
    if (layers.chunked > 0) {
      const chunk = model.attentionChunkSize ?? context;
      const kept = Math.min(chunk + options.maxNumBatchedTokens, context);
      kinds.push({ layers: layers.chunked, blocksPerRequest: cdiv(kept, bs) });
    }
  }
  const groupSize = Math.min(...kinds.map((kind) => kind.layers));
  const blockBytes = page * groupSize;
  const blocks = Math.max(0, Math.floor(availableBytes / blockBytes));
  const blocksPerRequest = kinds.reduce(
    (sum, kind) => sum + cdiv(kind.layers, groupSize) * kind.blocksPerRequest,
    0,
  );
  const neededBytesPerRequest = kinds.reduce(
    (sum, kind) => sum + kind.layers * kind.blocksPerRequest * page,
    0,
  );
  return {
    blocks,
    tokens: blocks * bs,
    blockBytes,
    neededBytesPerRequest,
    blocksPerRequest,
    maxConcurrency:
      kinds.length === 1 && !options.hybridAllocator
        ? (blocks * bs) / context
        : blocks / blocksPerRequest,
  };
}

/** Whether a vLLM release sizes sliding and chunked layers with the hybrid KV allocator (V1 from 0.10). */
export function usesHybridAllocator(era: VllmEra, release: EngineRelease): boolean {
  return isVllmV1(era) && atLeast(release, 0, 10);
}
