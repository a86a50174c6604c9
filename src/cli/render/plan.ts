import type { FleetRent } from "../../deploy/blueprint/plan-templates.js";
import type { PricePoint } from "../../hardware/price.js";
import type { DeploymentPlan } from "../../deploy/blueprint/plan-types.js";
import type { DeploymentChecklist } from "../../deploy/checklist/validate-deployment.js";
import { formatInteger, type MemoryUnit } from "../../units.js";
import { checklistLines } from "./checklist.js";
import { unitHeader, unitValue } from "./estimate.js";
import { renderTable } from "./table.js";
import { PriceFootnotes } from "./price-footnotes.js";

/** What `vramfit plan` prints. */
export interface PlanReport {
  /** The blueprint. */
  readonly plan: DeploymentPlan;
  /** Its checklist. */
  readonly checklist: DeploymentChecklist;
  /** Memory unit of the tables. */
  readonly unit: MemoryUnit;
  /** The files written (relative paths) and where, or `null` when none were asked for. */
  readonly written: { readonly folder: string; readonly paths: readonly string[] } | null;
  /** Notes of the templates rendered. */
  readonly templateNotes: readonly string[];
}

const STEP_TITLES = {
  workload: "Workload",
  modality: "Modality",
  vram: "VRAM",
  topology: "Topology",
  pricing: "Pricing",
} as const;

/**
 * The human-readable blueprint: the decision tree, the chosen GPUs, the quantization matrix, the
 * LoRA suggestion, the baseline comparison, the checklist, the dated prices and the templates.
 * Pure: returns the text. Every table names its unit; every price points at a dated source.
 */
export function renderPlanReport(report: PlanReport): string {
  const { plan, unit } = report;
  const prices = new PriceFootnotes("no prices for this plan");
  const c = plan.chosen;
  const lines = [
    `${plan.model.id ?? plan.model.architecture ?? "model"}: ${plan.workload.label} plan`,
    "",
    "  Decisions (sizes in GB = 10^9 bytes)",
  ];
  plan.steps.forEach((step, index) => {
    lines.push(`  ${index + 1}. ${STEP_TITLES[step.step].padEnd(9)} ${step.choice}`);
    lines.push(`               ${step.reason}`);
  });
  const header = unitHeader(unit);
  lines.push(
    "",
    "  Chosen deployment",
    renderTable(
      [
        "GPUs",
        "TP",
        "PP",
        "Replicas",
        `Per GPU ${header}`,
        `Budget ${header}`,
        "TTFT ms",
        "tok/s",
        "$/hour",
        "$/1M tok",
      ],
      [
        [
          `${c.gpuCount} × ${c.acceleratorName}`,
          String(c.tensorParallel),
          String(c.pipelineParallel),
          String(c.replicas),
          unitValue(c.perGpuBytes, unit),
          unitValue(c.budgetBytesPerGpu, unit),
          milliseconds(c.ttftSeconds),
          rounded(c.tokensPerSecond),
          c.usdPerHour === null ? "—" : `${c.usdPerHour.toFixed(2)} ${prices.mark(c.price)}`,
          money(c.usdPerMillionTokens),
        ],
      ],
      ["left", "right", "right", "right", "right", "right", "right", "right", "right", "right"],
    ),
  );
  if (plan.pricing.model === "reserved") {
    lines.push("    ($/hour: 1-year reservation estimated at 37 % below the On-Demand price)");
  }
  if (plan.quantization.length > 0) {
    lines.push(
      "",
      `  Quantization trade-offs (on ${c.acceleratorName}; quality: Kurtic et al., arXiv 2411.02355)`,
    );
    lines.push(
      renderTable(
        [
          "Precision",
          `Weights ${header}`,
          "GPUs here",
          "TTFT ms",
          "tok/s",
          "$/1M tok",
          "Smallest fit",
          "vLLM here",
          "Quality",
        ],
        plan.quantization.map((row) => {
          const here = row.onChosenGpu;
          return [
            `${row.label}${row.isCheckpoint ? " (this checkpoint)" : ""}`,
            unitValue(row.weightsBytes, unit),
            here?.fits === true ? `${here.gpuCount ?? 1} (TP ${here.tensorParallel ?? 1})` : "—",
            milliseconds(here?.ttftSeconds ?? null),
            rounded(here?.tokensPerSecond ?? null),
            moneyMarked(here?.usdPerMillionTokens ?? null, here?.price ?? null, prices),
            row.smallestFit === null
              ? "—"
              : `${row.smallestFit.gpuCount} × ${row.smallestFit.name}`,
            here === null ? "—" : `${here.engineSupport.status}: ${here.engineSupport.note}`,
            row.quality,
          ];
        }),
        ["left", "right", "right", "right", "right", "right", "left", "left", "left"],
      ),
    );
  }
  if (plan.loraSuggestion !== null) {
    const s = plan.loraSuggestion;
    lines.push(
      "",
      `  ${s.suggested ? "Suggestion" : "Alternative"}: ${s.summary}`,
      `    What it gives up: ${s.givesUp}.`,
    );
  }
  if (plan.baseline !== null) {
    const b = plan.baseline;
    const ratio = (value: number | null): string => (value === null ? "—" : `${value.toFixed(2)}×`);
    const target = (met: boolean | null): string => (met === null ? "—" : met ? "met" : "missed");
    lines.push(
      "",
      `  Compared with the naive baseline (BF16 on A100 80GB)${b.ttftTargetMs === null ? "" : `, TTFT target ${b.ttftTargetMs} ms`}`,
      renderTable(
        ["", "tok/s", "$/1M tok", "TTFT ms", "TTFT target"],
        [
          [
            b.chosen.label,
            rounded(b.chosen.tokensPerSecond),
            moneyMarked(b.chosen.usdPerMillionTokens, b.chosen.price, prices),
            milliseconds(b.chosen.ttftSeconds),
            target(b.chosen.meetsTtftTarget),
          ],
          [
            b.baseline.label,
            rounded(b.baseline.tokensPerSecond),
            moneyMarked(b.baseline.usdPerMillionTokens, b.baseline.price, prices),
            milliseconds(b.baseline.ttftSeconds),
            target(b.baseline.meetsTtftTarget),
          ],
          [
            "plan ÷ baseline",
            ratio(b.ratios.tokensPerSecond),
            ratio(b.ratios.usdPerMillionTokens),
            ratio(b.ratios.ttft),
            "",
          ],
        ],
        ["left", "right", "right", "right", "left"],
      ),
    );
  }
  lines.push(
    "",
    ...checklistLines(report.checklist).map((line) => (line === "" ? "" : `  ${line}`)),
  );
  lines.push("", "  Prices (a dated snapshot, not live prices)", ...prices.lines());
  lines.push("", `  Pricing advice: ${plan.pricing.advice}`);
  if (plan.fleet !== null) lines.push(`  AWS fleet: ${fleetLine(plan.fleet)}`);
  lines.push("", ...templateLines(report));
  if (plan.assumptions.length > 0) {
    lines.push("", "  Assumptions", ...plan.assumptions.map((note) => `    - ${note}`));
  }
  if (plan.warnings.length > 0) {
    lines.push("", "  Warnings", ...plan.warnings.map((warning) => `    ! ${warning}`));
  }
  return `${lines.join("\n")}\n`;
}

