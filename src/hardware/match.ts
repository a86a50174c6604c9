import type { AcceleratorSpec } from "./accelerator.js";
import type { KvCacheCapacity } from "./capacity.js";
import type { Evaluation, TtftTargetMetAt } from "./evaluate.js";
import { usdPerMillionTokens, type PricePoint } from "./price.js";
import type { RankAssumptions } from "./rank-options.js";
import type { GpuRequirement } from "./requirement.js";
import type { PerGpuBytes } from "./topology.js";
import { WORKLOADS, type Workload } from "./workloads.js";

/** The figures every ranked row shares, GPU or instance. Plain JSON: numbers are bytes, seconds and dollars. */
export interface MatchFigures {
  /** Whether some parallelism fits the memory budget. */
  readonly fits: boolean;
  /** Whether it also meets the constraints (TTFT, tokens/s, $/hour). */
  readonly meetsConstraints: boolean;
  /** Tensor-parallel degree chosen (the smallest that fits), or the largest valid one when none fits. */
  readonly tensorParallel: number | null;
  /** Pipeline stages (more than 1 only across nodes). */
  readonly pipelineParallel: number;
  /** GPUs one replica uses. */
  readonly gpuCount: number | null;
  /** `utilization × memory` of one GPU. */
  readonly budgetBytesPerGpu: number;
  /** What one GPU holds at that parallelism. */
  readonly perGpu: PerGpuBytes | null;
  /** The tensor rate the math runs at, e.g. "FP8" or "16-bit math, FP8 weights (Marlin W8A16)". */
  readonly computeRate: string;
  /** Time to first token of one request, in seconds. */
  readonly ttftSeconds: number | null;
  /** Time per decode step (between output tokens), in seconds. */
  readonly interTokenLatencySeconds: number | null;
  /** Which roof binds a decode step. */
  readonly decodeBound: "compute" | "memory" | null;
  /** Output tokens per second of one replica (GPU rows) or of the whole instance (instance rows). */
  readonly tokensPerSecond: number | null;
  /** Largest batch and longest context at this parallelism. */
  readonly capacity: KvCacheCapacity | null;
  /**
   * When the row misses the TTFT target at the smallest parallelism that fits: the smallest
   * larger tensor-parallel degree in one node that meets it, and the TTFT there; otherwise `null`.
   */
  readonly ttftTargetMetAt: TtftTargetMetAt | null;
  /** The price used, with its source and date (`null` when none is known). */
  readonly price: PricePoint | null;
  /** Dollars per million output tokens at that price and throughput. */
  readonly usdPerMillionOutputTokens: number | null;
  /** Why it ranks where it does, in sentences. */
  readonly reasons: readonly string[];
}

/** Builds the shared figures of a row from an evaluation, a throughput and a price, and applies the constraints. */
export function matchFigures(
  evaluation: Evaluation,
  tokensPerSecond: number | null,
  price: PricePoint | null,
  assumptions: RankAssumptions,
  extraReasons: readonly string[],
): MatchFigures {
  const fits = evaluation.topology.fits;
  const ttftSeconds = evaluation.firstToken?.seconds ?? null;
  const usdPerMillionOutputTokens = usdPerMillionTokens(price?.usdPerHour ?? null, tokensPerSecond);
  const misses = constraintMisses(assumptions, {
    ttftSeconds,
    tokensPerSecond,
    usdPerHour: price?.usdPerHour ?? null,
  });
  return {
    fits,
    meetsConstraints: fits && misses.length === 0,
    tensorParallel: evaluation.topology.tp,
    pipelineParallel: evaluation.topology.pp,
    gpuCount: evaluation.gpuCount,
    budgetBytesPerGpu: evaluation.budgetBytesPerGpu,
    perGpu: evaluation.topology.perGpu,
    computeRate: evaluation.execution.rateLabel,
    ttftSeconds,
    interTokenLatencySeconds: evaluation.step?.seconds ?? null,
    decodeBound: evaluation.step?.bound ?? null,
    tokensPerSecond,
    capacity: evaluation.capacity,
    ttftTargetMetAt: evaluation.ttftTargetMetAt,
    price,
    usdPerMillionOutputTokens,
    reasons: [...evaluation.reasons, ...extraReasons, ...(fits ? misses : [])],
  };
}

function constraintMisses(
  assumptions: RankAssumptions,
  figures: {
    readonly ttftSeconds: number | null;
    readonly tokensPerSecond: number | null;
    readonly usdPerHour: number | null;
  },
): string[] {
  const misses: string[] = [];
  if (assumptions.maxTtftMs !== null) {
    const ms = figures.ttftSeconds === null ? null : figures.ttftSeconds * 1000;
    if (ms === null) misses.push(`TTFT unknown, target ${assumptions.maxTtftMs} ms not checked`);
    else if (ms > assumptions.maxTtftMs) {
      misses.push(`misses the TTFT target: ${ms.toFixed(0)} ms > ${assumptions.maxTtftMs} ms`);
    }
  }
  if (
    assumptions.minTokensPerSecond !== null &&
    (figures.tokensPerSecond ?? 0) < assumptions.minTokensPerSecond
  ) {
    misses.push(
      `below ${assumptions.minTokensPerSecond} tokens/s (${figures.tokensPerSecond?.toFixed(0) ?? "unknown"})`,
    );
  }
  if (assumptions.maxUsdPerHour !== null) {
    if (figures.usdPerHour === null) misses.push("no price known to check the $/hour limit");
    else if (figures.usdPerHour > assumptions.maxUsdPerHour) {
      misses.push(`over $${assumptions.maxUsdPerHour}/hour ($${figures.usdPerHour.toFixed(2)})`);
    }
  }
  return misses;
}

