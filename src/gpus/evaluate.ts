import { formatBytes } from "../units.js";
import type { AcceleratorSpec } from "./accelerator.js";
import { kvCacheCapacity, type KvCacheCapacity } from "./capacity.js";
import { executionOn, type Execution } from "./execution.js";
import type { RankAssumptions } from "./rank-options.js";
import type { GpuRequirement } from "./requirement.js";
import { phaseTime, type PhaseTime } from "./roofline.js";
import { findTopology, GPUS_PER_NODE, type Topology } from "./topology.js";

/** Everything the ranking learns about one accelerator for one requirement. */
export interface Evaluation {
  /** Rate and fallback. */
  readonly execution: Execution;
  /** `utilization × memory`: what one GPU may hold. */
  readonly budgetBytesPerGpu: number;
  /** Parallelism chosen (or the closest miss). */
  readonly topology: Topology;
  /** GPUs the parallelism uses (`tp × pp`), or `null` when nothing can split the model. */
  readonly gpuCount: number | null;
  /** Time to first token, when it can be estimated at this topology. */
  readonly firstToken: PhaseTime | null;
  /** One step (a decode step of the whole batch), when it can be estimated. */
  readonly step: PhaseTime | null;
  /** Output tokens per second of one replica (the batch over the step time). */
  readonly tokensPerSecond: number | null;
  /** Largest batch and longest context at the chosen (or largest valid) parallelism. */
  readonly capacity: KvCacheCapacity | null;
  /** Why it fits or not, and what was assumed, in sentences. */
  readonly reasons: readonly string[];
}

const gb = (bytes: number): string => formatBytes(bytes, { unit: "gb" });

/**
 * Sizes a requirement on one accelerator: the fallback for its precision, the smallest
 * tensor-parallel degree that fits `utilization × memory` per GPU (pipeline stages beyond a node,
 * up to `maxGpus`), the roofline times at that degree, and the inverse capacity. Pure.
 */
export function evaluateAccelerator(
  requirement: GpuRequirement,
  accelerator: AcceleratorSpec,
  assumptions: RankAssumptions,
  maxGpus: number,
): Evaluation {
  const execution = executionOn(requirement, accelerator);
  const budget = accelerator.memoryBytes * assumptions.gpuMemoryUtilization;
  const topology = findTopology(requirement, budget, {
    maxGpus,
    extraShardedBytes: execution.extraWeightsBytes,
  });
  const reasons = [
    ...execution.fallbacks,
    ...describeTrials(topology, budget, assumptions, accelerator),
  ];

  if (topology.tp === null || topology.perGpu === null) {
    return unfit(execution, budget, topology, reasons);
  }

  const capacity = kvCacheCapacity(requirement, accelerator, {
    tp: topology.tp,
    pp: topology.pp,
    gpuMemoryUtilization: assumptions.gpuMemoryUtilization,
  });
  if (!topology.fits) {
    // Speed and price of a parallelism that does not fit would mislead; the capacity says how close it is.
    return {
      ...unfit(execution, budget, topology, reasons),
      gpuCount: topology.tp * topology.pp,
      capacity,
    };
  }

  const target = {
    tp: topology.tp,
    kvCacheRanks: Math.min(topology.tp, Math.max(1, requirement.kvCacheShardableHeads)),
    flopsPerSecond: execution.flopsPerSecond,
    memoryBandwidthBytesPerSecond: accelerator.memoryBandwidthBytesPerSecond,
    computeEfficiency: assumptions.computeEfficiency,
    bandwidthEfficiency: assumptions.bandwidthEfficiency,
    extraShardedBytes: execution.extraWeightsBytes,
  };
  const firstToken =
    requirement.firstToken === null ? null : phaseTime(requirement.firstToken, target, "compute");
  const step = phaseTime(requirement.step, target, "memory");
  const tokensPerSecond =
    step.seconds === null || step.seconds <= 0 ? null : requirement.step.tokens / step.seconds;

  if (topology.perGpu.kvCacheReplicated) {
    reasons.push(
      `KV cache replicated: TP ${topology.tp} exceeds the ${requirement.kvCacheShardableHeads} shardable KV heads, so each GPU holds 1/${requirement.kvCacheShardableHeads} of it`,
    );
  }
  if (topology.tp > 2 && accelerator.tensorParallelLink === "pcie") {
    reasons.push(
      `TP ${topology.tp} over PCIe: the all-reduces will cost more than this estimate, which leaves communication out`,
    );
  }
  if (accelerator.memoryBandwidthBytesPerSecond === null) {
    reasons.push("memory bandwidth unknown: decode speed not estimated");
  } else if (execution.flopsPerSecond === null) {
    reasons.push(
      "tensor rate unknown: time to first token not estimated, decode from bandwidth only",
    );
  }

  return {
    execution,
    budgetBytesPerGpu: budget,
    topology,
    gpuCount: topology.tp * topology.pp,
    firstToken,
    step,
    tokensPerSecond,
    capacity,
    reasons,
  };
}

function unfit(
  execution: Execution,
  budget: number,
  topology: Topology,
  reasons: readonly string[],
): Evaluation {
  return {
    execution,
    budgetBytesPerGpu: budget,
    topology,
    gpuCount: null,
    firstToken: null,
    step: null,
    tokensPerSecond: null,
    capacity: null,
    reasons,
  };
}

function describeTrials(
  topology: Topology,
  budget: number,
  assumptions: RankAssumptions,
  accelerator: AcceleratorSpec,
): string[] {
  const budgetText = `${gb(budget)} budget (${assumptions.gpuMemoryUtilization} × ${gb(accelerator.memoryBytes)})`;
  const lines = topology.trials.map((trial) => {
    if (trial.problem !== null) return `${trial.problem}: skipped`;
    const need = trial.perGpu?.totalBytes ?? 0;
    return trial.fits
      ? `TP ${trial.tp} fits: ${gb(need)} per GPU ≤ ${budgetText}`
      : `TP ${trial.tp} does not fit: ${gb(need)} per GPU > ${budgetText}`;
  });
  if (topology.fits && topology.pp > 1 && topology.perGpu !== null && topology.tp !== null) {
    const gpus = topology.tp * topology.pp;
    lines.push(
      `multi-node: ${topology.pp} pipeline stages of TP ${topology.tp} (${gpus} GPUs, ${Math.ceil(gpus / GPUS_PER_NODE)} nodes of ${GPUS_PER_NODE}) fit at ${gb(topology.perGpu.totalBytes)} per GPU`,
    );
  } else if (!topology.fits && topology.tp !== null) {
    lines.push("no parallelism within the GPU limit fits");
  }
  return lines;
}
