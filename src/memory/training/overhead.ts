/**
 * From allocated to what the tools show: PyTorch's caching allocator reserves more than it has
 * handed out at its peak, and nvidia-smi adds what lives outside the allocator (the CUDA context,
 * paged optimizer states). See docs/methodology.md#training-overhead.
 */

/** Peak memory on one GPU as three statistics, in bytes. */
export interface GpuMemoryStatistics {
  /** `torch.cuda.max_memory_allocated()`: the timeline's peak. */
  readonly peakAllocatedBytes: number;
  /** Reserved beyond the allocated peak: cached blocks that could not be reused (fragmentation). */
  readonly fragmentationBytes: number;
  /** `torch.cuda.max_memory_reserved()`: allocated peak + fragmentation. */
  readonly peakReservedBytes: number;
  /** CUDA context and library handles. */
  readonly cudaContextBytes: number;
  /** Memory outside PyTorch's allocator on the GPU: paged (CUDA managed) optimizer states. */
  readonly pagedBytes: number;
  /** What nvidia-smi shows: reserved + CUDA context + paged memory. */
  readonly totalBytes: number;
}

/**
 * The allocator model: `reserved = allocated × (1 + fragmentationFraction)` (the caching
 * allocator rounds blocks up and keeps freed blocks cached; the same runs report reserved/allocated
 * of 1.00–1.24, docs/accuracy.md#training), and `nvidia-smi = reserved + CUDA context + paged
 * memory` (the context and `cudaMallocManaged` pages are outside the allocator's statistics).
 */
export function gpuMemoryStatistics(
  peakAllocatedBytes: number,
  options: {
    readonly fragmentationFraction: number;
    readonly cudaContextBytes: number;
    readonly pagedBytes: number;
  },
): GpuMemoryStatistics {
  const fragmentationBytes = Math.ceil(peakAllocatedBytes * options.fragmentationFraction);
  const peakReservedBytes = peakAllocatedBytes + fragmentationBytes;
  const cudaContextBytes = Math.ceil(options.cudaContextBytes);
  return {
    peakAllocatedBytes,
    fragmentationBytes,
    peakReservedBytes,
    cudaContextBytes,
    pagedBytes: options.pagedBytes,
    totalBytes: peakReservedBytes + cudaContextBytes + options.pagedBytes,
  };
}
