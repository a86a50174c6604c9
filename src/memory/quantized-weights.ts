import {
  quantizedParameterCount,
  storedBitsPerQuantizedParameter,
} from "../model/features/quantized.js";
import type { CheckpointQuantization } from "../model/model-spec.js";
import type { ParameterBreakdown } from "../model/parameter-breakdown.js";

/**
 * Bytes of a pre-quantized checkpoint's weights: the quantized parameters at the method's
 * stored width (scales and zero points included), everything else at `otherBits` (16 for
 * the BF16/FP16 embeddings, LM head, norms, routers and vision tower these checkpoints keep).
 * Which parameters are quantized, and at what width, is model/features/quantized.ts's rule.
 * See docs/methodology.md#pre-quantized-checkpoints.
 */
export function checkpointWeightsBytes(
  parameters: ParameterBreakdown,
  quantization: CheckpointQuantization,
  otherBits = 16,
): number {
  const quantized = quantizedParameterCount(parameters, quantization);
  const bits = storedBitsPerQuantizedParameter(quantization);
  return (quantized * bits + (parameters.total - quantized) * otherBits) / 8;
}
