import { UsageError } from "./usage-error.js";

/**
 * The one `<model>` argument of `vramfit <command> <model> [flags]`.
 *
 * @throws {UsageError} when it is missing or another argument follows it.
 */
export function singleModelArgument(positionals: readonly string[], command: string): string {
  const [model, extra] = positionals;
  if (model === undefined) {
    throw new UsageError(`${command} needs a model: a repo id, a config.json or a folder.`);
  }
  if (extra !== undefined) throw new UsageError(`Unexpected argument "${extra}".`);
  return model;
}
