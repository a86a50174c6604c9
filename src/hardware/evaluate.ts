import { formatBytes } from "../units.js";
import type { AcceleratorSpec } from "./accelerator.js";
import { kvCacheCapacity, type KvCacheCapacity } from "./capacity.js";
import { executionOn, type Execution } from "./execution.js";
import type { RankAssumptions } from "./rank-options.js";
import type { GpuRequirement } from "./requirement.js";
import { phaseTime, type PhaseTime } from "./roofline.js";
import { hasServing, servingNeedsOn } from "./serving-on-gpu.js";
import {
  budgetTrial,
  findTopology,
  GPUS_PER_NODE,
  splitProblem,
  stagesProblem,
  type Topology,
  type TopologyTrial,
} from "./topology.js";

/** Everything the ranking learns about one accelerator for one requirement. */
export interface Evaluation {
  /** Rate and fallback. */
  readonly execution: Execution;
  /**
   * What one GPU may hold at the chosen parallelism: `utilization ×` the total the driver reports
   * for serving (SGLang: free at start × its fraction), `utilization × memory` for training.
   */
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
  /**
   * When the smallest parallelism that fits misses the TTFT target: the smallest larger
   * tensor-parallel degree within one node that meets it, or `null` (no target, target met, or
   * no degree meets it).
   */
  readonly ttftTargetMetAt: TtftTargetMetAt | null;
  /** Why it fits or not, and what was assumed, in sentences. */
  readonly reasons: readonly string[];
}

