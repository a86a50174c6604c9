/**
 * Shell command lines built from argv, never by pasting strings: every word goes through
 * {@link quoteShellWord}, except words marked `raw` that the template means the shell to expand
 * (such as `"$HOME/.cache/huggingface:/data"`).
 */

import type { TemplateFile } from "./plans.js";

/** One word of a command: a literal (quoted as needed) or raw shell text. */
export type ShellWord = string | { readonly raw: string };

/** Characters that need no quoting in bash. */
const SAFE_WORD = /^[A-Za-z0-9_@%+=:,./-]+$/;

/** Quotes one argument for a POSIX shell: as is when safe, else in single quotes. */
export function quoteShellWord(word: string): string {
  if (SAFE_WORD.test(word)) return word;
  return `'${word.replaceAll("'", `'\\''`)}'`;
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
    ...comments.map((line) => `# ${line}`),
    "set -euo pipefail",
    command,
    "",
  ].join("\n");
  return { argv: commandArgv(lines), command, files: [{ path, contents }] };
}
