// The ranked GPUs and cloud instances, as the library returns them: fit, parallelism, per-GPU
// memory, the longest context and largest batch that fit, speed, and every price with its kind,
// instance, date and source.
import type { GpuMatch, GpuRanking, InstanceMatch, InstanceRanking, MemoryUnit } from "vramfit";
import { h } from "../dom.js";
import { bytes, count, dollars, milliseconds } from "../format.js";
import { sortableTable, type Column, type Sort } from "./table.js";

type Price = GpuMatch["price"];

function priceCell(price: Price): Node | string {
  if (price === null) return "—";
  return h(
    "span",
    { title: `${price.source}; read ${price.retrieved}` },
    `${dollars(price.usdPerHour)}/h ${price.kind}`,
    h(
      "small",
      {},
      `${price.instanceId}${price.region === null ? "" : `, ${price.region}`} · as of ${price.asOf}`,
    ),
  );
}

/** The GPU ranking table. */
export function gpuTable(
  ranking: GpuRanking,
  unit: MemoryUnit,
  sort: Sort | null,
  onSort: (sort: string) => void,
): HTMLElement {
  const columns: Column<GpuMatch>[] = [
    { id: "rank", label: "#", value: (row) => row.rank, numeric: true },
    {
      id: "gpu",
      label: "GPU",
      value: (row) => row.name,
      cell: (row) => h("span", {}, row.name, h("small", {}, row.acceleratorId)),
    },
    {
      id: "fits",
      label: "Fits",
      value: (row) => (row.fits ? 1 : 0),
      cell: (row) => (row.fits ? (row.meetsConstraints ? "yes" : "yes, misses a target") : "no"),
    },
    {
      id: "gpus",
      label: "GPUs",
      value: (row) => row.gpuCount,
      cell: (row) =>
        row.gpuCount === null
          ? "—"
          : `${row.gpuCount}${row.tensorParallel === null ? "" : ` (TP ${row.tensorParallel}${row.pipelineParallel > 1 ? ` × PP ${row.pipelineParallel}` : ""})`}`,
      numeric: true,
    },
    {
      id: "per-gpu",
      label: "Per GPU",
      value: (row) => row.perGpu?.totalBytes ?? null,
      cell: (row) => bytes(row.perGpu?.totalBytes, unit),
      numeric: true,
    },
    {
      id: "budget",
      label: "Budget per GPU",
      value: (row) => row.budgetBytesPerGpu,
      cell: (row) => bytes(row.budgetBytesPerGpu, unit),
      numeric: true,
    },
    {
      id: "max-context",
      label: "Max context",
      value: (row) => row.capacity?.maxContextLength ?? null,
      cell: (row) => count(row.capacity?.maxContextLength),
      numeric: true,
    },
    {
      id: "max-batch",
      label: "Max batch",
      value: (row) => row.capacity?.maxBatchSize ?? null,
      cell: (row) => count(row.capacity?.maxBatchSize),
      numeric: true,
    },
    {
      id: "ttft",
      label: "TTFT",
      value: (row) => row.ttftSeconds,
      cell: (row) => milliseconds(row.ttftSeconds),
      numeric: true,
    },
    {
      id: "tps",
      label: "Tokens/s",
      value: (row) => row.tokensPerSecond,
      cell: (row) => count(row.tokensPerSecond),
      numeric: true,
    },
    {
      id: "price",
      label: "Price",
      value: (row) => row.price?.usdPerHour ?? null,
      cell: (row) => priceCell(row.price),
    },
    {
      id: "per-million",
      label: "$ / 1M tokens",
      value: (row) => row.usdPerMillionOutputTokens,
      cell: (row) => dollars(row.usdPerMillionOutputTokens),
      numeric: true,
    },
  ];
  return sortableTable({
    caption: `${ranking.matches.length} accelerators, ranked: ${ranking.workload.ranksBy}`,
    rows: ranking.matches,
    columns,
    sort,
    onSort,
    rowAttributes: (row) => ({
      "data-accelerator": row.acceleratorId,
      "data-fits": String(row.fits),
      "data-tp": String(row.tensorParallel ?? ""),
      "data-per-gpu-bytes": String(row.perGpu?.totalBytes ?? ""),
      "data-max-context": String(row.capacity?.maxContextLength ?? ""),
      class: row.fits ? "fits" : "misses",
    }),
  });
}

/** The instance ranking table (first 20 rows; the rest are a click away in the CLI). */
export function instanceTable(
  ranking: InstanceRanking,
  sort: Sort | null,
  onSort: (sort: string) => void,
): HTMLElement {
  const columns: Column<InstanceMatch>[] = [
    { id: "rank", label: "#", value: (row) => row.rank, numeric: true },
    {
      id: "instance",
      label: "Instance",
      value: (row) => row.instanceId,
      cell: (row) =>
        h(
          "span",
          {},
          row.name,
          h(
            "small",
            {},
            `${row.instance.provider}${row.instance.region === null ? "" : `, ${row.instance.region}`}`,
          ),
        ),
    },
    {
      id: "gpus",
      label: "GPUs",
      value: (row) => row.instance.gpuCount,
      cell: (row) => `${row.instance.gpuCount} × ${row.acceleratorName}`,
    },
    {
      id: "fits",
      label: "Fits",
      value: (row) => (row.fits ? 1 : 0),
      cell: (row) =>
        row.fits ? `yes, ${row.replicas} replica${row.replicas === 1 ? "" : "s"}` : "no",
    },
    {
      id: "tps",
      label: "Tokens/s",
      value: (row) => row.tokensPerSecond,
      cell: (row) => count(row.tokensPerSecond),
      numeric: true,
    },
    {
      id: "price",
      label: "Price",
      value: (row) => row.price?.usdPerHour ?? null,
      cell: (row) => priceCell(row.price),
    },
    {
      id: "per-million",
      label: "$ / 1M tokens",
      value: (row) => row.usdPerMillionOutputTokens,
      cell: (row) => dollars(row.usdPerMillionOutputTokens),
      numeric: true,
    },
  ];
  return sortableTable({
    caption: `${ranking.matches.length} instances, ranked: ${ranking.workload.ranksBy}${ranking.matches.length > 20 ? " (first 20)" : ""}`,
    rows: ranking.matches.slice(0, 20),
    columns,
    sort,
    onSort,
    rowAttributes: (row) => ({ "data-instance": row.instanceId }),
  });
}
