import {
  attentionParametersPerLayer,
  mlpParametersPerLayer,
  normParameters,
} from "./features/dense/parameters.js";
import { mlaParametersPerLayer } from "./features/mla.js";
import {
  moeParametersPerLayer,
  routedExpertParametersPerLayer,
  routerParametersPerLayer,
} from "./features/moe.js";
import { attentionLayers, denseMlpLayerCount } from "./layers.js";
import type { ModelSpec } from "./model-spec.js";
import type { ParameterBreakdown } from "./parameter-breakdown.js";

// The parameter count composes the features' per-layer counts (model/features); state-space
// mixers and vision towers arrive already counted in the spec (their readers count them).

/**
 * Parameters of one attention layer of a kind: MLA's latent projections when the model has
 * them; a full-attention layer with its own head settings (Gemma-4's `globalAttention`);
 * else standard attention.
 */
export function attentionParametersAt(
  spec: ModelSpec,
  kind: "full" | "sliding" | "chunked",
): number {
  if (spec.mla !== undefined) return mlaParametersPerLayer(spec, spec.mla);
  const global = spec.globalAttention;
  if (kind === "full" && global !== undefined) {
    return attentionParametersPerLayer(spec, global);
  }
  return attentionParametersPerLayer(spec);
}

/**
 * Counts a model's parameters from its spec, component by component: embeddings,
 * attention (GQA- and MLA-aware), dense MLPs and experts (all of them: memory holds every
 * expert), routers, state-space mixers, norms, an untied LM head and a vision encoder.
 * Matches the published counts of the fixtures (see docs/accuracy.md).
 *
 * @example
 * countParameters(llama3_8b).total // 8_030_261_248
 */
export function countParameters(spec: ModelSpec): ParameterBreakdown {
  const embedding = spec.vocabSize * spec.hiddenSize;
  const positionEmbedding = spec.layout.learnedPositionEmbeddings * spec.hiddenSize;
  const kinds = attentionLayers(spec);
  const attention =
    kinds.full * attentionParametersAt(spec, "full") +
    kinds.sliding * attentionParametersAt(spec, "sliding") +
    kinds.chunked * attentionParametersAt(spec, "chunked");
  const moeLayers = spec.moe?.numMoeLayers ?? 0;
  const mlp =
    denseMlpLayerCount(spec) * mlpParametersPerLayer(spec) +
    (spec.moe === undefined ? 0 : moeLayers * moeParametersPerLayer(spec, spec.moe));
  const routedExperts =
    spec.moe === undefined ? 0 : moeLayers * routedExpertParametersPerLayer(spec, spec.moe);
  const router = spec.moe === undefined ? 0 : moeLayers * routerParametersPerLayer(spec, spec.moe);
  const stateSpace =
    spec.stateSpace === undefined
      ? 0
      : spec.stateSpace.numLayers * spec.stateSpace.parametersPerLayer;
  const norms = (spec.numLayers * spec.layout.normsPerLayer + 1) * normParameters(spec);
  const lmHead = spec.tieWordEmbeddings
    ? 0
    : spec.vocabSize * spec.hiddenSize + (spec.layout.headBias === true ? spec.vocabSize : 0);
  const vision =
    spec.vision === undefined ? 0 : spec.vision.towerParameters + spec.vision.projectorParameters;
  let other = 0;
  for (const extra of spec.extraParameters ?? []) other += extra.parameters;
  return {
    embedding,
    positionEmbedding,
    attention,
    mlp,
    routedExperts,
    router,
    stateSpace,
    norms,
    lmHead,
    vision,
    other,
    total:
      embedding +
      positionEmbedding +
      attention +
      mlp +
      router +
      stateSpace +
      norms +
      lmHead +
      vision +
      other,
  };
}
