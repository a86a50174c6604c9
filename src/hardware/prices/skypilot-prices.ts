import { VramfitError } from "../../errors.js";
import type { GpuCatalogFile } from "../catalog-file.js";
import { isCsvProblem, parseCsv } from "./csv.js";
import { skypilotAcceleratorId } from "./skypilot-accelerators.js";

/*
 * SkyPilot's public price catalogs (github.com/skypilot-org/skypilot-catalog, `catalogs/v7/<cloud>/
 * vms.csv`) turned into rows of vramfit's catalog file format. The columns, as the catalog's
 * README (schema v5 onward) and the files define them: InstanceType, AcceleratorName,
 * AcceleratorCount, vCPUs, MemoryGiB, GpuInfo, Region, AvailabilityZone, Price (on-demand US$ per
 * hour) and SpotPrice; one row per instance type and region (and zone, where the cloud has
 * zones). Columns are found by name: the AWS and Lambda files order them differently.
 * https://github.com/skypilot-org/skypilot-catalog/blob/master/README.md
 */

/** Columns a price catalog must have. */
export const SKYPILOT_REQUIRED_COLUMNS = [
  "InstanceType",
  "AcceleratorName",
  "AcceleratorCount",
  "Price",
  "Region",
] as const;

/** Where a catalog came from and which region to price. */
export interface SkypilotSource {
  /** Provider the file lists, lower case ("aws", "lambda", ...). */
  readonly provider: string;
  /** The URL (or file) it was read from; every row written names it. */
  readonly source: string;
  /** When it was read (ISO date, `YYYY-MM-DD`); every row written carries it. */
  readonly retrieved: string;
  /** Price this region only; `null`: each instance type's cheapest region. */
  readonly region: string | null;
}

/** A SkyPilot catalog read into catalog-file instance rows. */
export interface SkypilotPrices {
  /** What this is. */
  readonly kind: "skypilot-prices";
  /** The provider. */
  readonly provider: string;
  /** The source it was read from. */
  readonly source: string;
  /** Instance rows in the catalog file format, keyed `provider/InstanceType`. */
  readonly instances: NonNullable<GpuCatalogFile["instances"]>;
  /** Accelerator names with no confirmed vramfit id, with how many instance types use each. */
  readonly unknownAccelerators: readonly {
    readonly name: string;
    readonly instanceTypes: number;
  }[];
  /** Instance types left out for another reason (a fractional GPU, no price), with the reason. */
  readonly skipped: readonly { readonly instanceType: string; readonly reason: string }[];
}

interface PriceRow {
  readonly instanceType: string;
  readonly acceleratorName: string;
  readonly acceleratorCount: number;
  readonly vcpus: number | null;
  readonly memoryGiB: number | null;
  readonly region: string;
  readonly price: number | null;
  readonly spotPrice: number | null;
}

/**
 * Reads one SkyPilot `vms.csv` into catalog-file instance rows: GPU instance types only (rows
 * with an accelerator name and an instance type; rows pricing an accelerator with no instance
 * type, GCP's layout, are counted in `skipped`), whole GPUs only, one row per instance type in its cheapest region
 * (lowest on-demand price; ties go to the region first in alphabetical order), or in
 * `source.region`. The spot price is the lowest across that region's zones. Pure.
 *
 * @throws {VramfitError} `PRICES_INVALID` for a file that is not CSV, lacks a required column,
 * or holds a malformed number (a truncated download shows here).
 */
export function parseSkypilotCatalog(text: string, source: SkypilotSource): SkypilotPrices {
  const table = parseCsv(text);
  const fail = (problem: string): VramfitError =>
    new VramfitError(
      "PRICES_INVALID",
      `Cannot read the price catalog ${source.source}: ${problem}.`,
      {
        hint: "Give a SkyPilot catalog file (catalogs/v7/<cloud>/vms.csv); prices already in use stay in use.",
      },
    );
  if (isCsvProblem(table)) throw fail(`line ${table.line}: ${table.problem}`);
  const column = new Map(table.header.map((name, index) => [name, index]));
  const missing = SKYPILOT_REQUIRED_COLUMNS.filter((name) => !column.has(name));
  if (missing.length > 0) throw fail(`no ${missing.join(", ")} column`);
  const rows: PriceRow[] = [];
  let acceleratorOnlyRows = 0;
  table.rows.forEach((fields, index) => {
    const cell = (name: string): string => {
      const at = column.get(name);
      return at === undefined ? "" : (fields[at] ?? "").trim();
    };
    const acceleratorName = cell("AcceleratorName");
    const instanceType = cell("InstanceType");
    // CPU-only types have no accelerator. GCP's file prices its GPU VMs (a2-highgpu-1g, ...)
    // without their GPUs (no AcceleratorName) and each accelerator on a row of its own with no
    // InstanceType; nothing in the file says which VM an accelerator row belongs to, so neither
    // kind of row can be priced as a whole instance (docs/plans.md, "Prices a user can refresh").
    if (acceleratorName === "") return;
    if (instanceType === "") {
      acceleratorOnlyRows += 1;
      return;
    }
    const number = (name: string): number | null => {
      const value = cell(name);
      if (value === "") return null;
      const parsed = Number(value);
      if (!Number.isFinite(parsed) || parsed < 0) {
        throw fail(`line ${index + 2}: ${name} "${value}" is not a non-negative number`);
      }
      return parsed;
    };
    rows.push({
      instanceType,
      acceleratorName,
      acceleratorCount: number("AcceleratorCount") ?? 0,
      vcpus: number("vCPUs"),
      memoryGiB: number("MemoryGiB"),
      region: cell("Region"),
      price: positive(number("Price")),
      spotPrice: positive(number("SpotPrice")),
    });
  });
  const prices = pricesFromRows(rows, source);
  if (acceleratorOnlyRows === 0) return prices;
  return {
    ...prices,
    skipped: [
      ...prices.skipped,
      {
        instanceType: "(rows with no InstanceType)",
        reason: `${acceleratorOnlyRows} rows price an accelerator apart from any instance type (GCP's layout); the file does not say which VM each belongs to`,
      },
    ],
  };
}

