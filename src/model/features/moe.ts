import { InvalidConfigError } from "../../errors.js";
import type { ConfigReader } from "../config/config-reader.js";
import { allLayers, countSymbol, periodicLayers, type LayerRule } from "../config/layer-plan.js";
import type { MixtureOfExperts, ModelSpec } from "../model-spec.js";
import type { ParameterBreakdown } from "../parameter-breakdown.js";
import type { LinearModule } from "../weight-shapes.js";
import { LLAMA_MODULE_NAMES, mlpModules, type ModuleNames } from "./dense/modules.js";
import { mlpParameters } from "./dense/parameters.js";

/**
 * Mixture of experts (Mixtral, Qwen-MoE, DeepSeek, gpt-oss, Llama-4, Jamba, Granite-4,
 * Nemotron-H): in `numMoeLayers` layers the MLP is `numExperts` routed experts, of which each
 * token runs `expertsPerToken`, plus always-active shared experts. This file reads
 * `ModelSpec.moe` from config.json, counts the experts' and routers' parameters and lists their
 * LoRA modules. It has no cache rule: experts change the weights, not what a token caches.
 * See docs/methodology.md#mixture-of-experts.
 */

// Config: ModelSpec.moe from any of the Hub's dialects.

/** What the MoE reader needs besides the config fields. */
export interface MoeContext {
  readonly numLayers: number;
  readonly intermediateSize: number;
  /** Nemotron-H's `hybrid_override_pattern`, where `E` marks an MoE block. */
  readonly blockPattern?: string | undefined;
}

/**
 * Reads a mixture-of-experts section in any of the dialects on the Hub. Returns
 * `undefined` for dense models (no expert count, or a single expert as in Jamba's dense
 * variants). Which layers are MoE follows each family's rule:
 *
 * - DeepSeek (`first_k_dense_replace`, `moe_layer_freq`): layer i is MoE when i ≥ k and i % freq = 0;
 * - Qwen-MoE (`decoder_sparse_step`, `mlp_only_layers`): when i is not listed and (i + 1) % step = 0;
 * - Llama-4 (`interleave_moe_layer_step`): layers step−1, 2·step−1, …;
 * - Jamba (`expert_layer_period`, `expert_layer_offset`): when i % period = offset;
 * - Nemotron-H: the `E` blocks of its pattern;
 * - Gemma-4 (`enable_moe_block`, `top_k_experts`): every layer, beside its dense MLP;
 *   otherwise every layer.
 *
 * Shared experts: DeepSeek's `n_shared_experts` of `moe_intermediate_size` (Nemotron-H:
 * `moe_shared_expert_intermediate_size`); Qwen's one
 * `shared_expert_intermediate_size` expert; Llama-4's one expert of `intermediate_size`;
 * Granite-4's `shared_intermediate_size` MLP.
 *
 * @throws {InvalidConfigError} when the experts per token are missing.
 */
