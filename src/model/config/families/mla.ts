import { InvalidConfigError } from "../../../errors.js";
import type { MultiHeadLatentAttention } from "../../model-spec.js";
import type { ConfigReader } from "../config-reader.js";

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
