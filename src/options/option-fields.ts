/**
 * The options engine: each function's options are declared once, as a table of fields (what
 * values are allowed, the default, the note echoed in `assumptions`), and read through
 * {@link readOption}, which validates and explains. {@link checkKnownOptions} refuses keys no
 * table declares, with a did-you-mean. Every resolver in vramfit uses these, so an option is
 * spelt, checked and reported the same way everywhere (docs/architecture.md#options).
 */
import { InvalidOptionError } from "../errors.js";
import { describeValue } from "./explain-issue.js";
import { didYouMean } from "./did-you-mean.js";

/** What values one option accepts, in words and as a test. */
export interface OptionField<T> {
  /** The allowed values in words, completing "expected ...", e.g. "a whole number ≥ 1". */
  readonly expected: string;
  /** Whether `value` is allowed. */
  readonly accepts: (value: unknown) => value is T;
  /** What to do about a bad value, when there is more to say than `expected`. */
  readonly hint?: string | undefined;
}

/** One option as its function declares it: the field, its fixed default, and the note. */
export interface OptionSpec<T> {
  /** The values it accepts. */
  readonly field: OptionField<T>;
  /** The value used when the option is left out, when it does not depend on the model. */
  readonly default?: T | undefined;
  /** The `assumptions.notes` line when the default is taken. */
  readonly note?: ((value: T) => string) | undefined;
}

/**
 * An options interface declared as a table: one {@link OptionSpec} per field, so a field
 * cannot be added to the interface without saying how it is checked.
 */
export type OptionTable<Options> = {
  readonly [Key in keyof Options]-?: OptionSpec<Exclude<Options[Key], undefined>>;
};

/** A whole number from `min` to `max` (safe integers only). */
export function integerField(min = 1, max = Number.MAX_SAFE_INTEGER): OptionField<number> {
  const range =
    max === Number.MAX_SAFE_INTEGER
      ? min === 1
        ? "a positive whole number"
        : `a whole number ≥ ${min}`
      : `a whole number from ${min} to ${max}`;
  return {
    expected: range,
    accepts: (value): value is number =>
      typeof value === "number" && Number.isSafeInteger(value) && value >= min && value <= max,
  };
}

/** A finite number in `[min, max]`, or `(min, max]` with `exclusiveMin`. */
export function numberField(range: {
  readonly min: number;
  readonly max: number;
  readonly exclusiveMin?: boolean;
  readonly hint?: string;
}): OptionField<number> {
  const low = range.exclusiveMin === true ? `(${range.min}` : `[${range.min}`;
  return {
    expected: `a number in ${low}, ${range.max}]`,
    hint: range.hint,
    accepts: (value): value is number =>
      typeof value === "number" &&
      Number.isFinite(value) &&
      (range.exclusiveMin === true ? value > range.min : value >= range.min) &&
      value <= range.max,
  };
}

/** One of a fixed list of strings (or numbers). */
export function choiceField<const T extends string | number>(
  choices: readonly T[],
): OptionField<T> {
  const names = choices.map((choice) => JSON.stringify(choice));
  const last = names.pop();
  return {
    expected: names.length === 0 ? `${last}` : `one of ${names.join(", ")} or ${last}`,
    accepts: (value): value is T => (choices as readonly unknown[]).includes(value),
  };
}

/** `true` or `false`. */
export const BOOLEAN_FIELD: OptionField<boolean> = {
  expected: "true or false",
  accepts: (value): value is boolean => typeof value === "boolean",
};

/** A non-empty string without control characters (line breaks, NUL, ...). */
export const TEXT_FIELD: OptionField<string> = {
  expected: "a non-empty string without control characters",
  accepts: (value): value is string =>
    typeof value === "string" && value.trim() !== "" && !CONTROL_CHARACTERS.test(value),
};

/** A list whose every item the given field accepts. */
export function listField<T>(item: OptionField<T>): OptionField<readonly T[]> {
  return {
    expected: `a list of ${item.expected.replace(/^an? /, "")}s`,
    accepts: (value): value is readonly T[] =>
      Array.isArray(value) && value.every((entry) => item.accepts(entry)),
  };
}

/** Anything: for objects checked by their own resolver (an image size, a checkpoint). */
export function anyField<T>(expected: string): OptionField<T> {
  return { expected, accepts: (value): value is T => value !== undefined };
}

/** C0 and C1 control characters, DEL, and the Unicode line and paragraph separators. */
// eslint-disable-next-line no-control-regex -- matching control characters is the point
export const CONTROL_CHARACTERS = /[\u0000-\u001f\u007f-\u009f\u2028\u2029]/;

/**
 * Reads one option: the given value when the field accepts it, else the spec's default (and
 * its note), else `undefined`.
 *
 * @throws {InvalidOptionError} naming the option, what it expected and what it got.
 */
export function readOption<Options extends object, Key extends keyof Options>(
  table: OptionTable<Options>,
  options: Options,
  key: Key,
  notes?: string[],
): Exclude<Options[Key], undefined> | undefined {
  const spec = table[key];
  const value = options[key];
  if (value !== undefined) {
    if (!spec.field.accepts(value)) throw invalidOption(String(key), spec.field, value);
    return value;
  }
  if (spec.default === undefined) return undefined;
  if (notes !== undefined && spec.note !== undefined) notes.push(spec.note(spec.default));
  return spec.default;
}

/**
 * The error for a value a field does not accept.
 */
export function invalidOption(
  name: string,
  field: OptionField<unknown>,
  value: unknown,
): InvalidOptionError {
  return new InvalidOptionError(name, `expected ${field.expected}, got ${describeValue(value)}`, {
    hint: field.hint,
  });
}

/**
 * Option names of vramfit 0.1 and what they are called now (one vocabulary across the API, the
 * CLI and the JSON files), so an old name gets a precise hint rather than a guess.
 */
const RENAMED_OPTIONS: Readonly<Record<string, string>> = {
  gpus: "gpuCount",
  numGpus: "gpuCount",
  precision: "weights",
  weightsPrecision: "weights",
  tensorParallelSize: "tensorParallel",
  pipelineParallelSize: "pipelineParallel",
};

/**
 * Refuses option keys that none of the given tables declares (a misspelt `contextLenght` would
 * otherwise be ignored and its default used silently). Keys whose value is `undefined` pass.
 *
 * @throws {InvalidOptionError} naming the unknown key and the closest known one.
 */
export function checkKnownOptions(
  options: object,
  tables: readonly object[],
  subject: string,
): void {
  for (const [key, value] of Object.entries(options)) {
    if (value === undefined || tables.some((table) => Object.hasOwn(table, key))) continue;
    const known = tables.flatMap((table) => Object.keys(table)).sort();
    const renamed = RENAMED_OPTIONS[key];
    throw new InvalidOptionError(key, `${subject} has no option "${key}"`, {
      hint:
        renamed !== undefined && known.includes(renamed)
          ? `It is called "${renamed}" since vramfit 0.2.`
          : didYouMean(key, known),
    });
  }
}

/**
 * The entries of `options` that the given tables declare, so one options object can feed
 * several resolvers (an async function's Hub options and its estimate's options).
 */
export function optionsOf<Options extends object>(
  options: Options,
  ...tables: readonly object[]
): Options {
  const picked: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(options)) {
    if (tables.some((table) => Object.hasOwn(table, key))) picked[key] = value;
  }
  return picked as Options;
}
