// Figures as the page prints them: every size with its unit (GB = 10^9, GiB = 2^30, from the
// library's formatBytes), whole numbers with separators, money and times with their units.
import { formatBytes, type MemoryUnit } from "vramfit";
import { formatInteger } from "../../src/units.js";

/** "77.53 GB". */
export function bytes(value: number | null | undefined, unit: MemoryUnit): string {
  return value === null || value === undefined ? "—" : formatBytes(value, { unit });
}

/** "4,970". */
export function count(value: number | null | undefined): string {
  return value === null || value === undefined ? "—" : formatInteger(value);
}

/** "$12.29". */
export function dollars(value: number | null | undefined): string {
  return value === null || value === undefined ? "—" : `$${value.toFixed(2)}`;
}

/** "284 ms". */
export function milliseconds(seconds: number | null | undefined): string {
  return seconds === null || seconds === undefined ? "—" : `${(seconds * 1000).toFixed(0)} ms`;
}
