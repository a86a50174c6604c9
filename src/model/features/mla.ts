import { InvalidConfigError } from "../../errors.js";
import type { ConfigReader } from "../config/config-reader.js";
import type { ModelSpec, MultiHeadLatentAttention } from "../model-spec.js";
import type { LinearModule, LoraTarget } from "../weight-shapes.js";
import { attentionModule } from "./dense/modules.js";

/**
 * Multi-head latent attention (DeepSeek-V2/V3, Kimi-K2): keys and values are compressed into
 * one latent per token, shared by all heads. It replaces standard attention's parameters, KV
 * rule and LoRA modules; this file reads `ModelSpec.mla`, counts the latent projections, says
 * what the cache holds per token, and names the projections.
 * See docs/methodology.md#multi-head-latent-attention.
 */

// Config: ModelSpec.mla, present when `kv_lora_rank` is set.

/**
 * Reads multi-head latent attention (DeepSeek-V2/V3, Kimi-K2): present when
 * `kv_lora_rank` is set. `q_lora_rank` null means queries are projected directly (V2-Lite).
 *
 * @throws {InvalidConfigError} when a head width MLA needs is missing.
 */
export function readMultiHeadLatentAttention(
  reader: ConfigReader,
): MultiHeadLatentAttention | undefined {
  const kvLoraRank = reader.read("kv_lora_rank");
  if (kvLoraRank === undefined) return undefined;
  const required = (key: "qk_nope_head_dim" | "qk_rope_head_dim" | "v_head_dim"): number => {
    const value = reader.read(key);
    if (value !== undefined) return value;
    throw new InvalidConfigError({
      subject: reader.subject,
      path: `${reader.prefix}${key}`,
      problem: `kv_lora_rank is set (multi-head latent attention) but ${key} is missing`,
    });
  };
  return {
    kvLoraRank,
    qLoraRank: reader.read("q_lora_rank") ?? 0,
    qkNopeHeadDim: required("qk_nope_head_dim"),
    qkRopeHeadDim: required("qk_rope_head_dim"),
    vHeadDim: required("v_head_dim"),
  };
}

// Parameters.

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

// Cache: what one token costs in one layer.

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

/**
 * KV heads tensor parallelism can split an MLA cache across: 1. The latent is one shared
 * "head", so every rank holds all of it (vLLM treats MLA as one KV head; docs/methodology.md, "Multi-head latent attention").
 */
export const MLA_SHARDABLE_KV_HEADS = 1;

// LoRA modules.

/**
 * Multi-head latent attention's projections (transformers `DeepseekV3Attention`), by the LoRA
 * roles PEFT's presets name: queries (`q_proj`, or `q_a_proj` + `q_b_proj` with a query LoRA
 * rank), keys and values together (`kv_a_proj_with_mqa` into the latent, `kv_b_proj` out of it),
 * and the output `o_proj`.
 */
export function mlaModules(spec: ModelSpec, mla: MultiHeadLatentAttention): LinearModule[] {
  const heads = spec.numAttentionHeads;
  const { hiddenSize } = spec;
  const module = (
    name: string,
    targets: readonly LoraTarget[],
    inFeatures: number,
    outFeatures: number,
  ): LinearModule => attentionModule(spec, name, targets, inFeatures, outFeatures, false);
  const queryWidth = heads * (mla.qkNopeHeadDim + mla.qkRopeHeadDim);
  const query =
    mla.qLoraRank > 0
      ? [
          module("q_a_proj", ["q"], hiddenSize, mla.qLoraRank),
          module("q_b_proj", ["q"], mla.qLoraRank, queryWidth),
        ]
      : [module("q_proj", ["q"], hiddenSize, queryWidth)];
  return [
    ...query,
    module("kv_a_proj_with_mqa", ["k", "v"], hiddenSize, mla.kvLoraRank + mla.qkRopeHeadDim),
    module("kv_b_proj", ["k", "v"], mla.kvLoraRank, heads * (mla.qkNopeHeadDim + mla.vHeadDim)),
    module("o_proj", ["o"], heads * mla.vHeadDim, hiddenSize),
  ];
}
