import { didYouMean } from "../options/did-you-mean.js";
import { UsageError } from "./usage-error.js";

/**
 * Parses a whole positive count: `4096`, `1e6` (when it is whole), and with `allowK` the token
 * shorthands `4k`/`4K` (× 1024) and `1m`/`1M` (× 1024²), as in "4k context".
 *
 * @throws {UsageError} for anything else.
 */
export function parseCount(
  flag: string,
  value: string,
  options: { allowK?: boolean } = {},
): number {
  const match = /^(\d+(?:\.\d+)?(?:e\d+)?)([kKmM]?)$/.exec(value.trim());
  const number = match?.[1];
  const suffix = (match?.[2] ?? "").toLowerCase();
  const expected = `a positive whole number${options.allowK === true ? " (4096, 4k, 1e6)" : ""}`;
  if (number === undefined || (suffix !== "" && options.allowK !== true)) {
    throw new UsageError(`${flag} expects ${expected}, got "${value}".`);
  }
  const count = Number(number) * (suffix === "k" ? 1024 : suffix === "m" ? 1024 ** 2 : 1);
  if (count < 1 || !Number.isSafeInteger(count)) {
    throw new UsageError(`${flag} expects ${expected}, got "${value}".`);
  }
  return count;
}

/**
 * Parses a fraction from 0 to 1; "12%" is accepted for 0.12.
 *
 * @throws {UsageError} for anything else.
 */
export function parseFraction(flag: string, value: string): number {
  const percent = value.trim().endsWith("%");
  const number = Number(percent ? value.trim().slice(0, -1) : value);
  const fraction = percent ? number / 100 : number;
  if (value.trim() === "" || !Number.isFinite(fraction) || fraction < 0 || fraction > 1) {
    throw new UsageError(
      `${flag} expects a fraction from 0 to 1 (or a percentage), got "${value}".`,
    );
  }
  return fraction;
}

const MAGNITUDES: Readonly<Record<string, number>> = { "": 1, k: 1e3, m: 1e6, b: 1e9, t: 1e12 };

/**
 * Parses a parameter count: `70000000000`, `70e9`, `70B`, `8.03b`, `500M`.
 *
 * @throws {UsageError} for anything else.
 */
export function parseParameterCount(flag: string, value: string): number {
  const match = /^([\d.]+(?:e\d+)?)([kmbtKMBT]?)$/.exec(value.trim());
  const magnitude = MAGNITUDES[(match?.[2] ?? "").toLowerCase()];
  const count = Number(match?.[1]) * (magnitude ?? Number.NaN);
  if (!Number.isFinite(count) || count <= 0) {
    throw new UsageError(`${flag} expects a parameter count such as 70e9 or 70B, got "${value}".`);
  }
  return count;
}

/**
 * Checks a value against a fixed list.
 *
 * @throws {UsageError} naming the allowed values.
 */
export function parseChoice<const T extends string>(
  flag: string,
  value: string,
  choices: readonly T[],
): T {
  const found = choices.find((choice) => choice === value.trim().toLowerCase());
  if (found === undefined) {
    throw new UsageError(`${flag} expects one of ${choices.join(", ")}, got "${value}".`, {
      hint: didYouMean(value.trim(), choices),
    });
  }
  return found;
}
