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

/**
 * Upper bounds on config.json numbers, one per kind of dimension. Each is far above any
 * released model (the largest in brackets, as of 2026) and low enough that a typo or a
 * hostile file is refused with CONFIG_INVALID before any arithmetic: products of these
 * bounds stay finite, and no count of layers makes a reader loop for long.
 * See docs/methodology.md#config-bounds.
 */
export const CONFIG_BOUNDS = {
  /** Layer counts and layer indices (Llama-3.1-405B: 126 layers). */
  layers: { max: 10_000, what: "layer counts" },
  /** Widths: hidden and MLP sizes, head and latent widths, state sizes, kernels (Llama-3.1-405B MLP: 53,248). */
  width: { max: 1_048_576, what: "widths (hidden, MLP, head and state sizes)" },
  /** Attention, key/value and state-space heads (DeepSeek-V3: 128 heads). */
  heads: { max: 65_536, what: "head counts" },
  /** Vocabulary rows (Gemma-3: 262,208). */
  vocabulary: { max: 16_777_216, what: "vocabulary sizes" },
  /** Routed and shared experts (Qwen3-Next: 512). */
  experts: { max: 65_536, what: "expert counts" },
  /** Positions, windows and chunks, in tokens (Llama-4 Scout: 10,485,760). */
  positions: { max: 1_073_741_824, what: "context lengths and windows" },
  /** Bits of a quantized value. */
  bits: { max: 64, what: "bit widths" },
} as const satisfies Record<string, { readonly max: number; readonly what: string }>;

/** A kind of bounded dimension of {@link CONFIG_BOUNDS}. */
export type BoundKind = keyof typeof CONFIG_BOUNDS;

const positiveUpTo = (bound: BoundKind) =>
  z.nullish(z.int().check(z.positive(), z.maximum(CONFIG_BOUNDS[bound].max)));
const nonnegativeUpTo = (bound: BoundKind) =>
  z.nullish(z.int().check(z.nonnegative(), z.maximum(CONFIG_BOUNDS[bound].max)));

/** The value kinds config fields come in. */
export const FIELD_KINDS = {
  /** A layer count or period: a positive integer up to the layer bound. */
  layers: positiveUpTo("layers"),
  /** A count of layers that may be zero (dense layers before the first MoE layer, an offset). */
  layerCount: nonnegativeUpTo("layers"),
  /** A width (hidden, MLP, head, latent, state, kernel): a positive integer. */
  width: positiveUpTo("width"),
  /** A width that may be zero (a shared expert's width when there is none). */
  widthOrZero: nonnegativeUpTo("width"),
  /** A head count. */
  heads: positiveUpTo("heads"),
  /** A vocabulary size. */
  vocabulary: positiveUpTo("vocabulary"),
  /** A small table that may be empty (BERT's token types). */
  vocabularyOrZero: nonnegativeUpTo("vocabulary"),
  /** An expert count; zero and one mean dense. */
  experts: nonnegativeUpTo("experts"),
  /** Experts per token. */
  expertsPerToken: nonnegativeUpTo("experts"),
  /** A length in tokens (context, window, chunk). */
  positions: positiveUpTo("positions"),
  /** Bits of a quantized value. */
  bits: positiveUpTo("bits"),
  /** Any integer up to the width bound either way (GPTQ's `group_size` is -1 for per-channel). */
  integer: z.nullish(
    z.int().check(z.minimum(-CONFIG_BOUNDS.width.max), z.maximum(CONFIG_BOUNDS.width.max)),
  ),
  /** Any finite number (ratios). */
  number: z.nullish(z.number()),
  boolean: z.nullish(z.boolean()),
  string: z.nullish(z.string()),
  strings: z.nullish(z.array(z.string())),
  /** One entry per layer (`layer_types`): at most the layer bound of them. */
  layerStrings: z.nullish(z.array(z.string()).check(z.maxLength(CONFIG_BOUNDS.layers.max))),
  /** Layer indices or per-layer flags: at most the layer bound of them, each within it. */
  layerIndices: z.nullish(
    z
      .array(z.int().check(z.nonnegative(), z.maximum(CONFIG_BOUNDS.layers.max)))
      .check(z.maxLength(CONFIG_BOUNDS.layers.max)),
  ),
  /** Block shapes (`weight_block_size`). */
  widths: z.nullish(
    z
      .array(z.int().check(z.nonnegative(), z.maximum(CONFIG_BOUNDS.width.max)))
      .check(z.maxLength(8)),
  ),
  /** A nested object read field by field by its feature (`rope_scaling`, `rope_parameters`). */
  object: z.nullish(z.record(z.string(), z.unknown())),
  /** Mamba's `dt_rank`: a positive width or "auto" (= ceil(hidden / 16)). */
  widthOrAuto: z.nullish(
    z.union([z.int().check(z.positive(), z.maximum(CONFIG_BOUNDS.width.max)), z.literal("auto")]),
  ),
} as const;

