import type { ParameterBreakdown } from "../model/parameter-breakdown.js";
import { WEIGHT_PRECISIONS, type WeightPrecision } from "./precision.js";

/**
 * Bytes of the model's weights at a precision: the projections (attention, MLP and experts,
 * state-space mixers) at the precision's linear width, everything else (embeddings, LM
 * head, norms, routers, vision tower) at its other width, i.e.
 * `linear × linearBits / 8 + rest × otherBits / 8`. For plain precisions both
 * widths are equal and this is `parameters × bytes per parameter`.
 * See docs/methodology.md#weights.
 */
export function weightsBytes(parameters: ParameterBreakdown, precision: WeightPrecision): number {
  const spec = WEIGHT_PRECISIONS[precision];
  const linear = parameters.attention + parameters.mlp + parameters.stateSpace;
  const other = parameters.total - linear;
  // Whole bytes, rounded up (a packed 4-bit tensor of odd length still takes its last byte).
  return Math.ceil((linear * spec.linearBitsPerParameter + other * spec.otherBitsPerParameter) / 8);
}

/**
 * Bytes of `parameterCount` parameters stored uniformly at a precision's linear width.
 * Used when only a total is known (a caller's override), so the embedding share is unknown.
 */
export function uniformWeightsBytes(parameterCount: number, precision: WeightPrecision): number {
  return Math.ceil((parameterCount * WEIGHT_PRECISIONS[precision].linearBitsPerParameter) / 8);
}
