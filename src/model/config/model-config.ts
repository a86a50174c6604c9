import * as z from "zod/mini";

/**
 * zod schemas for transformers' config.json. Objects are loose (the Hub adds keys all the
 * time and unknown keys must pass); only the fields vramfit reads are typed, all optional,
 * and `null` means "not set" as it does in transformers. Whether a required field is
 * present is decided in normalize.ts, where the aliases are resolved.
 *
 * Each field is declared once, in a table of kinds; the zod schema and a fast structural
 * check (parse.ts) are both built from that table, so they cannot disagree.
 *
 * The fields stay here, grouped by the feature file that reads them, rather than beside each
 * reader in model/features: the readers' types (`ConfigReader.read`, `TextConfig`) come from
 * the merged table, so a feature file that declared its own fields would import them back
 * through this file, an import cycle (tests/architecture.test.ts).
 */

/** The value kinds config fields come in. */
export const FIELD_KINDS = {
  /** A layer count, width or head count: a positive integer. */
  dimension: z.nullish(z.int().check(z.positive())),
  /** A count that may be zero (shared experts, dense layers before the first MoE layer). */
  count: z.nullish(z.int().check(z.nonnegative())),
  /** Any integer (GPTQ's `group_size` is -1 for per-channel). */
  integer: z.nullish(z.int()),
  /** Any finite number (ratios). */
  number: z.nullish(z.number()),
  boolean: z.nullish(z.boolean()),
  string: z.nullish(z.string()),
  strings: z.nullish(z.array(z.string())),
  counts: z.nullish(z.array(z.int().check(z.nonnegative()))),
  /** Mamba's `dt_rank`: a positive integer or "auto" (= ceil(hidden / 16)). */
  dimensionOrAuto: z.nullish(z.union([z.int().check(z.positive()), z.literal("auto")])),
} as const;

/** A field kind of {@link FIELD_KINDS}. */
export type FieldKind = keyof typeof FIELD_KINDS;

/** The text-model fields vramfit reads, by kind, in every dialect it knows. */
export const TEXT_CONFIG_FIELDS = {
  // The standard decoder (normalize.ts, features/dense/config.ts).
  model_type: "string",
  architectures: "strings",
  // Layer count: Llama/most | GPT-2 | some | MPT-style.
  num_hidden_layers: "dimension",
  n_layer: "dimension",
  num_layers: "dimension",
  n_layers: "dimension",
  // Residual width.
  hidden_size: "dimension",
  n_embd: "dimension",
  d_model: "dimension",
  n_embed: "dimension",
  // Query heads.
  num_attention_heads: "dimension",
  n_head: "dimension",
  n_heads: "dimension",
  // Key/value heads (GQA), Falcon's spelling, and MQA flags.
  num_key_value_heads: "dimension",
  num_kv_heads: "dimension",
  multi_query: "boolean",
  new_decoder_architecture: "boolean",
  parallel_attn: "boolean",
  head_dim: "dimension",
  attention_head_dim: "dimension",
  // MLP width.
  intermediate_size: "dimension",
  n_inner: "dimension",
  ffn_dim: "dimension",
  expansion_ratio: "number",
  intermediate_size_mlp: "dimension",
  // Context length.
  max_position_embeddings: "dimension",
  n_positions: "dimension",
  max_seq_len: "dimension",
  vocab_size: "dimension",
  type_vocab_size: "count",
  word_embed_proj_dim: "dimension",
  position_embedding_type: "string",
  tie_word_embeddings: "boolean",
  attention_bias: "boolean",
  mlp_bias: "boolean",
  bias: "boolean",
  no_bias: "boolean",
  enable_bias: "boolean",
  use_bias: "boolean",
  use_qk_norm: "boolean",
  torch_dtype: "string",
  dtype: "string",
  // Mixture of experts (features/moe.ts): Mixtral | Qwen-MoE, Jamba, Granite | DeepSeek | gpt-oss.
  num_local_experts: "count",
  num_experts: "count",
  n_routed_experts: "count",
  num_experts_per_tok: "count",
  experts_per_token: "count",
  moe_intermediate_size: "dimension",
  n_shared_experts: "count",
  shared_expert_intermediate_size: "count",
  shared_intermediate_size: "count",
  moe_shared_expert_intermediate_size: "count",
  first_k_dense_replace: "count",
  moe_layer_freq: "dimension",
  decoder_sparse_step: "dimension",
  mlp_only_layers: "counts",
  interleave_moe_layer_step: "dimension",
  expert_layer_period: "dimension",
  expert_layer_offset: "count",
  topk_method: "string",
  // Multi-head latent attention (features/mla.ts): DeepSeek-V2/V3, Kimi-K2.
  kv_lora_rank: "dimension",
  q_lora_rank: "dimension",
  qk_nope_head_dim: "dimension",
  qk_rope_head_dim: "dimension",
  v_head_dim: "dimension",
  // Sliding-window, interleaved and chunked attention (features/windowed.ts).
  sliding_window: "dimension",
  sliding_window_size: "dimension",
  use_sliding_window: "boolean",
  max_window_layers: "count",
  sliding_window_pattern: "dimension",
  layer_types: "strings",
  attention_chunk_size: "dimension",
  no_rope_layers: "counts",
  full_attention_interval: "dimension",
  // Hybrid and state-space layers (features/state-space/config.ts): Jamba | Nemotron-H |
  // Granite-4 | Qwen3-Next.
  attn_layer_period: "dimension",
  attn_layer_offset: "count",
  layers_block_type: "strings",
  hybrid_override_pattern: "string",
  mamba_d_state: "dimension",
  mamba_d_conv: "dimension",
  mamba_expand: "dimension",
  mamba_dt_rank: "dimensionOrAuto",
  mamba_conv_bias: "boolean",
  mamba_proj_bias: "boolean",
  mamba_n_heads: "dimension",
  mamba_d_head: "dimension",
  mamba_n_groups: "dimension",
  mamba_num_heads: "dimension",
  mamba_head_dim: "dimension",
  ssm_state_size: "dimension",
  n_groups: "dimension",
  conv_kernel: "dimension",
  expand: "dimension",
  use_conv_bias: "boolean",
  linear_num_key_heads: "dimension",
  linear_key_head_dim: "dimension",
  linear_num_value_heads: "dimension",
  linear_value_head_dim: "dimension",
  linear_conv_kernel_dim: "dimension",
  // Multimodal wrappers (features/vision/config.ts).
  mm_tokens_per_image: "dimension",
} as const satisfies Record<string, FieldKind>;

