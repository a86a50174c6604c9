import type { CliIo, ExitCode } from "./io.js";

/** One `vramfit <name>` subcommand. */
export interface Command {
  /** The word after `vramfit`. */
  readonly name: string;
  /** The full `--help` text. */
  readonly help: string;
  /** Runs the command on the arguments after its name. */
  readonly run: (argv: readonly string[], io: CliIo) => Promise<ExitCode>;
}

/**
 * A subcommand as the dispatcher knows it before loading it: its name, its one-line summary
 * for `vramfit --help`, and how to load it. Commands load on demand, so `vramfit estimate`
 * never parses the GPU catalog, the templates or the training code.
 */
export interface CommandEntry {
  /** The word after `vramfit`. */
  readonly name: string;
  /** One line for `vramfit --help`. */
  readonly summary: string;
  /** Imports the command's module. */
  readonly load: () => Promise<Command>;
}
