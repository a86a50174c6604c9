import { gibToBytes } from "../../units.js";
import { sglangFit, sglangNumbers, resolveSglangSettings } from "./sglang-budget.js";
import type { ServingModel } from "./serving-model.js";
import type {
  ServingFitFigures,
  ServingGpu,
  ServingParallel,
  ServingSettings,
} from "./serving-types.js";
import {
  resolveVllmSettings,
  vllmChunksLongContexts,
  vllmFit,
  vllmNumbers,
} from "./vllm-budget.js";

/**
 * One GPU's serving budget, as the engine's start-up computes it: the itemized terms, the KV
 * blocks and tokens, the concurrency, whether the engine starts with this `max_model_len` and
 * whether it holds `batchSize` such requests. Pure; every GPU ranking, plan and check sizes
 * serving with this function (docs/methodology.md#serving-fit).
 */
export function servingFit(
  model: ServingModel,
  settings: ServingSettings,
  gpu: ServingGpu,
  parallel: ServingParallel,
): ServingFitFigures {
  if (settings.engine === "sglang") return sglangFit(model, settings, gpu, parallel);
  return vllmFit(model, settings, gpu, parallel, () =>
    servingMaxContextLength(model, { ...settings, batchSize: 1 }, gpu, parallel),
  );
}

/** One GPU's serving needs in numbers only: what a ranking compares across GPUs and parallelisms. */
export interface ServingNeeds {
  /** Whether the engine starts and holds the batch. */
  readonly fits: boolean;
  /** `total × utilization` (SGLang: free at start × fraction). */
  readonly capBytes: number;
  /** This GPU's weights as loaded. */
  readonly weightsBytes: number;
  /** Activation peak + non-torch + CUDA graphs (0 for SGLang, whose reserve is outside its cap). */
  readonly reserveBytes: number;
  /** KV pages the batch of full-length requests takes on this GPU. */
  readonly kvCacheBytes: number;
  /** The sum of the three: what must fit in `capBytes`. */
  readonly totalBytes: number;
}

/** {@link servingFit} without the words: the numbers a GPU ranking needs for every trial. */
export function servingNeeds(
  model: ServingModel,
  settings: ServingSettings,
  gpu: ServingGpu,
  parallel: ServingParallel,
): ServingNeeds {
  if (settings.engine === "sglang") {
    const resolved = resolveSglangSettings(settings, gpu, parallel, false);
    const n = sglangNumbers(model, settings, resolved, gpu, parallel);
    const kvCacheBytes = n.cellBytes * settings.contextLength * settings.batchSize;
    return {
      fits: n.fits,
      capBytes: n.capBytes,
      weightsBytes: n.weights.bytes,
      reserveBytes: 0,
      kvCacheBytes,
      totalBytes: n.weights.bytes + kvCacheBytes,
    };
  }
  const resolved = resolveVllmSettings(settings, gpu, model, false);
  const n = vllmNumbers(model, settings, resolved, gpu, parallel);
  const reserveBytes = n.activationBytes + n.nonTorchBytes + n.cudaGraphBytes;
  return {
    fits: n.fits,
    capBytes: n.capBytes,
    weightsBytes: n.weights.bytes,
    reserveBytes,
    kvCacheBytes: n.neededBytesForBatch - n.weights.bytes - reserveBytes,
    totalBytes: n.neededBytesForBatch,
  };
}

/** Whether the engine starts with `settings.contextLength` and holds `settings.batchSize` of them. */
export function servingFitsAt(
  model: ServingModel,
  settings: ServingSettings,
  gpu: ServingGpu,
  parallel: ServingParallel,
): boolean {
  if (settings.engine === "sglang") {
    const resolved = resolveSglangSettings(settings, gpu, parallel, false);
    return sglangNumbers(model, settings, resolved, gpu, parallel).fits;
  }
  const resolved = resolveVllmSettings(settings, gpu, model, false);
  return vllmNumbers(model, settings, resolved, gpu, parallel).fits;
}

/** The longest `max_model_len` vramfit tries when the model's own limit is unknown. */
const UNKNOWN_LIMIT = 1 << 20;

/**
 * The longest `max_model_len` at which the engine starts and holds `batchSize` requests of it
 * (vLLM's `estimate_max_model_len` for one request), at most the model's
 * `max_position_embeddings`; 0 when not even one token fits. vLLM V0 profiles a whole
 * `max_model_len` prompt up to 32K tokens and a chunk above, so its answer is searched on each
 * side of 32K (vllm#10517: 20K and 35K start, 29K does not).
 */
