/**
 * The workloads the ranking knows: each weighs a different figure and comes with pricing advice.
 */
export const WORKLOADS = {
  realtime: {
    summary: "interactive serving with a time-to-first-token target: compute-heavy prefill",
    ranksBy: "cheapest $/hour among matches that meet the TTFT target, then lowest TTFT",
    pricingAdvice:
      "On-demand or reserved capacity: latency-sensitive serving cannot absorb spot interruptions, and a 1- or 3-year commitment cuts on-demand prices by roughly 40–60 % (AWS g6e.xlarge: ≈37–41 % for 1 year, ≈57–62 % for 3 years).",
  },
  decode: {
    summary: "long generations and long contexts: memory-bandwidth-bound decoding",
    ranksBy: "lowest inter-token latency, then $/hour",
    pricingAdvice:
      "On-demand or reserved capacity for user-facing generation; decode speed follows memory bandwidth, so compare $/hour against bandwidth rather than FLOPs.",
  },
  batch: {
    summary: "offline batch inference: throughput per dollar",
    ranksBy: "lowest $ per 1M output tokens, then highest tokens/s",
    pricingAdvice:
      "Autoscaling groups that scale to zero between bursts; spot capacity is fine for retryable batch jobs (AWS spot ran 48–84 % below on-demand in the snapshot).",
  },
  training: {
    summary: "training or fine-tuning: $/hour over long runs",
    ranksBy: "lowest $/hour (spot by default), then highest compute",
    pricingAdvice:
      "Spot capacity with frequent checkpoints for long, fault-tolerant runs: an interruption costs only the work since the last checkpoint. Use on-demand for short runs or when checkpoints are slow to write.",
  },
} as const satisfies Record<
  string,
  { readonly summary: string; readonly ranksBy: string; readonly pricingAdvice: string }
>;

/** A workload the ranking knows. */
export type Workload = keyof typeof WORKLOADS;

/** Every {@link Workload}, in table order. */
export const WORKLOAD_IDS = Object.keys(WORKLOADS) as readonly Workload[];
