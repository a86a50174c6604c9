/**
 * The normalized description of a model that every estimate works from. It is plain
 * data: build one by hand, or get one from `parseModelConfig(json)`. Each optional section
 * below is filled and used by one file of model/features (docs/adding-an-architecture.md);
 * the interfaces stay here so the whole shape reads in one place and the feature files can
 * import it without a cycle.
 */

/** Storage dtypes a config.json declares in `torch_dtype` / `dtype`, normalized. */
export type TorchDtype = "float32" | "bfloat16" | "float16" | "float8" | "int8";

/** Which normalization the layers use; LayerNorm has a bias vector, RMSNorm does not. */
export type NormKind = "rmsnorm" | "layernorm";

/** Gated MLPs (SwiGLU, GeGLU) have three matrices; plain MLPs have two. */
export type MlpKind = "gated" | "plain";

/**
 * The per-family facts that decide the parameter count but that config.json does not
 * spell out: which projections carry biases, how many norms a layer has, and so on.
 */
export interface ArchitectureLayout {
  /** Gated (gate, up, down) or plain (up, down) MLP. */
  readonly mlp: MlpKind;
  /** RMSNorm (weight only) or LayerNorm (weight and bias). */
  readonly norm: NormKind;
  /** Norm layers inside each decoder layer: 2 for Llama, 4 for Gemma-2. */
  readonly normsPerLayer: number;
  /** Whether q, k and v projections carry biases (Qwen2, GPT-2). */
  readonly qkvBias: boolean;
  /** Whether the attention output projection carries a bias (GPT-2). */
  readonly outputBias: boolean;
  /** Whether the MLP projections carry biases (GPT-2). */
  readonly mlpBias: boolean;
  /** Whether each layer normalizes queries and keys per head (Qwen3, Gemma-3). */
  readonly qkNorm: boolean;
  /** Rows of a learned absolute position table (GPT-2's `n_positions`); 0 for rotary models. */
  readonly learnedPositionEmbeddings: number;
  /** One learned attention-sink logit per query head in each attention layer (gpt-oss). */
  readonly attentionSinks?: boolean | undefined;
  /** The query projection also produces an output gate, doubling its width (Qwen3-Next). */
  readonly gatedQuery?: boolean | undefined;
  /** The untied LM head carries a bias of `vocab` entries (phi's `lm_head = nn.Linear(..., bias=True)`). */
  readonly headBias?: boolean | undefined;
}

/**
 * Mixture-of-experts MLP layers (Mixtral, Qwen-MoE, DeepSeek, gpt-oss, Llama-4). Memory
 * holds **all** experts; each token runs only `expertsPerToken` routed experts plus the
 * shared ones, which is what decides compute.
 */
export interface MixtureOfExperts {
  /** Routed experts in each MoE layer. */
  readonly numExperts: number;
  /** Routed experts each token runs through (`num_experts_per_tok`). */
  readonly expertsPerToken: number;
  /** MLP width of one routed expert (`moe_intermediate_size`, or `intermediate_size` for Mixtral). */
  readonly expertIntermediateSize: number;
  /** Always-active shared experts per MoE layer (DeepSeek, Qwen2-MoE); 0 when none. */
  readonly numSharedExperts: number;
  /** MLP width of one shared expert; 0 when there are none. */
  readonly sharedExpertIntermediateSize: number;
  /** How many of the `numLayers` layers are MoE; the rest are dense MLPs of `intermediateSize`. */
  readonly numMoeLayers: number;
  /** Routed experts carry biases on their projections (gpt-oss). @default false */
  readonly expertBias?: boolean | undefined;
  /** The router carries a bias vector (gpt-oss). @default false */
  readonly routerBias?: boolean | undefined;
  /** A learned per-expert score-correction bias next to the router (DeepSeek-V3 `noaux_tc`). @default false */
  readonly routerCorrectionBias?: boolean | undefined;
  /** A `hidden × 1` gate scales the shared expert's output (Qwen2-MoE, Qwen3-Next). @default false */
  readonly sharedExpertGate?: boolean | undefined;
  /**
   * The experts run beside the layer's dense MLP (`layers.N.experts`) rather than inside its
   * MLP block (`layers.N.mlp.experts`): Gemma-4. @default false
   */
  readonly besideDenseMlp?: boolean | undefined;
  /** The router scales its input per dimension and its weights per expert (Gemma-4). @default false */
  readonly routerScale?: boolean | undefined;
}

/**
 * Multi-head latent attention (DeepSeek-V2/V3, Kimi-K2). Keys and values are compressed
 * into one `kvLoraRank` latent per token, cached together with one shared RoPE key of
 * `qkRopeHeadDim`: the cache holds `kvLoraRank + qkRopeHeadDim` values per token per layer,
 * for all heads together.
 */
