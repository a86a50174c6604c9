/**
 * From allocated to what the tools show: PyTorch's caching allocator reserves more than it has
 * handed out at its peak, and nvidia-smi adds what lives outside the allocator (the CUDA context,
 * paged optimizer states). See docs/methodology.md#training-overhead.
 */

/** Peak memory on one GPU as three statistics, in bytes. */
export interface GpuMemoryStatistics {
  /** `torch.cuda.max_memory_allocated()`: the timeline's peak. */
  readonly peakAllocatedBytes: number;
  /** Reserved beyond the allocated peak by block rounding and split remainders (fragmentation). */
  readonly fragmentationBytes: number;
  /**
   * Cached blocks of an earlier, shorter batch's logits that the allocator keeps but cannot hand
   * to the longest batch's larger requests (variable-length batches, no expandable segments).
   */
  readonly staleCacheBytes: number;
  /** `torch.cuda.max_memory_reserved()`: allocated peak + fragmentation + stale cache. */
  readonly peakReservedBytes: number;
  /** CUDA context and library handles. */
  readonly cudaContextBytes: number;
  /** Memory outside PyTorch's allocator on the GPU: paged (CUDA managed) optimizer states. */
  readonly pagedBytes: number;
  /**
   * What one GPU must hold: allocated peak + fragmentation + CUDA context + paged memory. The
   * stale cache is left out: the allocator frees it and retries before an out-of-memory error,
   * so nvidia-smi shows up to `staleCacheBytes` more on a GPU with room to spare.
   */
  readonly totalBytes: number;
}

/** What decides how much of an earlier batch's cache the longest batch cannot reuse. */
export interface StaleCacheInput {
  /** Batches padded to their own longest sample (dynamic padding), so shapes change step to step. */
  readonly variableLengthBatches: boolean;
  /** `PYTORCH_CUDA_ALLOC_CONF=expandable_segments:True`: segments grow in place instead. */
  readonly expandableSegments: boolean;
  /** The logits chain at its largest (the loss's backward), for the longest batch. */
  readonly logitsBytes: number;
  /**
   * Per-step tensors that are allocated again every step, after the earlier batch's logits were
   * freed, and so can be carved from those cached blocks: saved activations, one layer's
   * recompute, gradients (freed by `zero_grad(set_to_none=True)`) and optimizer-step temporaries.
   */
  readonly reallocatedBytes: number;
}

/**
 * The cache a variable-length run holds beyond its allocated peak:
 * `max(0, logits − reallocated)` with variable-length batches and without expandable segments,
 * else 0.
 *
 * Why (docs/methodology.md#reserved-memory): PyTorch's caching allocator serves a large request
 * (> 1 MiB) from the smallest cached free block that fits, splitting it, and otherwise
 * `cudaMalloc`s a new segment of the request's size rounded to 2 MiB
 * (c10/cuda/CUDACachingAllocator.cpp, `get_free_block`, `round_size`, `alloc_block`); freed blocks
 * stay cached and merge only with free neighbours of the same segment. The logits chain's copies
 * (positions × vocabulary × 2–4 bytes: GiB each) get segments of their own. When a batch longer
 * than any before arrives, no cached logits block is large enough for its logits, so they are
 * allocated afresh while the earlier batch's blocks stay reserved. PyTorch's notes name this case:
 * "one common exception is when the batch size changes slightly from one iteration to the next
 * ... if it runs at size N + 1, then it will have to make new allocations that are slightly
 * larger" (docs.pytorch.org/docs/stable/notes/cuda.html, `expandable_segments`). The earlier
 * batch's length is taken as the longest one's (sorted or similar-length batching puts the
 * runner-up just under `max_length`), and what is allocated anew every step fills part of the
 * stale blocks. With `expandable_segments:True` one segment per stream grows and shrinks in
 * place, so nothing is stranded. The cache is released and the request retried before an
 * out-of-memory error (`release_cached_blocks` in `malloc`), so stale bytes do not decide whether
 * a run fits; they decide what `max_memory_reserved` and nvidia-smi show.
 */
export function staleCacheBytes(input: StaleCacheInput): number {
  if (!input.variableLengthBatches || input.expandableSegments) return 0;
  return Math.max(0, Math.ceil(input.logitsBytes - input.reallocatedBytes));
}

/**
 * The allocator model: `reserved = allocated × (1 + fragmentationFraction) + stale cache` (the
 * caching allocator rounds blocks up and leaves split remainders, the same runs report
 * reserved/allocated of 1.00–1.24 with fixed shapes, docs/accuracy.md#training; the stale cache
 * of variable-length batches is {@link staleCacheBytes}), and what a GPU must hold =
 * `allocated + fragmentation + CUDA context + paged memory` (the context and `cudaMallocManaged`
 * pages are outside the allocator's statistics; the stale cache is released before an
 * out-of-memory error, so it adds to what nvidia-smi shows, not to what must fit).
 */
export function gpuMemoryStatistics(
  peakAllocatedBytes: number,
  options: {
    readonly fragmentationFraction: number;
    readonly staleCacheBytes?: number;
    readonly cudaContextBytes: number;
    readonly pagedBytes: number;
  },
): GpuMemoryStatistics {
  const fragmentationBytes = Math.ceil(peakAllocatedBytes * options.fragmentationFraction);
  const stale = Math.ceil(options.staleCacheBytes ?? 0);
  const peakReservedBytes = peakAllocatedBytes + fragmentationBytes + stale;
  const cudaContextBytes = Math.ceil(options.cudaContextBytes);
  return {
    peakAllocatedBytes,
    fragmentationBytes,
    staleCacheBytes: stale,
    peakReservedBytes,
    cudaContextBytes,
    pagedBytes: options.pagedBytes,
    totalBytes: peakAllocatedBytes + fragmentationBytes + cudaContextBytes + options.pagedBytes,
  };
}
