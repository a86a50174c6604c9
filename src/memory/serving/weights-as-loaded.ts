import { MARLIN_MXFP4_PADDING } from "./engine-rules.js";
import { roundUp } from "./kv-pages.js";
import { rotaryCacheBytes } from "./profile-run.js";
import type { ServingModel } from "./serving-model.js";
import type { ServingGpu, ServingParallel } from "./serving-types.js";

/** One GPU's weights as an engine loads them, and what makes them differ from the checkpoint. */
export interface WeightsAsLoaded {
  /** Bytes on the GPU with the largest share. */
  readonly bytes: number;
  /** The rotary cos/sin cache in them (replicated on every GPU). */
  readonly rotaryCacheBytes: number;
  /** Padding vLLM's Marlin kernel adds to MXFP4 experts on GPUs without FP4 (all GPUs together). */
  readonly mxfp4PaddingBytes: number;
}

/**
 * One GPU's weights as vLLM or SGLang loads them: the model's weights (plus a fallback's extra
 * bytes) split over `tp` ranks and the largest pipeline stage's share of the layers, the MXFP4
 * experts padded for Marlin on GPUs without native FP4 (gpt-oss-120b on H100: 60.71 → 65.84 GiB;
 * logged 65.97), and the rotary cos/sin cache, which every GPU holds whole.
 */
export function weightsAsLoaded(
  model: ServingModel,
  gpu: ServingGpu,
  parallel: ServingParallel,
): WeightsAsLoaded {
  const mxfp4PaddingBytes = gpu.nativeFp4 ? 0 : marlinMxfp4PaddingBytes(model);
  const stageShare =
    parallel.pipelineParallel === 1
      ? 1
      : Math.ceil(model.numLayers / parallel.pipelineParallel) / model.numLayers;
  const sharded =
    ((model.weightsBytes + parallel.extraWeightsBytes + mxfp4PaddingBytes) /
      parallel.tensorParallel) *
    stageShare;
  const rotary = rotaryCacheBytes(model);
  return {
    bytes: Math.ceil(sharded) + rotary,
    rotaryCacheBytes: rotary,
    mxfp4PaddingBytes,
  };
}

/**
 * Bytes vLLM's Marlin MXFP4 MoE kernel adds by padding every expert's width to a multiple of 128
 * and the hidden size to a multiple of 256 (`n % 256 == 0 and k % 128 == 0`): the experts' bytes
 * × (padded width × padded hidden / (width × hidden) − 1). 0 for models without MXFP4 experts.
 */
export function marlinMxfp4PaddingBytes(model: ServingModel): number {
  const moe = model.moe;
  if (model.mxfp4ExpertParameters === 0 || moe === null) return 0;
  const width = moe.expertIntermediateSize;
  const hidden = model.hiddenSize;
  const padded =
    roundUp(width, MARLIN_MXFP4_PADDING.intermediateMultiple) *
    roundUp(hidden, MARLIN_MXFP4_PADDING.hiddenMultiple);
  const expertBytes = (model.mxfp4ExpertParameters * model.mxfp4BitsPerParameter) / 8;
  return Math.ceil(expertBytes * (padded / (width * hidden) - 1));
}
