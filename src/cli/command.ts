import type { CliIo, ExitCode } from "./io.js";

/** One `vramfit <name>` subcommand. */
export interface Command {
  /** The word after `vramfit`. */
  readonly name: string;
  /** One line for `vramfit --help`. */
  readonly summary: string;
  /** The full `--help` text. */
  readonly help: string;
  /** Runs the command on the arguments after its name. */
  readonly run: (argv: readonly string[], io: CliIo) => Promise<ExitCode>;
}
