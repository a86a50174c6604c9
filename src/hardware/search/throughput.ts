/**
 * Serving speed at a batch, with tensor-parallel communication and prefill/decode interference
 * (docs/methodology.md#throughput-at-batch). Pure formulas; every factor comes from
 * {@link SpeedFactors}, whose defaults carry their sources in `search-options.ts`.
 */
import type { AcceleratorSpec } from "../accelerator.js";

/** The factors the speed model uses beyond the roofline's two efficiencies. */
export interface SpeedFactors {
  /** Share of the link bandwidth an all-reduce reaches (NCCL bus bandwidth over the link rate), 0–1. */
  readonly communicationEfficiency: number;
  /** Fixed cost of one all-reduce, in seconds (kernel launch and synchronisation). */
  readonly allReduceLatencySeconds: number;
  /** Link rate used when a PCIe GPU's catalog row gives none (PCIe 4.0 x16, one direction). */
  readonly pcieFallbackBytesPerSecond: number;
}

/**
 * The link one GPU uses for tensor parallelism: its catalog figure (one direction), PCIe 4.0
 * x16 when a PCIe card states none, or `null` when unknown.
 */
export function tensorParallelLinkBytesPerSecond(
  accelerator: Pick<AcceleratorSpec, "interconnectBytesPerSecond" | "tensorParallelLink">,
  factors: SpeedFactors,
): number | null {
  if (accelerator.interconnectBytesPerSecond !== null)
    return accelerator.interconnectBytesPerSecond;
  return accelerator.tensorParallelLink === "pcie" ? factors.pcieFallbackBytesPerSecond : null;
}

/**
 * Seconds of one ring all-reduce of `bytes` over `tp` GPUs: each GPU sends and receives
 * `2 × (tp − 1) / tp × bytes` (the NCCL "bus bandwidth" factor) at `link × efficiency`, plus a
 * fixed latency. 0 at TP 1.
 */
export function allReduceSeconds(
  bytes: number,
  tp: number,
  linkBytesPerSecond: number,
  factors: SpeedFactors,
): number {
  if (tp <= 1) return 0;
  const busBytes = ((2 * (tp - 1)) / tp) * bytes;
  return (
    busBytes / (linkBytesPerSecond * factors.communicationEfficiency) +
    factors.allReduceLatencySeconds
  );
}

/**
 * Seconds a forward pass over `tokens` spends in tensor-parallel all-reduces: two per layer
 * (after attention and after the MLP, Megatron-LM's split), each of `tokens × hidden ×
 * activation bytes`. `null` when the link rate is unknown and TP > 1.
 */
export function tensorParallelSeconds(
  shape: {
    readonly layers: number;
    readonly hiddenSize: number;
    readonly activationBytes: number;
  },
  tokens: number,
  tp: number,
  linkBytesPerSecond: number | null,
  factors: SpeedFactors,
): number | null {
  if (tp <= 1) return 0;
  if (linkBytesPerSecond === null) return null;
  const bytes = tokens * shape.hiddenSize * shape.activationBytes;
  return 2 * shape.layers * allReduceSeconds(bytes, tp, linkBytesPerSecond, factors);
}

/**
 * The ridge point of a roofline: FLOPs per byte read at which the math takes as long as the
 * memory traffic (`rate × compute efficiency / (bandwidth × bandwidth efficiency)`). A decode step
 * whose arithmetic intensity is below it is memory-bound; adding sequences to the batch adds
 * FLOPs but reads the weights once, so intensity grows with the batch until it crosses the ridge.
 */
export function ridgePoint(
  flopsPerSecond: number,
  computeEfficiency: number,
  bandwidthBytesPerSecond: number,
  bandwidthEfficiency: number,
): number {
  return (flopsPerSecond * computeEfficiency) / (bandwidthBytesPerSecond * bandwidthEfficiency);
}

/** One replica's steady state under continuous batching. */
export interface SteadyState {
  /** Output tokens per second of the replica. */
  readonly tokensPerSecond: number;
  /** Requests completed per second. */
  readonly requestsPerSecond: number;
  /** Average time between one request's output tokens, prefill stalls included, in seconds. */
  readonly interTokenLatencySeconds: number;
  /** Output tokens per second one user sees: `1 / interTokenLatencySeconds`. */
  readonly tokensPerSecondPerUser: number;
  /** Share of the replica's time spent in prefills. */
  readonly prefillShare: number;
}

/**
 * A replica with `batch` slots, each serving requests of one prefill (`prefillSeconds`) and
 * `outputTokens` decode steps (`stepSeconds` at the full batch). Every cycle the replica runs the
 * batch's prefills and `outputTokens` steps, so `cycle = batch × prefill + outputTokens × step`;
 * it completes `batch` requests and `batch × outputTokens` tokens per cycle, and a user waits
 * `cycle / outputTokens` per token on average: the decode step plus the prefills of the others
 * that interrupt it (mixed traffic, chunked or not: the prefill FLOPs are the same).
 */
export function steadyState(
  batch: number,
  outputTokens: number,
  prefillSeconds: number,
  stepSeconds: number,
): SteadyState {
  const prefill = batch * prefillSeconds;
  const cycle = prefill + outputTokens * stepSeconds;
  const interTokenLatencySeconds = cycle / outputTokens;
  return {
    tokensPerSecond: (batch * outputTokens) / cycle,
    requestsPerSecond: batch / cycle,
    interTokenLatencySeconds,
    tokensPerSecondPerUser: 1 / interTokenLatencySeconds,
    prefillShare: prefill / cycle,
  };
}
