import type { GpuCatalogFile } from "../catalog-file.js";
import type { SkypilotPrices } from "./skypilot-prices.js";

/**
 * Prices older than this many days draw a warning wherever they are used: cloud GPU prices move
 * within a quarter (AWS cut P4/P5 On-Demand prices by up to 45 % in June 2025,
 * src/hardware/instances.ts), so a 90-day-old list may already be wrong.
 */
export const STALE_PRICE_DAYS = 90;

/**
 * The user price file `vramfit prices update` writes: the catalog file format (`--catalog`),
 * instances only, in `extend` mode so the built-in accelerators and instances stay and a row
 * with the same `provider/name` key replaces the built-in price. Later catalogs win a shared key.
 * Pure.
 */
export function priceFileFrom(catalogs: readonly SkypilotPrices[]): GpuCatalogFile {
  const instances: NonNullable<GpuCatalogFile["instances"]> = {};
  for (const catalog of catalogs) Object.assign(instances, catalog.instances);
  return { mode: "extend", instances };
}

/** What a price file holds and how old it is. */
export interface PriceFileSummary {
  /** What this is. */
  readonly kind: "price-file-summary";
  /** Instance rows with a price. */
  readonly instanceCount: number;
  /** The oldest `priceRetrieved` date among its rows (ISO), or `null` when none is a date. */
  readonly oldestRetrieved: string | null;
  /** Whole days from {@link PriceFileSummary.oldestRetrieved} to `today`, or `null`. */
  readonly ageDays: number | null;
  /** Whether the age is over {@link STALE_PRICE_DAYS}. */
  readonly stale: boolean;
  /** The distinct sources its rows name, sorted. */
  readonly sources: readonly string[];
}

/**
 * Summarises a price file (any catalog file) for "which prices are in use and how old": the row
 * count, the oldest retrieval date, its age against `today` (an ISO date) and the sources. Pure.
 */
export function summarizePriceFile(file: GpuCatalogFile, today: string): PriceFileSummary {
  const rows = Object.values(file.instances ?? {});
  const dates = rows
    .map((row) => row.priceRetrieved ?? row.priceAsOf)
    .filter((date) => ISO_DATE.test(date))
    .sort();
  const oldest = dates[0] ?? null;
  const ageDays = oldest === null ? null : daysBetween(oldest, today);
  return {
    kind: "price-file-summary",
    instanceCount: rows.length,
    oldestRetrieved: oldest,
    ageDays,
    stale: ageDays !== null && ageDays > STALE_PRICE_DAYS,
    sources: [...new Set(rows.map((row) => row.priceSource))].sort(),
  };
}

const ISO_DATE = /^\d{4}-\d{2}-\d{2}$/;
const DAY_MS = 86_400_000;

/** Whole days from one ISO date to another (never negative). */
function daysBetween(from: string, to: string): number {
  const days = Math.floor((Date.parse(to.slice(0, 10)) - Date.parse(from)) / DAY_MS);
  return Number.isFinite(days) ? Math.max(0, days) : 0;
}
