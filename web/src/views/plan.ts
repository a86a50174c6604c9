// The deployment plan (vramfit/deploy), loaded on first use so a first visit does not pay for
// the planner and the template writers: the decisions with their reasons, the quantization
// matrix, the twelve checks, and each config file with a copy button and a download.
import type { ResolvedModel } from "vramfit";
import type { DeploymentChecklist, DeploymentPlan, TemplateFile } from "vramfit/deploy";
import { h } from "../dom.js";
import { bytes, dollars, milliseconds } from "../format.js";
import type { PageState } from "../state.js";
import { inferenceOptions, trainingOptions, rankOptions } from "../compute.js";

/** The plan, its checklist and its files. */
export interface PlanView {
  readonly plan: DeploymentPlan;
  readonly checklist: DeploymentChecklist;
  readonly files: readonly TemplateFile[];
  readonly notes: readonly string[];
}

/**
 * Plans the deployment the state describes, as `vramfit plan` does.
 *
 * @throws {VramfitError} the planner's errors (shown by the page).
 */
export async function planFor(state: PageState, model: ResolvedModel): Promise<PlanView> {
  const { planDeploymentFromSpec, renderTemplates, validatePlan } = await import("vramfit/deploy");
  const workload = state.plan as DeploymentPlan["workload"]["class"];
  const training = workload === "lora" || workload === "qlora" || workload === "full";
  const sizing = training
    ? { contextLength: state.seq, batchSize: state.micro }
    : { contextLength: state.context, batchSize: state.batch };
  const serving = inferenceOptions(state);
  const lora = trainingOptions(state);
  const ranking = rankOptions(state);
  const plan = planDeploymentFromSpec(model.spec, {
    workload,
    ...sizing,
    weights: training ? undefined : serving.weights,
    kvCacheDtype: training ? undefined : serving.kvCacheDtype,
    engine: training ? undefined : serving.engine,
    families: ranking.families,
    clouds: ranking.clouds,
    gpuMemoryUtilization: ranking.gpuMemoryUtilization,
    training: training
      ? {
          rank: workload === "full" ? undefined : (lora.rank ?? state.rank),
          targets: workload === "full" ? undefined : lora.targets,
          gradientCheckpointing: lora.gradientCheckpointing,
        }
      : undefined,
    modelId: model.id,
    source: model.source,
    checkpoint: model.checkpoint,
  });
  const checklist = validatePlan(plan);
  const rendered = renderTemplates(plan.templates, plan.templateTargets);
  return { plan, checklist, files: rendered.files, notes: rendered.notes };
}

/** The plan as the page shows it. */
export function planSection(view: PlanView, state: PageState): HTMLElement {
  const { plan, checklist } = view;
  const chosen = plan.chosen;
  return h(
    "div",
    { class: "plan-body" },
    h(
      "p",
      { class: "chosen" },
      `${chosen.gpuCount} × ${chosen.acceleratorName} (TP ${chosen.tensorParallel}${chosen.pipelineParallel > 1 ? ` × PP ${chosen.pipelineParallel}` : ""}${chosen.replicas > 1 ? `, ${chosen.replicas} replicas` : ""}): ${bytes(chosen.perGpuBytes, state.unit)} per GPU of a ${bytes(chosen.budgetBytesPerGpu, state.unit)} budget; ${chosen.usdPerHour === null ? "no price known" : `${dollars(chosen.usdPerHour)}/hour`}${chosen.ttftSeconds === null ? "" : `; TTFT ${milliseconds(chosen.ttftSeconds)}`}.`,
    ),
    h("h3", {}, "Decisions"),
    h(
      "ol",
      { class: "steps" },
      ...plan.steps.map((step) =>
        h("li", {}, h("strong", {}, `${step.step}: ${step.choice}. `), step.reason),
      ),
    ),
    plan.quantization.length === 0 ? null : quantizationTable(view, state),
    h(
      "h3",
      {},
      `Checklist: ${checklist.counts.pass} pass, ${checklist.counts.warn} warn, ${checklist.counts.fail} fail`,
    ),
    h(
      "ol",
      { class: "checks" },
      ...checklist.checks.map((check) =>
        h(
          "li",
          { class: `check ${check.status}`, "data-status": check.status },
          h("span", { class: "badge" }, check.status),
          h("strong", {}, `${check.title}. `),
          check.reason,
        ),
      ),
    ),
    h("h3", {}, "Files"),
    view.files.length === 0 ? h("p", {}, "This plan writes no files.") : null,
    ...view.files.map(fileBlock),
    view.notes.length === 0
      ? null
      : h("ul", { class: "notes" }, ...view.notes.map((note) => h("li", {}, note))),
  );
}

function quantizationTable(view: PlanView, state: PageState): HTMLElement {
  return h(
    "div",
    { class: "scroll", tabindex: 0, role: "region", "aria-label": "Quantization matrix" },
    h(
      "table",
      {},
      h("caption", {}, "Quantization matrix"),
      h(
        "thead",
        {},
        h(
          "tr",
          {},
          ...["Precision", "Weights", "Total", "Smallest fit", "Quality", "Serve with"].map(
            (label) => h("th", { scope: "col" }, label),
          ),
        ),
      ),
      h(
        "tbody",
        {},
        ...view.plan.quantization.map((row) =>
          h(
            "tr",
            {},
            h("td", {}, row.label, row.isCheckpoint ? " (as stored)" : ""),
            h("td", { class: "num" }, bytes(row.weightsBytes, state.unit)),
            h("td", { class: "num" }, bytes(row.totalBytes, state.unit)),
            h(
              "td",
              {},
              row.smallestFit === null
                ? "none"
                : `${row.smallestFit.gpuCount} × ${row.smallestFit.name}`,
            ),
            h("td", { title: row.qualitySource }, row.quality),
            h("td", {}, row.howToServe),
          ),
        ),
      ),
    ),
  );
}

function fileBlock(file: TemplateFile): HTMLElement {
  const copy = async (event: Event) => {
    const button = event.currentTarget as HTMLButtonElement;
    try {
      await navigator.clipboard.writeText(file.contents);
      button.textContent = "Copied";
    } catch {
      button.textContent = "Copy failed: select the text";
    }
  };
  const download = () => {
    const url = URL.createObjectURL(new Blob([file.contents], { type: "text/plain" }));
    const link = h("a", { href: url, download: file.path.split("/").at(-1) ?? file.path });
    link.click();
    setTimeout(() => {
      URL.revokeObjectURL(url);
    }, 1000);
  };
  return h(
    "details",
    { class: "file" },
    h("summary", {}, h("code", {}, file.path)),
    h(
      "div",
      { class: "row" },
      h("button", { type: "button", onclick: (event: Event) => void copy(event) }, "Copy"),
      h("button", { type: "button", onclick: download }, "Download"),
    ),
    h("pre", { tabindex: 0 }, file.contents),
  );
}