/** A tensor-parallel degree that meets the TTFT target, and the TTFT there. */
export interface TtftTargetMetAt {
  /** Tensor-parallel degree (one node, no pipeline stages). */
  readonly tensorParallel: number;
  /** Time to first token at that degree, in seconds. */
  readonly ttftSeconds: number;
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
  const sizing = sizingOn(requirement, accelerator, assumptions, execution);
  const topology = findTopology(requirement, { maxGpus, trial: sizing.trial });
  const budget = sizing.budgetAt(topology.tp ?? 1, topology.pp);
  const reasons = [
    ...execution.fallbacks,
    ...describeTrials(topology, sizing, assumptions, accelerator, requirement),
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

  const timed = timedAt(requirement, accelerator, assumptions, execution, topology.tp, topology.pp);
  const faster = fasterFirstToken(requirement, accelerator, assumptions, execution, {
    tp: topology.tp,
    pp: topology.pp,
    ttftSeconds: timed.firstToken?.seconds ?? null,
    maxGpus,
  });
  return {
    ...timed,
    budgetBytesPerGpu: budget,
    topology,
    capacity,
    ttftTargetMetAt: faster.metAt,
    reasons: [
      ...reasons,
      ...speedReasons(requirement, accelerator, execution, topology),
      ...faster.reasons,
    ],
  };
}

/**
 * When the chosen parallelism misses the TTFT target, the smallest larger tensor-parallel degree
 * in one node (2, 4, 8, within `maxGpus`, one the heads can split) whose prefill meets it: more
 * GPUs divide the prefill FLOPs, so a real-time user can trade GPUs for latency. Only suggested,
 * never chosen: the row keeps the smallest parallelism that fits.
 */
function fasterFirstToken(
  requirement: GpuRequirement,
  accelerator: AcceleratorSpec,
  assumptions: RankAssumptions,
  execution: Execution,
  chosen: {
    readonly tp: number;
    readonly pp: number;
    readonly ttftSeconds: number | null;
    readonly maxGpus: number;
  },
): { readonly metAt: TtftTargetMetAt | null; readonly reasons: readonly string[] } {
  const targetMs = assumptions.maxTtftMs;
  if (targetMs === null || chosen.ttftSeconds === null || chosen.pp > 1) {
    return { metAt: null, reasons: [] };
  }
  if (chosen.ttftSeconds * 1000 <= targetMs) return { metAt: null, reasons: [] };
  let fastest: TtftTargetMetAt | null = null;
  for (let tp = chosen.tp * 2; tp <= Math.min(GPUS_PER_NODE, chosen.maxGpus); tp *= 2) {
    if (splitProblem(requirement, tp) !== null) continue;
    const seconds = timedAt(requirement, accelerator, assumptions, execution, tp, 1).firstToken
      ?.seconds;
    if (seconds === null || seconds === undefined) break;
    fastest = { tensorParallel: tp, ttftSeconds: seconds };
    if (seconds * 1000 <= targetMs) {
      return {
        metAt: fastest,
        reasons: [
          `TP ${tp} would meet the ${targetMs} ms TTFT target: ${(seconds * 1000).toFixed(0)} ms on ${tp} GPUs`,
        ],
      };
    }
  }
  return {
    metAt: null,
    reasons:
      fastest === null
        ? []
        : [
            `no TP up to ${fastest.tensorParallel} meets the ${targetMs} ms TTFT target (TP ${fastest.tensorParallel}: ${(fastest.ttftSeconds * 1000).toFixed(0)} ms)`,
          ],
  };
}

/**
 * Sizes a requirement on one accelerator at a parallelism the caller fixes (a user's proposed
 * deployment, the naive baseline), instead of the smallest that fits: per-GPU bytes, whether
 * they fit `utilization × memory`, the roofline times and the capacity. Pure.
 */
export function evaluateTopology(
  requirement: GpuRequirement,
  accelerator: AcceleratorSpec,
  assumptions: RankAssumptions,
  parallelism: { readonly tp: number; readonly pp?: number | undefined },
): Evaluation {
  const pp = parallelism.pp ?? 1;
  const tp = parallelism.tp;
  const execution = executionOn(requirement, accelerator);
  const sizing = sizingOn(requirement, accelerator, assumptions, execution);
  const budget = sizing.budgetAt(tp, pp);
  const problem = splitProblem(requirement, tp) ?? stagesProblem(requirement, pp);
  const sized = problem === null ? sizing.trial(tp, pp) : null;
  const perGpu = sized?.perGpu ?? null;
  const fits = sized?.fits === true;
  const topology: Topology = {
    fits,
    tp: problem === null ? tp : null,
    pp,
    perGpu,
    trials: [{ tp, problem, perGpu, fits }],
  };
  const reasons = [
    ...execution.fallbacks,
    ...describeTrials(topology, sizing, assumptions, accelerator, requirement),
  ];
  if (perGpu === null) return unfit(execution, budget, topology, reasons);
  const capacity = kvCacheCapacity(requirement, accelerator, {
    tp,
    pp,
    gpuMemoryUtilization: assumptions.gpuMemoryUtilization,
  });
  if (!fits) return { ...unfit(execution, budget, topology, reasons), gpuCount: tp * pp, capacity };
  return {
    ...timedAt(requirement, accelerator, assumptions, execution, tp, pp),
    budgetBytesPerGpu: budget,
    topology,
    capacity,
    ttftTargetMetAt: null,
    reasons: [...reasons, ...speedReasons(requirement, accelerator, execution, topology)],
  };
}

/** Roofline times and throughput at a parallelism. */
function timedAt(
  requirement: GpuRequirement,
  accelerator: AcceleratorSpec,
  assumptions: RankAssumptions,
  execution: Execution,
  tp: number,
  pp: number,
): Pick<Evaluation, "execution" | "gpuCount" | "firstToken" | "step" | "tokensPerSecond"> {
  const target = {
    tp,
    kvCacheRanks: Math.min(tp, Math.max(1, requirement.kvCacheShardableHeads)),
    flopsPerSecond: execution.flopsPerSecond,
    memoryBandwidthBytesPerSecond: accelerator.memoryBandwidthBytesPerSecond,
    computeEfficiency: assumptions.computeEfficiency,
    bandwidthEfficiency: assumptions.bandwidthEfficiency,
    extraShardedBytes: execution.extraWeightsBytes,
  };
  const firstToken =
    requirement.firstToken === null ? null : phaseTime(requirement.firstToken, target, "compute");
  // A decode step is usually memory-bound; a training step is compute-bound, so without a
  // tensor rate its time is unknown rather than the (far too short) memory time.
  const step = phaseTime(
    requirement.step,
    target,
    requirement.kind === "training" ? "compute" : "memory",
  );
  const tokensPerSecond =
    step.seconds === null || step.seconds <= 0 ? null : requirement.step.tokens / step.seconds;
  return { execution, gpuCount: tp * pp, firstToken, step, tokensPerSecond };
}

/** What the speed figures leave out at this topology. */
function speedReasons(
  requirement: GpuRequirement,
  accelerator: AcceleratorSpec,
  execution: Execution,
  topology: Topology,
): string[] {
  const reasons: string[] = [];
  const tp = topology.tp ?? 1;
  if (topology.perGpu?.kvCacheReplicated === true) {
    reasons.push(
      `KV cache replicated: TP ${tp} exceeds the ${requirement.kvCacheShardableHeads} shardable KV heads, so each GPU holds 1/${requirement.kvCacheShardableHeads} of it`,
    );
  }
  if (tp > 2 && accelerator.tensorParallelLink === "pcie") {
    reasons.push(
      `${groupLabel(requirement, tp)} over PCIe: the ${requirement.sharding === "fully-sharded" ? "all-gathers" : "all-reduces"} will cost more than this estimate, which leaves communication out`,
    );
  }
  if (accelerator.memoryBandwidthBytesPerSecond === null) {
    reasons.push("memory bandwidth unknown: decode speed not estimated");
  } else if (execution.flopsPerSecond === null) {
    reasons.push(
      requirement.kind === "training"
        ? "tensor rate unknown: training speed not estimated"
        : "tensor rate unknown: time to first token not estimated, decode from bandwidth only",
    );
  }
  return reasons;
}

/** "TP 2", or "2 GPUs (fully sharded)" for a training requirement. */
function groupLabel(requirement: Pick<GpuRequirement, "sharding">, gpus: number): string {
  return requirement.sharding === "fully-sharded"
    ? `${gpus} GPU${gpus === 1 ? "" : "s"} (fully sharded)`
    : `TP ${gpus}`;
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
    ttftTargetMetAt: null,
    reasons,
  };
}

