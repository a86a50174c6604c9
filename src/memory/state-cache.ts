import { stateBytesPerSequence } from "../model/features/state-space/cache.js";
import type { ModelSpec } from "../model/model-spec.js";

/**
 * Bytes of the constant per-sequence state of Mamba / linear-attention layers, for
 * `batchSize` sequences: model/features/state-space/cache.ts's bytes per sequence × batch
 * (vLLM reserves one state slot per concurrent sequence). 0 for a model without such layers.
 * See docs/methodology.md#hybrid-and-state-space-layers.
 */
export function stateCacheBytes(
  spec: ModelSpec,
  options: { readonly batchSize: number; readonly activationBytes: number },
): number {
  const layers = spec.stateSpace;
  if (layers === undefined) return 0;
  return stateBytesPerSequence(layers, options.activationBytes) * options.batchSize;
}
