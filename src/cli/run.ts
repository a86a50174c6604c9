import { InvalidOptionError, VramfitError } from "../errors.js";
import { OPTION_FLAGS } from "./option-flags.js";
import { didYouMean } from "../options/did-you-mean.js";
import { VERSION } from "../version.js";
import { COMMANDS } from "./commands/index.js";
import { MODEL_COMMANDS, ORG_SLASH_NAME } from "./model-commands.js";
import { offlineFromEnv } from "../io/hub/env-flags.js";
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
 * error (the message, a hint, and where the help is). With `--json`, errors go to stderr as one
 * JSON object: `{ "error": { code, message, hint, exitCode } }`. Unknown errors are rethrown,
 * with their stack, for bug reports.
 */
export async function run(argv: readonly string[], io: CliIo): Promise<ExitCode> {
  const [name, ...rest] = argv;
  const json = argv.includes("--json");
  if (name === undefined || name === "--help" || name === "-h" || name === "help") {
    const entry = COMMANDS.find((candidate) => candidate.name === rest[0]);
    io.stdout(entry === undefined ? HELP : (await entry.load()).help);
    return name === undefined ? 2 : 0;
  }
  if (name === "--version" || name === "-V" || name === "-v") {
    io.stdout(`${VERSION}\n`);
    return 0;
  }
  const entry = COMMANDS.find((candidate) => candidate.name === name);
  if (entry === undefined) {
    const names = COMMANDS.map((command) => command.name);
    const error = new UsageError(`unknown command "${name}"`, {
      hint: `${didYouMean(name, names)} Commands: ${names.join(", ")}.`,
    });
    return report(error, undefined, io, json);
  }
  const early = await earlyReads(argv, io);
  try {
    const command = await entry.load();
    try {
      return await command.run(rest, io);
    } catch (error) {
      return report(error, command.name, io, json);
    }
  } finally {
    early?.abandonEarlyReads();
  }
}

/**
 * Starts the model-info request of `vramfit <command> <org/name> ...` while the command loads
 * (./early-model-read.ts); the code for it loads only for such a command line.
 */
async function earlyReads(
  argv: readonly string[],
  io: CliIo,
): Promise<{ abandonEarlyReads: () => void } | undefined> {
  const [name, model] = argv;
  if (name === undefined || !MODEL_COMMANDS.has(name) || !ORG_SLASH_NAME.test(model ?? "")) {
    return undefined;
  }
  if (argv.includes("--offline") || offlineFromEnv(io.env)) return undefined;
  const [{ startEarlyModelRead }, reads] = await Promise.all([
    import("./early-model-read.js"),
    import("../io/hub/early-reads.js"),
  ]);
  await startEarlyModelRead(argv, io);
  return reads;
}

function report(error: unknown, command: string | undefined, io: CliIo, json: boolean): ExitCode {
  const helpLine = `Run "vramfit ${command === undefined ? "" : `${command} `}--help" for the options.`;
  if (error instanceof UsageError) {
    return print(
      io,
      json,
      { code: "USAGE", message: error.message, hint: error.hint },
      2,
      helpLine,
    );
  }
  if (error instanceof InvalidOptionError) {
    // A bad option value is the caller's to fix, like a usage error; name it as a flag.
    const flag = OPTION_FLAGS[error.option];
    const message =
      flag === undefined
        ? error.message
        : error.message.replace(`Invalid option ${error.option}:`, `Invalid ${flag}:`);
    return print(io, json, { code: error.code, message, hint: error.hint }, 2, helpLine);
  }
  if (error instanceof VramfitError) return print(io, json, error, 1, undefined);
  throw error;
}

function print(
  io: CliIo,
  json: boolean,
  error: { readonly code: string; readonly message: string; readonly hint?: string | undefined },
  exitCode: ExitCode,
  helpLine: string | undefined,
): ExitCode {
  if (json) {
    const { code, message, hint } = error;
    io.stderr(`${JSON.stringify({ error: { code, message, hint: hint ?? null, exitCode } })}\n`);
  } else {
    const hint = error.hint === undefined ? "" : `hint: ${error.hint}\n`;
    io.stderr(`error: ${error.message}\n${hint}${helpLine === undefined ? "" : `${helpLine}\n`}`);
  }
  return exitCode;
}
