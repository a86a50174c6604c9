import { ENGINE_CONSTANTS, FUSED_MOE_CHUNK_TOKENS } from "./engine-rules.js";
import type { ServingModel } from "./serving-model.js";

/**
 * The activation peak of a serving engine's profile run: vLLM runs one dummy forward pass of
 * `tokens` tokens spread over `rows` requests, then the sampler on one logit row per request,
 * and keeps the peak of PyTorch's allocator above the weights (docs/methodology.md#activation-peak).
 */

/**
 * Activation bytes of a dummy forward pass of `tokens` tokens on one GPU at tensor-parallel
 * degree `tp`: the largest of the layer kinds' peaks, each `tokens × 3 hidden-width copies`
 * (residual, hidden states, normed input) plus what the layer itself holds:
 * - a dense MLP: its `[tokens, 2 × width / tp]` gate_up output and `[tokens, width / tp]`
 *   activation (a plain MLP: `width / tp` twice);
 * - attention: the fused qkv output and the attention output of this rank's heads;
 * - an MoE layer: vLLM's fused-MoE buffers `[tokens, top-k, 2N / tp]`, `[tokens × top-k, N / tp]`
 *   and `[tokens, top-k, hidden]` (worked through in chunks of 65,536 tokens), plus the shared
 *   experts' MLP.
 *
 * Llama-3.1-8B at 20,000 tokens: 20,000 × 2 × (3 × 4,096 + 3 × 14,336) = 2.06 GiB (vLLM logs 2.07).
 */
export function forwardPeakBytes(model: ServingModel, tokens: number, tp: number): number {
  const a = model.activationBytes;
  const hidden = ENGINE_CONSTANTS.forwardHiddenCopies.value * model.hiddenSize * a;
  const mlpWidth = (width: number): number => ((model.gatedMlp ? 3 : 2) * width * a) / tp;

  const queryHeads = model.numAttentionHeads / tp;
  const kvHeads = Math.max(1, model.numKeyValueHeads / tp);
  const headWidth =
    model.mla === null ? model.headDim : model.mla.qkNopeHeadDim + model.mla.qkRopeHeadDim;
  const attention = ((queryHeads + 2 * kvHeads) * headWidth + queryHeads * headWidth) * a;

  let peak = tokens * (hidden + attention);
  if (model.denseMlpLayers > 0) {
    peak = Math.max(peak, tokens * (hidden + mlpWidth(model.intermediateSize)));
  }
  const moe = model.moe;
  if (moe !== null) {
    const n = moe.expertIntermediateSize / tp;
    const fused = moe.expertsPerToken * (3 * n + model.hiddenSize) * a;
    const moeBytes =
      tokens * (hidden + mlpWidth(moe.sharedIntermediateSize)) +
      Math.min(tokens, FUSED_MOE_CHUNK_TOKENS) * fused;
    peak = Math.max(peak, moeBytes);
  }
  return Math.ceil(peak);
}

/**
 * Sampler bytes of the profile run: `rows × vocab × 40 B`, the `[rows, vocab]` logits and the
 * copies the top-p/top-k sort keeps alive (ENGINE_CONSTANTS.samplerBytesPerLogit, fitted to six
 * vLLM logs). Gemma-3-4B at 1,024 rows: 1,024 × 262,208 × 40 = 10.0 GiB (vLLM logs 9.96).
 */
export function samplerPeakBytes(model: ServingModel, rows: number): number {
  return rows * model.vocabSize * ENGINE_CONSTANTS.samplerBytesPerLogit.value;
}
