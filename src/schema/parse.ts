import type { z } from "zod";
import { InvalidConfigError } from "../errors.js";
import type { ModelSpec } from "../model/model-spec.js";
import { ModelConfigSchema, type ModelConfig } from "./model-config.js";
import { toModelSpec, type NormalizeOptions } from "./normalize.js";

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
      problem: `expected a JSON object, got ${describe(json)}`,
    });
  }
  const result = ModelConfigSchema.safeParse(json, { reportInput: true });
  if (result.success) return result.data;
  const issue = result.error.issues[0];
  throw new InvalidConfigError(
    { subject, path: issue === undefined ? "" : issue.path.join("."), problem: explain(issue) },
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
  return toModelSpec(validateModelConfig(json, options), options);
}

function explain(issue: z.core.$ZodIssue | undefined): string {
  if (issue === undefined) return "the file does not match the config schema";
  const got = "input" in issue ? `, got ${describe(issue.input)}` : "";
  switch (issue.code) {
    case "invalid_type":
      return `expected ${issue.expected === "int" ? "an integer" : `a ${issue.expected}`}${got}`;
    case "too_small":
      return `expected a positive integer${got}`;
    default:
      return `${issue.message}${got}`;
  }
}

function describe(value: unknown): string {
  if (value === null) return "null";
  if (Array.isArray(value)) return "an array";
  if (typeof value === "string") return `the string ${JSON.stringify(value.slice(0, 40))}`;
  if (typeof value === "number") return String(value);
  return typeof value;
}
