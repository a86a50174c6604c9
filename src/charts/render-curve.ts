import { formatInteger, formatBytes } from "../units.js";
import type { CapacityLine, MemoryCurveChart } from "./chart-spec.js";
import { chartFrame } from "./frame.js";
import { bytesPerUnit, countTicks, linearScale, memoryTicks } from "./scale.js";
import { element, label, tooltip } from "./svg.js";
import { CURVE_COLOR, INK, LINE_STYLES, pick } from "./style.js";

const WIDTH = 640;
const PLOT = { left: 64, right: WIDTH - 20, top: 76, bottom: 326 } as const;
const LEGEND_TOP = PLOT.bottom + 58;
const ROW = 20;

/**
 * Draws a {@link MemoryCurveChart}: the memory curve, a dashed horizontal line per group of
 * cards, a marker where the curve crosses each line (hover or read `data-max-x` for the largest
 * context or batch that fits), the asked x and the model's limit as vertical lines, and a legend
 * stating every limit in words. Pure.
 */
export function renderCurve(chart: MemoryCurveChart): string {
  const unit = chart.unit;
  const points = chart.points;
  const xMax = Math.max(2, ...points.map((point) => point.x));
  const curveMax = Math.max(1, ...points.map((point) => point.bytes));
  // Show the lines up to the first one the whole curve fits under; larger groups are listed only.
  const above = chart.lines
    .map((line) => line.usableBytes)
    .filter((bytes): bytes is number => bytes !== null && bytes >= curveMax);
  const yTicks = memoryTicks(above.length > 0 ? Math.min(...above) : curveMax, unit);
  const yTop = yTicks.at(-1) ?? curveMax;
  const x = linearScale(0, xMax, PLOT.left, PLOT.right);
  const y = linearScale(0, yTop, PLOT.bottom, PLOT.top);
  const drawn = (line: CapacityLine) => line.usableBytes !== null && line.usableBytes <= yTop;
  const what = chart.axis === "context" ? "tokens per sequence" : "concurrent sequences";

  const body: string[] = [
    ...yTicks.flatMap((tick) => [
      element("line", {
        x1: PLOT.left,
        y1: y(tick),
        x2: PLOT.right,
        y2: y(tick),
        stroke: INK.grid,
      }),
      label(PLOT.left - 6, y(tick) + 4, String(+(tick / bytesPerUnit(unit)).toFixed(3)), {
        "text-anchor": "end",
      }),
    ]),
    ...countTicks(xMax)
      .filter((tick) => tick <= xMax)
      .flatMap((tick) => [
        element("line", {
          x1: x(tick),
          y1: PLOT.bottom,
          x2: x(tick),
          y2: PLOT.bottom + 5,
          stroke: INK.axis,
        }),
        label(x(tick), PLOT.bottom + 18, countLabel(tick, chart.axis), { "text-anchor": "middle" }),
      ]),
    element("line", {
      x1: PLOT.left,
      y1: PLOT.bottom,
      x2: PLOT.right,
      y2: PLOT.bottom,
      stroke: INK.axis,
    }),
    element("line", {
      x1: PLOT.left,
      y1: PLOT.top,
      x2: PLOT.left,
      y2: PLOT.bottom,
      stroke: INK.axis,
    }),
    label(
      (PLOT.left + PLOT.right) / 2,
      PLOT.bottom + 36,
      chart.axis === "context"
        ? "Context length (tokens per sequence; K = 1,024)"
        : "Batch size (concurrent sequences)",
      { "text-anchor": "middle", fill: INK.muted, "font-size": 11 },
    ),
    label(
      16,
      PLOT.top - 12,
      `${unit === "gib" ? "GiB (2^30 bytes)" : "GB (10^9 bytes)"}: ${chart.curveLabel}`,
      {
        fill: INK.muted,
        "font-size": 11,
      },
    ),
  ];

  for (const [name, value] of [
    ["asked", chart.current],
    ["model limit", chart.limit],
  ] as const) {
    if (value === undefined || value > xMax) continue;
    body.push(
      element("g", { class: name === "asked" ? "asked" : "limit", "data-x": String(value) }, [
        element("line", {
          x1: x(value),
          y1: PLOT.top,
          x2: x(value),
          y2: PLOT.bottom,
          stroke: INK.muted,
          "stroke-dasharray": name === "asked" ? "3 3" : undefined,
        }),
        // Labels near the right edge go to the line's left so they stay inside the chart.
        x(value) > PLOT.right - 90
          ? label(x(value) - 3, PLOT.bottom - 6, `${name} ${formatInteger(value)}`, {
              fill: INK.muted,
              "font-size": 10,
              "text-anchor": "end",
            })
          : label(x(value) + 3, PLOT.bottom - 6, `${name} ${formatInteger(value)}`, {
              fill: INK.muted,
              "font-size": 10,
            }),
      ]),
    );
  }

  chart.lines.forEach((line, index) => {
    if (!drawn(line) || line.usableBytes === null) return;
    const style = pick(LINE_STYLES, index);
    body.push(
      element("g", { class: "capacity", "data-gpus": String(line.gpuCount) }, [
        element("line", {
          x1: PLOT.left,
          y1: y(line.usableBytes),
          x2: PLOT.right,
          y2: y(line.usableBytes),
          stroke: style.color,
          "stroke-width": 1.5,
          "stroke-dasharray": style.dash,
        }),
        label(PLOT.right - 2, y(line.usableBytes) - 4, line.label, {
          "text-anchor": "end",
          "font-size": 11,
        }),
        tooltip(
          `${line.label}: ${formatBytes(line.usableBytes, { unit })} usable (${formatInteger(line.usableBytes)} bytes)`,
        ),
      ]),
    );
  });

  const path = points
    .map(
      (point, index) => `${index === 0 ? "M" : "L"}${round(x(point.x))} ${round(y(point.bytes))}`,
    )
    .join(" ");
  body.push(
    element(
      "path",
      { class: "curve", d: path, fill: "none", stroke: CURVE_COLOR, "stroke-width": 2.5 },
      [
        tooltip(
          `${chart.curveLabel}, from ${formatBytes(points[0]?.bytes ?? 0, { unit })} to ${formatBytes(points.at(-1)?.bytes ?? 0, { unit })}`,
        ),
      ],
    ),
  );

  chart.lines.forEach((line, index) => {
    const crossing = line.crossing;
    if (!drawn(line) || crossing === null || crossing.wholeRange || crossing.x > xMax) return;
    const style = pick(LINE_STYLES, index);
    body.push(
      element(
        "g",
        {
          class: "crossing",
          "data-gpus": String(line.gpuCount),
          "data-max-x": String(crossing.x),
          "data-bytes": String(crossing.bytes),
        },
        [
          element("circle", {
            cx: x(crossing.x),
            cy: y(crossing.bytes),
            r: 5,
            fill: "#ffffff",
            stroke: style.color,
            "stroke-width": 2.5,
          }),
          label(x(crossing.x) + 7, y(crossing.bytes) + 14, formatInteger(crossing.x), {
            "font-size": 11,
            "font-weight": 600,
          }),
          tooltip(
            `${line.label}: at most ${formatInteger(crossing.x)} ${what} (${formatBytes(crossing.bytes, { unit })})`,
          ),
        ],
      ),
    );
  });

  const legend = [
    { color: CURVE_COLOR, dash: undefined, text: `${chart.curveLabel} (the curve)` },
    ...chart.lines.map((line, index) => ({
      ...pick(LINE_STYLES, index),
      text: `${line.label}: ${lineSummary(line, chart, what)}${line.usableBytes !== null && !drawn(line) ? " (off the chart)" : ""}`,
    })),
  ];
  legend.forEach((entry, index) => {
    const rowY = LEGEND_TOP + index * ROW;
    body.push(
      element("g", { class: "legend-row" }, [
        element("line", {
          x1: 16,
          y1: rowY - 4,
          x2: 40,
          y2: rowY - 4,
          stroke: entry.color,
          "stroke-width": 2.5,
          "stroke-dasharray": entry.dash,
        }),
        label(48, rowY, entry.text, { "font-size": 11 }),
      ]),
    );
  });

  const description = `Line chart of ${chart.curveLabel} against ${what}, with the memory groups of cards can hold. ${chart.lines
    .map((line) => `${line.label}: ${lineSummary(line, chart, what)}.`)
    .join(" ")}`;
  return chartFrame(
    {
      id: chart.id ?? "vramfit-curve",
      width: WIDTH,
      height: LEGEND_TOP + legend.length * ROW,
      title: chart.title,
      subtitle: chart.subtitle,
      description,
      kind: chart.kind,
    },
    body,
  );
}

/** What one line means in words: its usable memory and the limit it sets. */
function lineSummary(line: CapacityLine, chart: MemoryCurveChart, what: string): string {
  if (line.usableBytes === null)
    return `cannot split the model (${line.problem ?? "no parallelism"})`;
  const usable = `${formatBytes(line.usableBytes, { unit: chart.unit })} usable`;
  const crossing = line.crossing;
  const one = chart.axis === "context" ? "token" : "sequence";
  if (crossing === null) return `${usable}; does not fit even 1 ${one}`;
  if (crossing.wholeRange) {
    return `${usable}; fits ${crossing.x === chart.limit ? "the model's limit" : "the whole range"}, ${formatInteger(crossing.x)} ${one}s`;
  }
  return `${usable}; at most ${formatInteger(crossing.x)} ${what}`;
}

/** "8K" for whole multiples of 1,024 tokens, else the number. */
function countLabel(value: number, axis: "context" | "batch"): string {
  if (axis === "context" && value >= 1024 && value % 1024 === 0) return `${value / 1024}K`;
  return formatInteger(value);
}

function round(value: number): number {
  return Math.round(value * 100) / 100;
}
