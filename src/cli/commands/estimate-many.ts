import { readFile } from "node:fs/promises";
import { resolve } from "node:path";
import { estimateMany, type EstimateManyItem } from "../../api/estimate-many.js";
import type { HubOptions } from "../../io/hub-options.js";
import type { InferenceOptions } from "../../memory/inference-options.js";
import { formatBytes, type MemoryUnit } from "../../units.js";
import type { CliIo, ExitCode } from "../io.js";
import { renderJson } from "../render/json.js";
import { renderTable } from "../render/table.js";
import { UsageError } from "../usage-error.js";
import { resolveModelArgument } from "./model-argument.js";

/** Largest list of models `--from` reads (a text file of ids, one per line). */
const MAX_LIST_BYTES = 1024 * 1024;

/**
 * `vramfit estimate --from FILE` (or `--from -` for stdin): many models with the same options,
 * a few at a time, each model's error reported in its row. With `--json`, one JSON object per
 * line as each model finishes (JSON Lines); otherwise a table in the file's order. Exits 1 when
 * any model failed.
 */
export async function estimateFromList(
  source: string,
  options: InferenceOptions & HubOptions,
  output: { readonly json: boolean; readonly unit: MemoryUnit },
  io: CliIo,
): Promise<ExitCode> {
  const text = source === "-" ? await readStdin(io) : await readList(resolve(io.cwd, source));
  const models = text
    .split(/\r?\n/)
    .map((line) => line.replace(/#.*$/, "").trim())
    .filter((line) => line !== "")
    .map((line) => resolveModelArgument(line, io));
  if (models.length === 0) throw new UsageError(`--from ${source} lists no model.`);
  const items = await estimateMany(models, {
    ...options,
    ...(output.json
      ? {
          onItem: (item: EstimateManyItem) => {
            io.stdout(jsonLine(item));
          },
        }
      : {}),
  });
  if (!output.json) io.stdout(renderItems(items, output.unit));
  return items.some((item) => "error" in item) ? 1 : 0;
}

function jsonLine(item: EstimateManyItem): string {
  return renderJson(item).replace(/\n\s*/g, " ").replace(/ $/, "\n");
}

function renderItems(items: readonly EstimateManyItem[], unit: MemoryUnit): string {
  const label = unit === "gib" ? "GiB (2^30)" : "GB (10^9)";
  const rows = items.map((item) =>
    "estimate" in item
      ? [
          item.model,
          formatBytes(item.estimate.memory.weightsBytes, { unit }),
          formatBytes(item.estimate.memory.kvCacheBytes, { unit }),
          formatBytes(item.estimate.memory.totalBytes, { unit }),
          "",
        ]
      : [item.model, "", "", "", `${item.error.code}: ${item.error.message}`],
  );
  const failed = items.filter((item) => "error" in item).length;
  const table = renderTable(["Model", `Weights ${label}`, "KV cache", "Total", "Error"], rows, [
    "left",
    "right",
    "right",
    "right",
    "left",
  ]);
  return `${table}\n\n  ${items.length} models, ${failed} failed\n`;
}

async function readList(path: string): Promise<string> {
  const text = await readFile(path, "utf8").catch((error: unknown) => {
    throw new UsageError(
      `--from ${path}: ${(error as NodeJS.ErrnoException).code === "ENOENT" ? "no such file" : "cannot read it"}.`,
    );
  });
  if (text.length > MAX_LIST_BYTES)
    throw new UsageError(`--from ${path}: more than 1 MiB of model ids.`);
  return text;
}

async function readStdin(io: CliIo): Promise<string> {
  if (io.readStdin === undefined) throw new UsageError("--from - needs a standard input.");
  return io.readStdin(MAX_LIST_BYTES);
}
