import { z } from "zod";

/**
 * zod schemas for transformers' config.json. Objects are loose (the Hub adds keys all the
 * time and unknown keys must pass); only the fields vramfit reads are typed, all optional,
 * and `null` means "not set" as it does in transformers. Whether a required field is
 * present is decided in normalize.ts, where the aliases are resolved.
 */

/** A layer count, width or head count: a positive integer, or absent. */
const dimension = z.int().positive().nullish();

/** Fields a text decoder's config can carry, in every dialect vramfit reads. */
export const TextConfigSchema = z.looseObject({
  model_type: z.string().nullish(),
  architectures: z.array(z.string()).nullish(),
  // Layer count: Llama/most | GPT-2 | some | MPT-style.
  num_hidden_layers: dimension,
  n_layer: dimension,
  num_layers: dimension,
  n_layers: dimension,
  // Residual width.
  hidden_size: dimension,
  n_embd: dimension,
  d_model: dimension,
  // Query heads.
  num_attention_heads: dimension,
  n_head: dimension,
  n_heads: dimension,
  // Key/value heads (GQA), Falcon's spelling, and MQA flags.
  num_key_value_heads: dimension,
  num_kv_heads: dimension,
  multi_query: z.boolean().nullish(),
  new_decoder_architecture: z.boolean().nullish(),
  head_dim: dimension,
  // MLP width.
  intermediate_size: dimension,
  n_inner: dimension,
  ffn_dim: dimension,
  // Context length.
  max_position_embeddings: dimension,
  n_positions: dimension,
  max_seq_len: dimension,
  vocab_size: dimension,
  tie_word_embeddings: z.boolean().nullish(),
  attention_bias: z.boolean().nullish(),
  mlp_bias: z.boolean().nullish(),
  torch_dtype: z.string().nullish(),
  dtype: z.string().nullish(),
});

/** A whole config.json: the text fields, optionally nested under `text_config` (multimodal and newer configs). */
export const ModelConfigSchema = TextConfigSchema.extend({
  text_config: TextConfigSchema.nullish(),
});

/** A config.json as parsed: snake_case, mirroring the file. */
export type ModelConfig = z.infer<typeof ModelConfigSchema>;

/** The text-model fields of a config.json (top level or `text_config`). */
export type TextConfig = z.infer<typeof TextConfigSchema>;
