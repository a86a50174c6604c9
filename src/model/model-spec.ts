/**
 * The normalized description of a model that every estimate works from. It is plain
 * data: build one by hand, or get one from `parseModelConfig(json)`.
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
  /** Mixture-of-experts layers, when the model has them. */
  readonly moe?: MixtureOfExperts | undefined;
  /** How the checkpoint is quantized, when it is (`quantization_config`). */
  readonly quantization?: CheckpointQuantization | undefined;
  /** Family facts used to count parameters. */
  readonly layout: ArchitectureLayout;
  /** Guesses made while normalizing (unknown family, a default taken from transformers), for the reader. */
  readonly approximations: readonly string[];
}
