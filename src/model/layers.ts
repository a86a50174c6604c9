import type { AttentionLayers, ModelSpec } from "./model-spec.js";

/**
 * Attention layers by kind. A spec without `attentionLayers` attends fully in every one of
 * its `numLayers` layers (a plain decoder).
 */
export function attentionLayers(spec: ModelSpec): AttentionLayers {
  return spec.attentionLayers ?? { full: spec.numLayers, sliding: 0, chunked: 0 };
}

/** Layers with self-attention (and so with a KV cache in a decoder): full + sliding + chunked. */
export function attentionLayerCount(spec: ModelSpec): number {
  const layers = attentionLayers(spec);
  return layers.full + layers.sliding + layers.chunked;
}

/** Layers with a dense MLP of `intermediateSize`: every layer that is not MoE, unless the spec says otherwise. */
export function denseMlpLayerCount(spec: ModelSpec): number {
  return spec.denseMlpLayers ?? spec.numLayers - (spec.moe?.numMoeLayers ?? 0);
}
