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
  // Gemma-4's text model: Gemma-3's four norms and q/k norms (its v_norm has no weight); the
  // full-attention layers' own heads, the MoE block and layer_scalar are read in normalize.ts.
  gemma4_text: {
    layout: { ...LLAMA_LAYOUT, normsPerLayer: 4, qkNorm: true },
    learnedPositions: false,
    tieWordEmbeddingsDefault: true,
    source: `${TRANSFORMERS}/gemma4/modeling_gemma4.py`,
  },
  // The original Qwen (QWenLMHeadModel, remote code): c_attn (fused q, k, v) always has a
  // bias, c_proj and the MLP's w1, w2, c_proj have one unless no_bias; its MLP is
  // intermediate_size / 2 wide (modeling_qwen.py QWenMLP: ff_dim_in = intermediate_size // 2).
  qwen: {
    layout: { ...LLAMA_LAYOUT, qkvBias: true },
    learnedPositions: false,
    tieWordEmbeddingsDefault: false,
    source: "https://huggingface.co/Qwen/Qwen-7B/blob/main/modeling_qwen.py",
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

/** A dense `model_type` vramfit knows exactly. */
export type DenseFamily = keyof typeof DENSE_FAMILIES;

const PLAIN_WITH_BIASES = {
  mlp: "plain",
  norm: "layernorm",
  normsPerLayer: 2,
  qkvBias: true,
  outputBias: true,
  mlpBias: true,
  qkNorm: false,
} as const satisfies FamilyFacts["layout"];

/**
 * Every `model_type` vramfit counts exactly: the dense decoders above, mixture-of-experts,
 * MLA, hybrid state-space, multimodal text models, encoders and older decoders. MoE, MLA,
 * sliding-window, state-space and vision sections are read from the config's own fields
 * (src/model/features); these rows hold what the config does not say.
 */
export const ARCHITECTURE_FAMILIES = {
  ...DENSE_FAMILIES,
  // Mixtral: Mistral attention, block_sparse_moe of num_local_experts SwiGLU experts.
  mixtral: {
    layout: LLAMA_LAYOUT,
    learnedPositions: false,
    tieWordEmbeddingsDefault: false,
    source: `${TRANSFORMERS}/mixtral/modeling_mixtral.py`,
  },
  // Qwen2-MoE: Qwen2 attention (q/k/v biases), routed experts + one gated shared expert.
  qwen2_moe: {
    layout: { ...LLAMA_LAYOUT, qkvBias: true },
    learnedPositions: false,
    tieWordEmbeddingsDefault: false,
    source: `${TRANSFORMERS}/qwen2_moe/modeling_qwen2_moe.py`,
  },
  // Qwen3-MoE: Qwen3 attention (q/k norms), routed experts only.
  qwen3_moe: {
    layout: { ...LLAMA_LAYOUT, qkNorm: true },
    learnedPositions: false,
    tieWordEmbeddingsDefault: false,
    source: `${TRANSFORMERS}/qwen3_moe/modeling_qwen3_moe.py`,
  },
  // DeepSeek-V2/V3 and Kimi-K2 (which reuses DeepseekV3ForCausalLM): MLA + shared/routed experts.
  deepseek_v2: {
    layout: LLAMA_LAYOUT,
    learnedPositions: false,
    tieWordEmbeddingsDefault: false,
    source: `${TRANSFORMERS}/deepseek_v2/modeling_deepseek_v2.py`,
  },
  deepseek_v3: {
    layout: LLAMA_LAYOUT,
    learnedPositions: false,
    tieWordEmbeddingsDefault: false,
    source: `${TRANSFORMERS}/deepseek_v3/modeling_deepseek_v3.py`,
  },
  kimi_k2: {
    layout: LLAMA_LAYOUT,
    learnedPositions: false,
    tieWordEmbeddingsDefault: false,
    source: `${TRANSFORMERS}/deepseek_v3/modeling_deepseek_v3.py (Kimi-K2 ships DeepseekV3ForCausalLM)`,
  },
  // gpt-oss: biases on q/k/v/o, one attention-sink logit per head, experts with biases.
  gpt_oss: {
    layout: { ...LLAMA_LAYOUT, qkvBias: true, outputBias: true, attentionSinks: true },
    learnedPositions: false,
    tieWordEmbeddingsDefault: false,
    source: `${TRANSFORMERS}/gpt_oss/modeling_gpt_oss.py`,
  },
  // Llama-4 text: Llama attention (its q/k L2 norm has no weights), MoE with a shared expert.
  llama4_text: {
    layout: LLAMA_LAYOUT,
    learnedPositions: false,
    tieWordEmbeddingsDefault: false,
    source: `${TRANSFORMERS}/llama4/modeling_llama4.py`,
  },
  // Qwen2-VL / Qwen2.5-VL text models: Qwen2 layers.
  qwen2_vl: {
    layout: { ...LLAMA_LAYOUT, qkvBias: true },
    learnedPositions: false,
    tieWordEmbeddingsDefault: false,
    source: `${TRANSFORMERS}/qwen2_vl/modeling_qwen2_vl.py`,
  },
  qwen2_5_vl: {
    layout: { ...LLAMA_LAYOUT, qkvBias: true },
    learnedPositions: false,
    tieWordEmbeddingsDefault: false,
    source: `${TRANSFORMERS}/qwen2_5_vl/modeling_qwen2_5_vl.py`,
  },
  // Jamba: attention every attn_layer_period layers, Mamba elsewhere; MoE every other layer.
  jamba: {
    layout: LLAMA_LAYOUT,
    learnedPositions: false,
    tieWordEmbeddingsDefault: false,
    source: `${TRANSFORMERS}/jamba/modeling_jamba.py`,
  },
  // Nemotron-H: one block per pattern character (Mamba-2, attention or a ReLU² MLP), one norm each.
  nemotron_h: {
    layout: { ...LLAMA_LAYOUT, mlp: "plain", normsPerLayer: 1 },
    learnedPositions: false,
    tieWordEmbeddingsDefault: false,
    source: `${TRANSFORMERS}/nemotron_h/modeling_nemotron_h.py`,
  },
  // Granite-4 hybrid: Mamba-2 or attention per layer_types, a shared MLP (+ experts) on every layer.
  granitemoehybrid: {
    layout: LLAMA_LAYOUT,
    learnedPositions: false,
    tieWordEmbeddingsDefault: false,
    source: `${TRANSFORMERS}/granitemoehybrid/modeling_granitemoehybrid.py`,
  },
  // Pure Mamba (Mamba-1): one RMSNorm and one mixer per layer, no attention and no MLP.
  // FalconMamba's extra B/C/Δ norms have no weights (FalconMambaMixer's rms_forward).
  mamba: {
    layout: { ...LLAMA_LAYOUT, normsPerLayer: 1 },
    learnedPositions: false,
    tieWordEmbeddingsDefault: true,
    source: `${TRANSFORMERS}/mamba/modeling_mamba.py`,
  },
  falcon_mamba: {
    layout: { ...LLAMA_LAYOUT, normsPerLayer: 1 },
    learnedPositions: false,
    tieWordEmbeddingsDefault: true,
    source: `${TRANSFORMERS}/falcon_mamba/modeling_falcon_mamba.py`,
  },
  // Pure Mamba-2: one RMSNorm and one Mamba-2 mixer (with its gated RMSNorm) per layer.
  mamba2: {
    layout: { ...LLAMA_LAYOUT, normsPerLayer: 1 },
    learnedPositions: false,
    tieWordEmbeddingsDefault: false,
    source: `${TRANSFORMERS}/mamba2/modeling_mamba2.py`,
  },
  // Qwen3-Next: gated attention (q_proj doubled for the output gate, q/k norms) every
  // full_attention_interval layers, gated delta-net elsewhere, MoE with a gated shared expert.
  qwen3_next: {
    layout: { ...LLAMA_LAYOUT, qkNorm: true, gatedQuery: true },
    learnedPositions: false,
    tieWordEmbeddingsDefault: false,
    source: `${TRANSFORMERS}/qwen3_next/modeling_qwen3_next.py`,
  },
  // BERT: post-norm encoder with no final norm; its embedding LayerNorm fills that slot of the count.
  bert: {
    layout: PLAIN_WITH_BIASES,
    learnedPositions: true,
    tieWordEmbeddingsDefault: true,
    source: `${TRANSFORMERS}/bert/modeling_bert.py`,
  },
  // GPT-NeoX (Pythia): fused qkv with bias, plain GELU MLP with biases, untied embed_out.
  gpt_neox: {
    layout: PLAIN_WITH_BIASES,
    learnedPositions: false,
    tieWordEmbeddingsDefault: false,
    source: `${TRANSFORMERS}/gpt_neox/modeling_gpt_neox.py`,
  },
  // Falcon: biases and the norm count follow `bias`, `parallel_attn`, `new_decoder_architecture`.
  falcon: {
    layout: { ...PLAIN_WITH_BIASES, qkvBias: false, outputBias: false, mlpBias: false },
    learnedPositions: false,
    tieWordEmbeddingsDefault: true,
    source: `${TRANSFORMERS}/falcon/modeling_falcon.py`,
  },
  // MPT: no biases anywhere, LayerNorms without bias (a weight only, counted like RMSNorm), ALiBi.
  mpt: {
    layout: {
      ...PLAIN_WITH_BIASES,
      norm: "rmsnorm",
      qkvBias: false,
      outputBias: false,
      mlpBias: false,
    },
    learnedPositions: false,
    tieWordEmbeddingsDefault: true,
    source: `${TRANSFORMERS}/mpt/modeling_mpt.py`,
  },
  // Phi-1.5 / Phi-2 (PhiForCausalLM): attention and MLP run in parallel on one LayerNorm per layer;
  // q, k, v, dense (the output), fc1 and fc2 have biases, and so does the untied lm_head; MHA (no
  // GQA), partial rotary (partial_rotary_factor, read from the config). phi-1.5: 1,418,270,720.
  phi: {
    layout: { ...PLAIN_WITH_BIASES, normsPerLayer: 1, headBias: true },
    learnedPositions: false,
    tieWordEmbeddingsDefault: false,
    source: `${TRANSFORMERS}/phi/modeling_phi.py`,
  },
  // OPT: biases everywhere, learned positions with an offset of 2 rows, tied head.
  opt: {
    layout: PLAIN_WITH_BIASES,
    learnedPositions: true,
    tieWordEmbeddingsDefault: true,
    source: `${TRANSFORMERS}/opt/modeling_opt.py`,
  },
  // BLOOM: biases everywhere, ALiBi, an extra LayerNorm after the embedding, tied head.
  bloom: {
    layout: PLAIN_WITH_BIASES,
    learnedPositions: false,
    tieWordEmbeddingsDefault: true,
    source: `${TRANSFORMERS}/bloom/modeling_bloom.py`,
  },
} as const satisfies Record<string, FamilyFacts>;

/** A `model_type` vramfit knows exactly. */
export type ArchitectureFamily = keyof typeof ARCHITECTURE_FAMILIES;

/** Facts for a `model_type`, or `undefined` when vramfit does not know the family. */
export function familyFacts(modelType: string | undefined): FamilyFacts | undefined {
  if (modelType === undefined || !Object.hasOwn(ARCHITECTURE_FAMILIES, modelType)) return undefined;
  return ARCHITECTURE_FAMILIES[modelType as ArchitectureFamily];
}

/** Families with no attention at all: every layer is a state-space mixer with a constant state. */
export const PURE_STATE_SPACE_FAMILIES: ReadonlySet<string> = new Set([
  "mamba",
  "falcon_mamba",
  "mamba2",
]);

/** The facts assumed for a family vramfit does not know: Llama's, the most common shape on the Hub. */
export const FALLBACK_FAMILY: FamilyFacts = DENSE_FAMILIES.llama;

/**
 * The words that end the approximation recorded when a config's family is unknown and
 * {@link FALLBACK_FAMILY} sizes it, so estimates can tell that warning apart (code `UNKNOWN_FAMILY`).
 */
export const FALLBACK_FAMILY_NOTE =
  "parameters counted as a Llama-style decoder (gated MLP, RMSNorm) from its standard fields";