export function readMixtureOfExperts(
  reader: ConfigReader,
  context: MoeContext,
): MixtureOfExperts | undefined {
  const numExperts =
    reader.read("num_local_experts") ??
    reader.read("n_routed_experts") ??
    reader.read("num_experts");
  if (numExperts === undefined || numExperts <= 1) return undefined;
  const modelType = reader.modelType;
  // Gemma-4 builds its experts only with enable_moe_block (Gemma4TextDecoderLayer).
  const gemma4 = modelType === "gemma4_text";
  if (gemma4 && reader.read("enable_moe_block") !== true) return undefined;

  const expertsPerToken =
    reader.read("num_experts_per_tok") ??
    reader.read("experts_per_token") ??
    reader.read("top_k_experts");
  if (expertsPerToken === undefined || expertsPerToken < 1) {
    throw new InvalidConfigError({
      subject: reader.subject,
      path: `${reader.prefix}num_experts_per_tok`,
      problem: `${numExperts} experts but no positive count of experts per token`,
      aliases: ["num_experts_per_tok", "experts_per_token", "top_k_experts"],
    });
  }

  const moeWidth = reader.read("moe_intermediate_size") ?? reader.read("expert_intermediate_size");
  const expertIntermediateSize =
    moeWidth ?? reader.read("intermediate_size") ?? context.intermediateSize;

  let numSharedExperts = 0;
  let sharedExpertIntermediateSize = 0;
  const deepseekShared = reader.read("n_shared_experts");
  const qwenShared = reader.read("shared_expert_intermediate_size");
  const graniteShared = reader.read("shared_intermediate_size");
  if (deepseekShared !== undefined && deepseekShared > 0) {
    numSharedExperts = deepseekShared;
    // Nemotron-H names the shared expert's width; DeepSeek's shared experts are expert-wide.
    sharedExpertIntermediateSize =
      reader.read("moe_shared_expert_intermediate_size") ?? moeWidth ?? expertIntermediateSize;
  } else if (qwenShared !== undefined && qwenShared > 0) {
    numSharedExperts = 1;
    sharedExpertIntermediateSize = qwenShared;
  } else if (graniteShared !== undefined && graniteShared > 0) {
    numSharedExperts = 1;
    sharedExpertIntermediateSize = graniteShared;
  } else if (modelType === "llama4_text") {
    numSharedExperts = 1;
    sharedExpertIntermediateSize = expertIntermediateSize;
  }

  const isDeepseekStyle = reader.read("n_routed_experts") !== undefined;
  return {
    numExperts,
    expertsPerToken,
    expertIntermediateSize,
    numSharedExperts,
    sharedExpertIntermediateSize,
    numMoeLayers: moeLayerRule(reader, context).count,
    expertBias: modelType === "gpt_oss",
    routerBias: modelType === "gpt_oss",
    // DeepSeek-V3's noaux_tc routing and Nemotron-H keep a per-expert e_score_correction_bias.
    routerCorrectionBias:
      (isDeepseekStyle && reader.read("topk_method") === "noaux_tc") || modelType === "nemotron_h",
    sharedExpertGate: qwenShared !== undefined && qwenShared > 0,
    // Gemma-4: the experts run beside a dense MLP on every layer, and its router scales its
    // input per dimension and its output per expert (Gemma4TextRouter.scale, per_expert_scale).
    besideDenseMlp: gemma4,
    routerScale: gemma4,
  };
}

/**
 * Which layers are MoE, by the family rule of {@link readMixtureOfExperts}: a count in
 * closed form and a test for one layer (layer-by-layer quantization asks it of the layers a
 * config names).
 */
export function moeLayerRule(reader: ConfigReader, context: MoeContext): LayerRule {
  const layers = context.numLayers;
  const pattern = context.blockPattern;
  if (pattern !== undefined) {
    return { count: countSymbol(pattern, "E"), includes: (index) => pattern[index] === "E" };
  }

  const firstDense = reader.read("first_k_dense_replace");
  const frequency = reader.read("moe_layer_freq");
  if (firstDense !== undefined || frequency !== undefined) {
    return periodicLayers(layers, frequency ?? 1, 0, firstDense ?? 0);
  }
  const sparseStep = reader.read("decoder_sparse_step");
  const mlpOnly = reader.read("mlp_only_layers");
  if (sparseStep !== undefined || mlpOnly !== undefined) {
    const step = sparseStep ?? 1;
    const sparse = periodicLayers(layers, step, step - 1);
    // mlp_only_layers is at most the layer bound long (model-config.ts): one pass over it.
    const dense = new Set((mlpOnly ?? []).filter((index) => sparse.includes(index)));
    return {
      count: sparse.count - dense.size,
      includes: (index) => sparse.includes(index) && !dense.has(index),
    };
  }
  const interleave = reader.read("interleave_moe_layer_step");
  if (interleave !== undefined) return periodicLayers(layers, interleave, interleave - 1);
  const period = reader.read("expert_layer_period");
  if (period !== undefined) {
    return periodicLayers(layers, period, reader.read("expert_layer_offset") ?? 0);
  }
  return allLayers(layers);
}

// Parameters: memory holds every expert; each token runs only some.

/**
 * Parameters of one MoE layer's routed experts: `numExperts` MLPs of
 * `expertIntermediateSize` (gated: gate, up, down), with biases where the family has them
 * (gpt-oss). Memory holds all of them. See docs/methodology.md#mixture-of-experts.
 */
export function routedExpertParametersPerLayer(spec: ModelSpec, moe: MixtureOfExperts): number {
  return moe.numExperts * mlpParameters(spec, moe.expertIntermediateSize, moe.expertBias === true);
}

