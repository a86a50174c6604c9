import { VramfitError } from "../../errors.js";
import { parseGpuCatalog, type GpuCatalogFile } from "../../hardware/catalog-file.js";
import { readJsonFile } from "./read-json-file.js";

/** Largest catalog file vramfit will read. */
export const MAX_CATALOG_FILE_BYTES = 8 * 1024 * 1024;

/**
 * Reads, JSON-parses and validates a GPU catalog file (`--catalog file.json`); returns it as
 * written, for the `catalog` option of the rankings and plans.
 *
 * @throws {VramfitError} `CATALOG_INVALID` when the file is missing, not a regular file, too
 * large, not JSON, or does not match the catalog schema.
 */
export async function readCatalogFile(path: string): Promise<GpuCatalogFile> {
  const json = await readJsonFile(path, {
    maxBytes: MAX_CATALOG_FILE_BYTES,
    fail: ({ problem, hint, cause }) =>
      new VramfitError("CATALOG_INVALID", `Cannot use the GPU catalog ${path}: ${problem}.`, {
        hint: hint ?? "A catalog is a JSON file: see docs/methodology.md#gpu-catalog.",
        cause,
      }),
  });
  parseGpuCatalog(json, path); // the error names the file and the field
  return json as GpuCatalogFile;
}