/** What the AWS fleet template rents, in one line. */
function fleetLine(fleet: FleetRent): string {
  const idle = fleet.gpusRented - fleet.gpusUsed;
  return (
    `${fleet.instances} × ${fleet.instanceType} (${fleet.market}), ` +
    `${fleet.replicasPerInstance} ${fleet.replicasPerInstance === 1 ? "replica" : "replicas"} per instance, ` +
    `${fleet.gpusUsed} of ${fleet.gpusRented} GPUs used${idle > 0 ? ` (${idle} idle)` : ""}, ` +
    `$${fleet.usdPerHour.toFixed(2)}/hour (${fleet.priceSource})`
  );
}

function templateLines(report: PlanReport): string[] {
  const { plan, written } = report;
  if (written === null) {
    return plan.templateTargets.length === 0
      ? ["  Templates: none for this plan"]
      : [`  Templates: --emit ${plan.templateTargets.join(",")} --out DIR writes them`];
  }
  return [
    `  Wrote ${written.paths.length} file${written.paths.length === 1 ? "" : "s"} to ${written.folder}:`,
    ...written.paths.map((path) => `    ${path}`),
    ...report.templateNotes.map((note) => `    - ${note}`),
  ];
}

function milliseconds(seconds: number | null): string {
  return seconds === null ? "—" : (seconds * 1000).toFixed(0);
}

function rounded(value: number | null): string {
  return value === null ? "—" : formatInteger(value);
}

function money(value: number | null): string {
  return value === null ? "—" : value.toFixed(2);
}

function moneyMarked(
  value: number | null,
  price: PricePoint | null,
  prices: PriceFootnotes,
): string {
  return value === null ? "—" : `${value.toFixed(2)} ${prices.mark(price)}`;
}
