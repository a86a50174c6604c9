import { formatInteger, formatBytes } from "../units.js";
import type { MemoryBreakdownChart } from "./chart-spec.js";
import { chartFrame } from "./frame.js";
import { bytesPerUnit, linearScale, memoryTicks } from "./scale.js";
import { element, label, tooltip } from "./svg.js";
import { INK, pick, SEGMENT_COLORS } from "./style.js";

const WIDTH = 640;
const LEFT = 16;
const RIGHT = WIDTH - 24;
const BAR_TOP = 58;
const BAR_HEIGHT = 40;
const AXIS_Y = BAR_TOP + BAR_HEIGHT;
const LEGEND_TOP = AXIS_Y + 52;
const ROW = 22;

/**
 * Draws a {@link MemoryBreakdownChart}: one horizontal bar, a segment per part (hover shows its
 * exact bytes), a memory axis in GB or GiB, and a legend with every figure. Pure.
 */
export function renderBreakdown(chart: MemoryBreakdownChart): string {
  const unit = chart.unit;
  const unitName = unit === "gib" ? "GiB" : "GB";
  const parts = chart.segments.filter((segment) => segment.bytes > 0);
  const ticks = memoryTicks(Math.max(chart.totalBytes, 1), unit);
  const x = linearScale(0, ticks.at(-1) ?? 1, LEFT, RIGHT);
  const share = (bytes: number) =>
    chart.totalBytes > 0 ? `${((100 * bytes) / chart.totalBytes).toFixed(1)} %` : "0 %";
  const exact = (bytes: number) =>
    `${formatBytes(bytes, { unit })} (${formatInteger(bytes)} bytes)`;

  const body: string[] = [];
  let start = 0;
  parts.forEach((segment, index) => {
    const color = pick(SEGMENT_COLORS, index);
    body.push(
      element(
        "rect",
        {
          class: "segment",
          x: x(start),
          y: BAR_TOP,
          width: Math.max(x(start + segment.bytes) - x(start), 0.5),
          height: BAR_HEIGHT,
          fill: color,
          stroke: "#ffffff",
          "stroke-width": 1,
          "data-bytes": String(segment.bytes),
        },
        [tooltip(`${segment.label}: ${exact(segment.bytes)}, ${share(segment.bytes)}`)],
      ),
    );
    start += segment.bytes;
  });

  body.push(
    element("line", { x1: LEFT, y1: AXIS_Y, x2: RIGHT, y2: AXIS_Y, stroke: INK.axis }),
    ...ticks.flatMap((tick) => [
      element("line", { x1: x(tick), y1: AXIS_Y, x2: x(tick), y2: AXIS_Y + 5, stroke: INK.axis }),
      label(x(tick), AXIS_Y + 18, tickValue(tick, unit), { "text-anchor": "middle" }),
    ]),
    label(RIGHT, AXIS_Y + 34, `${unitName} (${unit === "gib" ? "2^30" : "10^9"} bytes)`, {
      "text-anchor": "end",
      fill: INK.muted,
      "font-size": 11,
    }),
  );

  const rows = parts.map((segment, index) => ({ ...segment, color: pick(SEGMENT_COLORS, index) }));
  rows.forEach((row, index) => {
    const y = LEGEND_TOP + index * ROW;
    body.push(
      element("g", { class: "legend-row" }, [
        element("rect", { x: LEFT, y: y - 11, width: 12, height: 12, fill: row.color }),
        label(LEFT + 20, y, row.label),
        label(RIGHT - 236, y, formatBytes(row.bytes, { unit }), { "text-anchor": "end" }),
        label(RIGHT - 170, y, share(row.bytes), { "text-anchor": "end", fill: INK.muted }),
        label(RIGHT, y, `${formatInteger(row.bytes)} bytes`, {
          "text-anchor": "end",
          fill: INK.muted,
        }),
        tooltip(
          `${row.label}: ${exact(row.bytes)}${row.detail === undefined ? "" : `; ${row.detail}`}`,
        ),
      ]),
    );
  });
  const totalY = LEGEND_TOP + rows.length * ROW + 2;
  body.push(
    element("line", { x1: LEFT, y1: totalY - 15, x2: RIGHT, y2: totalY - 15, stroke: INK.grid }),
    label(LEFT + 20, totalY, "Total", { "font-weight": 600 }),
    label(RIGHT - 236, totalY, formatBytes(chart.totalBytes, { unit }), {
      "text-anchor": "end",
      "font-weight": 600,
      class: "total",
      "data-bytes": String(chart.totalBytes),
    }),
    label(RIGHT, totalY, `${formatInteger(chart.totalBytes)} bytes`, {
      "text-anchor": "end",
      fill: INK.muted,
    }),
  );

  const description = `Stacked bar of ${formatBytes(chart.totalBytes, { unit })} in all: ${parts
    .map((segment) => `${segment.label} ${exact(segment.bytes)}, ${share(segment.bytes)}`)
    .join("; ")}.`;
  return chartFrame(
    {
      id: chart.id ?? "vramfit-breakdown",
      width: WIDTH,
      height: totalY + 14,
      title: chart.title,
      subtitle: chart.subtitle,
      description,
      kind: chart.kind,
    },
    body,
  );
}

/** A tick's value in the unit, with as few decimals as the step needs. */
function tickValue(bytes: number, unit: "gb" | "gib"): string {
  const value = bytes / bytesPerUnit(unit);
  return String(+value.toFixed(3));
}
