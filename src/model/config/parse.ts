import { InvalidConfigError } from "../../errors.js";
import type { ModelSpec } from "../model-spec.js";
import {
  ModelConfigSchema,
  QUANTIZATION_CONFIG_FIELDS,
  TEXT_CONFIG_FIELDS,
  VISION_CONFIG_FIELDS,
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

/** One check per field kind, mirroring the zod schemas of FIELD_KINDS (null and undefined pass). */
const CHECKS: Record<FieldKind, (value: unknown) => boolean> = {
  dimension: (value) => value === null || (isSafeInteger(value) && value > 0),
  count: (value) => value === null || (isSafeInteger(value) && value >= 0),
  integer: (value) => value === null || isSafeInteger(value),
  number: (value) => value === null || (typeof value === "number" && Number.isFinite(value)),
  boolean: (value) => value === null || typeof value === "boolean",
  string: (value) => value === null || typeof value === "string",
  strings: (value) =>
    value === null || (Array.isArray(value) && value.every((item) => typeof item === "string")),
  counts: (value) =>
    value === null ||
    (Array.isArray(value) && value.every((item) => isSafeInteger(item) && item >= 0)),
  dimensionOrAuto: (value) =>
    value === null || value === "auto" || (isSafeInteger(value) && value > 0),
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

/** Config numbers that are too small are all integers (dimensions and counts): say so. */
function explainConfigIssue(issue: Parameters<typeof explainIssue>[0]): string {
  if (issue?.code !== "too_small" || issue.origin !== "number") return explainIssue(issue);
  const got = "input" in issue ? `, got ${describeValue(issue.input)}` : "";
  return `expected ${issue.inclusive === true ? "a non-negative" : "a positive"} integer${got}`;
}
