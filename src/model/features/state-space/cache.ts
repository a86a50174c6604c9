import type { StateSpaceLayers } from "../../model-spec.js";

/**
 * Bytes of one recurrent-state value: Mamba kernels keep the SSM / delta-rule state in FP32
 * for stability, whatever the weights' dtype (docs/methodology.md, "Hybrid and state-space layers").
 */
export const RECURRENT_STATE_BYTES = 4;

/**
 * Bytes of the constant state one sequence keeps in the state-space layers:
 * `layers × (conv values × activation bytes + recurrent values × 4)`. The convolution state
 * is kept in the activation dtype (2 bytes, 4 for FP32 weights), the recurrent state in FP32.
 * It does not grow with context; memory/state-cache.ts multiplies it by the batch.
 * See docs/methodology.md#hybrid-and-state-space-layers.
 */
export function stateBytesPerSequence(layers: StateSpaceLayers, activationBytes: number): number {
  return (
    layers.numLayers *
    (layers.convStateElements * activationBytes +
      layers.recurrentStateElements * RECURRENT_STATE_BYTES)
  );
}