export interface MultiHeadLatentAttention {
  /** Width of the compressed key/value latent (`kv_lora_rank`). */
  readonly kvLoraRank: number;
  /** Width of the compressed query (`q_lora_rank`); 0 when queries are projected directly (V2-Lite). */
  readonly qLoraRank: number;
  /** Per-head query/key width without rotary embedding (`qk_nope_head_dim`). */
  readonly qkNopeHeadDim: number;
  /** Per-head query/key width with rotary embedding, shared by all heads for keys (`qk_rope_head_dim`). */
  readonly qkRopeHeadDim: number;
  /** Per-head value width (`v_head_dim`). */
  readonly vHeadDim: number;
}

/**
 * How many decoder layers attend, and how: full (the whole sequence), sliding (the last
 * `slidingWindow` tokens: Mistral v0.1, Gemma-2/3, gpt-oss) or chunked (tokens of the same
 * `attentionChunkSize` chunk: Llama-4). `full + sliding + chunked` is the number of layers
 * with a KV cache; hybrid models have fewer than `numLayers` (the rest are state-space layers).
 */
export interface AttentionLayers {
  /** Layers attending to the whole sequence. */
  readonly full: number;
  /** Layers attending to a sliding window of `slidingWindow` tokens. */
  readonly sliding: number;
  /** Layers attending within chunks of `attentionChunkSize` tokens. */
  readonly chunked: number;
}

/**
 * Head settings of the full-attention layers when they differ from the others' (Gemma-4:
 * `global_head_dim`, `num_global_key_value_heads`, `attention_k_eq_v`). The spec's own
 * `numKeyValueHeads` and `headDim` describe the sliding (or every other) layer.
 */
export interface GlobalAttention {
  /** Key/value heads of a full-attention layer. */
  readonly numKeyValueHeads: number;
  /** Width of one head of a full-attention layer, queries included. */
  readonly headDim: number;
  /** The keys double as values: no `v_proj` (the cache still holds both). @default false */
  readonly keyIsValue?: boolean | undefined;
}

/**
 * One rotary position embedding a model builds (most have one; Gemma-3 and Gemma-4 two): what
 * an engine's precomputed cos/sin table is sized from (features/rotary.ts).
 */
export interface RotaryEmbedding {
  /** Channels of a head that rotate: `head_dim × partial_rotary_factor` (MLA: `qk_rope_head_dim`). */
  readonly rotaryDim: number;
  /** `max_position_embeddings`. */
  readonly maxPositions: number;
  /** The scaling type (`rope_type` / `type`): `"default"`, `"llama3"`, `"linear"`, `"yarn"`, … */
  readonly scaling: string;
  /** The scaling's `factor`, when it has one. */
  readonly factor?: number | undefined;
  /** The scaling's `original_max_position_embeddings`, when it has one. */
  readonly originalMaxPositions?: number | undefined;
}

/**
 * Layers whose token mixer keeps a constant-size state per sequence instead of a KV cache:
 * Mamba (Jamba), Mamba-2 (Nemotron-H, Granite-4) and gated-delta-net linear attention
 * (Qwen3-Next). The state does not grow with context.
 */
export interface StateSpaceLayers {
  /** Which mixer: `mamba` (Mamba-1), `mamba2`, or `gated-deltanet` (linear attention). */
  readonly kind: "mamba" | "mamba2" | "gated-deltanet";
  /** How many layers use this mixer. */
  readonly numLayers: number;
  /** Parameters of one mixer (projections, convolution, state matrices, inner norms). */
  readonly parametersPerLayer: number;
  /** Values in one layer's convolution state per sequence: `(kernel − 1) × channels`. */
  readonly convStateElements: number;
  /** Values in one layer's recurrent (SSM) state per sequence. */
  readonly recurrentStateElements: number;
}

/**
 * A vision encoder in front of the language model (LLaVA, Qwen2-VL, Gemma-3, Llama-4):
 * its parameters, and how many tokens one image adds to the sequence.
 */
export interface VisionEncoder {
  /** The vision config's `model_type`, e.g. `"clip_vision_model"`, `"siglip_vision_model"`. */
  readonly modelType: string;
  /** Parameters of the vision tower. */
  readonly towerParameters: number;
  /** Parameters of the projector that maps image features into the text model. */
  readonly projectorParameters: number;
  /**
   * How an image becomes tokens: a fixed count per image, or (Qwen2-VL) one token per
   * `tokenPixels × tokenPixels` patch of the resized image, or (Llama-4) a fixed count per
   * `tilePixels` tile plus one global tile.
   */
  readonly imageTokens:
    | { readonly kind: "fixed"; readonly tokensPerImage: number }
    | { readonly kind: "patches"; readonly tokenPixels: number }
    | { readonly kind: "tiles"; readonly tilePixels: number; readonly tokensPerTile: number };
}

/**
 * Family-specific tensors outside the standard components (BERT's token-type table and
 * pooler, a masked-LM head, BLOOM's embedding LayerNorm), named so the count explains itself.
 */
export interface ExtraParameters {
  /** What the tensors are, e.g. `"pooler"`. */
  readonly name: string;
  /** How many parameters they hold. */
  readonly parameters: number;
}

/**
 * How a pre-quantized checkpoint stores its weights, read from `quantization_config`.
 * Its presence means the weights are already quantized: a what-if precision does not apply.
 */