export function servingMaxContextLength(
  model: ServingModel,
  settings: ServingSettings,
  gpu: ServingGpu,
  parallel: ServingParallel,
): number {
  const limit = model.maxPositionEmbeddings ?? UNKNOWN_LIMIT;
  const fits = (length: number): boolean =>
    servingFitsAt(model, { ...settings, contextLength: length }, gpu, parallel);
  const split =
    settings.engine === "vllm" &&
    settings.maxNumBatchedTokens === null &&
    vllmChunksLongContexts(settings.release, model) &&
    limit > 32_768;
  if (!split) return largestFitting(1, limit, fits);
  const long = largestFitting(32_769, limit, fits);
  return long > 0 ? long : largestFitting(1, 32_768, fits);
}

/** The largest `n` in `[low, high]` with `fits(n)`, for a `fits` that holds up to some point; 0 when none. */
function largestFitting(low: number, high: number, fits: (n: number) => boolean): number {
  if (high < low || !fits(low)) return 0;
  let lo = low;
  let hi = high;
  while (lo < hi) {
    const mid = Math.floor((lo + hi + 1) / 2);
    if (fits(mid)) lo = mid;
    else hi = mid - 1;
  }
  return lo;
}

/** One GPU's needs under an engine's budget at TP 1, term by term (what the estimate shows beside its headline). */
export interface EnginePerGpu {
  /** The engine whose budget this is. */
  readonly engine: "vllm" | "sglang";
  /** Its release. */
  readonly engineVersion: string;
  /** The rules that applied, and the GPU class assumed. */
  readonly rules: string;
  /** Weights as the engine loads them (rotary cache, MXFP4 padding). */
  readonly weightsBytes: number;
  /** The profile run's activation peak (0 for SGLang, whose reserve is a fraction of the GPU). */
  readonly activationPeakBytes: number;
  /** Non-torch memory (0 for SGLang). */
  readonly nonTorchBytes: number;
  /** CUDA-graph memory in the budget (0 for SGLang and releases that do not count it). */
  readonly cudaGraphBytes: number;
  /** The batch's KV cache in whole blocks. */
  readonly kvCacheBytes: number;
  /** The sum: what one GPU would need to hold it all. */
  readonly totalBytes: number;
}

/**
 * A GPU of 80 GiB, the class vLLM V1 gives its larger defaults (8,192 batched tokens): the
 * reference {@link enginePerGpu} sizes on, since an estimate has no GPU.
 */
const REFERENCE_GPU: ServingGpu = {
  name: "a data-center GPU of 80 GiB",
  family: "reference",
  memoryBytes: gibToBytes(80),
  cudaMemoryBytes: gibToBytes(80),
  cudaMemorySource: "reference",
  computeCapability: 9.0,
};

/**
 * One GPU's needs at TP 1 under an engine's budget, on a reference 80 GiB data-center GPU:
 * weights as loaded + activation peak + non-torch + CUDA graphs + the batch's KV blocks. This is
 * the engine-calibrated figure an estimate prints beside its rule-of-thumb total; the per-GPU fit
 * on a real card is `fitOnGpuFromSpec`.
 */
export function enginePerGpu(model: ServingModel, settings: ServingSettings): EnginePerGpu {
  const parallel = { tensorParallel: 1, pipelineParallel: 1, extraWeightsBytes: 0 };
  if (settings.engine === "sglang") {
    const resolved = resolveSglangSettings(settings, REFERENCE_GPU, parallel, false);
    const n = sglangNumbers(model, settings, resolved, REFERENCE_GPU, parallel);
    const kvCacheBytes = n.cellBytes * settings.contextLength * settings.batchSize;
    return {
      engine: "sglang",
      engineVersion: resolved.engineVersion,
      rules: `${resolved.rules}; its reserve for activations and CUDA graphs is the (1 − mem_fraction_static) part of the GPU`,
      weightsBytes: n.weights.bytes,
      activationPeakBytes: 0,
      nonTorchBytes: 0,
      cudaGraphBytes: 0,
      kvCacheBytes,
      totalBytes: n.weights.bytes + kvCacheBytes,
    };
  }
  const resolved = resolveVllmSettings(settings, REFERENCE_GPU, model, false);
  const n = vllmNumbers(model, settings, resolved, REFERENCE_GPU, parallel);
  const reserve = n.activationBytes + n.nonTorchBytes + n.cudaGraphBytes;
  return {
    engine: "vllm",
    engineVersion: resolved.engineVersion,
    rules: `${resolved.rules}; TP 1 on a GPU of 80 GiB (max_num_batched_tokens ${resolved.maxNumBatchedTokens}, max_num_seqs ${resolved.maxNumSeqs})`,
    weightsBytes: n.weights.bytes,
    activationPeakBytes: n.activationBytes,
    nonTorchBytes: n.nonTorchBytes,
    cudaGraphBytes: n.cudaGraphBytes,
    kvCacheBytes: n.neededBytesForBatch - n.weights.bytes - reserve,
    totalBytes: n.neededBytesForBatch,
  };
}
