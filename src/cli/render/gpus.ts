import { servingBudgetRule } from "../../hardware/serving-on-gpu.js";
import type { MatchFigures } from "../../hardware/match.js";
import type { GpuMatch, GpuRanking } from "../../hardware/rank-gpus.js";
import type { InstanceMatch, InstanceRanking } from "../../hardware/rank-instances.js";
import type { GpuRequirement } from "../../hardware/requirement.js";
import { formatInteger, type MemoryUnit } from "../../units.js";
import { unitHeader, unitValue } from "./estimate.js";
import { renderTable, type Align } from "./table.js";
import { PriceFootnotes } from "./price-footnotes.js";

/** What `vramfit gpus` prints, and how much of it. */
export interface GpusReport {
  /** The GPU ranking. */
  readonly gpus: GpuRanking;
  /** The instance ranking, when instances are shown. */
  readonly instances: InstanceRanking | null;
  /** Rows per table. */
  readonly top: number;
  /** Memory unit of the tables. */
  readonly unit: MemoryUnit;
  /** Rows to explain in full below each table. */
  readonly details: number;
}

/**
 * The human-readable report of `vramfit gpus` (and of `vramfit estimate --rank-gpus`). Pure: returns
 * the text. Every price carries a footnote with its source and date; every size names its unit.
 */
export function renderGpusReport(report: GpusReport): string {
  const { gpus, instances, unit } = report;
  const assumptions = gpus.assumptions;
  const prices = new PriceFootnotes("no prices for the rows shown");
  const requirement = gpus.requirement;
  const training = requirement.kind === "training";
  const lines = [
    requirement.label,
    `  workload    ${gpus.workload.id}: ${gpus.workload.summary}`,
    `  ranked by   ${gpus.workload.ranksBy}`,
    training
      ? `  fits when   model states / GPUs (fully sharded) + activations, logits and CUDA context per GPU ≤ ${assumptions.gpuMemoryUtilization} × GPU memory`
      : `  fits when   ${requirement.serving === undefined ? `weights / TP + KV cache / min(TP, ${requirement.kvCacheShardableHeads} KV heads) + ${unitValue(requirement.perGpuBytes, unit)} ${unit === "gib" ? "GiB" : "GB"} reserve ≤ ${assumptions.gpuMemoryUtilization} × GPU memory` : servingBudgetRule(requirement.serving)}`,
    training
      ? `  speed       a step's FLOPs at ${assumptions.computeEfficiency} × dense tensor rate, or its model-state reads at ${assumptions.bandwidthEfficiency} × memory bandwidth, whichever is slower`
      : `  speed       prefill at ${assumptions.computeEfficiency} × dense tensor rate, decode at ${assumptions.bandwidthEfficiency} × memory bandwidth; ${formatInteger(assumptions.promptTokens)}-token prompt for TTFT`,
    "",
    `  GPUs (${Math.min(report.top, gpus.matches.length)} of ${gpus.matches.length})`,
    gpuTable(gpus.matches.slice(0, report.top), unit, prices, training),
    ...ttftTargetLines(gpus.matches.slice(0, report.top)),
    ...details(gpus.matches.slice(0, report.details), requirement.sequences, unit),
  ];
  if (instances !== null) {
    lines.push(
      "",
      `  Instances (${Math.min(report.top, instances.matches.length)} of ${instances.matches.length}; ${instances.excluded.length} snapshot rows cleaned out, listed with --json)`,
      instanceTable(instances.matches.slice(0, report.top), prices, training),
      ...details(instances.matches.slice(0, report.details), requirement.sequences, unit),
    );
  }
  lines.push(
    "",
    "  yes* fits but misses a constraint (TTFT target, tokens/s or $/hour): see the details or --json.",
    "",
    "  Prices (a dated snapshot, not live prices)",
    ...prices.lines(),
    "",
    `  Pricing advice (${gpus.workload.id}): ${gpus.workload.pricingAdvice}`,
    "",
    "  Assumptions",
    ...assumptions.notes.map((note) => `    - ${note}`),
  );
  const warnings = [...new Set([...gpus.warnings, ...(instances?.warnings ?? [])])];
  if (warnings.length > 0) lines.push("", "  Warnings", ...warnings.map((w) => `    ! ${w}`));
  return `${lines.join("\n")}\n`;
}

function gpuTable(
  rows: readonly GpuMatch[],
  unit: MemoryUnit,
  prices: PriceFootnotes,
  training: boolean,
): string {
  const header = unitHeader(unit);
  return renderTable(
    [
      "#",
      "GPU",
      "Fits",
      training ? "Shards" : "TP",
      "GPUs",
      `Per GPU ${header}`,
      `Budget ${header}`,
      ...speedAndPriceHeaders(training),
    ],
    rows.map((row) => [
      String(row.rank),
      row.name,
      fitsLabel(row),
      row.tensorParallel === null ? "—" : parallelism(row),
      row.gpuCount === null ? "—" : String(row.gpuCount),
      row.perGpu === null ? "—" : unitValue(row.perGpu.totalBytes, unit),
      unitValue(row.budgetBytesPerGpu, unit),
      ...speedAndPriceCells(row, prices),
    ]),
    ["right", "left", "left", ...rightAligned(9)],
  );
}