/** How one accelerator sizes a requirement: a trial per parallelism, and the budget there. */
interface Sizing {
  readonly trial: TopologyTrial;
  readonly budgetAt: (tp: number, pp: number) => number;
  /** How the budget is formed, for the reasons. */
  readonly describeBudget: (tp: number, pp: number) => string;
}

/**
 * Serving requirements are sized with the engine's budget (`servingNeedsOn`: weights as loaded,
 * activation peak, non-torch, CUDA graphs and KV blocks against `utilization ×` the total the driver
 * reports); others with their per-GPU bytes against `utilization × memory`.
 */
function sizingOn(
  requirement: GpuRequirement,
  accelerator: AcceleratorSpec,
  assumptions: RankAssumptions,
  execution: Execution,
): Sizing {
  if (hasServing(requirement)) {
    const engine = requirement.serving.settings.engine === "sglang" ? "SGLang" : "vLLM";
    return {
      trial: (tp, pp) => {
        const needs = servingNeedsOn(requirement, accelerator, tp, pp);
        return {
          fits: needs.fits,
          perGpu: {
            shardedBytes: needs.weightsBytes,
            kvCacheBytes: needs.kvCacheBytes,
            perGpuBytes: needs.reserveBytes,
            totalBytes: needs.totalBytes,
            kvCacheReplicated:
              requirement.kvCacheBytes > 0 && tp > requirement.kvCacheShardableHeads,
          },
        };
      },
      budgetAt: (tp, pp) => servingNeedsOn(requirement, accelerator, tp, pp).capBytes,
      describeBudget: (tp, pp) =>
        `${gb(servingNeedsOn(requirement, accelerator, tp, pp).capBytes)} ${engine} budget (${requirement.serving.settings.gpuMemoryUtilization ?? "default"} × ${gb(accelerator.cudaMemoryBytes)} the driver reports)`,
    };
  }
  const budget = Math.floor(accelerator.memoryBytes * assumptions.gpuMemoryUtilization);
  return {
    trial: budgetTrial(requirement, budget, execution.extraWeightsBytes),
    budgetAt: () => budget,
    describeBudget: () =>
      `${gb(budget)} budget (${assumptions.gpuMemoryUtilization} × ${gb(accelerator.memoryBytes)})`,
  };
}

function describeTrials(
  topology: Topology,
  sizing: Sizing,
  assumptions: RankAssumptions,
  accelerator: AcceleratorSpec,
  requirement: Pick<GpuRequirement, "sharding">,
): string[] {
  const lines = topology.trials.map((trial) => {
    if (trial.problem !== null) return `${trial.problem}: skipped`;
    const budgetText = sizing.describeBudget(trial.tp, 1);
    const need = trial.perGpu?.totalBytes ?? 0;
    return trial.fits
      ? `${groupLabel(requirement, trial.tp)} fits: ${gb(need)} per GPU ≤ ${budgetText}`
      : `${groupLabel(requirement, trial.tp)} does not fit: ${gb(need)} per GPU > ${budgetText}`;
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
