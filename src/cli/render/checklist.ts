import type { CheckStatus } from "../../deploy/checklist/checks.js";
import type { DeploymentChecklist } from "../../deploy/checklist/validate-deployment.js";

const LABELS: Readonly<Record<CheckStatus, string>> = { pass: "PASS", warn: "WARN", fail: "FAIL" };

/**
 * The human-readable checklist: one line per check (status, number, title, reason), the counts,
 * and the sources. Pure: returns the lines. Sizes in the reasons are GB (10^9 bytes).
 */
export function checklistLines(report: DeploymentChecklist): string[] {
  const d = report.deployment;
  const layout = `${d.gpuCount} × ${d.acceleratorName} (TP ${d.tensorParallel}${d.pipelineParallel > 1 ? `, PP ${d.pipelineParallel}` : ""})`;
  const lines = [
    `Pre-deployment checklist: ${report.model.id ?? report.model.architecture ?? "model"} on ${layout}, sized as ${d.sizedAs}`,
    "  (sizes in GB = 10^9 bytes)",
  ];
  for (const check of report.checks) {
    lines.push(`  ${LABELS[check.status]}  ${String(check.number).padStart(2)}. ${check.title}`);
    lines.push(`             ${check.reason}`);
  }
  const { pass, warn, fail } = report.counts;
  lines.push(
    "",
    `  ${pass} pass, ${warn} warn, ${fail} fail: ${report.passed ? (warn > 0 ? "ready, with warnings to read" : "ready") : "not ready: fix the failures"}`,
  );
  return lines;
}

/** The sources of the checks, numbered like them. */
export function checklistSources(report: DeploymentChecklist): string[] {
  return report.checks.map((check) => `    ${String(check.number).padStart(2)}. ${check.source}`);
}

/** The report of `vramfit check`: the checklist, its sources, the assumptions and warnings. */
export function renderChecklist(report: DeploymentChecklist): string {
  const lines = [...checklistLines(report), "", "  Sources", ...checklistSources(report)];
  if (report.assumptions.length > 0) {
    lines.push("", "  Assumptions", ...report.assumptions.map((note) => `    - ${note}`));
  }
  if (report.warnings.length > 0) {
    lines.push("", "  Warnings", ...report.warnings.map((warning) => `    ! ${warning}`));
  }
  return `${lines.join("\n")}\n`;
}
