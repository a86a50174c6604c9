/**
 * A tiny Terraform configuration model with two printers: HCL native syntax (`.tf`) and JSON
 * syntax (`.tf.json`). Both come from the same tree, so the two files always say the same thing.
 * JSON syntax rules: developer.hashicorp.com/terraform/language/syntax/json (a block type maps to
 * an object keyed by its labels; repeated unlabeled blocks become an array; a string is a
 * template, so `${` and `%{` are escaped as `$${` and `%%{`, and `"${expr}"` is an expression).
 * This file is the one place HCL text is escaped: strings quoted with `\uXXXX` for every control
 * character and line separator, comments flattened (docs/security.md#generated-files).
 */
import { BREAKING_CHARACTERS, flattenLine, unicodeEscape } from "./line-breaks.js";

/** A Terraform expression written as is (`var.subnet_ids`, `base64encode(local.user_data)`). */
export interface HclExpression {
  readonly kind: "expression";
  /** The expression's source text. */
  readonly text: string;
  /** Type constraints (a variable's `type`) are bare strings in JSON syntax, not `"${…}"`. */
  readonly typeConstraint: boolean;
}

/** A multi-line string, written as a `<<-EOT` heredoc in HCL and as a string in JSON. */
export interface HclHeredoc {
  readonly kind: "heredoc";
  /** The text, ending with a newline. */
  readonly text: string;
}

/** An object value (`{ key = value }`), as opposed to a nested block. */
export interface HclObject {
  readonly kind: "object";
  /** Entries in order. */
  readonly entries: Readonly<Record<string, HclValue>>;
}

/** An attribute value: a literal, an expression, a heredoc, a list or an object. */
export type HclValue =
  string | number | boolean | HclExpression | HclHeredoc | HclObject | readonly HclValue[];

/** `name = value`. */
export interface HclAttribute {
  readonly kind: "attribute";
  readonly name: string;
  readonly value: HclValue;
}

/** `type "label" { body }`. */
export interface HclBlock {
  readonly kind: "block";
  readonly type: string;
  readonly labels: readonly string[];
  readonly body: readonly HclBodyItem[];
}

/** A `#` comment line (HCL only: JSON syntax has nowhere to put it). */
export interface HclComment {
  readonly kind: "comment";
  readonly text: string;
}

/** One item of a body. */
export type HclBodyItem = HclAttribute | HclBlock | HclComment;

/** Builds an attribute. */
export function attribute(name: string, value: HclValue): HclAttribute {
  return { kind: "attribute", name, value };
}

/** Builds a block. */
export function block(
  type: string,
  labels: readonly string[],
  body: readonly HclBodyItem[],
): HclBlock {
  return { kind: "block", type, labels, body };
}

/** Builds an expression value. */
export function expression(text: string): HclExpression {
  return { kind: "expression", text, typeConstraint: false };
}

/** Builds a type constraint (`string`, `list(string)`). */
export function typeConstraint(text: string): HclExpression {
  return { kind: "expression", text, typeConstraint: true };
}

/** Builds a heredoc value. */
export function heredoc(text: string): HclHeredoc {
  return { kind: "heredoc", text: text.endsWith("\n") ? text : `${text}\n` };
}

/** Builds an object value. */
export function object(entries: Readonly<Record<string, HclValue>>): HclObject {
  return { kind: "object", entries };
}

/** Builds a comment. */
export function comment(text: string): HclComment {
  return { kind: "comment", text };
}

/**
 * Escapes template sequences of a literal string (`${` → `$${`, `%{` → `%%{`) and normalizes it
 * to NFC, as HCL does with every string it reads, so both syntaxes hold the same text.
 */
function escapeTemplate(text: string): string {
  // Replacement functions, because "$$" in a replacement string means one "$".
  return text
    .normalize("NFC")
    .replaceAll("${", () => "$${")
    .replaceAll("%{", () => "%%{");
}

// ---------------------------------------------------------------- HCL native syntax

const IDENTIFIER = /^[A-Za-z_][A-Za-z0-9_-]*$/;

/** Renders a body as HCL native syntax, ending with a newline. */
export function renderHcl(body: readonly HclBodyItem[]): string {
  return bodyLines(body, 0).join("\n") + "\n";
}

function bodyLines(body: readonly HclBodyItem[], indent: number): string[] {
  const pad = " ".repeat(indent);
  const lines: string[] = [];
  let index = 0;
  while (index < body.length) {
    const item = body[index];
    if (item === undefined) break;
    if (item.kind === "attribute") {
      // A run of attributes is aligned on "=", as `terraform fmt` does.
      const run: HclAttribute[] = [];
      while (body[index]?.kind === "attribute") {
        run.push(body[index] as HclAttribute);
        index += 1;
      }
      const width = Math.max(...run.map((attr) => attr.name.length));
      for (const attr of run) {
        lines.push(`${pad}${attr.name.padEnd(width)} = ${valueText(attr.value, indent)}`);
      }
      continue;
    }
    if (item.kind === "comment") {
      if (lines.length > 0 && body[index - 1]?.kind !== "comment") lines.push("");
      lines.push(`${pad}# ${flattenLine(item.text)}`);
    } else {
      if (lines.length > 0 && body[index - 1]?.kind !== "comment") lines.push("");
      const labels = item.labels.map((label) => ` ${quoteHcl(label)}`).join("");
      lines.push(`${pad}${item.type}${labels} {`, ...bodyLines(item.body, indent + 2), `${pad}}`);
    }
    index += 1;
  }
  return lines;
}

