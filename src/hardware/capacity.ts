import type { AcceleratorSpec } from "./accelerator.js";
import { executionOn } from "./execution.js";
import type { GpuRequirement } from "./requirement.js";
import { hasServing, servingFitOn, servingMaxContextOn } from "./serving-on-gpu.js";
import { perGpuBytes } from "./topology.js";

/** The inverse questions, answered for one accelerator and parallelism. */
export interface KvCacheCapacity {
  /** KV-cache bytes each GPU can hold after weights and the engine's reserve (0 when none). */
  readonly kvCacheBytesPerGpu: number;
  /** Largest batch (concurrent full-length sequences) at the requirement's context length. */
  readonly maxBatchSize: number;
  /** Longest context (tokens per sequence) at the requirement's batch size. */
  readonly maxContextLength: number;
}

/** Where {@link kvCacheCapacity} looks. */
export interface KvCacheCapacityOptions {
  /** Tensor-parallel degree. */
  readonly tp: number;
  /** Pipeline stages. @default 1 */
  readonly pp?: number | undefined;
  /** Fraction of GPU memory usable (vLLM's `--gpu-memory-utilization`), 0–1. */
  readonly gpuMemoryUtilization: number;
}

/**
 * Answers "how long a context fits at this batch?" and "how many sequences fit at this context?"
 * on an accelerator at a given parallelism, before anything is downloaded.
 *
 * A serving requirement asks its engine's budget (`servingFitOn`): the KV room left after weights
 * as loaded, the activation peak, non-torch and CUDA-graph memory; the largest batch is vLLM's
 * "Maximum concurrency" at the context, rounded down, and the longest context is the longest
 * `max_model_len` at which the engine starts and holds the batch (vLLM V0 profiles a whole
 * prompt below 32K tokens, so a longer context can leave less room). A requirement without
 * serving shapes scales its KV cache to `utilization × memory − weights share − reserve`.
 * `null` when the requirement has no KV cache.
 *
 * @example
 * // Llama-3-70B BF16 at 8 × 4,096 tokens on two H100 SXM: the largest batch vLLM's budget holds.
 * kvCacheCapacity(requirement, ACCELERATORS["nvidia-h100-sxm"], { tp: 2, gpuMemoryUtilization: 0.92 })
 */
export function kvCacheCapacity(
  requirement: GpuRequirement,
  accelerator: AcceleratorSpec,
  options: KvCacheCapacityOptions,
): KvCacheCapacity | null {
  const sequences = requirement.sequences;
  if (sequences === null || requirement.kvCacheBytes <= 0) return null;
  const pp = options.pp ?? 1;
  if (hasServing(requirement)) {
    const figures = servingFitOn(requirement, accelerator, options.tp, pp);
    const concurrency = figures.maxConcurrency;
    return {
      kvCacheBytesPerGpu: figures.budget.kvCache.bytes,
      maxBatchSize: figures.starts && Number.isFinite(concurrency) ? Math.floor(concurrency) : 0,
      maxContextLength: servingMaxContextOn(requirement, accelerator, options.tp, pp),
    };
  }
  const extra = executionOn(requirement, accelerator).extraWeightsBytes;
  const atRequest = perGpuBytes(requirement, options.tp, pp, extra);
  const budget = Math.floor(accelerator.memoryBytes * options.gpuMemoryUtilization);
  const available = Math.max(0, budget - atRequest.shardedBytes - atRequest.perGpuBytes);
  const scale = available / atRequest.kvCacheBytes;
  return {
    kvCacheBytesPerGpu: available,
    maxBatchSize: Math.floor(sequences.batchSize * scale),
    maxContextLength: Math.floor(sequences.contextLength * scale),
  };
}
