/**
 * Field checks for the plan resolvers, on the options engine (src/options): each throws
 * `InvalidOptionError` naming the field (as `plan.field`), so a hand-written plan file gets the
 * same message an API option would.
 */
import { InvalidOptionError } from "../../errors.js";
import {
  BOOLEAN_FIELD,
  choiceField,
  integerField,
  invalidOption,
  numberField,
  TEXT_FIELD,
  type OptionField,
} from "../../options/option-fields.js";

function checked<T>(option: string, value: unknown, field: OptionField<T>): T | undefined {
  if (value === undefined) return undefined;
  if (!field.accepts(value)) throw invalidOption(option, field, value);
  return value;
}

/** A required non-empty string without control characters. */
export function requireText(option: string, value: unknown, example: string): string {
  const text = checked(option, value, { ...TEXT_FIELD, hint: `e.g. ${JSON.stringify(example)}` });
  if (text === undefined) {
    throw new InvalidOptionError(option, "is required", {
      hint: `Set it, e.g. ${JSON.stringify(example)}.`,
    });
  }
  return text;
}

/** An optional non-empty string without control characters. */
export function optionalText(option: string, value: unknown, example: string): string | undefined {
  return value === undefined ? undefined : requireText(option, value, example);
}

/** An optional whole number from `min` (1 unless told) to `max`. */
export function optionalInteger(
  option: string,
  value: unknown,
  min = 1,
  max = Number.MAX_SAFE_INTEGER,
): number | undefined {
  return checked(option, value, integerField(min, max));
}

/** A required whole number of at least `min`. */
export function requireInteger(option: string, value: unknown, min = 1): number {
  const checkedValue = optionalInteger(option, value, min);
  if (checkedValue === undefined) {
    throw new InvalidOptionError(option, "is required", { hint: `Pass a whole number ≥ ${min}.` });
  }
  return checkedValue;
}

/** An optional finite number in [min, max] (or (min, max] when `exclusiveMin`). */
export function optionalNumber(
  option: string,
  value: unknown,
  range: { readonly min: number; readonly max: number; readonly exclusiveMin?: boolean },
  hint: string,
): number | undefined {
  return checked(option, value, numberField({ ...range, hint }));
}

/** An optional boolean. */
export function optionalBoolean(option: string, value: unknown): boolean | undefined {
  return checked(option, value, BOOLEAN_FIELD);
}

/** An optional value from a fixed list. */
export function optionalChoice<const T extends string | number>(
  option: string,
  value: unknown,
  choices: readonly T[],
): T | undefined {
  return checked(option, value, choiceField(choices));
}
