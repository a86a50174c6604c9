/**
 * Field checks shared by the plan resolvers. Each throws `InvalidOptionError` naming the field
 * (as `plan.field`) with a hint, so a hand-written plan file gets a message that says what to fix.
 */
import { InvalidOptionError } from "../../errors.js";

/** A required non-empty string. */
export function requireText(option: string, value: unknown, example: string): string {
  if (typeof value !== "string" || value.trim() === "") {
    throw new InvalidOptionError(option, `expected a non-empty string, got ${describe(value)}`, {
      hint: `Set it, e.g. ${JSON.stringify(example)}.`,
    });
  }
  return value;
}

/** An optional non-empty string. */
export function optionalText(option: string, value: unknown, example: string): string | undefined {
  return value === undefined ? undefined : requireText(option, value, example);
}

/** An optional integer of at least `min` (1 unless told). */
export function optionalInteger(
  option: string,
  value: unknown,
  min = 1,
  max = Number.MAX_SAFE_INTEGER,
): number | undefined {
  if (value === undefined) return undefined;
  if (typeof value !== "number" || !Number.isSafeInteger(value) || value < min || value > max) {
    const range = max === Number.MAX_SAFE_INTEGER ? `≥ ${min}` : `from ${min} to ${max}`;
    throw new InvalidOptionError(option, `expected an integer ${range}, got ${describe(value)}`, {
      hint: `Pass a whole number ${range}.`,
    });
  }
  return value;
}

/** A required integer of at least `min`. */
export function requireInteger(option: string, value: unknown, min = 1): number {
  const checked = optionalInteger(option, value, min);
  if (checked === undefined) {
    throw new InvalidOptionError(option, "is required", { hint: `Pass a whole number ≥ ${min}.` });
  }
  return checked;
}

/** An optional finite number in [min, max] (or (min, max] when `exclusiveMin`). */
export function optionalNumber(
  option: string,
  value: unknown,
  range: { readonly min: number; readonly max: number; readonly exclusiveMin?: boolean },
  hint: string,
): number | undefined {
  if (value === undefined) return undefined;
  const ok =
    typeof value === "number" &&
    Number.isFinite(value) &&
    (range.exclusiveMin === true ? value > range.min : value >= range.min) &&
    value <= range.max;
  if (!ok) {
    const low = range.exclusiveMin === true ? `(${range.min}` : `[${range.min}`;
    throw new InvalidOptionError(
      option,
      `expected a number in ${low}, ${range.max}], got ${describe(value)}`,
      { hint },
    );
  }
  return value;
}

/** An optional boolean. */
export function optionalBoolean(option: string, value: unknown): boolean | undefined {
  if (value === undefined || typeof value === "boolean") return value;
  throw new InvalidOptionError(option, `expected true or false, got ${describe(value)}`);
}

/** An optional value from a fixed list. */
export function optionalChoice<T extends string>(
  option: string,
  value: unknown,
  choices: readonly T[],
): T | undefined {
  if (value === undefined) return undefined;
  if (typeof value === "string" && (choices as readonly string[]).includes(value))
    return value as T;
  throw new InvalidOptionError(option, `unknown value ${describe(value)}`, {
    hint: `Use one of: ${choices.join(", ")}.`,
  });
}

function describe(value: unknown): string {
  if (typeof value === "string") return JSON.stringify(value);
  if (typeof value === "number" || typeof value === "boolean") return String(value);
  return value === null ? "null" : typeof value;
}
