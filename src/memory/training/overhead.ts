/**
 * Framework overhead of a training process on one GPU: memory no tensor of the model accounts for.
 * See docs/methodology.md#training-overhead.
 */

/** The two overhead terms, in bytes. */
export interface TrainingOverhead {
  /** CUDA context, cuBLAS / NCCL workspaces: paid once per GPU, outside PyTorch's allocator. */
  readonly cudaContextBytes: number;
  /** Memory the caching allocator reserves but cannot hand out (fragmentation). */
  readonly fragmentationBytes: number;
}

/**
 * Overhead on one GPU: a fixed CUDA context plus `fragmentationFraction × allocated`, where
 * `allocated` is every tensor counted on that GPU (model states, activations, logits, buffers).
 * Both are heuristics, not measurements: "When PyTorch uses CUDA for the first time, it allocates
 * between 300 MiB and 2 GiB of VRAM" (vram.asmirnov.xyz); fragmentation depends on the allocator
 * settings (`expandable_segments` lowers it).
 */
export function trainingOverheadBytes(
  allocatedBytes: number,
  cudaContextBytes: number,
  fragmentationFraction: number,
): TrainingOverhead {
  return {
    cudaContextBytes,
    fragmentationBytes: Math.ceil(allocatedBytes * fragmentationFraction),
  };
}