/**
 * The bound each field kind checks, for error messages: which {@link CONFIG_BOUNDS} entry a
 * too-large value broke.
 */
export const KIND_BOUNDS: Readonly<Partial<Record<FieldKind, BoundKind>>> = {
  layers: "layers",
  layerCount: "layers",
  layerStrings: "layers",
  layerIndices: "layers",
  width: "width",
  widthOrZero: "width",
  widths: "width",
  widthOrAuto: "width",
  integer: "width",
  heads: "heads",
  vocabulary: "vocabulary",
  vocabularyOrZero: "vocabulary",
  experts: "experts",
  expertsPerToken: "experts",
  positions: "positions",
  bits: "bits",
};

/** A field kind of {@link FIELD_KINDS}. */
export type FieldKind = keyof typeof FIELD_KINDS;

/** The text-model fields vramfit reads, by kind, in every dialect it knows. */
export const TEXT_CONFIG_FIELDS = {
  // The standard decoder (normalize.ts, features/dense/config.ts).
  model_type: "string",
  architectures: "strings",
  // Layer count: Llama/most | GPT-2 | some | MPT-style.
  num_hidden_layers: "layers",
  n_layer: "layers",
  num_layers: "layers",
  n_layers: "layers",
  // Residual width.
  hidden_size: "width",
  n_embd: "width",
  d_model: "width",
  n_embed: "width",
  // Query heads.
  num_attention_heads: "heads",
  n_head: "heads",
  n_heads: "heads",
  // Key/value heads (GQA), Falcon's spelling, and MQA flags.
  num_key_value_heads: "heads",
  num_kv_heads: "heads",
  multi_query: "boolean",
  new_decoder_architecture: "boolean",
  parallel_attn: "boolean",
  head_dim: "width",
  attention_head_dim: "width",
  // The original Qwen (QWenLMHeadModel): its head width.
  kv_channels: "width",
  // MLP width.
  intermediate_size: "width",
  n_inner: "width",
  ffn_dim: "width",
  expansion_ratio: "number",
  intermediate_size_mlp: "width",
  // Context length.
  max_position_embeddings: "positions",
  n_positions: "positions",
  max_seq_len: "positions",
  vocab_size: "vocabulary",
  type_vocab_size: "vocabularyOrZero",
  word_embed_proj_dim: "width",
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
  num_local_experts: "experts",
  num_experts: "experts",
  n_routed_experts: "experts",
  num_experts_per_tok: "expertsPerToken",
  experts_per_token: "expertsPerToken",
  top_k_experts: "expertsPerToken",
  moe_intermediate_size: "width",
  expert_intermediate_size: "width",
  enable_moe_block: "boolean",
  n_shared_experts: "experts",
  shared_expert_intermediate_size: "widthOrZero",
  shared_intermediate_size: "widthOrZero",
  moe_shared_expert_intermediate_size: "widthOrZero",
  first_k_dense_replace: "layerCount",
  moe_layer_freq: "layers",
  decoder_sparse_step: "layers",
  mlp_only_layers: "layerIndices",
  interleave_moe_layer_step: "layers",
  expert_layer_period: "layers",
  expert_layer_offset: "layerCount",
  topk_method: "string",
  // Multi-head latent attention (features/mla.ts): DeepSeek-V2/V3, Kimi-K2.
  kv_lora_rank: "width",
  q_lora_rank: "width",
  qk_nope_head_dim: "width",
  qk_rope_head_dim: "width",
  v_head_dim: "width",
  // Sliding-window, interleaved and chunked attention (features/windowed.ts).
  sliding_window: "positions",
  sliding_window_size: "positions",
  use_sliding_window: "boolean",
  max_window_layers: "layerCount",
  sliding_window_pattern: "layers",
  layer_types: "layerStrings",
  attention_chunk_size: "positions",
  no_rope_layers: "layerIndices",
  full_attention_interval: "layers",
  // Gemma-4: full-attention layers' own head width and KV heads, keys doubling as values.
  global_head_dim: "width",
  num_global_key_value_heads: "heads",
  attention_k_eq_v: "boolean",
  // Gemma-4 E-series: per-layer input embeddings and KV shared across the last layers.
  hidden_size_per_layer_input: "widthOrZero",
  vocab_size_per_layer_input: "vocabulary",
  num_kv_shared_layers: "layerCount",
  // Hybrid and state-space layers (features/state-space/config.ts): Jamba | Nemotron-H |
  // Granite-4 | Qwen3-Next.
  attn_layer_period: "layers",
  attn_layer_offset: "layerCount",
  layers_block_type: "layerStrings",
  hybrid_override_pattern: "string",
  mamba_d_state: "width",
  mamba_d_conv: "width",
  mamba_expand: "width",
  mamba_dt_rank: "widthOrAuto",
  mamba_conv_bias: "boolean",
  mamba_proj_bias: "boolean",
  mamba_n_heads: "heads",
  mamba_d_head: "width",
  mamba_n_groups: "heads",
  mamba_num_heads: "heads",
  mamba_head_dim: "width",
  ssm_state_size: "width",
  n_groups: "heads",
  conv_kernel: "width",
  expand: "width",
  use_conv_bias: "boolean",
  linear_num_key_heads: "heads",
  linear_key_head_dim: "width",
  linear_num_value_heads: "heads",
  linear_value_head_dim: "width",
  linear_conv_kernel_dim: "width",
  // Pure Mamba (mamba, falcon_mamba) and Mamba-2 (mamba2) models.
  state_size: "width",
  time_step_rank: "widthOrAuto",
  num_heads: "heads",
  // Rotary embeddings (features/rotary.ts).
  rope_scaling: "object",
  rope_parameters: "object",
  partial_rotary_factor: "number",
  rotary_pct: "number",
  rope_local_base_freq: "number",
  alibi: "boolean",
  // Multimodal wrappers (features/vision/config.ts).
  mm_tokens_per_image: "positions",
  vision_soft_tokens_per_image: "positions",
} as const satisfies Record<string, FieldKind>;

