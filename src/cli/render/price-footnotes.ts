import type { PricePoint } from "../../hardware/price.js";

/**
 * Numbers each distinct price source (instance and on-demand / spot) once, so a table cell can
 * point at it, and prints the sources with their dates under the tables.
 */
export class PriceFootnotes {
  private readonly notes = new Map<string, { index: number; text: string }>();

  /** What to print when no row shown has a price. */
  constructor(private readonly empty: string) {}

  /** The footnote mark of a price, `[n]`, or `""` for none. */
  mark(price: PricePoint | null): string {
    if (price === null) return "";
    const key = `${price.instanceId}|${price.kind}`;
    let note = this.notes.get(key);
    if (note === undefined) {
      note = {
        index: this.notes.size + 1,
        text: `${price.instanceId} ${price.kind} $${price.usdPerGpuHour.toFixed(4)}/GPU-hour (${price.region ?? "any region"}); as of ${price.asOf}, read ${price.retrieved}; source ${price.source}`,
      };
      this.notes.set(key, note);
    }
    return `[${note.index}]`;
  }

  /** The footnotes, one line each, in the order they were first marked. */
  lines(): string[] {
    if (this.notes.size === 0) return [`    (${this.empty})`];
    return [...this.notes.values()].map((note) => `    [${note.index}] ${note.text}`);
  }
}
