/**
 * Colours and type shared by the charts. The palette is Okabe and Ito's, distinguishable with
 * every common colour-vision deficiency (jfly.uni-koeln.de/color); text is near-black on white
 * (contrast 17:1), and lines differ by dash pattern as well as colour.
 */

/** Segment fills of a stacked bar, in stacking order. */
export const SEGMENT_COLORS: readonly [string, ...string[]] = [
  "#0072B2",
  "#E69F00",
  "#009E73",
  "#CC79A7",
  "#56B4E9",
  "#D55E00",
  "#F0E442",
  "#999999",
  "#000000",
  "#7F3C8D",
];

/** How one capacity line is drawn. */
export interface LineStyle {
  readonly color: string;
  readonly dash: string;
}

/** Capacity-line colours and dash patterns, fewest cards first. */
export const LINE_STYLES: readonly [LineStyle, ...LineStyle[]] = [
  { color: "#D55E00", dash: "6 3" },
  { color: "#009E73", dash: "2 3" },
  { color: "#CC79A7", dash: "8 3 2 3" },
  { color: "#000000", dash: "4 4" },
  { color: "#E69F00", dash: "1 2" },
];

/** The curve's colour. */
export const CURVE_COLOR = "#0072B2";

/** Text, axes and grid. */
export const INK = { text: "#1a1a1a", muted: "#555555", axis: "#333333", grid: "#e3e3e3" } as const;

/** The font stack: the reader's own sans-serif. */
export const FONT = "system-ui, -apple-system, 'Segoe UI', Roboto, sans-serif";

/** A colour from a list by position, wrapping around. */
export function pick<T>(list: readonly [T, ...T[]], index: number): T {
  return list[index % list.length] ?? list[0];
}
