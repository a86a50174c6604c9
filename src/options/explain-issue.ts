import type * as z from "zod/mini";

/**
 * Words for one zod issue: what was expected and what was found, e.g. "expected an integer,
 * got the string \"4096\"". vramfit validates with `zod/mini`, which ships no message locale
 * (so the CLI starts fast), and writes its own messages here instead.
 */
export function explainIssue(issue: z.core.$ZodIssue | undefined): string {
  if (issue === undefined) return "it does not match the schema";
  const got =
    "input" in issue && issue.input !== undefined ? `, got ${describeValue(issue.input)}` : "";
  switch (issue.code) {
    case "invalid_type":
      return `expected ${article(issue.expected)}${got}`;
    case "too_small":
      return issue.origin === "number"
        ? `expected a number ${issue.inclusive === true ? "≥" : ">"} ${String(issue.minimum)}${got}`
        : `expected at least ${String(issue.minimum)} ${issue.origin === "string" ? "characters" : "items"}${got}`;
    case "too_big":
      return issue.origin === "number"
        ? `expected a number ${issue.inclusive === true ? "≤" : "<"} ${String(issue.maximum)}${got}`
        : `expected at most ${String(issue.maximum)} ${issue.origin === "string" ? "characters" : "items"}`;
    case "invalid_value":
      return `expected one of ${issue.values.map((value) => JSON.stringify(value)).join(", ")}${got}`;
    case "unrecognized_keys":
      return `unknown field${issue.keys.length === 1 ? "" : "s"} ${issue.keys.map((key) => `"${key}"`).join(", ")}`;
    case "invalid_format":
      return issue.message === "Invalid input"
        ? `expected the ${issue.format} format${got}`
        : issue.message;
    case "invalid_union":
      return `matches none of the allowed forms${got}`;
    default:
      return issue.message;
  }
}

/** A value as an error message shows it: `the string "4096"`, `-4`, `null`, `an array`. */
export function describeValue(value: unknown): string {
  if (value === null) return "null";
  if (Array.isArray(value)) return "an array";
  if (typeof value === "string") {
    // JSON escapes C0 controls; the rest of what could break a line is escaped the same way.
    const quoted = JSON.stringify(value.slice(0, 40)).replace(
      /[\u007f-\u009f\u2028\u2029]/g,
      (char) => `\\u${char.charCodeAt(0).toString(16).padStart(4, "0")}`,
    );
    return `the string ${quoted}`;
  }
  if (typeof value === "number" || typeof value === "boolean") return String(value);
  return typeof value === "object" ? "an object" : typeof value;
}

function article(expected: string): string {
  if (expected === "int") return "an integer";
  return /^[aeiou]/.test(expected) ? `an ${expected}` : `a ${expected}`;
}
