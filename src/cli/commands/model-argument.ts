import { existsSync } from "node:fs";
import { resolve } from "node:path";
import type { CliIo } from "../io.js";

/**
 * Resolves `<model>` against the CLI's working directory when something exists there;
 * otherwise it is a repo id and passes through unchanged.
 */
export function resolveModelArgument(model: string, io: CliIo): string {
  const path = resolve(io.cwd, model);
  return existsSync(path) ? path : model;
}
