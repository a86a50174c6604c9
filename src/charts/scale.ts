/**
 * Axes: a linear map from data to pixels, and tick values people read easily: memory in
 * steps of 1, 2 or 5 × 10^k of the chosen unit (GB or GiB), tokens and sequences in
 * power-of-two steps (contexts and batches are powers of two far more often than not).
 */
import { BYTES_PER_GB, BYTES_PER_GIB, type MemoryUnit } from "../units.js";

/** A linear map from `[domainMin, domainMax]` onto `[rangeStart, rangeEnd]` (pixels). */
export function linearScale(
  domainMin: number,
  domainMax: number,
  rangeStart: number,
  rangeEnd: number,
): (value: number) => number {
  const span = domainMax - domainMin;
  if (!(span > 0)) throw new RangeError(`empty scale domain [${domainMin}, ${domainMax}]`);
  return (value) => rangeStart + ((value - domainMin) / span) * (rangeEnd - rangeStart);
}

/** Bytes in one GB (10^9) or one GiB (2^30). */
export function bytesPerUnit(unit: MemoryUnit): number {
  return unit === "gib" ? BYTES_PER_GIB : BYTES_PER_GB;
}

/**
 * Memory ticks from 0 past `maxBytes`: a step of 1, 2 or 5 × 10^k units giving at most
 * `maxTicks` intervals. Returns the ticks in bytes; the last one is at or above `maxBytes`.
 */
export function memoryTicks(maxBytes: number, unit: MemoryUnit, maxTicks = 6): number[] {
  const unitBytes = bytesPerUnit(unit);
  const top = Math.max(maxBytes / unitBytes, Number.EPSILON);
  const raw = top / maxTicks;
  const magnitude = 10 ** Math.floor(Math.log10(raw));
  const step =
    [1, 2, 5].map((factor) => factor * magnitude).find((s) => top / s <= maxTicks) ??
    10 * magnitude;
  const count = Math.ceil(top / step - 1e-9);
  return Array.from({ length: count + 1 }, (_, index) => index * step * unitBytes);
}

/**
 * Count ticks (tokens, sequences) from 0 past `max`: a power-of-two step giving at most
 * `maxTicks` intervals. The last tick is at or above `max`.
 */
export function countTicks(max: number, maxTicks = 8): number[] {
  let step = 1;
  while (Math.max(max, 1) / step > maxTicks) step *= 2;
  const count = Math.ceil(Math.max(max, 1) / step);
  return Array.from({ length: count + 1 }, (_, index) => index * step);
}
