/**
 * The characters that may end a line in some reader of the files vramfit writes, and the one
 * way comments get rid of them. bash ends a line at `\n` only, but YAML 1.1 (PyYAML) also breaks
 * at `\r`, NEL (U+0085) and the Unicode line and paragraph separators (U+2028, U+2029), HCL at
 * `\r\n`, Python at `\r`, and an editor or terminal at any of them; NUL, DEL and the other
 * controls have no business in a config either. Each output language escapes them in its own
 * file (shell.ts, hcl.ts, yaml.ts, peft.ts for Python); comments, which have no escape syntax,
 * are flattened here. See docs/security.md#generated-files.
 */
import { CONTROL_CHARACTERS } from "../../options/option-fields.js";

/** C0 and C1 controls, DEL, U+2028 and U+2029: every character a generated file escapes. */
export const BREAKING_CHARACTERS = new RegExp(CONTROL_CHARACTERS.source, "g");

/** Whether a text holds a character of {@link BREAKING_CHARACTERS}. */
export function hasBreakingCharacter(text: string): boolean {
  return CONTROL_CHARACTERS.test(text);
}

/** `\uXXXX` for one UTF-16 code unit, the escape JSON, YAML, HCL and Python all read. */
export function unicodeEscape(char: string): string {
  return `\\u${char.charCodeAt(0).toString(16).padStart(4, "0")}`;
}

/**
 * One line of comment text: every {@link BREAKING_CHARACTERS} character written as a visible
 * escape (`\n`, `\r`, `\t`, else `\uXXXX`), so interpolated text can never start a line of code.
 */
export function flattenLine(text: string): string {
  return text.replace(BREAKING_CHARACTERS, (char) =>
    char === "\n" ? "\\n" : char === "\r" ? "\\r" : char === "\t" ? "\\t" : unicodeEscape(char),
  );
}
