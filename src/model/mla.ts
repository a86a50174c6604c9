import type { ModelSpec, MultiHeadLatentAttention } from "./model-spec.js";

/**
 * Parameters of one multi-head latent attention layer (DeepSeek-V2/V3, Kimi-K2), from the
 * LoRA-style projections of transformers' `DeepseekV3Attention`:
 *
 * - queries: `q_a_proj` (`hidden × qLoraRank`) + its RMSNorm (`qLoraRank`) + `q_b_proj`
 *   (`qLoraRank × heads·(nope + rope)`), or one `q_proj` (`hidden × heads·(nope + rope)`)
 *   when `qLoraRank` is 0;
 * - keys and values: `kv_a_proj_with_mqa` (`hidden × (kvLoraRank + rope)`) + its RMSNorm
 *   (`kvLoraRank`) + `kv_b_proj` (`kvLoraRank × heads·(nope + v)`);
 * - output: `o_proj` (`heads·v × hidden`).
 *
 * See docs/methodology.md#multi-head-latent-attention.
 */
export function mlaParametersPerLayer(spec: ModelSpec, mla: MultiHeadLatentAttention): number {
  const heads = spec.numAttentionHeads;
  const queryHeadWidth = mla.qkNopeHeadDim + mla.qkRopeHeadDim;
  const query =
    mla.qLoraRank > 0
      ? spec.hiddenSize * mla.qLoraRank + mla.qLoraRank + mla.qLoraRank * heads * queryHeadWidth
      : spec.hiddenSize * heads * queryHeadWidth;
  const keyValue =
    spec.hiddenSize * (mla.kvLoraRank + mla.qkRopeHeadDim) +
    mla.kvLoraRank +
    mla.kvLoraRank * heads * (mla.qkNopeHeadDim + mla.vHeadDim);
  const output = heads * mla.vHeadDim * spec.hiddenSize;
  return query + keyValue + output;
}

/**
 * Values MLA caches per token per layer: the latent plus the shared RoPE key,
 * `kvLoraRank + qkRopeHeadDim` (576 for DeepSeek-V3), for all heads together.
 */
export function mlaLatentElementsPerToken(mla: MultiHeadLatentAttention): number {
  return mla.kvLoraRank + mla.qkRopeHeadDim;
}

/**
 * Values an engine that decompresses MLA caches per token per layer (transformers'
 * eager `DeepseekV3Attention` stores full keys and values per head):
 * `heads × (nope + rope + v)`, 40,960 for DeepSeek-V3.
 */
export function mlaDecompressedElementsPerToken(
  spec: ModelSpec,
  mla: MultiHeadLatentAttention,
): number {
  return spec.numAttentionHeads * (mla.qkNopeHeadDim + mla.qkRopeHeadDim + mla.vHeadDim);
}
