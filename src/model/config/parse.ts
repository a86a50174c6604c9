import { formatInteger } from "../../units.js";
import { InvalidConfigError } from "../../errors.js";
import type { ModelSpec } from "../model-spec.js";
import {
  CONFIG_BOUNDS,
  KIND_BOUNDS,
  ModelConfigSchema,
  QUANTIZATION_CONFIG_FIELDS,
  TEXT_CONFIG_FIELDS,
  VISION_CONFIG_FIELDS,
  type BoundKind,
  type FieldKind,
  type ModelConfig,
} from "./model-config.js";
import { describeValue, explainIssue } from "../../options/explain-issue.js";
import { specFromConfig, type NormalizeOptions } from "./normalize.js";

/**
 * Validates a parsed config.json (the object, not the text) against
 * {@link ModelConfigSchema}. Unknown keys pass through.
 *
 * @throws {InvalidConfigError} naming the JSON path of the first bad field.
 */
export function validateModelConfig(json: unknown, options: NormalizeOptions = {}): ModelConfig {
  const subject = options.subject ?? "config object";
  if (typeof json !== "object" || json === null || Array.isArray(json)) {
    throw new InvalidConfigError({
      subject,
      path: "",
      problem: `expected a JSON object, got ${describeValue(json)}`,
    });
  }
  // Most configs are valid: a structural check built from the same field table answers
  // them without zod's copy; zod runs only to explain a failure (or a shape the check skips).
  if (conforms(json as Record<string, unknown>)) return json as ModelConfig;
  const result = ModelConfigSchema.safeParse(json, { reportInput: true });
  if (result.success) return result.data;
  const issue = result.error.issues[0];
  throw new InvalidConfigError(
    {
      subject,
      path: issue === undefined ? "" : issue.path.join("."),
      problem: explainConfigIssue(issue),
    },
    { cause: result.error },
  );
}

/**
 * Parses any config.json dialect into a normalized {@link ModelSpec}: validation,
 * alias resolution (`num_hidden_layers | n_layer | num_layers | n_layers`, ...), nested
 * `text_config`, and the documented defaults.
 *
 * @throws {InvalidConfigError} with the JSON path and the aliases looked for.
 * @example
 * const spec = parseModelConfig(JSON.parse(await readFile("config.json", "utf8")));
 * spec.numKeyValueHeads // 8 for Llama-3-70B
 */
export function parseModelConfig(json: unknown, options: NormalizeOptions = {}): ModelSpec {
  // One pass validates the fields vramfit reads and collects them for the normalizer; a
  // file that fails it goes through zod, which names the bad field.
  if (typeof json === "object" && json !== null && !Array.isArray(json)) {
    const collected = new Map<string, unknown>();
    if (collectConforming(json as Record<string, unknown>, collected)) {
      return specFromConfig(json as ModelConfig, options, collected);
    }
  }
  return specFromConfig(validateModelConfig(json, options), options, undefined);
}

function isSafeInteger(value: unknown): value is number {
  return Number.isSafeInteger(value);
}

/** An integer in `[min, max]`. */
function intIn(min: number, max: number): (value: unknown) => boolean {
  return (value) => isSafeInteger(value) && value >= min && value <= max;
}

/** A check that also passes null (unset, as in transformers). */
function nullable(check: (value: unknown) => boolean): (value: unknown) => boolean {
  return (value) => value === null || check(value);
}

/** An array of at most `length` items that each pass `item`. */
function arrayOf(item: (value: unknown) => boolean, length: number): (value: unknown) => boolean {
  return (value) => Array.isArray(value) && value.length <= length && value.every(item);
}

const positive = (bound: BoundKind) => nullable(intIn(1, CONFIG_BOUNDS[bound].max));
const nonnegative = (bound: BoundKind) => nullable(intIn(0, CONFIG_BOUNDS[bound].max));
const isString = (value: unknown): boolean => typeof value === "string";
const LAYERS = CONFIG_BOUNDS.layers.max;
const WIDTH = CONFIG_BOUNDS.width.max;

/** One check per field kind, mirroring the zod schemas of FIELD_KINDS (null and undefined pass). */
const CHECKS: Record<FieldKind, (value: unknown) => boolean> = {
  layers: positive("layers"),
  layerCount: nonnegative("layers"),
  width: positive("width"),
  widthOrZero: nonnegative("width"),
  heads: positive("heads"),
  vocabulary: positive("vocabulary"),
  vocabularyOrZero: nonnegative("vocabulary"),
  experts: nonnegative("experts"),
  expertsPerToken: nonnegative("experts"),
  positions: positive("positions"),
  bits: positive("bits"),
  integer: nullable(intIn(-WIDTH, WIDTH)),
  number: nullable((value) => typeof value === "number" && Number.isFinite(value)),
  boolean: nullable((value) => typeof value === "boolean"),
  string: nullable(isString),
  strings: nullable((value) => Array.isArray(value) && value.every(isString)),
  layerStrings: nullable(arrayOf(isString, LAYERS)),
  layerIndices: nullable(arrayOf(intIn(0, LAYERS), LAYERS)),
  widths: nullable(arrayOf(intIn(0, WIDTH), 8)),
  widthOrAuto: nullable((value) => value === "auto" || intIn(1, WIDTH)(value)),
  object: nullable(isPlainObject),
};

