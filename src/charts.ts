// vramfit/charts: the memory pictures as self-contained SVG strings, from the same estimates
// as the numbers. Pure (no DOM, no Node built-in): a page, a notebook or the CLI's --plot.
//
// Deliberately left out: the SVG helpers, scales and palette. They are internal and may change
// in any release; a chart's spec is plain data and is the thing to adjust.

export { renderChart } from "./charts/render-chart.js";
export type {
  CapacityLine,
  ChartSegment,
  ChartSpec,
  Crossing,
  CurvePoint,
  MemoryBreakdownChart,
  MemoryCurveChart,
} from "./charts/chart-spec.js";
export { memoryBreakdownChart } from "./charts/breakdown.js";
export type { BreakdownChartOptions } from "./charts/breakdown.js";
export { memoryCurveChart } from "./charts/curve.js";
export type { CurveChartOptions } from "./charts/curve-options.js";
export { usableBytesOnCards } from "./charts/usable-bytes.js";
export type { SplitFacts, UsableBytes, UsableBytesOptions } from "./charts/usable-bytes.js";