export interface CheckpointQuantization {
  /** `quant_method` as the config spells it: "awq", "gptq", "bitsandbytes", "fp8", "compressed-tensors", "mxfp4", ... */
  readonly method: string;
  /** Bits per quantized weight. */
  readonly bits: number;
  /** Weights sharing one scale, when the method groups them. */
  readonly groupSize?: number | undefined;
  /** Human name, e.g. `"AWQ 4-bit, group 128"`. */
  readonly label?: string | undefined;
  /**
   * Stored bits per quantized weight with its scales and zero points, e.g.
   * 4 + (16 + 4) / 128 = 4.156 for AWQ/GPTQ group 128. See docs/methodology.md#pre-quantized-checkpoints.
   */
  readonly bitsPerQuantizedParameter?: number | undefined;
  /**
   * Which weights the method quantizes: every linear projection of the decoder (`"linear"`,
   * AWQ, GPTQ, bitsandbytes, FP8), or only the routed experts (`"experts"`, MXFP4).
   * Embeddings, the LM head, norms, routers and the vision tower stay in 16-bit.
   */
  readonly scope?: "linear" | "experts" | undefined;
  /**
   * Module names the config keeps unquantized (`modules_to_not_convert`, `ignore`,
   * `exclude_modules`, ...), as written.
   */
  readonly modulesNotQuantized?: readonly string[] | undefined;
  /**
   * Parameters inside `scope` that those modules keep in 16-bit, resolved layer by layer
   * (attention kept in BF16, first and last layers, one expert); 0 or absent when none.
   * See docs/methodology.md#partial-quantization.
   */
  readonly unquantizedParameters?: number | undefined;
}

/**
 * A model normalized from any config.json dialect: camelCase, aliases resolved,
 * defaults applied (and listed in `approximations` where they are guesses).
 */
export interface ModelSpec {
  /** First entry of `architectures`, e.g. `"LlamaForCausalLM"`. */
  readonly architecture: string | undefined;
  /** The text model's `model_type`, e.g. `"llama"` (for LLaVA, the nested text model's). */
  readonly modelType: string | undefined;
  /** Decoder layers. */
  readonly numLayers: number;
  /** Width of the residual stream. */
  readonly hiddenSize: number;
  /** Query heads. */
  readonly numAttentionHeads: number;
  /** Key/value heads: equal to the query heads for MHA, fewer for GQA, 1 for MQA. */
  readonly numKeyValueHeads: number;
  /** Width of one attention head (explicit `head_dim`, else hidden size / heads). */
  readonly headDim: number;
  /** Width of the MLP's hidden layer. */
  readonly intermediateSize: number;
  /** Rows of the token embedding. */
  readonly vocabSize: number;
  /** Whether the LM head shares the embedding matrix (counted once). */
  readonly tieWordEmbeddings: boolean;
  /** Longest sequence the model was built for, when the config says. */
  readonly maxPositionEmbeddings: number | undefined;
  /** The dtype the checkpoint is stored in, when the config says. */
  readonly torchDtype: TorchDtype | undefined;
  /** Mixture-of-experts layers, when the model has them (features/moe.ts). */
  readonly moe?: MixtureOfExperts | undefined;
  /** Multi-head latent attention, when the model uses it (then `numKeyValueHeads` is not what the cache holds; features/mla.ts). */
  readonly mla?: MultiHeadLatentAttention | undefined;
  /** Attention layers by kind; absent means every one of `numLayers` attends fully (features/windowed.ts). */
  readonly attentionLayers?: AttentionLayers | undefined;
  /** Head settings of the full-attention layers when they differ (Gemma-4; features/windowed.ts). */
  readonly globalAttention?: GlobalAttention | undefined;
  /** The rotary embeddings the model builds, when it uses RoPE (features/rotary.ts). */
  readonly rotary?: readonly RotaryEmbedding[] | undefined;
  /** Tokens a sliding-window layer attends to (`sliding_window`), when some layers slide. */
  readonly slidingWindow?: number | undefined;
  /** Tokens per chunk of a chunked-attention layer (Llama-4 `attention_chunk_size`). */
  readonly attentionChunkSize?: number | undefined;
  /** Mamba / linear-attention layers, when the model is hybrid or state-space (features/state-space/). */
  readonly stateSpace?: StateSpaceLayers | undefined;
  /** Layers with a dense MLP of `intermediateSize`; absent means every layer that is not MoE. */
  readonly denseMlpLayers?: number | undefined;
  /** Vision tower and projector, when the model reads images (features/vision/). */
  readonly vision?: VisionEncoder | undefined;
  /** An encoder (BERT): every token attends to every other once, nothing is cached between steps. */
  readonly encoderOnly?: boolean | undefined;
  /** Family-specific tensors outside the standard components. */
  readonly extraParameters?: readonly ExtraParameters[] | undefined;
  /** How the checkpoint is quantized, when it is (`quantization_config`; features/quantized.ts). */
  readonly quantization?: CheckpointQuantization | undefined;
  /** Family facts used to count parameters. */
  readonly layout: ArchitectureLayout;
  /** Guesses made while normalizing (unknown family, a default taken from transformers), for the reader. */
  readonly approximations: readonly string[];
}
