import type { AcceleratorSpec } from "./accelerator.js";
import { executionOn } from "./execution.js";
import type { GpuRequirement } from "./requirement.js";
import { perGpuBytes } from "./topology.js";

/** The inverse questions, answered for one accelerator and parallelism. */
export interface KvCacheCapacity {
  /** KV-cache bytes each GPU can hold after weights and the runtime reserve (0 when none). */
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
 * on an accelerator at a given parallelism, before anything is downloaded. The KV cache grows
 * linearly in context × batch, so both scale the requirement's KV cache to the bytes left per GPU
 * (`utilization × memory − weights share − runtime reserve`). No paging round-up (vLLM allocates
 * 16-token blocks, at most 15 tokens per sequence more). `null` when the requirement has no KV cache.
 *
 * @example
 * // Llama-3-70B BF16 at 8 × 4,096 tokens on two H100 SXM at utilization 0.9: 7 sequences fit, not 8.
 * kvCacheCapacity(requirement, ACCELERATORS["nvidia-h100-sxm"], { tp: 2, gpuMemoryUtilization: 0.9 })
 */
export function kvCacheCapacity(
  requirement: GpuRequirement,
  accelerator: AcceleratorSpec,
  options: KvCacheCapacityOptions,
): KvCacheCapacity | null {
  const sequences = requirement.sequences;
  if (sequences === null || requirement.kvCacheBytes <= 0) return null;
  const extra = executionOn(requirement, accelerator).extraWeightsBytes;
  const atRequest = perGpuBytes(requirement, options.tp, options.pp ?? 1, extra);
  const budget = Math.floor(accelerator.memoryBytes * options.gpuMemoryUtilization);
  const available = Math.max(0, budget - atRequest.shardedBytes - atRequest.perGpuBytes);
  const scale = available / atRequest.kvCacheBytes;
  return {
    kvCacheBytesPerGpu: available,
    maxBatchSize: Math.floor(sequences.batchSize * scale),
    maxContextLength: Math.floor(sequences.contextLength * scale),
  };
}
