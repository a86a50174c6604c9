import { element, escapeXml, label } from "./svg.js";
import { FONT, INK } from "./style.js";

/** What every chart's outer `<svg>` carries. */
export interface ChartFrame {
  /** Element id prefix. */
  readonly id: string;
  /** Width and height in pixels. */
  readonly width: number;
  readonly height: number;
  /** Accessible name and visible title. */
  readonly title: string;
  /** Visible line under the title. */
  readonly subtitle: string | undefined;
  /** Long description for screen readers (every figure the chart shows). */
  readonly description: string;
  /** The `kind` of the chart, as a class for styling and tests. */
  readonly kind: string;
}

/**
 * The outer `<svg>`: self-contained (namespace, white background, fonts), labelled for
 * assistive technology (`role="img"` named by its `<title>` and described by its `<desc>`),
 * with the visible title and subtitle drawn at the top.
 */
export function chartFrame(frame: ChartFrame, body: readonly string[]): string {
  const titleId = `${frame.id}-title`;
  const descId = `${frame.id}-desc`;
  return element(
    "svg",
    {
      xmlns: "http://www.w3.org/2000/svg",
      width: frame.width,
      height: frame.height,
      viewBox: `0 0 ${frame.width} ${frame.height}`,
      role: "img",
      "aria-labelledby": `${titleId} ${descId}`,
      class: `vramfit-chart ${frame.kind}`,
      "font-family": FONT,
      "font-size": 12,
      fill: INK.text,
    },
    [
      `<title id="${escapeXml(titleId)}">${escapeXml(frame.title)}</title>`,
      `<desc id="${escapeXml(descId)}">${escapeXml(frame.description)}</desc>`,
      element("rect", { width: frame.width, height: frame.height, fill: "#ffffff" }),
      label(16, 24, frame.title, { "font-size": 15, "font-weight": 600 }),
      ...(frame.subtitle === undefined
        ? []
        : [label(16, 42, frame.subtitle, { "font-size": 11, fill: INK.muted })]),
      ...body,
    ],
  );
}
