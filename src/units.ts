/**
 * Byte units and whole-number formatting. Inside vramfit every memory quantity is a plain `number` of bytes;
 * GB and GiB exist only here, in catalog input and in printed output.
 *
 * - GB = 10^9 bytes (decimal; how vendors and model cards print model sizes).
 * - GiB = 2^30 bytes (binary; how drivers and clouds report device memory).
 *
 * See docs/units.md.
 */

/** Bytes in one kibibyte (2^10). */
export const BYTES_PER_KIB = 1024;
/** Bytes in one mebibyte (2^20). */
export const BYTES_PER_MIB = 1024 ** 2;
/** Bytes in one gibibyte (2^30). */
export const BYTES_PER_GIB = 1024 ** 3;
/** Bytes in one gigabyte (10^9). */
export const BYTES_PER_GB = 1e9;

/** The two ways vramfit prints memory: decimal GB or binary GiB. */
export type MemoryUnit = "gb" | "gib";

/** Converts gibibytes (2^30) to bytes. */
export function gibToBytes(gib: number): number {
  return gib * BYTES_PER_GIB;
}

/** Converts mebibytes (2^20) to bytes. */
export function mibToBytes(mib: number): number {
  return mib * BYTES_PER_MIB;
}

/** Converts gigabytes (10^9) to bytes. */
export function gbToBytes(gb: number): number {
  return gb * BYTES_PER_GB;
}

/** Converts bytes to gibibytes (2^30). */
export function bytesToGiB(bytes: number): number {
  return bytes / BYTES_PER_GIB;
}

/** Converts bytes to gigabytes (10^9). */
export function bytesToGB(bytes: number): number {
  return bytes / BYTES_PER_GB;
}

/** Options of {@link formatBytes}. */
export interface FormatBytesOptions {
  /**
   * `"gb"` prints decimal gigabytes (10^9), `"gib"` binary gibibytes (2^30).
   * @default "gb"
   */
  readonly unit?: MemoryUnit;
  /**
   * Digits after the decimal point.
   * @default 2
   */
  readonly digits?: number;
}

/**
 * Formats a byte count as GB (10^9, the default) or GiB (2^30), always with its unit,
 * e.g. `formatBytes(10_737_418_240)` → `"10.74 GB"`, and with `{ unit: "gib" }` → `"10.00 GiB"`.
 */
export function formatBytes(bytes: number, options: FormatBytesOptions = {}): string {
  const unit = options.unit ?? "gb";
  const digits = options.digits ?? 2;
  const value = unit === "gib" ? bytesToGiB(bytes) : bytesToGB(bytes);
  return `${value.toFixed(digits)} ${unit === "gib" ? "GiB" : "GB"}`;
}

/**
 * A whole number with thousands separators, e.g. `formatInteger(10_737_418_240)` →
 * `"10,737,418,240"`; fractions are rounded. It prints what `toLocaleString("en-US")` prints
 * for whole numbers, without `Intl`: Node loads ICU data on the first `toLocaleString` call,
 * about 28 ms of a CLI run that takes 80.
 */
export function formatInteger(value: number): string {
  const whole = Math.round(value);
  if (!Number.isFinite(whole)) return String(whole);
  const digits = BigInt(Math.abs(whole)).toString();
  const grouped = digits.replace(/\B(?=(\d{3})+(?!\d))/g, ",");
  return whole < 0 ? `-${grouped}` : grouped;
}
