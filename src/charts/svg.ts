/**
 * The few SVG writing helpers the charts share: escaping text and attributes, and numbers
 * printed the same way on every machine (no locale, fixed decimals), so a chart renders to
 * the same string everywhere and can be snapshot-tested.
 */

const ESCAPES: Readonly<Record<string, string>> = {
  "&": "&amp;",
  "<": "&lt;",
  ">": "&gt;",
  '"': "&quot;",
  "'": "&#39;",
};

/** Characters XML 1.0 does not allow at all, even escaped: C0 controls but tab, LF and CR. */
// eslint-disable-next-line no-control-regex -- matching control characters is the point
const NOT_XML = /[\u0000-\u0008\u000B\u000C\u000E-\u001F\uFFFE\uFFFF]/g;

/** Escapes text for an SVG text node or a double-quoted attribute value (dropping what XML forbids). */
export function escapeXml(text: string): string {
  return text
    .replace(NOT_XML, "")
    .replace(/[&<>"']/g, (character) => ESCAPES[character] ?? character);
}

/**
 * A coordinate with at most two decimals and no trailing zeros ("12.5", "3", "-0.25"): enough
 * for a pixel grid, short in the file, and `-0` printed as `0`.
 *
 * @throws {RangeError} for NaN or an infinity, which no chart should ever draw.
 */
export function coordinate(value: number): string {
  if (!Number.isFinite(value))
    throw new RangeError(`chart coordinate must be finite, got ${value}`);
  const rounded = Math.round(value * 100) / 100;
  return String(rounded === 0 ? 0 : rounded);
}

/** An element with attributes (values escaped) and children, or self-closed without any. */
export function element(
  name: string,
  attributes: Readonly<Record<string, string | number | undefined>>,
  children: readonly string[] = [],
): string {
  const parts = Object.entries(attributes)
    .filter((entry): entry is [string, string | number] => entry[1] !== undefined)
    .map(
      ([key, value]) =>
        ` ${key}="${escapeXml(typeof value === "number" ? coordinate(value) : value)}"`,
    )
    .join("");
  return children.length === 0
    ? `<${name}${parts}/>`
    : `<${name}${parts}>${children.join("")}</${name}>`;
}

/** A `<title>` child: the tooltip a browser shows on hover, and what a screen reader reads. */
export function tooltip(text: string): string {
  return `<title>${escapeXml(text)}</title>`;
}

/** A `<text>` element at (x, y). */
export function label(
  x: number,
  y: number,
  text: string,
  attributes: Readonly<Record<string, string | number | undefined>> = {},
): string {
  return element("text", { x, y, ...attributes }, [escapeXml(text)]);
}