function positive(value: number | null): number | null {
  return value === null || value <= 0 ? null : value;
}

function pricesFromRows(rows: readonly PriceRow[], source: SkypilotSource): SkypilotPrices {
  const byType = new Map<string, PriceRow[]>();
  for (const row of rows)
    byType.set(row.instanceType, [...(byType.get(row.instanceType) ?? []), row]);
  const instances: Record<string, NonNullable<GpuCatalogFile["instances"]>[string]> = {};
  const unknown = new Map<string, number>();
  const skipped: { instanceType: string; reason: string }[] = [];
  for (const [instanceType, typeRows] of [...byType].sort(([a], [b]) => compare(a, b))) {
    const first = typeRows[0];
    if (first === undefined) continue;
    const acceleratorId = skypilotAcceleratorId(source.provider, first.acceleratorName);
    if (acceleratorId === undefined) {
      unknown.set(first.acceleratorName, (unknown.get(first.acceleratorName) ?? 0) + 1);
      continue;
    }
    if (!Number.isInteger(first.acceleratorCount) || first.acceleratorCount < 1) {
      skipped.push({ instanceType, reason: `${first.acceleratorCount} GPUs: not a whole GPU` });
      continue;
    }
    const inRegion =
      source.region === null ? typeRows : typeRows.filter((row) => row.region === source.region);
    const region = cheapestRegion(inRegion);
    if (region === null) {
      skipped.push({
        instanceType,
        reason: source.region === null ? "no price" : `no price in ${source.region}`,
      });
      continue;
    }
    const here = inRegion.filter((row) => row.region === region);
    instances[`${source.provider}/${instanceType}`] = {
      provider: source.provider,
      name: instanceType,
      acceleratorId,
      gpuCount: first.acceleratorCount,
      vcpus:
        first.vcpus !== null && Number.isInteger(first.vcpus) && first.vcpus > 0
          ? first.vcpus
          : null,
      ramGiB: first.memoryGiB !== null && first.memoryGiB > 0 ? first.memoryGiB : null,
      region,
      onDemandUsdPerHour: lowest(here.map((row) => row.price)),
      spotUsdPerHour: lowest(here.map((row) => row.spotPrice)),
      priceSource: source.source,
      priceAsOf: source.retrieved,
      priceRetrieved: source.retrieved,
      notes: `SkyPilot catalog, ${source.region === null ? "cheapest region" : "region asked for"}; spot = lowest zone`,
    };
  }
  return {
    kind: "skypilot-prices",
    provider: source.provider,
    source: source.source,
    instances,
    unknownAccelerators: [...unknown]
      .sort(([a], [b]) => compare(a, b))
      .map(([name, instanceTypes]) => ({ name, instanceTypes })),
    skipped,
  };
}

/**
 * The region of the lowest on-demand price (the lowest spot price where no row has one); ties
 * go to the region first in alphabetical order. `null` when no row has a price.
 */
function cheapestRegion(rows: readonly PriceRow[]): string | null {
  const priced = rows.some((row) => row.price !== null);
  let best: { region: string; usd: number } | null = null;
  for (const row of rows) {
    const usd = priced ? row.price : row.spotPrice;
    if (usd === null) continue;
    if (
      best === null ||
      usd < best.usd ||
      (usd === best.usd && compare(row.region, best.region) < 0)
    ) {
      best = { region: row.region, usd };
    }
  }
  return best?.region ?? null;
}

function lowest(values: readonly (number | null)[]): number | null {
  const known = values.filter((value): value is number => value !== null);
  return known.length === 0 ? null : Math.min(...known);
}

function compare(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
