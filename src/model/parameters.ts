import type { ModelSpec } from "./model-spec.js";

/**
 * A model's parameters by component. `linear` (attention + MLP projections, with their
 * biases) is what weight-only quantization compresses; embeddings, the LM head and norms
 * usually stay in 16-bit.
 */
export interface ParameterBreakdown {
  /** Token embedding (`vocab × hidden`). */
  readonly embedding: number;
  /** Learned absolute position table (GPT-2); 0 for rotary models. */
  readonly positionEmbedding: number;
  /** q, k, v and output projections of all layers, with biases and q/k norms. */
  readonly attention: number;
  /** MLP projections of all layers, with biases. */
  readonly mlp: number;
  /** Layer norms of all layers plus the final norm. */
  readonly norms: number;
  /** Untied LM head (`vocab × hidden`); 0 when tied to the embedding. */
  readonly lmHead: number;
  /** Sum of the components. */
  readonly total: number;
}

/**
 * Parameters of one decoder layer's attention: q and o are `hidden × heads·headDim`,
 * k and v are `hidden × kvHeads·headDim` (GQA makes them narrower), plus biases and
 * per-head q/k norms where the family has them. See docs/methodology.md#parameters.
 */
export function attentionParametersPerLayer(spec: ModelSpec): number {
  const queryWidth = spec.numAttentionHeads * spec.headDim;
  const keyValueWidth = spec.numKeyValueHeads * spec.headDim;
  const { layout } = spec;
  const projections = spec.hiddenSize * (2 * queryWidth + 2 * keyValueWidth);
  const qkvBias = layout.qkvBias ? queryWidth + 2 * keyValueWidth : 0;
  const outputBias = layout.outputBias ? spec.hiddenSize : 0;
  const qkNorm = layout.qkNorm ? 2 * spec.headDim : 0;
  return projections + qkvBias + outputBias + qkNorm;
}

/**
 * Parameters of one decoder layer's MLP: three `hidden × intermediate` matrices when
 * gated (gate, up, down), two when plain (up, down), plus biases where the family has
 * them. See docs/methodology.md#parameters.
 */
export function mlpParametersPerLayer(spec: ModelSpec): number {
  const { hiddenSize, intermediateSize, layout } = spec;
  if (layout.mlp === "gated") {
    const bias = layout.mlpBias ? 2 * intermediateSize + hiddenSize : 0;
    return 3 * hiddenSize * intermediateSize + bias;
  }
  const bias = layout.mlpBias ? intermediateSize + hiddenSize : 0;
  return 2 * hiddenSize * intermediateSize + bias;
}

/** Parameters of one norm layer: a weight vector, plus a bias vector for LayerNorm. */
export function normParameters(spec: ModelSpec): number {
  return spec.layout.norm === "layernorm" ? 2 * spec.hiddenSize : spec.hiddenSize;
}

/**
 * Counts a model's parameters from its spec, component by component: embeddings,
 * attention (GQA-aware), MLP, norms and an untied LM head. Matches the published
 * counts of the dense fixtures exactly (see docs/accuracy.md).
 *
 * @example
 * countParameters(llama3_8b).total // 8_030_261_248
 */
export function countParameters(spec: ModelSpec): ParameterBreakdown {
  const embedding = spec.vocabSize * spec.hiddenSize;
  const positionEmbedding = spec.layout.learnedPositionEmbeddings * spec.hiddenSize;
  const attention = spec.numLayers * attentionParametersPerLayer(spec);
  const mlp = spec.numLayers * mlpParametersPerLayer(spec);
  const norms = (spec.numLayers * spec.layout.normsPerLayer + 1) * normParameters(spec);
  const lmHead = spec.tieWordEmbeddings ? 0 : spec.vocabSize * spec.hiddenSize;
  return {
    embedding,
    positionEmbedding,
    attention,
    mlp,
    norms,
    lmHead,
    total: embedding + positionEmbedding + attention + mlp + norms + lmHead,
  };
}