/** Fields of a `vision_config` vramfit reads (CLIP, SigLIP, Qwen2-VL, Llama-4 vision towers; features/vision/config.ts). */
export const VISION_CONFIG_FIELDS = {
  model_type: "string",
  hidden_size: "width",
  intermediate_size: "width",
  num_hidden_layers: "layers",
  num_attention_heads: "heads",
  image_size: "width",
  patch_size: "width",
  num_channels: "width",
  in_chans: "width",
  in_channels: "width",
  vision_use_head: "boolean",
  depth: "layers",
  embed_dim: "width",
  mlp_ratio: "number",
  num_heads: "heads",
  out_hidden_size: "width",
  spatial_merge_size: "width",
  temporal_patch_size: "width",
  vision_output_dim: "width",
  projector_input_dim: "width",
  projector_output_dim: "width",
  pixel_shuffle_ratio: "number",
  // Gemma-4's vision tower.
  head_dim: "width",
  position_embedding_size: "positions",
  pooling_kernel_size: "width",
  default_output_length: "positions",
  standardize: "boolean",
} as const satisfies Record<string, FieldKind>;

/** Fields of a `quantization_config` vramfit reads (AWQ, GPTQ, bitsandbytes, FP8, compressed-tensors, MXFP4, ModelOpt; features/quantized.ts). */
export const QUANTIZATION_CONFIG_FIELDS = {
  quant_method: "string",
  bits: "bits",
  w_bit: "bits",
  group_size: "integer",
  q_group_size: "integer",
  zero_point: "boolean",
  load_in_4bit: "boolean",
  load_in_8bit: "boolean",
  bnb_4bit_quant_type: "string",
  bnb_4bit_use_double_quant: "boolean",
  weight_block_size: "widths",
  modules_to_not_convert: "strings",
  llm_int8_skip_modules: "strings",
  ignore: "strings",
  exclude_modules: "strings",
  format: "string",
  quant_algo: "string",
  kv_cache_quant_algo: "string",
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

/**
 * ModelOpt's `hf_quant_config.json`: `{"producer": {"name": "modelopt", "version": …},
 * "quantization": {"quant_algo": "FP8", "kv_cache_quant_algo": …, "exclude_modules": […]}}`
 * (NVIDIA Model Optimizer's unified Hugging Face export).
 */
export const HfQuantConfigSchema = z.looseObject({
  producer: z.nullish(z.looseObject({ name: z.nullish(z.string()) })),
  quantization: z.nullish(QuantizationConfigSchema),
});

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
