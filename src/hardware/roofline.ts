import type { ComputePhase } from "./requirement.js";

/** The hardware and parallelism a phase runs on. */
export interface RooflineTarget {
  /** Tensor-parallel degree: FLOPs and sharded bytes split over this many GPUs. */
  readonly tp: number;
  /** Ranks the KV cache is split over: `min(tp, kvCacheShardableHeads)`. */
  readonly kvCacheRanks: number;
  /** Dense tensor rate per GPU at the precision in use, or `null` when unknown. */
  readonly flopsPerSecond: number | null;
  /** Memory bandwidth per GPU in bytes per second, or `null` when unknown. */
  readonly memoryBandwidthBytesPerSecond: number | null;
  /** Share of the tensor rate reached (model FLOPs utilization), 0–1. */
  readonly computeEfficiency: number;
  /** Share of the bandwidth reached (memory bandwidth utilization), 0–1. */
  readonly bandwidthEfficiency: number;
  /** Weight bytes added by a fallback (FP8 served as 16-bit), read like the weights. */
  readonly extraShardedBytes: number;
}

/** How long a phase takes on a roofline, and which roof binds. */
export interface PhaseTime {
  /** The phase's time: the larger of the two below; `null` when it cannot be estimated. */
  readonly seconds: number | null;
  /** FLOPs over the tensor rate × efficiency × tp; `null` without a rate. */
  readonly computeSeconds: number | null;
  /** Bytes each GPU reads over its bandwidth × efficiency; `null` without a bandwidth. */
  readonly memorySeconds: number | null;
  /** Which roof binds, when both are known. */
  readonly bound: "compute" | "memory" | null;
}

/**
 * Times one phase with a roofline (docs/methodology.md, "Speed: a roofline"): the work takes the longer of its math at
 * the tensor rate and its memory traffic at the bandwidth, each scaled by an efficiency factor.
 * Tensor parallelism divides both; pipeline stages run one after another, so they do not.
 * Communication between GPUs is not modelled (see docs/methodology.md#speed-a-roofline).
 *
 * When one roof is unknown, the time is the other one only if the unknown roof rarely binds for
 * this phase: `usuallyBound` names the roof that must be known (compute for a prefill, memory for
 * a decode step); without it the time is `null`.
 */
export function phaseTime(
  phase: ComputePhase,
  target: RooflineTarget,
  usuallyBound: "compute" | "memory",
): PhaseTime {
  const computeSeconds =
    target.flopsPerSecond === null
      ? null
      : phase.flops / (target.tp * target.flopsPerSecond * target.computeEfficiency);
  const bytesPerGpu =
    (phase.shardedBytesRead + target.extraShardedBytes) / target.tp +
    phase.kvCacheBytesRead / target.kvCacheRanks;
  const memorySeconds =
    target.memoryBandwidthBytesPerSecond === null
      ? null
      : bytesPerGpu / (target.memoryBandwidthBytesPerSecond * target.bandwidthEfficiency);

  if (computeSeconds !== null && memorySeconds !== null) {
    const bound = computeSeconds >= memorySeconds ? "compute" : "memory";
    return {
      seconds: Math.max(computeSeconds, memorySeconds),
      computeSeconds,
      memorySeconds,
      bound,
    };
  }
  const seconds = usuallyBound === "compute" ? computeSeconds : memorySeconds;
  return { seconds, computeSeconds, memorySeconds, bound: null };
}
