import type { ArchitectureLayout } from "./model-spec.js";

/** What vramfit knows about one `model_type` beyond what its config.json says. */
export interface FamilyFacts {
  /** Layer layout used for counting parameters (the position table's size comes from the config). */
  readonly layout: Omit<ArchitectureLayout, "learnedPositionEmbeddings">;
  /** Whether the model learns an absolute position table of `max_position_embeddings` rows. */
  readonly learnedPositions: boolean;
  /** The transformers config class's default for `tie_word_embeddings`, used when the file omits it. */
  readonly tieWordEmbeddingsDefault: boolean;
  /** Where the facts come from (the transformers modeling file). */
  readonly source: string;
}

const LLAMA_LAYOUT = {
  mlp: "gated",
  norm: "rmsnorm",
  normsPerLayer: 2,
  qkvBias: false,
  outputBias: false,
  mlpBias: false,
  qkNorm: false,
} as const satisfies FamilyFacts["layout"];

const TRANSFORMERS =
  "https://github.com/huggingface/transformers/blob/main/src/transformers/models";

/**
 * Families whose parameter count vramfit computes exactly, keyed by `model_type`.
 * Each row names the transformers modeling file its layout was read from.
 */
export const DENSE_FAMILIES = {
  // input_layernorm + post_attention_layernorm; q/k/v/o bias = attention_bias (default false).
  llama: {
    layout: LLAMA_LAYOUT,
    learnedPositions: false,
    tieWordEmbeddingsDefault: false,
    source: `${TRANSFORMERS}/llama/modeling_llama.py`,
  },
  mistral: {
    layout: LLAMA_LAYOUT,
    learnedPositions: false,
    tieWordEmbeddingsDefault: false,
    source: `${TRANSFORMERS}/mistral/modeling_mistral.py`,
  },
  // Qwen2 has biases on q, k and v but not on o.
  qwen2: {
    layout: { ...LLAMA_LAYOUT, qkvBias: true },
    learnedPositions: false,
    tieWordEmbeddingsDefault: false,
    source: `${TRANSFORMERS}/qwen2/modeling_qwen2.py`,
  },
  // Qwen3 drops the q/k/v biases and adds per-head RMSNorm on q and k.
  qwen3: {
    layout: { ...LLAMA_LAYOUT, qkNorm: true },
    learnedPositions: false,
    tieWordEmbeddingsDefault: false,
    source: `${TRANSFORMERS}/qwen3/modeling_qwen3.py`,
  },
  gemma: {
    layout: LLAMA_LAYOUT,
    learnedPositions: false,
    tieWordEmbeddingsDefault: true,
    source: `${TRANSFORMERS}/gemma/modeling_gemma.py`,
  },
  // Gemma-2 adds pre- and post-feedforward norms: four RMSNorms per layer.
  gemma2: {
    layout: { ...LLAMA_LAYOUT, normsPerLayer: 4 },
    learnedPositions: false,
    tieWordEmbeddingsDefault: true,
    source: `${TRANSFORMERS}/gemma2/modeling_gemma2.py`,
  },
  // Gemma-3's text model: Gemma-2's four norms plus q/k norms.
  gemma3_text: {
    layout: { ...LLAMA_LAYOUT, normsPerLayer: 4, qkNorm: true },
    learnedPositions: false,
    tieWordEmbeddingsDefault: true,
    source: `${TRANSFORMERS}/gemma3/modeling_gemma3.py`,
  },
  // Phi-3 fuses qkv_proj and gate_up_proj; the parameter count equals the unfused layout.
  phi3: {
    layout: LLAMA_LAYOUT,
    learnedPositions: false,
    tieWordEmbeddingsDefault: false,
    source: `${TRANSFORMERS}/phi3/modeling_phi3.py`,
  },
  // GPT-2: Conv1D c_attn (h -> 3h) and c_proj with biases, plain GELU MLP with biases,
  // LayerNorm with bias, learned position table of n_positions rows, tied head.
  gpt2: {
    layout: {
      mlp: "plain",
      norm: "layernorm",
      normsPerLayer: 2,
      qkvBias: true,
      outputBias: true,
      mlpBias: true,
      qkNorm: false,
    },
    learnedPositions: true,
    tieWordEmbeddingsDefault: true,
    source: `${TRANSFORMERS}/gpt2/modeling_gpt2.py`,
  },
} as const satisfies Record<string, FamilyFacts>;

/** A `model_type` vramfit knows exactly. */
export type DenseFamily = keyof typeof DENSE_FAMILIES;

/** Facts for a `model_type`, or `undefined` when vramfit does not know the family. */
export function familyFacts(modelType: string | undefined): FamilyFacts | undefined {
  if (modelType === undefined || !Object.hasOwn(DENSE_FAMILIES, modelType)) return undefined;
  return DENSE_FAMILIES[modelType as DenseFamily];
}

/** The facts assumed for a family vramfit does not know: Llama's, the most common shape on the Hub. */
export const FALLBACK_FAMILY: FamilyFacts = DENSE_FAMILIES.llama;
