/**
 * A small YAML emitter for plain data (strings, finite numbers, booleans, null, arrays, maps),
 * so the package does not ship a YAML library for the few files it writes. The output reads the
 * same under YAML 1.2 (the `yaml` package, vLLM's and axolotl's loaders) and YAML 1.1 (PyYAML):
 * strings that could be read as anything else are double-quoted, and non-integers always carry a
 * decimal point (`1.0e-7`, not `1e-7`, which YAML 1.1 reads as a string). This file is the one
 * place YAML text is escaped: control characters, NEL and the line separators only ever appear
 * as `\uXXXX` escapes in double quotes, and comments are flattened to one line each
 * (docs/security.md#generated-files).
 */
import { flattenLine, unicodeEscape } from "./line-breaks.js";

/** A value the YAML and JSON writers accept. */
export type PlainValue = string | number | boolean | null | readonly PlainValue[] | PlainObject;

/** A map of plain values; key order is kept. */
export interface PlainObject {
  readonly [key: string]: PlainValue;
}

/** Options of {@link toYaml}. */
export interface YamlOptions {
  /** Lines written as `# comments` at the top of the document, one line each (breaks flattened). */
  readonly comments?: readonly string[];
}

/** Renders plain data as a YAML document (block style, two-space indent), ending with a newline. */
export function toYaml(value: PlainValue, options: YamlOptions = {}): string {
  const comments = (options.comments ?? []).map((line) =>
    line === "" ? "#" : `# ${flattenLine(line)}`,
  );
  return [...comments, ...valueLines(value, 0)].join("\n") + "\n";
}

function isCollection(value: PlainValue): value is readonly PlainValue[] | PlainObject {
  return typeof value === "object" && value !== null;
}

function isEmptyCollection(value: readonly PlainValue[] | PlainObject): boolean {
  return Array.isArray(value) ? value.length === 0 : Object.keys(value).length === 0;
}

/** The lines of a value that stands on its own at `indent` (the document, or a nested block). */
function valueLines(value: PlainValue, indent: number): string[] {
  if (!isCollection(value) || isEmptyCollection(value)) {
    const block = blockScalar(value, indent + 2);
    return block === undefined ? [" ".repeat(indent) + inline(value)] : [block[0], ...block[1]];
  }
  return Array.isArray(value)
    ? sequenceLines(value, indent)
    : mapLines(value as PlainObject, indent);
}

function mapLines(map: PlainObject, indent: number): string[] {
  const pad = " ".repeat(indent);
  return Object.entries(map).flatMap(([key, value]) => {
    const head = `${pad}${formatKey(key)}:`;
    if (!isCollection(value) || isEmptyCollection(value)) {
      const block = blockScalar(value, indent + 2);
      return block === undefined
        ? [`${head} ${inline(value)}`]
        : [`${head} ${block[0]}`, ...block[1]];
    }
    return [head, ...valueLines(value, indent + 2)];
  });
}

function sequenceLines(items: readonly PlainValue[], indent: number): string[] {
  const pad = " ".repeat(indent);
  return items.flatMap((item) => {
    if (!isCollection(item) || isEmptyCollection(item)) {
      const block = blockScalar(item, indent + 2);
      return block === undefined
        ? [`${pad}- ${inline(item)}`]
        : [`${pad}- ${block[0]}`, ...block[1]];
    }
    // A nested map or list starts on the dash's line: "- key: value" / "- - item".
    const lines = valueLines(item, indent + 2);
    const [first = "", ...rest] = lines;
    return [`${pad}- ${first.slice(indent + 2)}`, ...rest];
  });
}

/** One-line form of a scalar or empty collection. */
function inline(value: PlainValue): string {
  if (value === null) return "null";
  if (typeof value === "boolean") return value ? "true" : "false";
  if (typeof value === "number") return formatNumber(value);
  if (typeof value === "string") return formatString(value);
  return Array.isArray(value) ? "[]" : "{}";
}

/**
 * A multi-line string as a literal block (`|` keeps one final newline, `|-` none), or undefined
 * when the string is better written quoted (one line, leading spaces, several final newlines,
 * whitespace-only lines, or characters a block cannot hold).
 */
function blockScalar(value: PlainValue, indent: number): [string, string[]] | undefined {
  if (typeof value !== "string" || !value.includes("\n")) return undefined;
  const body = value.endsWith("\n") ? value.slice(0, -1) : value;
  const lines = body.split("\n");
  const unsafe =
    body === "" ||
    body.endsWith("\n") ||
    /^[ \t\n]/.test(body) ||
    lines.some((line) => line !== "" && line.trim() === "") ||
    // eslint-disable-next-line no-control-regex -- control characters force the quoted form
    /[\u0000-\u0008\u000b-\u001f\u007f-\u009f\u2028\u2029\ufeff\ufffe\uffff\ud800-\udfff]/.test(
      body,
    );
  if (unsafe) return undefined;
  const pad = " ".repeat(indent);
  return [value.endsWith("\n") ? "|" : "|-", lines.map((line) => (line === "" ? "" : pad + line))];
}

const RESERVED = /^(?:true|false|yes|no|on|off|y|n|null|~)$/i;
const PLAIN = /^[A-Za-z_/][A-Za-z0-9_./+:-]*$/;

/** Whether a string can be written without quotes and still read back as the same string. */
function isPlainSafe(text: string): boolean {
  return PLAIN.test(text) && !text.endsWith(":") && !RESERVED.test(text);
}

function formatKey(key: string): string {
  return isPlainSafe(key) ? key : quote(key);
}

function formatString(text: string): string {
  return isPlainSafe(text) ? text : quote(text);
}

/**
 * A YAML double-quoted scalar: JSON's escapes, plus escapes for what YAML does not print or
 * reads as a line break (NEL, U+2028, U+2029 in YAML 1.1).
 */
function quote(text: string): string {
  return JSON.stringify(text).replace(
    /[\u007f-\u009f\u2028\u2029\ufeff\ufffe\uffff]/g,
    unicodeEscape,
  );
}

/**
 * A finite number that both YAML 1.1 and 1.2 read as a number: integers as digits, other values
 * with a decimal point and a signed exponent when they need one.
 */
export function formatNumber(value: number): string {
  if (!Number.isFinite(value)) throw new TypeError(`cannot write ${value} as a YAML number`);
  if (Object.is(value, -0)) return "-0.0";
  const text = String(value);
  if (!text.includes("e")) return text;
  const [mantissa = "", exponent = ""] = text.split("e");
  const sign = exponent.startsWith("-") || exponent.startsWith("+") ? "" : "+";
  return `${mantissa.includes(".") ? mantissa : `${mantissa}.0`}e${sign}${exponent}`;
}
