import { parseArgs, type ParseArgsConfig } from "node:util";
import { didYouMean } from "../options/did-you-mean.js";
import type { CliIo } from "./io.js";
import { UsageError } from "./usage-error.js";

/** A command's flags, in node:util parseArgs form. */
export type CommandOptions = NonNullable<ParseArgsConfig["options"]>;

/** What {@link parseCommandLine} returns: the flag values and the positional arguments. */
export type ParsedCommandLine<T extends CommandOptions> = ReturnType<
  typeof parseArgs<{ options: T; allowPositionals: true }>
>;

/** Flags every command takes. */
const COMMON_FLAGS = { help: { type: "boolean", short: "h" } } as const;

/**
 * Parses a command's arguments with node:util parseArgs. When `--help` is among them, prints
 * `help` and returns `null`: the command then exits 0.
 *
 * A value that starts with a dash (`--batch -1`) is taken as the flag's value, so the value's own
 * check can say what is wrong with it.
 *
 * @throws {UsageError} for an unknown flag (naming the closest known one), a flag without its
 * value, or a value given to a switch.
 */
export function parseCommandLine<T extends CommandOptions>(
  argv: readonly string[],
  options: T,
  help: string,
  io: CliIo,
): ParsedCommandLine<T> | null {
  const all = { ...COMMON_FLAGS, ...options };
  const args = attachDashValues(argv, all);
  checkFlags(args, all);
  // `help` is added to every command's flags; the result is typed by the command's own flags.
  const parsed: ParsedCommandLine<T> = parseArgs({ args, options: all, allowPositionals: true });
  if ((parsed.values as { readonly help?: unknown }).help === true) {
    io.stdout(help);
    return null;
  }
  return parsed;
}

/** `--flag -1` → `--flag=-1` for flags that take a value, so parseArgs does not call it ambiguous. */
function attachDashValues(argv: readonly string[], options: CommandOptions): string[] {
  const args: string[] = [];
  for (let index = 0; index < argv.length; index += 1) {
    const arg = argv[index] ?? "";
    const next = argv[index + 1];
    const name = /^--([^=]+)$/.exec(arg)?.[1];
    if (
      name !== undefined &&
      options[name]?.type === "string" &&
      next !== undefined &&
      /^-[\d.]/.test(next)
    ) {
      args.push(`${arg}=${next}`);
      index += 1;
    } else {
      args.push(arg);
    }
  }
  return args;
}

/** Unknown flags, missing values and values given to switches, as usage errors in plain words. */
function checkFlags(args: readonly string[], options: CommandOptions): void {
  const known = Object.keys(options).map((name) => `--${name}`);
  for (let index = 0; index < args.length; index += 1) {
    const arg = args[index] ?? "";
    if (arg === "--") return;
    if (!arg.startsWith("-") || arg === "-") continue;
    const [flag = "", inlineValue] = arg.split(/=(.*)/s, 2);
    const name = flag.startsWith("--")
      ? flag.slice(2)
      : Object.entries(options).find(([, option]) => option.short === flag.slice(1))?.[0];
    const option = name === undefined ? undefined : options[name];
    if (option === undefined) {
      throw new UsageError(`unknown option ${flag}`, { hint: didYouMean(flag, known) });
    }
    if (option.type === "boolean" && inlineValue !== undefined) {
      throw new UsageError(`--${name} is a switch and takes no value, got "${inlineValue}"`);
    }
    if (option.type === "string" && inlineValue === undefined) {
      const next = args[index + 1];
      if (next === undefined || next.startsWith("--")) {
        throw new UsageError(`--${name} needs a value`, {
          hint: `Write it as --${name} VALUE; run with --help for what it takes.`,
        });
      }
      index += 1;
    }
  }
}

/** The first of `flags` given on the command line (a value that is not `undefined`), if any. */
export function firstGivenFlag(
  values: Readonly<Record<string, unknown>>,
  flags: readonly string[],
): string | undefined {
  return flags.find((flag) => values[flag] !== undefined);
}