function instanceTable(
  rows: readonly InstanceMatch[],
  prices: PriceFootnotes,
  training: boolean,
): string {
  return renderTable(
    [
      "#",
      "Instance",
      "GPUs",
      "Fits",
      training ? "Shards" : "TP",
      "Replicas",
      ...speedAndPriceHeaders(training),
    ],
    rows.map((row) => [
      String(row.rank),
      row.instanceId,
      `${row.instance.gpuCount} × ${row.acceleratorName}`,
      fitsLabel(row),
      row.tensorParallel === null || !row.fits ? "—" : parallelism(row),
      String(row.replicas),
      ...speedAndPriceCells(row, prices),
    ]),
    ["right", "left", "left", "left", ...rightAligned(7)],
  );
}

function rightAligned(columns: number): Align[] {
  return Array.from({ length: columns }, () => "right" as const);
}

/**
 * The headers of {@link speedAndPriceCells}. For training, the inter-token column holds the time
 * of one micro-batch step, tokens/s the group's training throughput and $/1M the cost of training
 * on a million tokens.
 */
function speedAndPriceHeaders(training: boolean): string[] {
  return training
    ? ["TTFT ms", "ms/step", "train tok/s", "$/hour", "$/1M train tok"]
    : ["TTFT ms", "ms/token", "tok/s", "$/hour", "$/1M tok"];
}

/** The cells both tables end with: TTFT, ms/token, tok/s, $/hour (with its footnote), $/1M tokens. */
function speedAndPriceCells(row: MatchFigures, prices: PriceFootnotes): string[] {
  return [
    milliseconds(row.ttftSeconds),
    milliseconds(row.interTokenLatencySeconds, 1),
    rounded(row.tokensPerSecond),
    row.price === null ? "—" : `${row.price.usdPerHour.toFixed(2)} ${prices.mark(row.price)}`,
    money(row.usdPerMillionOutputTokens),
  ];
}

/** Rows that miss the TTFT target at their smallest fit but would meet it with more GPUs. */
function ttftTargetLines(rows: readonly GpuMatch[]): string[] {
  const faster = rows.flatMap((row) =>
    row.ttftTargetMetAt === null
      ? []
      : [
          `    ${row.name}: TP ${row.ttftTargetMetAt.tensorParallel}, ${milliseconds(row.ttftTargetMetAt.ttftSeconds)} ms`,
        ],
  );
  return faster.length === 0 ? [] : ["", "  Would meet the TTFT target with more GPUs", ...faster];
}

function details(
  rows: readonly (MatchFigures & { readonly rank: number; readonly name: string })[],
  sequences: GpuRequirement["sequences"],
  unit: MemoryUnit,
): string[] {
  return rows.flatMap((row) => [
    "",
    `  #${row.rank} ${row.name}`,
    ...row.reasons.map((reason) => `    - ${reason}`),
    ...capacityLine(row, sequences, unit),
  ]);
}

/**
 * The inverse questions at the row's parallelism: how many sequences fit at the context asked,
 * and how long a context fits at the batch asked (memory only: the model's own limit is separate).
 */
function capacityLine(
  row: MatchFigures,
  sequences: GpuRequirement["sequences"],
  unit: MemoryUnit,
): string[] {
  const capacity = row.capacity;
  if (!row.fits || capacity === null || sequences === null) return [];
  const kv = `${unitValue(capacity.kvCacheBytesPerGpu, unit)} ${unit === "gib" ? "GiB" : "GB"}`;
  return [
    `    - room for the KV cache: ${kv} per GPU, enough for ${formatInteger(capacity.maxBatchSize)} sequences of ${formatInteger(sequences.contextLength)} tokens, or ${formatInteger(sequences.batchSize)} of up to ${formatInteger(capacity.maxContextLength)} tokens (memory only)`,
  ];
}

function fitsLabel(row: MatchFigures): string {
  if (!row.fits) return "no";
  return row.meetsConstraints ? "yes" : "yes*";
}

function parallelism(row: MatchFigures): string {
  return row.pipelineParallel > 1
    ? `${row.tensorParallel ?? 1}×${row.pipelineParallel}pp`
    : String(row.tensorParallel ?? 1);
}

function milliseconds(seconds: number | null, digits = 0): string {
  return seconds === null ? "—" : (seconds * 1000).toFixed(digits);
}

function rounded(value: number | null): string {
  return value === null ? "—" : formatInteger(value);
}

function money(value: number | null): string {
  return value === null ? "—" : value.toFixed(2);
}