/** A value's text; multi-line values continue at `indent` (the attribute's own indent). */
function valueText(value: HclValue, indent: number): string {
  if (typeof value === "string") return quoteHcl(value);
  if (typeof value === "number") {
    if (!Number.isFinite(value)) throw new TypeError(`cannot write ${value} in HCL`);
    return String(value);
  }
  if (typeof value === "boolean") return value ? "true" : "false";
  if (Array.isArray(value)) {
    const items = value as readonly HclValue[];
    return `[${items.map((item) => valueText(item, indent)).join(", ")}]`;
  }
  const special = value as HclExpression | HclHeredoc | HclObject;
  switch (special.kind) {
    case "expression":
      return special.text;
    case "heredoc":
      return canBeHeredoc(special.text)
        ? heredocText(special.text, indent)
        : quoteHcl(special.text);
    case "object": {
      const pad = " ".repeat(indent);
      const entries = Object.entries(special.entries);
      if (entries.length === 0) return "{}";
      const keys = entries.map(([key]) => (IDENTIFIER.test(key) ? key : quoteHcl(key)));
      const width = Math.max(...keys.map((key) => key.length));
      const inner = entries.map(
        ([, entry], i) =>
          `${pad}  ${(keys[i] ?? "").padEnd(width)} = ${valueText(entry, indent + 2)}`,
      );
      return ["{", ...inner, `${pad}}`].join("\n");
    }
  }
}

// Heredocs have no escapes: control characters and line separators force the quoted form.
// eslint-disable-next-line no-control-regex -- control characters force the quoted form
const CONTROL_CHARACTER = /[\u0000-\u0008\u000b-\u001f\u007f-\u009f\u2028\u2029]/;

/** A combining mark (Unicode category M). */
const COMBINING_MARK = /^\p{M}/u;

/**
 * Whether a text survives a `<<-` heredoc unchanged: Terraform strips the lines' common
 * indentation, which whitespace-only lines, all-indented text and control characters would upset.
 * HCL strips indentation by grapheme cluster, so a line that starts with a combining mark would
 * lose it with the indent (U+1E000 after the spaces is one cluster): such text is quoted instead.
 */
function canBeHeredoc(text: string): boolean {
  const lines = text.slice(0, -1).split("\n");
  const clean = lines.every(
    (line) =>
      !CONTROL_CHARACTER.test(line) &&
      !COMBINING_MARK.test(line) &&
      (line === "" || line.trim() !== ""),
  );
  // One line must start at the margin, or its extra indent would be stripped too.
  return clean && lines.some((line) => line !== "" && !/^\s/.test(line));
}

/** `<<-EOT` heredoc: indented content (the indent is stripped when Terraform reads it). */
function heredocText(text: string, indent: number): string {
  const lines = text.slice(0, -1).split("\n");
  let marker = "EOT";
  while (lines.some((line) => line.trim() === marker)) marker += "_";
  const pad = " ".repeat(indent + 2);
  const body = lines.map((line) => (line === "" ? "" : pad + escapeTemplate(line)));
  return [`<<-${marker}`, ...body, `${pad}${marker}`].join("\n");
}

/** A quoted HCL string literal. */
function quoteHcl(text: string): string {
  const escaped = text
    .replace(/[\\"]/g, (char) => `\\${char}`)
    .replace(BREAKING_CHARACTERS, (char) =>
      char === "\n" ? "\\n" : char === "\r" ? "\\r" : char === "\t" ? "\\t" : unicodeEscape(char),
    );
  return `"${escapeTemplate(escaped)}"`;
}

// ---------------------------------------------------------------- JSON syntax

/** A Terraform JSON-syntax document (`.tf.json`). */
export interface TerraformJson {
  readonly [key: string]: TerraformJsonValue;
}

/** A value inside a {@link TerraformJson} document. */
export type TerraformJsonValue =
  | string
  | number
  | boolean
  | readonly TerraformJsonValue[]
  | { readonly [key: string]: TerraformJsonValue };

type MutableJson = Record<string, TerraformJsonValue>;

/** Converts a body to Terraform JSON syntax. */
export function toTerraformJson(body: readonly HclBodyItem[]): TerraformJson {
  const out: MutableJson = {};
  for (const item of body) {
    if (item.kind === "attribute") out[item.name] = jsonValue(item.value);
    else if (item.kind === "block") addBlock(out, item);
  }
  return out;
}

function addBlock(out: MutableJson, item: HclBlock): void {
  const path = [item.type, ...item.labels];
  const last = path.pop() ?? item.type;
  let target = out;
  for (const key of path) {
    const next = target[key];
    if (next === undefined) target[key] = {};
    target = target[key] as MutableJson;
  }
  const content = toTerraformJson(item.body);
  const existing = target[last];
  if (existing === undefined) {
    target[last] = content;
  } else if (item.labels.length > 0) {
    throw new TypeError(`duplicate block ${item.type} ${item.labels.join(".")}`);
  } else {
    // Repeated unlabeled blocks (several `override`s) become an array.
    target[last] = Array.isArray(existing)
      ? [...(existing as readonly TerraformJsonValue[]), content]
      : [existing, content];
  }
}

function jsonValue(value: HclValue): TerraformJsonValue {
  if (typeof value === "string") return escapeTemplate(value);
  if (typeof value === "number" || typeof value === "boolean") return value;
  if (Array.isArray(value)) return (value as readonly HclValue[]).map(jsonValue);
  const special = value as HclExpression | HclHeredoc | HclObject;
  switch (special.kind) {
    case "expression":
      return special.typeConstraint ? special.text : `\${${special.text}}`;
    case "heredoc":
      return escapeTemplate(special.text);
    case "object":
      return Object.fromEntries(
        Object.entries(special.entries).map(([key, entry]) => [key, jsonValue(entry)]),
      );
  }
}
