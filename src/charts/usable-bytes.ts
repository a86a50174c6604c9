/**
 * The one place the charts decide how much of a group of cards a model may fill: each card's
 * budget is `floor(gpuMemoryUtilization × memory)` less a flat per-GPU reserve (the rule the
 * ranking used before it sized serving with the engine's start-up budget). An engine-calibrated
 * fit (`fitOnGpuFromSpec`) is meant to replace this function; nothing else in src/charts needs
 * to change when it does.
 */
import type { AcceleratorSpec } from "../hardware/accelerator.js";
import { tensorParallelProblem } from "../hardware/topology.js";

/** What the cards share between them: a flat budget rule. */
export interface UsableBytesOptions {
  /** Fraction of each card's memory the engine may use (vLLM's `--gpu-memory-utilization`). */
  readonly gpuMemoryUtilization: number;
  /** Bytes each card keeps for itself (CUDA context, workspaces, activation peak). */
  readonly runtimeOverheadBytesPerGpu: number;
}

/** The model facts that decide how it splits over cards. */
export interface SplitFacts {
  /** Query heads: a tensor-parallel degree must divide them. */
  readonly attentionHeads: number;
  /** KV heads: they and the degree must divide one another. */
  readonly kvHeads: number;
  /** Ranks the KV cache splits over; past them each card holds a full share (MLA: 1). */
  readonly kvCacheShardableHeads: number;
  /** Bytes split evenly over the cards whatever the degree: weights and state cache. */
  readonly shardedBytes: number;
}

/** What {@link usableBytesOnCards} found: the bytes, or why the cards cannot split the model. */
export type UsableBytes =
  | { readonly usableBytes: number; readonly problem?: undefined }
  | { readonly usableBytes: null; readonly problem: string };

/**
 * How many bytes of weights + KV cache + state a model may total on `gpuCount` cards at tensor
 * parallelism `gpuCount`: `gpuCount × (floor(utilization × memory) − reserve)`.
 *
 * When the degree passes the KV cache's shardable heads (`r` ranks; MLA's latent has one), each
 * card holds `1/r` of the KV cache instead of `1/gpuCount`, so the same cards hold less. Per card
 * the fit is `sharded / n + kv / r ≤ budget − reserve`; written as a total `sharded + kv`, the
 * limit is `sharded × (1 − r / n) + r × (budget − reserve)`, still independent of the context.
 */
export function usableBytesOnCards(
  accelerator: Pick<AcceleratorSpec, "memoryBytes">,
  gpuCount: number,
  model: SplitFacts,
  options: UsableBytesOptions,
): UsableBytes {
  const problem = tensorParallelProblem(model, gpuCount);
  if (problem !== undefined) return { usableBytes: null, problem };
  const perCard =
    Math.floor(accelerator.memoryBytes * options.gpuMemoryUtilization) -
    options.runtimeOverheadBytesPerGpu;
  const kvRanks = Math.min(gpuCount, Math.max(1, model.kvCacheShardableHeads));
  const usable =
    kvRanks === gpuCount
      ? gpuCount * perCard
      : model.shardedBytes * (1 - kvRanks / gpuCount) + kvRanks * perCard;
  return { usableBytes: Math.max(0, Math.floor(usable)) };
}
