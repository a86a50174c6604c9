import type { ModelSpec } from "../model/model-spec.js";

/**
 * Bytes of the constant per-sequence state of Mamba / linear-attention layers, for
 * `batchSize` sequences: `layers × (conv values × activation bytes + recurrent values × 4) ×
 * batch`. The convolution state is kept in the activation dtype (2 bytes, 4 for FP32
 * weights); the recurrent SSM state in FP32, as Mamba kernels keep it for stability
 * (formulas.md §2.4). It does not grow with context. See docs/methodology.md#hybrid-and-state-space-layers.
 */
export function stateCacheBytes(
  spec: ModelSpec,
  options: { readonly batchSize: number; readonly activationBytes: number },
): number {
  const layers = spec.stateSpace;
  if (layers === undefined) return 0;
  const perSequence =
    layers.numLayers *
    (layers.convStateElements * options.activationBytes + layers.recurrentStateElements * 4);
  return perSequence * options.batchSize;
}
