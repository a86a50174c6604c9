import type { GlobalAttention, ModelSpec } from "../../model-spec.js";

/**
 * Parameters of the standard decoder layer: multi-head attention (MHA, GQA, MQA), a dense MLP
 * and its norms. Every other feature counts what it replaces or adds; `countParameters`
 * (model/parameters.ts) adds them up. See docs/methodology.md#parameters.
 */

/**
 * Parameters of one standard attention layer: q and o are `hidden × heads·headDim`, k and v
 * are `hidden × kvHeads·headDim` (GQA makes them narrower), plus biases, per-head q/k norms,
 * attention sinks and a query gate where the family has them. A full-attention layer with its
 * own head settings (Gemma-4) passes them as `heads`; its keys may double as values (no
 * `v_proj`). MLA layers count their latent projections instead (features/mla.ts).
 * See docs/methodology.md#parameters.
 */
export function attentionParametersPerLayer(
  spec: ModelSpec,
  heads: GlobalAttention = { numKeyValueHeads: spec.numKeyValueHeads, headDim: spec.headDim },
): number {
  const queryWidth = spec.numAttentionHeads * heads.headDim;
  const keyValueWidth = heads.numKeyValueHeads * heads.headDim;
  const keyValueProjections = heads.keyIsValue === true ? 1 : 2;
  const { layout } = spec;
  const queryProjection = layout.gatedQuery === true ? 2 * queryWidth : queryWidth;
  const projections =
    spec.hiddenSize * (queryProjection + queryWidth + keyValueProjections * keyValueWidth);
  const qkvBias = layout.qkvBias ? queryWidth + keyValueProjections * keyValueWidth : 0;
  const outputBias = layout.outputBias ? spec.hiddenSize : 0;
  const qkNorm = layout.qkNorm ? 2 * heads.headDim : 0;
  const sinks = layout.attentionSinks === true ? spec.numAttentionHeads : 0;
  return projections + qkvBias + outputBias + qkNorm + sinks;
}

/**
 * Parameters of one MLP of a given width: three `hidden × width` matrices when gated
 * (gate, up, down), two when plain (up, down), plus biases where the family has them.
 * Dense MLPs, shared experts and routed experts are all counted with it.
 */
export function mlpParameters(spec: ModelSpec, width: number, bias = spec.layout.mlpBias): number {
  const { hiddenSize, layout } = spec;
  if (layout.mlp === "gated") return 3 * hiddenSize * width + (bias ? 2 * width + hiddenSize : 0);
  return 2 * hiddenSize * width + (bias ? width + hiddenSize : 0);
}

/**
 * Parameters of one dense decoder layer's MLP (`intermediateSize` wide).
 * See docs/methodology.md#parameters.
 */
export function mlpParametersPerLayer(spec: ModelSpec): number {
  return mlpParameters(spec, spec.intermediateSize);
}

/** Parameters of one norm layer: a weight vector, plus a bias vector for LayerNorm. */
export function normParameters(spec: ModelSpec): number {
  return spec.layout.norm === "layernorm" ? 2 * spec.hiddenSize : spec.hiddenSize;
}
