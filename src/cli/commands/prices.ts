import { resolve } from "node:path";
import {
  parseSkypilotCatalog,
  type SkypilotPrices,
} from "../../hardware/prices/skypilot-prices.js";
import {
  priceFileFrom,
  STALE_PRICE_DAYS,
  summarizePriceFile,
} from "../../hardware/prices/price-file.js";
import { VramfitError } from "../../errors.js";
import { writeOutputFile } from "../../io/files/write-output-file.js";
import { defaultPriceFilePath } from "../../io/prices/price-file-path.js";
import { readPriceFile } from "../../io/prices/read-price-file.js";
import { readPriceSource } from "../../io/prices/read-price-source.js";
import type { Command } from "../command.js";
import type { CliIo, ExitCode } from "../io.js";
import { parseCommandLine } from "../parse-command-line.js";
import { renderJson } from "../render/json.js";
import { renderTable } from "../render/table.js";
import { UsageError } from "../usage-error.js";

/**
 * The catalogs `vramfit prices update` reads without `--from`: SkyPilot's public v7 catalogs of
 * the clouds whose rows price a whole instance (GCP's price the GPU apart from the VM, with
 * nothing in the file tying one to the other, so they are not read; Azure has no v7 file).
 * https://github.com/skypilot-org/skypilot-catalog/tree/master/catalogs/v7
 */
export const DEFAULT_PRICE_SOURCES = ["aws", "lambda", "runpod"].map(
  (cloud) =>
    `https://raw.githubusercontent.com/skypilot-org/skypilot-catalog/master/catalogs/v7/${cloud}/vms.csv`,
);

const HELP = `Usage: vramfit prices [--json]
       vramfit prices update [--from URL|FILE ...] [--provider P] [--region R] [--out FILE]

Shows the cloud prices the rankings and plans use: the built-in dated snapshot, or the price file
"vramfit prices update" wrote ($XDG_CACHE_HOME/vramfit/prices.json, else ~/.cache/vramfit/prices.json),
with its retrieval date and sources. Prices older than ${STALE_PRICE_DAYS} days draw a warning.

update reads SkyPilot price catalogs (vms.csv), keeps the GPU instance types whose accelerator
vramfit knows (unknown names are listed, not guessed), prices each in its cheapest region (or
--region), and writes them, dated, in the catalog file format (--catalog). If any source cannot
be read or parsed, nothing is written and the prices already in use stay in use.

Options (update):
  --from URL|FILE    a SkyPilot vms.csv; repeat for several (default: the aws, lambda and
                     runpod catalogs on GitHub)
  --provider P       the provider of --from sources whose path does not name it
                     (.../catalogs/v7/<provider>/vms.csv)
  --region R         price this region instead of each instance type's cheapest
  --out FILE         write here instead of the cache (then pass it with --catalog)
  --json             print the result as JSON

Examples:
  vramfit prices update
  vramfit prices update --from ./vms.csv --provider lambda --region us-east-1
  vramfit prices
`;

const OPTIONS = {
  from: { type: "string", multiple: true },
  provider: { type: "string" },
  region: { type: "string" },
  out: { type: "string" },
  json: { type: "boolean" },
} as const;

/** `vramfit prices`: which prices are in use; `vramfit prices update`: refresh them. */
export const pricesCommand: Command = {
  name: "prices",
  help: HELP,
  async run(argv, io): Promise<ExitCode> {
    const parsed = parseCommandLine(argv, OPTIONS, HELP, io);
    if (parsed === null) return 0;
    const { values, positionals } = parsed;
    const [action, extra] = positionals;
    if (extra !== undefined) throw new UsageError(`Unexpected argument "${extra}".`);
    if (action === undefined) {
      const stray = (["from", "provider", "region", "out"] as const).find(
        (flag) => values[flag] !== undefined,
      );
      if (stray !== undefined)
        throw new UsageError(`--${stray} goes with "vramfit prices update".`);
      return showPrices(io, values.json === true);
    }
    if (action !== "update") {
      throw new UsageError(`Unknown prices action "${action}".`, {
        hint: 'Use "vramfit prices" to show the prices in use or "vramfit prices update" to refresh them.',
      });
    }
    return updatePrices(io, {
      from: values.from ?? DEFAULT_PRICE_SOURCES,
      provider: values.provider,
      region: values.region ?? null,
      out: values.out === undefined ? undefined : resolve(io.cwd, values.out),
      json: values.json === true,
    });
  },
};

function today(): string {
  return new Date().toISOString().slice(0, 10);
}

async function showPrices(io: CliIo, json: boolean): Promise<ExitCode> {
  const path = defaultPriceFilePath(io.env);
  const file = path === undefined ? undefined : await readPriceFile(path);
  const summary = file === undefined ? null : summarizePriceFile(file, today());
  if (json) {
    io.stdout(renderJson({ path: path ?? null, summary, instances: file?.instances ?? {} }));
    return 0;
  }
  if (file === undefined || summary === null) {
    io.stdout(
      `No price file${path === undefined ? " (no HOME or XDG_CACHE_HOME to keep one in)" : ` at ${path}`}: the rankings use the built-in snapshot (compiled 2026-11-28 from SkyPilot's catalogs and provider pages, each row dated).\nRun "vramfit prices update" to fetch current prices.\n`,
    );
    return 0;
  }
  const lines = [
    `Prices in use: ${path}`,
    `  ${summary.instanceCount} instance types, retrieved ${summary.oldestRetrieved ?? "on an unknown date"}${summary.ageDays === null ? "" : ` (${summary.ageDays} days ago)`}`,
    ...summary.sources.map((source) => `  source: ${source}`),
  ];
  if (summary.stale) {
    lines.push(
      `  warning: over ${STALE_PRICE_DAYS} days old; run "vramfit prices update" to refresh them`,
    );
  }
  const rows = Object.values(file.instances ?? {});
  lines.push(
    "",
    renderTable(
      ["Provider", "Instance", "GPUs", "Region", "On-demand $/h", "Spot $/h", "Retrieved"],
      rows.map((row) => [
        row.provider,
        row.name,
        `${row.gpuCount} × ${row.acceleratorId}`,
        row.region ?? "—",
        usd(row.onDemandUsdPerHour),
        usd(row.spotUsdPerHour),
        row.priceRetrieved ?? row.priceAsOf,
      ]),
      ["left", "left", "left", "left", "right", "right", "left"],
    ),
  );
  io.stdout(`${lines.join("\n")}\n`);
  return 0;
}

