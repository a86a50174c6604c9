import { VramfitError } from "../errors.js";
import { parseGpuCatalog, type ParsedGpuCatalog } from "../schema/gpu-catalog.js";

/** Largest catalog file vramfit will read. */
export const MAX_CATALOG_FILE_BYTES = 8 * 1024 * 1024;

/**
 * Reads, JSON-parses and validates a GPU catalog file (`--catalog file.json`).
 *
 * @throws {VramfitError} `CATALOG_INVALID` when the file is missing, too large, not JSON, or
 * does not match the catalog schema.
 */
export async function readCatalogFile(path: string): Promise<ParsedGpuCatalog> {
  const fs = await import("node:fs/promises").catch(() => undefined);
  if (fs === undefined) {
    throw invalid(
      path,
      "no file system here",
      "Pass the catalog object as the `catalog` option instead.",
    );
  }
  const stats = await fs.stat(path).catch(() => undefined);
  if (stats?.isFile() !== true) {
    throw invalid(path, "no such file", "Check the path given to --catalog.");
  }
  if (stats.size > MAX_CATALOG_FILE_BYTES) {
    throw invalid(
      path,
      `the file is ${stats.size} bytes, more than the ${MAX_CATALOG_FILE_BYTES} allowed`,
    );
  }
  let json: unknown;
  try {
    json = JSON.parse(await fs.readFile(path, "utf8"));
  } catch (error) {
    throw invalid(path, `not valid JSON (${(error as Error).message})`, undefined, error);
  }
  return parseGpuCatalog(json, path);
}

function invalid(path: string, problem: string, hint?: string, cause?: unknown): VramfitError {
  return new VramfitError("CATALOG_INVALID", `Cannot use the GPU catalog ${path}: ${problem}.`, {
    hint: hint ?? "A catalog is a JSON file: see docs/methodology.md#gpu-catalog.",
    cause,
  });
}
