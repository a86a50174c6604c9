import { stat } from "../files/fs-calls.js";
import type { GpuCatalogFile } from "../../hardware/catalog-file.js";
import { readCatalogFile } from "../files/read-catalog-file.js";

/**
 * Reads the user's price file when there is one: `undefined` when no file is at `path`, else the
 * validated catalog file (an invalid one is an error, not silently ignored).
 *
 * @throws {VramfitError} `CATALOG_INVALID` for a file that is not a valid catalog.
 */
export async function readPriceFile(path: string): Promise<GpuCatalogFile | undefined> {
  const found = await stat(path).catch(() => undefined);
  if (found === undefined) return undefined;
  return readCatalogFile(path);
}
