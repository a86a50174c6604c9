import type { CheckpointQuantization } from "../model/model-spec.js";
import type { ParameterBreakdown } from "../model/parameter-breakdown.js";

/**
 * Bytes of a pre-quantized checkpoint's weights: the quantized parameters at the method's
 * stored width (scales and zero points included), everything else at `otherBits` (16 for
 * the BF16/FP16 embeddings, LM head, norms, routers and vision tower these checkpoints keep).
 * The quantized parameters are the linear projections (attention, MLP and experts,
 * state-space mixers) or, for gpt-oss' MXFP4, the routed experts only.
 * See docs/methodology.md#pre-quantized-checkpoints.
 */
export function checkpointWeightsBytes(
  parameters: ParameterBreakdown,
  quantization: CheckpointQuantization,
  otherBits = 16,
): number {
  const quantized =
    quantization.scope === "experts"
      ? parameters.routedExperts
      : parameters.attention + parameters.mlp + parameters.stateSpace;
  const bits = quantization.bitsPerQuantizedParameter ?? quantization.bits;
  return (quantized * bits + (parameters.total - quantized) * otherBits) / 8;
}
