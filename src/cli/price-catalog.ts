import type { GpuCatalogFile } from "../hardware/catalog-file.js";
import { STALE_PRICE_DAYS, summarizePriceFile } from "../hardware/prices/price-file.js";
import { defaultPriceFilePath } from "../io/prices/price-file-path.js";
import { readPriceFile } from "../io/prices/read-price-file.js";
import type { CliIo } from "./io.js";

/**
 * Layers the user's price file (`vramfit prices update`, at `$XDG_CACHE_HOME/vramfit/prices.json`)
 * under the `--catalog` file, for every command that ranks or plans: its rows extend the built-in
 * catalog, a `--catalog` row with the same key wins, and a `--catalog` in `replace` mode leaves it
 * out. Says on standard error which prices are used and how old they are, with a warning past
 * {@link STALE_PRICE_DAYS} days.
 *
 * @throws {VramfitError} `CATALOG_INVALID` when the price file is there but invalid.
 */
export async function withUserPrices(
  catalog: GpuCatalogFile | undefined,
  io: CliIo,
  today: string = new Date().toISOString().slice(0, 10),
): Promise<GpuCatalogFile | undefined> {
  if (catalog?.mode === "replace") return catalog;
  const path = defaultPriceFilePath(io.env);
  const prices = path === undefined ? undefined : await readPriceFile(path);
  if (path === undefined || prices === undefined) return catalog;
  const summary = summarizePriceFile(prices, today);
  const age =
    summary.oldestRetrieved === null
      ? "undated"
      : `retrieved ${summary.oldestRetrieved}, ${summary.ageDays ?? 0} days ago`;
  io.stderr(
    `prices: ${summary.instanceCount} instance price${summary.instanceCount === 1 ? "" : "s"} from ${path} (${age}; ${summary.sources.join(", ")})\n`,
  );
  if (summary.stale) {
    io.stderr(
      `warning: these prices are over ${STALE_PRICE_DAYS} days old; run "vramfit prices update" to refresh them.\n`,
    );
  }
  if (catalog === undefined) return prices;
  return {
    ...catalog,
    mode: "extend",
    instances: { ...prices.instances, ...catalog.instances },
  };
}
