import type { TextConfig } from "./model-config.js";

/**
 * Defaults of the transformers config classes, for the fields vramfit reads. Configs saved
 * with `save_pretrained` leave out every value equal to the class default, so a nested
 * `text_config` can be nearly empty (early llava-hf, Gemma-3): transformers fills the gaps
 * from these classes, and so does vramfit, recording each filled field in `approximations`.
 * Read from transformers' `configuration_*.py` files (links in docs/methodology.md#multimodal-models);
 * the vision towers' defaults are in features/vision/config.ts.
 */
export const TEXT_CONFIG_DEFAULTS = {
  // LlamaConfig: num_key_value_heads None means the attention heads (MHA).
  llama: {
    source: "transformers LlamaConfig",
    values: {
      vocab_size: 32_000,
      hidden_size: 4096,
      intermediate_size: 11_008,
      num_hidden_layers: 32,
      num_attention_heads: 32,
      max_position_embeddings: 2048,
    },
  },
  mistral: {
    source: "transformers MistralConfig",
    values: {
      vocab_size: 32_000,
      hidden_size: 4096,
      intermediate_size: 14_336,
      num_hidden_layers: 32,
      num_attention_heads: 32,
      num_key_value_heads: 8,
      max_position_embeddings: 131_072,
    },
  },
  qwen2: {
    source: "transformers Qwen2Config",
    values: {
      vocab_size: 151_936,
      hidden_size: 4096,
      intermediate_size: 22_016,
      num_hidden_layers: 32,
      num_attention_heads: 32,
      num_key_value_heads: 32,
      max_position_embeddings: 32_768,
    },
  },
  gemma3_text: {
    source: "transformers Gemma3TextConfig",
    values: {
      vocab_size: 262_208,
      hidden_size: 2304,
      intermediate_size: 9216,
      num_hidden_layers: 26,
      num_attention_heads: 8,
      num_key_value_heads: 4,
      head_dim: 256,
      max_position_embeddings: 131_072,
      sliding_window: 4096,
      sliding_window_pattern: 6,
    },
  },
} as const satisfies Record<string, { source: string; values: Partial<TextConfig> }>;

/** The documented defaults for a nested text config's `model_type`, when vramfit has them. */
export function textConfigDefaults(
  modelType: string | undefined,
): { readonly source: string; readonly values: Partial<TextConfig> } | undefined {
  if (modelType === undefined || !Object.hasOwn(TEXT_CONFIG_DEFAULTS, modelType)) return undefined;
  return TEXT_CONFIG_DEFAULTS[modelType as keyof typeof TEXT_CONFIG_DEFAULTS];
}
