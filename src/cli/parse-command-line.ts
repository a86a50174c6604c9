import { parseArgs, type ParseArgsConfig } from "node:util";
import type { CliIo } from "./io.js";

/** A command's flags, in node:util parseArgs form. */
export type CommandOptions = NonNullable<ParseArgsConfig["options"]>;

/** What {@link parseCommandLine} returns: the flag values and the positional arguments. */
export type ParsedCommandLine<T extends CommandOptions> = ReturnType<
  typeof parseArgs<{ options: T; allowPositionals: true }>
>;

/**
 * Parses a command's arguments with node:util parseArgs. When `--help` is among them, prints
 * `help` and returns `null`: the command then exits 0.
 *
 * @throws {TypeError} (code `ERR_PARSE_ARGS_*`) for unknown flags and missing values; the
 *   dispatcher reports it as a usage error.
 */
export function parseCommandLine<T extends CommandOptions>(
  argv: readonly string[],
  options: T,
  help: string,
  io: CliIo,
): ParsedCommandLine<T> | null {
  const parsed = parseArgs({ args: [...argv], options, allowPositionals: true });
  if ((parsed.values as { readonly help?: unknown }).help === true) {
    io.stdout(help);
    return null;
  }
  return parsed;
}

/** The first of `flags` given on the command line (a value that is not `undefined`), if any. */
export function firstGivenFlag(
  values: Readonly<Record<string, unknown>>,
  flags: readonly string[],
): string | undefined {
  return flags.find((flag) => values[flag] !== undefined);
}
