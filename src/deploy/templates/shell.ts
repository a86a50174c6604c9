/**
 * Shell command lines built from argv, never by pasting strings: every word goes through
 * {@link quoteShellWord}, except words marked `raw` that the template means the shell to expand
 * (such as `"$HOME/.cache/huggingface:/data"`), and every comment through {@link shellComment}.
 * This file is the one place bash text is escaped (docs/security.md#generated-files).
 */

import { BREAKING_CHARACTERS, flattenLine, hasBreakingCharacter } from "./line-breaks.js";
import type { TemplateFile } from "./plans.js";

/** One word of a command: a literal (quoted as needed) or raw shell text. */
export type ShellWord = string | { readonly raw: string };

/** Characters that need no quoting in bash. */
const SAFE_WORD = /^[A-Za-z0-9_@%+=:,./-]+$/;

/**
 * Quotes one argument for bash: as is when safe, else in single quotes; a word holding a line
 * break or another control character in ANSI-C quotes (`$'a\nb'`), each such character as its
 * UTF-8 bytes (`\xHH`), so the word stays one word on one line and reads back exactly.
 *
 * @throws {TypeError} for a word holding NUL, which no shell argument can carry (the option
 * resolvers refuse control characters long before this).
 */
export function quoteShellWord(word: string): string {
  if (SAFE_WORD.test(word)) return word;
  if (!hasBreakingCharacter(word)) return `'${word.replaceAll("'", `'\\''`)}'`;
  if (word.includes("\0")) throw new TypeError("a shell word cannot hold NUL");
  const escaped = word
    .replace(/[\\']/g, (char) => `\\${char}`)
    .replace(BREAKING_CHARACTERS, (char) =>
      Array.from(
        new TextEncoder().encode(char),
        (byte) => `\\x${byte.toString(16).padStart(2, "0")}`,
      ).join(""),
    );
  return `$'${escaped}'`;
}

/** A `# comment` line; line breaks and control characters in `text` are flattened to escapes. */
export function shellComment(text: string): string {
  return `# ${flattenLine(text)}`;
}

function renderWord(word: ShellWord): string {
  return typeof word === "string" ? quoteShellWord(word) : word.raw;
}

/**
 * Renders a command whose words are grouped in lines (the program and positionals first, then
 * one flag with its values per line), joined with backslash-newline continuations.
 */
export function formatCommand(lines: readonly (readonly ShellWord[])[]): string {
  return lines
    .filter((line) => line.length > 0)
    .map((line) => line.map(renderWord).join(" "))
    .join(" \\\n  ");
}

/** The literal words of a command (raw words as written), for programs that want argv. */
export function commandArgv(lines: readonly (readonly ShellWord[])[]): string[] {
  return lines.flat().map((word) => (typeof word === "string" ? word : word.raw));
}

/** The comment line of every template that passes the Hugging Face token through. */
export const HF_TOKEN_COMMENT =
  "HF_TOKEN is passed through from the environment (gated models need it); never write it here.";

/** A command as argv, as shell text, and as a bash script file. */
export interface CommandScript {
  /** The literal words. */
  readonly argv: string[];
  /** The command, one line per group of words. */
  readonly command: string;
  /** The script: shebang, `# comments`, `set -euo pipefail`, the command. */
  readonly files: [TemplateFile];
}

/** Renders a command and the bash script that runs it. */
export function commandScript(
  path: string,
  comments: readonly string[],
  lines: readonly (readonly ShellWord[])[],
): CommandScript {
  const command = formatCommand(lines);
  const contents = [
    "#!/usr/bin/env bash",
    ...comments.map(shellComment),
    "set -euo pipefail",
    command,
    "",
  ].join("\n");
  return { argv: commandArgv(lines), command, files: [{ path, contents }] };
}
