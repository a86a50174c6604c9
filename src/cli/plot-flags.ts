import { resolve } from "node:path";
import { writeOutputFile } from "../io/files/write-output-file.js";
import type { CliIo } from "./io.js";
import { UsageError } from "./usage-error.js";

/** `--plot FILE`: write the command's chart as SVG. */
export const PLOT_FLAGS = { plot: { type: "string" } } as const;

/**
 * The `--plot` path, checked: it must end in `.svg`, so a slip such as `--plot config.json`
 * (or a path swallowed as the flag's value) never replaces a file that is not a chart.
 *
 * @throws {UsageError} for a path that does not end in `.svg`.
 */
export function plotPathFromFlags(values: { readonly plot?: string | undefined }): string | null {
  const path = values.plot;
  if (path === undefined) return null;
  if (!/\.svg$/i.test(path.trim())) {
    throw new UsageError(`--plot writes an SVG file; "${path}" does not end in .svg.`, {
      hint: "Name the chart file, e.g. --plot memory.svg (an existing .svg is replaced).",
    });
  }
  return path.trim();
}

/** Writes a chart where `--plot` said, relative to the CLI's working folder, and says so on stderr. */
export async function writePlot(path: string, svg: string, what: string, io: CliIo): Promise<void> {
  await writeOutputFile(resolve(io.cwd, path), svg);
  io.stderr(`wrote ${path} (${what})\n`);
}