/** Fields of a `vision_config` vramfit reads (CLIP, SigLIP, Qwen2-VL, Llama-4 vision towers; features/vision/config.ts). */
export const VISION_CONFIG_FIELDS = {
  model_type: "string",
  hidden_size: "dimension",
  intermediate_size: "dimension",
  num_hidden_layers: "dimension",
  num_attention_heads: "dimension",
  image_size: "dimension",
  patch_size: "dimension",
  num_channels: "dimension",
  in_chans: "dimension",
  in_channels: "dimension",
  vision_use_head: "boolean",
  depth: "dimension",
  embed_dim: "dimension",
  mlp_ratio: "number",
  num_heads: "dimension",
  out_hidden_size: "dimension",
  spatial_merge_size: "dimension",
  temporal_patch_size: "dimension",
  vision_output_dim: "dimension",
  projector_input_dim: "dimension",
  projector_output_dim: "dimension",
  pixel_shuffle_ratio: "number",
} as const satisfies Record<string, FieldKind>;

/** Fields of a `quantization_config` vramfit reads (AWQ, GPTQ, bitsandbytes, FP8, compressed-tensors, MXFP4, ModelOpt; features/quantized.ts). */
export const QUANTIZATION_CONFIG_FIELDS = {
  quant_method: "string",
  bits: "dimension",
  w_bit: "dimension",
  group_size: "integer",
  q_group_size: "integer",
  zero_point: "boolean",
  load_in_4bit: "boolean",
  load_in_8bit: "boolean",
  bnb_4bit_quant_type: "string",
  bnb_4bit_use_double_quant: "boolean",
  weight_block_size: "counts",
  modules_to_not_convert: "strings",
  llm_int8_skip_modules: "strings",
  ignore: "strings",
  format: "string",
  quant_algo: "string",
} as const satisfies Record<string, FieldKind>;

type Shape<F extends Record<string, FieldKind>> = { [K in keyof F]: (typeof FIELD_KINDS)[F[K]] };

function shapeOf<F extends Record<string, FieldKind>>(fields: F): Shape<F> {
  const shape: Record<string, unknown> = {};
  for (const [key, kind] of Object.entries(fields)) shape[key] = FIELD_KINDS[kind];
  return shape as Shape<F>;
}

/** A `vision_config` object: the tower fields, loose. */
export const VisionConfigSchema = z.looseObject(shapeOf(VISION_CONFIG_FIELDS));

/** A `quantization_config` object: the fields that size stored weights, loose. */
export const QuantizationConfigSchema = z.looseObject(shapeOf(QUANTIZATION_CONFIG_FIELDS));

/** Fields a text decoder's config can carry, in every dialect vramfit reads. */
export const TextConfigSchema = z.looseObject({
  ...shapeOf(TEXT_CONFIG_FIELDS),
  quantization_config: z.nullish(QuantizationConfigSchema),
});

/** A whole config.json: the text fields, optionally nested under `text_config` (multimodal and newer configs). */
export const ModelConfigSchema = z.extend(TextConfigSchema, {
  text_config: z.nullish(TextConfigSchema),
  vision_config: z.nullish(VisionConfigSchema),
});

/** A config.json as parsed: snake_case, mirroring the file. */
export type ModelConfig = z.infer<typeof ModelConfigSchema>;

/** The text-model fields of a config.json (top level or `text_config`). */
export type TextConfig = z.infer<typeof TextConfigSchema>;

/** The vision-tower fields of a config.json's `vision_config`. */
export type VisionConfig = z.infer<typeof VisionConfigSchema>;

/** The fields of a `quantization_config`. */
export type QuantizationConfig = z.infer<typeof QuantizationConfigSchema>;
