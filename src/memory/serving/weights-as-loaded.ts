import { MXFP4_EXPERT_PADDING, type Mxfp4ExpertPadding } from "./engine-rules.js";
import { roundUp } from "./kv-pages.js";
import type { ServingModel } from "./serving-model.js";
import type { ServingGpu, ServingParallel } from "./serving-types.js";

/** One GPU's weights as an engine loads them, and what makes them differ from the checkpoint. */
export interface WeightsAsLoaded {
  /** Bytes on the GPU with the largest share. */
  readonly bytes: number;
  /** The rotary cos/sin cache in them (replicated on every GPU). */
  readonly rotaryCacheBytes: number;
  /**
   * Bytes vLLM's MXFP4 expert tensors add over the estimate's (all GPUs together): the kernel's
   * padding and the BF16 biases the estimate counts at 4.25 bits. 0 without MXFP4 experts.
   */
  readonly mxfp4ExtraBytes: number;
  /** The MXFP4 kernel whose padding is in {@link mxfp4ExtraBytes}, `null` without MXFP4 experts. */
  readonly mxfp4Kernel: Mxfp4ExpertPadding | null;
}

/**
 * One GPU's weights as vLLM or SGLang loads them: the model's weights (plus a fallback's extra
 * bytes) split over `tp` ranks and the largest pipeline stage's share of the layers, the MXFP4
 * experts as the kernel recreates them ({@link mxfp4ExpertsAsLoadedBytes}; gpt-oss-120b on an
 * H100: 60.71 → 65.91 GiB, logged 65.97), and the rotary cos/sin cache, which every GPU holds
 * whole (docs/methodology.md#vllm).
 */
export function weightsAsLoaded(
  model: ServingModel,
  gpu: ServingGpu,
  parallel: ServingParallel,
): WeightsAsLoaded {
  const tp = parallel.tensorParallel;
  const kernel = model.mxfp4Experts === null ? null : mxfp4KernelOn(gpu);
  const mxfp4ExtraBytes =
    model.mxfp4Experts === null || kernel === null
      ? 0
      : tp * mxfp4ExpertsAsLoadedBytes(model, kernel, tp) - model.mxfp4Experts.sizedBytes;
  const stageShare =
    parallel.pipelineParallel === 1
      ? 1
      : Math.ceil(model.numLayers / parallel.pipelineParallel) / model.numLayers;
  const sharded =
    ((model.weightsBytes + parallel.extraWeightsBytes + mxfp4ExtraBytes) / tp) * stageShare;
  const rotary = rotaryCacheBytes(model);
  return {
    bytes: Math.ceil(sharded) + rotary,
    rotaryCacheBytes: rotary,
    mxfp4ExtraBytes: Math.ceil(mxfp4ExtraBytes),
    mxfp4Kernel: kernel,
  };
}

/**
 * Bytes of the rotary cos/sin cache vLLM builds at model init and counts in "Loading model weights
 * took": the model's `rotaryCacheValues` (src/model/features/rotary.ts) in the model dtype.
 * Llama-3.1-8B: 131,072 × 128 × 2 = 32 MiB; Gemma-3-4B: (131,072 × 8 + 131,072) × 256 × 2 =
 * 576 MiB (docs/methodology.md#rotary-cossin-tables).
 */
export function rotaryCacheBytes(model: ServingModel): number {
  return model.rotaryCacheValues * model.activationBytes;
}

/**
 * The MXFP4 MoE kernel vLLM picks on a GPU (`get_mxfp4_backend`): FlashInfer's SM100 path on
 * compute capability 10.x, Marlin on other NVIDIA GPUs, none modelled elsewhere (`null`).
 */
export function mxfp4KernelOn(gpu: ServingGpu): Mxfp4ExpertPadding | null {
  const capability = gpu.computeCapability;
  if (capability === null) return null;
  return Math.floor(capability) === 10
    ? MXFP4_EXPERT_PADDING.flashinferSm100
    : MXFP4_EXPERT_PADDING.marlin;
}

/**
 * One tensor-parallel rank's MXFP4 expert bytes as vLLM's `Mxfp4MoEMethod.create_weights` makes
 * them, with the width `N = roundUp(width / tp)` and hidden size `H = roundUp(hidden)` of the
 * kernel: per expert, the fused gate_up `[2N, H]` and down `[H, N]` weights at 4 bits plus one
 * 8-bit scale per 32 (`3 × N × H × 17 / 32` bytes), and the BF16 biases `[2N]` and `[H]`
 * (`2 × (2N + H)` bytes). gpt-oss-120b on Marlin: 4,608 experts × (3 × 2,944 × 3,072 × 17/32 +
 * 2 × (5,888 + 3,072)) B = 61.93 GiB.
 */
export function mxfp4ExpertsAsLoadedBytes(
  model: ServingModel,
  kernel: Mxfp4ExpertPadding,
  tp: number,
): number {
  const experts = model.mxfp4Experts;
  const moe = model.moe;
  if (experts === null || moe === null) return 0;
  const width = roundUp(Math.ceil(moe.expertIntermediateSize / tp), kernel.intermediateMultiple);
  const hidden = roundUp(model.hiddenSize, kernel.hiddenMultiple);
  const perExpert = (3 * width * hidden * 17) / 32 + 2 * (2 * width + hidden);
  return experts.count * perExpert;
}