/** Parameters of one MoE layer's always-active shared experts (DeepSeek, Qwen2-MoE, Llama-4). */
export function sharedExpertParametersPerLayer(spec: ModelSpec, moe: MixtureOfExperts): number {
  return moe.numSharedExperts * mlpParameters(spec, moe.sharedExpertIntermediateSize);
}

/** Routed plus shared expert parameters of one MoE layer (the router is counted apart). */
export function moeParametersPerLayer(spec: ModelSpec, moe: MixtureOfExperts): number {
  return routedExpertParametersPerLayer(spec, moe) + sharedExpertParametersPerLayer(spec, moe);
}

/**
 * Parameters of one MoE layer's router: a `hidden × numExperts` gate, plus its bias
 * (gpt-oss), DeepSeek-V3's per-expert score-correction bias, Qwen's `hidden × 1`
 * shared-expert gate and Gemma-4's input and per-expert scales where present.
 */
export function routerParametersPerLayer(spec: ModelSpec, moe: MixtureOfExperts): number {
  const gate = spec.hiddenSize * moe.numExperts;
  const bias = moe.routerBias === true ? moe.numExperts : 0;
  const correction = moe.routerCorrectionBias === true ? moe.numExperts : 0;
  const sharedGate =
    moe.sharedExpertGate === true && moe.numSharedExperts > 0 ? spec.hiddenSize : 0;
  const scales = moe.routerScale === true ? spec.hiddenSize + moe.numExperts : 0;
  return gate + bias + correction + sharedGate + scales;
}

/**
 * Parameters each token runs through: every parameter except the routed experts the
 * router does not pick, i.e. `total − routedExperts × (1 − expertsPerToken / numExperts)`.
 * Embeddings, attention, shared experts, routers and the LM head are all active. This
 * decides FLOPs and bandwidth per token, never memory (all experts stay resident).
 *
 * OpenAI (gpt-oss) and DeepSeek publish active counts without the embedding table (a
 * lookup, not a matmul): compare theirs with `active − breakdown.embedding`.
 * See docs/methodology.md#mixture-of-experts.
 */
export function activeParameters(spec: ModelSpec, breakdown: ParameterBreakdown): number {
  const moe = spec.moe;
  if (moe === undefined || moe.numExperts === 0) return breakdown.total;
  const idleShare = 1 - Math.min(moe.expertsPerToken, moe.numExperts) / moe.numExperts;
  return breakdown.total - breakdown.routedExperts * idleShare;
}

// LoRA modules: the router, every routed expert and the shared experts.

/** Mixtral names its expert projections w1 (gate), w3 (up) and w2 (down) (modeling_mixtral.py). */
const MIXTRAL_EXPERT_NAMES: ModuleNames = {
  ...LLAMA_MODULE_NAMES,
  gate: "w1",
  up: "w3",
  down: "w2",
};

/** Layers whose MLP is a mixture of experts. */
export function moeLayerCount(spec: ModelSpec): number {
  return spec.moe === undefined ? 0 : Math.min(spec.moe.numMoeLayers, spec.numLayers);
}

/**
 * The projections of the MoE layers: the router (`gate`, `hidden → experts`, no bias), every
 * routed expert (`experts.*`, Mixtral's w1/w3/w2) and the shared experts (`shared_experts.*`).
 * A routed expert sees `expertsPerToken / numExperts` of the layer's tokens.
 */
export function moeModules(spec: ModelSpec, moe: MixtureOfExperts): LinearModule[] {
  const moeLayers = moeLayerCount(spec);
  if (moeLayers === 0) return [];
  const expertNames = spec.modelType === "mixtral" ? MIXTRAL_EXPERT_NAMES : LLAMA_MODULE_NAMES;
  return [
    {
      name: "gate",
      targets: ["router"],
      inFeatures: spec.hiddenSize,
      outFeatures: moe.numExperts,
      bias: false,
      instances: moeLayers,
      layers: moeLayers,
      tokenShare: 1,
      component: "mlp",
      layerKind: "moe",
    },
    ...mlpModules(
      spec,
      expertNames,
      "experts.",
      moe.expertIntermediateSize,
      moeLayers,
      moe.numExperts,
      moe.numExperts > 0 ? moe.expertsPerToken / moe.numExperts : 0,
    ),
    ...mlpModules(
      spec,
      LLAMA_MODULE_NAMES,
      "shared_experts.",
      moe.sharedExpertIntermediateSize,
      moeLayers,
      moe.numSharedExperts,
      1,
    ),
  ];
}
