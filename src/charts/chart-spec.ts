/**
 * What `renderChart` draws: plain data, built from an estimate by `memoryBreakdownChart` or
 * `memoryCurveChart`, or written by hand (a notebook may relabel or trim one). Every memory
 * figure is a whole number of bytes; the unit decides only how axes and labels print them.
 */
import type { MemoryUnit } from "../units.js";

/** One part of a stacked bar. */
export interface ChartSegment {
  /** What it is, e.g. "KV cache (BF16)". */
  readonly label: string;
  /** Its size in bytes (0 is kept in the legend and drawn as nothing). */
  readonly bytes: number;
  /** How it was worked out, e.g. "327,680 B/token × 4,096 tokens × 8 sequences". */
  readonly detail?: string | undefined;
}

/** A memory breakdown drawn as one stacked bar, with a legend of exact figures. */
export interface MemoryBreakdownChart {
  /** Which chart. */
  readonly kind: "memory-breakdown";
  /** The chart's title (also its accessible name). */
  readonly title: string;
  /** One line under the title: the workload. */
  readonly subtitle?: string | undefined;
  /** How sizes print: GB (10^9) or GiB (2^30). */
  readonly unit: MemoryUnit;
  /** The parts, stacked left to right in this order. */
  readonly segments: readonly ChartSegment[];
  /** The bar's total in bytes (the segments' sum). */
  readonly totalBytes: number;
  /**
   * Prefix of the element ids inside the SVG (`<title>`, `<desc>`), unique per chart on a page.
   * @default "vramfit-breakdown"
   */
  readonly id?: string | undefined;
}

/** One sample of the memory curve. */
export interface CurvePoint {
  /** Tokens per sequence (context axis) or concurrent sequences (batch axis). */
  readonly x: number;
  /** Memory the model needs there, in bytes. */
  readonly bytes: number;
}

/** Where the curve meets a capacity line: the largest x that still fits. */
export interface Crossing {
  /** The largest context (or batch) whose memory fits the cards. */
  readonly x: number;
  /** The curve's memory at that x, in bytes. */
  readonly bytes: number;
  /** Whether x is the end of the searched range (the model's whole context fits), not a crossing. */
  readonly wholeRange: boolean;
}

/** A horizontal line: what a number of cards can hold for this model. */
export interface CapacityLine {
  /** E.g. "2 × H100 SXM 80GB". */
  readonly label: string;
  /** Cards in the group. */
  readonly gpuCount: number;
  /** Bytes the group can hold for the model, or `null` when the group cannot split it. */
  readonly usableBytes: number | null;
  /** The largest x that fits, `null` when not even the smallest does (or the group cannot split the model). */
  readonly crossing: Crossing | null;
  /** Why the group cannot be used (e.g. the heads do not divide), when it cannot. */
  readonly problem?: string | undefined;
}

/** Memory against context length (or batch) with capacity lines: the crossings are the limits. */
export interface MemoryCurveChart {
  /** Which chart. */
  readonly kind: "memory-curve";
  /** The chart's title (also its accessible name). */
  readonly title: string;
  /** One line under the title: the workload held fixed and what the lines assume. */
  readonly subtitle?: string | undefined;
  /** How sizes print: GB (10^9) or GiB (2^30). */
  readonly unit: MemoryUnit;
  /** What x is: tokens per sequence, or concurrent sequences. */
  readonly axis: "context" | "batch";
  /** What the curve's memory is made of, for the y-axis and the description. */
  readonly curveLabel: string;
  /** The curve, x ascending. */
  readonly points: readonly CurvePoint[];
  /** The capacity lines, fewest cards first. */
  readonly lines: readonly CapacityLine[];
  /** The x the user asked about, drawn as a dashed vertical line, when given. */
  readonly current?: number | undefined;
  /** The model's longest context, drawn as a vertical line when on the chart. */
  readonly limit?: number | undefined;
  /**
   * Prefix of the element ids inside the SVG (`<title>`, `<desc>`), unique per chart on a page.
   * @default "vramfit-curve"
   */
  readonly id?: string | undefined;
}

/** Any chart `renderChart` draws, told apart by `kind`. */
export type ChartSpec = MemoryBreakdownChart | MemoryCurveChart;