function usd(value: number | null | undefined): string {
  return value === null || value === undefined ? "—" : value.toFixed(4);
}

interface UpdateRequest {
  readonly from: readonly string[];
  readonly provider: string | undefined;
  readonly region: string | null;
  readonly out: string | undefined;
  readonly json: boolean;
}

async function updatePrices(io: CliIo, request: UpdateRequest): Promise<ExitCode> {
  const target = request.out ?? defaultPriceFilePath(io.env);
  if (target === undefined) {
    throw new UsageError(
      "No cache folder to write the prices to: HOME and XDG_CACHE_HOME are unset.",
      {
        hint: "Set XDG_CACHE_HOME, or pass --out FILE and use it with --catalog FILE.",
      },
    );
  }
  const retrieved = today();
  const catalogs: SkypilotPrices[] = [];
  // Every source is read and parsed before anything is written: one failure keeps the old file.
  for (const from of request.from) {
    const location = /^https?:\/\//i.test(from) ? from : resolve(io.cwd, from);
    const provider = providerOf(from, request.provider);
    const text = await readPriceSource({ from: location });
    catalogs.push(
      parseSkypilotCatalog(text, { provider, source: location, retrieved, region: request.region }),
    );
  }
  const file = priceFileFrom(catalogs);
  const count = Object.keys(file.instances ?? {}).length;
  if (count === 0) {
    const leftOut = catalogs.flatMap(({ skipped }) =>
      skipped.map(({ instanceType, reason }) => `${instanceType}: ${reason}`),
    );
    throw new VramfitError(
      "PRICES_INVALID",
      `No GPU instance type in ${request.from.join(", ")} has an accelerator vramfit knows${request.region === null ? "" : ` and a price in ${request.region}`}; nothing was written.${leftOut.length === 0 ? "" : ` Left out: ${leftOut.slice(0, 3).join("; ")}${leftOut.length > 3 ? "; ..." : ""}.`}`,
      {
        hint: "The names vramfit maps are in src/hardware/prices/skypilot-accelerators.ts; the prices already in use stay in use.",
      },
    );
  }
  await writeOutputFile(target, `${JSON.stringify(file, null, 2)}\n`);
  if (request.json) {
    io.stdout(
      renderJson({
        path: target,
        retrieved,
        instanceCount: count,
        sources: catalogs.map(({ provider, source, unknownAccelerators, skipped, instances }) => ({
          provider,
          source,
          instanceCount: Object.keys(instances).length,
          unknownAccelerators,
          skipped,
        })),
      }),
    );
    return 0;
  }
  const lines = [
    `Read ${catalogs.length} price catalog${catalogs.length === 1 ? "" : "s"} on ${retrieved}:`,
  ];
  for (const catalog of catalogs) {
    lines.push(
      `  ${catalog.provider}: ${Object.keys(catalog.instances).length} GPU instance types priced (${request.region ?? "cheapest region each"}) from ${catalog.source}`,
    );
    if (catalog.unknownAccelerators.length > 0) {
      lines.push(
        `    left out, accelerator not mapped to a vramfit id: ${catalog.unknownAccelerators.map(({ name, instanceTypes }) => `${name} (${instanceTypes})`).join(", ")}`,
      );
    }
    for (const { instanceType, reason } of catalog.skipped) {
      lines.push(`    left out: ${instanceType}: ${reason}`);
    }
  }
  lines.push(`Wrote ${count} instance prices to ${target}.`);
  lines.push(
    request.out === undefined
      ? 'vramfit gpus and vramfit plan use them from now on ("vramfit prices" shows them).'
      : `Use them with --catalog ${target}.`,
  );
  io.stdout(`${lines.join("\n")}\n`);
  return 0;
}

/**
 * The provider a source lists: the folder before `vms.csv` in SkyPilot's layout
 * (`catalogs/v7/<provider>/vms.csv`), else `--provider`.
 *
 * @throws {UsageError} when neither names it, or they disagree.
 */
function providerOf(from: string, flag: string | undefined): string {
  const named = /\/catalogs\/v\d+\/([a-z0-9-]+)\/vms\.csv$/i.exec(from)?.[1]?.toLowerCase();
  const given = flag?.trim().toLowerCase();
  if (named !== undefined && given !== undefined && named !== given) {
    throw new UsageError(`--provider ${given} contradicts ${from}, which is the ${named} catalog.`);
  }
  const provider = named ?? given;
  if (provider === undefined || provider === "") {
    throw new UsageError(`Which provider does ${from} list?`, {
      hint: "Pass --provider (aws, lambda, runpod, ...), or a path ending catalogs/v7/<provider>/vms.csv.",
    });
  }
  return provider;
}
