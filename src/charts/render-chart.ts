import type { ChartSpec } from "./chart-spec.js";
import { renderBreakdown } from "./render-breakdown.js";
import { renderCurve } from "./render-curve.js";

/**
 * Renders a chart to a self-contained SVG document: no script, no external font or style, no
 * DOM or Node built-in needed, the same string for the same spec on every machine. Accessible:
 * `role="img"` named by its `<title>` and described by a `<desc>` that states every figure.
 * Write it to a `.svg` file, put it in a page's HTML, or display it in a notebook.
 *
 * @throws {RangeError} when a figure is not finite (a spec written by hand).
 * @example
 * const svg = renderChart(memoryBreakdownChart(estimate, { unit: "gib" }));
 */
export function renderChart(spec: ChartSpec): string {
  switch (spec.kind) {
    case "memory-breakdown":
      return renderBreakdown(spec);
    case "memory-curve":
      return renderCurve(spec);
  }
}