/** Whether an accelerator passes a `families` filter (family, vendor or architecture; empty: all). */
export function acceleratorAllowed(
  accelerator: AcceleratorSpec,
  families: readonly string[],
): boolean {
  if (families.length === 0) return true;
  const names = [accelerator.family, accelerator.vendor, accelerator.architecture].map((name) =>
    name.toLowerCase(),
  );
  return families.some((family) => names.includes(family));
}

/** The workload block every ranking returns. */
export interface WorkloadSummary {
  /** Workload id. */
  readonly id: Workload;
  /** What it means. */
  readonly summary: string;
  /** How rows are ordered. */
  readonly ranksBy: string;
  /** Which pricing model suits it. */
  readonly pricingAdvice: string;
}

/** The {@link WorkloadSummary} of a workload. */
export function workloadSummary(workload: Workload): WorkloadSummary {
  return { id: workload, ...WORKLOADS[workload] };
}

/**
 * Orders rows: those that fit and meet the constraints first, then those that fit but miss one,
 * then those that do not fit (closest miss first); within a group, by what the workload weighs
 * (real-time rows that miss the TTFT target: lowest TTFT first).
 * Unknown figures sort after known ones.
 */
export function compareMatches(
  workload: Workload,
  a: MatchFigures & { readonly name: string },
  b: MatchFigures & { readonly name: string },
): number {
  const group = (row: MatchFigures): number => (row.meetsConstraints ? 0 : row.fits ? 1 : 2);
  const byGroup = group(a) - group(b);
  if (byGroup !== 0) return byGroup;
  if (!a.fits) return shortfall(a) - shortfall(b) || a.name.localeCompare(b.name);
  // Real-time rows that miss the TTFT target come closest-first: price does not help a user
  // who cannot meet the latency target.
  const keys =
    workload === "realtime" && !a.meetsConstraints
      ? [(row: MatchFigures) => row.ttftSeconds, usdPerHour]
      : workloadKeys(workload);
  for (const key of keys) {
    const order = ascendingNullsLast(key(a), key(b));
    if (order !== 0) return order;
  }
  return (a.gpuCount ?? 0) - (b.gpuCount ?? 0) || a.name.localeCompare(b.name);
}

type Key = (row: MatchFigures) => number | null;

const usdPerHour: Key = (row) => row.price?.usdPerHour ?? null;
const negativeTokensPerSecond: Key = (row) =>
  row.tokensPerSecond === null ? null : -row.tokensPerSecond;

function workloadKeys(workload: Workload): readonly Key[] {
  switch (workload) {
    case "realtime":
      return [usdPerHour, (row) => row.ttftSeconds];
    case "decode":
      return [(row) => row.interTokenLatencySeconds, usdPerHour];
    case "batch":
      return [(row) => row.usdPerMillionOutputTokens, negativeTokensPerSecond];
    case "training":
      return [usdPerHour, negativeTokensPerSecond];
  }
}

function ascendingNullsLast(a: number | null, b: number | null): number {
  if (a === null) return b === null ? 0 : 1;
  if (b === null) return -1;
  return a - b;
}

/** How far a non-fitting row is from fitting: per-GPU need over budget (∞ when it cannot be split). */
function shortfall(row: MatchFigures): number {
  return row.perGpu === null
    ? Number.POSITIVE_INFINITY
    : row.perGpu.totalBytes / row.budgetBytesPerGpu;
}

/** A requirement, the options used and the workload: the header every ranking result carries. */
export interface RankingHeader {
  /** What was ranked for. */
  readonly requirement: GpuRequirement;
  /** The options used, with a note per default. */
  readonly assumptions: RankAssumptions;
  /** The workload and its pricing advice. */
  readonly workload: WorkloadSummary;
  /** Things the reader should know about the whole ranking. */
  readonly warnings: readonly string[];
}

/**
 * Sorts rows with {@link compareMatches}, keeps the first `top`, numbers them, and adds the header
 * every ranking carries: the common last step of both rankings.
 */
export function finishRanking<Row extends MatchFigures & { readonly name: string }>(
  rows: Row[],
  requirement: GpuRequirement,
  assumptions: RankAssumptions,
  warnings: readonly string[],
): RankingHeader & { readonly matches: (Row & { readonly rank: number })[] } {
  rows.sort((a, b) => compareMatches(assumptions.workload, a, b));
  const kept = assumptions.top === null ? rows : rows.slice(0, assumptions.top);
  return {
    requirement,
    assumptions,
    workload: workloadSummary(assumptions.workload),
    warnings: [...warnings, ...rankingWarnings(requirement, assumptions)],
    matches: kept.map((row, index) => ({ rank: index + 1, ...row })),
  };
}

/** Warnings about the whole ranking: a workload ranked on the other kind of requirement. */
export function rankingWarnings(
  requirement: GpuRequirement,
  assumptions: RankAssumptions,
): string[] {
  if (assumptions.workload === "training" && requirement.kind === "inference") {
    return [
      "training workload ranked on an inference estimate: training memory (gradients, optimizer states, activations) is not in it, so fits are far too optimistic; rank a training estimate (estimateTraining) instead. The order and pricing advice are for training",
    ];
  }
  if (assumptions.workload !== "training" && requirement.kind === "training") {
    return [
      `a training estimate ranked for the ${assumptions.workload} workload: the order and pricing advice are for serving`,
    ];
  }
  return [];
}
