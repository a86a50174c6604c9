import { VERSION } from "../version.js";
import { InvalidOptionError, VramfitError } from "../errors.js";
import { COMMANDS } from "./commands/index.js";
import type { CliIo, ExitCode } from "./io.js";
import { UsageError } from "./usage-error.js";

const HELP = `vramfit ${VERSION}: GPU memory, fit and configs for Hugging Face models

Usage: vramfit <command> [options]

Commands:
${COMMANDS.map((command) => `  ${command.name.padEnd(10)} ${command.summary}`).join("\n")}

Run "vramfit <command> --help" for a command's options.
Sizes print as GB (10^9 bytes) unless --units gib (2^30 bytes) is given.
`;

/**
 * Runs the CLI on `argv` (without node and the script path). Never exits the process:
 * returns 0 on success, 1 after printing a known error with its hint, 2 after a usage
 * error. Unknown errors are rethrown, with their stack, for bug reports.
 */
export async function run(argv: readonly string[], io: CliIo): Promise<ExitCode> {
  const [name, ...rest] = argv;
  if (name === undefined || name === "--help" || name === "-h" || name === "help") {
    const entry = COMMANDS.find((candidate) => candidate.name === rest[0]);
    io.stdout(entry === undefined ? HELP : (await entry.load()).help);
    return name === undefined ? 2 : 0;
  }
  if (name === "--version" || name === "-v") {
    io.stdout(`${VERSION}\n`);
    return 0;
  }
  const entry = COMMANDS.find((candidate) => candidate.name === name);
  if (entry === undefined) {
    io.stderr(`error: unknown command "${name}"\n\n${HELP}`);
    return 2;
  }
  const command = await entry.load();
  try {
    return await command.run(rest, io);
  } catch (error) {
    return report(error, command.help, io);
  }
}

function report(error: unknown, help: string, io: CliIo): ExitCode {
  if (error instanceof UsageError || isParseArgsError(error)) {
    io.stderr(`error: ${(error as Error).message}\n\n${help}`);
    return 2;
  }
  if (error instanceof VramfitError) {
    const hint = error.hint === undefined ? "" : `hint: ${error.hint}\n`;
    io.stderr(`error: ${error.message}\n${hint}`);
    return error instanceof InvalidOptionError ? 2 : 1;
  }
  throw error;
}

/** node:util parseArgs reports unknown flags and missing values as TypeErrors with an ERR_PARSE_ARGS code. */
function isParseArgsError(error: unknown): boolean {
  const code: unknown = error instanceof TypeError ? (error as { code?: unknown }).code : undefined;
  return typeof code === "string" && code.startsWith("ERR_PARSE_ARGS");
}