function fieldsConform(
  object: Record<string, unknown>,
  fields: Readonly<Record<string, FieldKind>>,
): boolean {
  for (const key in object) {
    if (!Object.hasOwn(fields, key)) continue;
    const value = object[key];
    if (value !== undefined && !CHECKS[fields[key] as FieldKind](value)) return false;
  }
  return true;
}

function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

/** An optional nested object (`text_config`, ...) that conforms to its fields, or is absent. */
function nestedConforms(
  value: unknown,
  check: (object: Record<string, unknown>) => boolean,
): boolean {
  return value === undefined || value === null || (isPlainObject(value) && check(value));
}

function textConforms(object: Record<string, unknown>): boolean {
  return (
    fieldsConform(object, TEXT_CONFIG_FIELDS) &&
    nestedConforms(object.quantization_config, (quantization) =>
      fieldsConform(quantization, QUANTIZATION_CONFIG_FIELDS),
    )
  );
}

/** Each text field's check, as a Map: one lookup both tests membership and gives the check. */
const TEXT_FIELD_CHECKS: ReadonlyMap<string, (value: unknown) => boolean> = new Map(
  Object.entries(TEXT_CONFIG_FIELDS).map(([key, kind]) => [key, CHECKS[kind]]),
);

/** Checks one text layer's fields and copies the set ones into `values` (later layers win). */
function collectLayer(layer: Record<string, unknown>, values: Map<string, unknown>): boolean {
  for (const key in layer) {
    const check = TEXT_FIELD_CHECKS.get(key);
    if (check === undefined) continue;
    const value = layer[key];
    if (value === undefined || value === null) continue;
    if (!check(value)) return false;
    values.set(key, value);
  }
  return nestedConforms(layer.quantization_config, (quantization) =>
    fieldsConform(quantization, QUANTIZATION_CONFIG_FIELDS),
  );
}

/** {@link conforms} and the text-field collection of `createConfigReader`, in one pass. */
function collectConforming(json: Record<string, unknown>, values: Map<string, unknown>): boolean {
  if (!collectLayer(json, values)) return false;
  const text = json.text_config;
  if (text !== undefined && text !== null) {
    if (!isPlainObject(text) || !collectLayer(text, values)) return false;
  }
  return nestedConforms(json.vision_config, (vision) =>
    fieldsConform(vision, VISION_CONFIG_FIELDS),
  );
}

/** Whether a config.json object passes {@link ModelConfigSchema}, checked without copying it. */
function conforms(json: Record<string, unknown>): boolean {
  return (
    textConforms(json) &&
    nestedConforms(json.text_config, textConforms) &&
    nestedConforms(json.vision_config, (vision) => fieldsConform(vision, VISION_CONFIG_FIELDS))
  );
}

/**
 * Config numbers that are too small are all integers (dimensions and counts), and a number
 * or list too large broke one of {@link CONFIG_BOUNDS}: say which, and by how much.
 */
function explainConfigIssue(issue: Parameters<typeof explainIssue>[0]): string {
  const got = issue !== undefined && "input" in issue ? `, got ${describeValue(issue.input)}` : "";
  if (issue?.code === "too_big") {
    const key = [...issue.path].reverse().find((part) => typeof part === "string");
    const bound = boundOf(key);
    const what = bound === undefined ? "" : ` (vramfit's bound on ${CONFIG_BOUNDS[bound].what})`;
    const unit = issue.origin === "array" ? " entries" : "";
    return `expected at most ${formatInteger(Number(issue.maximum))}${unit}${what}${got}`;
  }
  if (issue?.code !== "too_small" || issue.origin !== "number") return explainIssue(issue);
  return `expected ${issue.inclusive === true ? "a non-negative" : "a positive"} integer${got}`;
}

/** The bound a config key's kind checks, in any of the three field tables. */
function boundOf(key: string | undefined): BoundKind | undefined {
  if (key === undefined) return undefined;
  for (const fields of [TEXT_CONFIG_FIELDS, VISION_CONFIG_FIELDS, QUANTIZATION_CONFIG_FIELDS]) {
    if (Object.hasOwn(fields, key)) {
      return KIND_BOUNDS[(fields as Readonly<Record<string, FieldKind>>)[key] as FieldKind];
    }
  }
  return undefined;
}
