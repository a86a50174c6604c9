// The page: reads its state from the URL, loads the model, computes with the library and draws.
// Every input change rewrites the URL query (never the token), so a link reproduces the view.
import { type ResolvedModel } from "vramfit";
import { renderChart } from "vramfit/charts";
import { compute, type Results } from "./compute.js";
import { packConfig, unpackConfig } from "./config-codec.js";
import { byId } from "./dom.js";
import { fillChoices, readForm, showSourcePanels, writeForm } from "./form.js";
import { loadModel } from "./model-source.js";
import { describeError, describeSource, summary } from "./describe.js";
import { queryFromState, stateFromQuery, type PageState } from "./state.js";
import { gpuTable, instanceTable } from "./views/gpus.js";
import { planFor, planSection, type PlanView } from "./views/plan.js";
import { focusSortButton, parseSort } from "./views/table.js";

let state: PageState = stateFromQuery(location.search);
let model: ResolvedModel | null = null;
let results: Results | null = null;
/** The Hub token the user pasted: in this variable only, never in the URL or storage. */
let accessToken: string | undefined;
let configText = "";
let loading: AbortController | null = null;
let generation = 0;

const form = byId<HTMLFormElement>("inputs");

/** Inputs that change what is loaded, not only what is computed: they wait for a button. */
const PENDING_INPUTS = new Set(["repo", "revision", "token", "config", "config-file", "hub"]);

async function start(): Promise<void> {
  fillChoices();
  if (state.source === "config" && state.config !== "") {
    configText = await unpackConfig(state.config).catch(() => "");
  }
  writeForm(state, configText);
  // Every control (the form, and the unit, axis and plan choices beside the results).
  document.addEventListener("change", onChange);
  form.addEventListener("input", (event) => {
    const target = event.target as HTMLInputElement;
    if (target.id === "token") accessToken = target.value || undefined;
    // Numbers answer as they are typed; other controls on change.
    else if (target.type === "number") onChange(event);
  });
  form.addEventListener("submit", (event) => {
    event.preventDefault();
  });
  byId("fetch").addEventListener("click", () => {
    state = { ...readForm(state), source: "hub" };
    void reload();
  });
  byId("use-config").addEventListener("click", () => {
    void useConfig(byId<HTMLTextAreaElement>("config").value);
  });
  byId<HTMLInputElement>("config-file").addEventListener("change", (event) => {
    const file = (event.target as HTMLInputElement).files?.[0];
    if (file !== undefined) void file.text().then(useConfig);
  });
  const area = byId<HTMLTextAreaElement>("config");
  area.addEventListener("dragover", (event) => {
    event.preventDefault();
  });
  area.addEventListener("drop", (event) => {
    event.preventDefault();
    const file = event.dataTransfer?.files[0];
    if (file !== undefined) void file.text().then(useConfig);
  });
  byId<HTMLDetailsElement>("json").closest("details")?.addEventListener("toggle", showJson);
  await reload();
}

/** An input changed: recompute, reload the model when its choice changed, rewrite the URL. */
function onChange(event: Event): void {
  const target = event.target as HTMLElement;
  if (PENDING_INPUTS.has(target.id)) return;
  const previous = state;
  state = readForm(state);
  showSourcePanels(state);
  saveUrl();
  const reloadNeeded =
    state.source !== previous.source ||
    (state.source === "bundled" && state.model !== previous.model);
  if (reloadNeeded && state.source !== "hub" && !(state.source === "config" && configText === "")) {
    void reload();
  } else if (reloadNeeded) {
    clearResults("Fetch the repo, or use a config, to see its numbers.");
  } else {
    render();
  }
}

/** Takes a config text as the model: the library's errors appear in the page when it is not one. */
async function useConfig(text: string): Promise<void> {
  configText = text;
  byId<HTMLTextAreaElement>("config").value = text;
  let packed = "";
  try {
    packed = await packConfig(text);
  } catch {
    // Not JSON: nothing to put in the link; the loader says what is wrong.
  }
  state = { ...readForm(state), source: "config", config: packed };
  await reload();
}

function saveUrl(): void {
  history.replaceState(null, "", `${location.pathname}${queryFromState(state)}`);
}

/** Loads the model the state names, then draws; a newer load supersedes an older one. */
async function reload(): Promise<void> {
  saveUrl();
  showSourcePanels(state);
  loading?.abort();
  const controller = new AbortController();
  loading = controller;
  const mine = ++generation;
  const status = byId("model-status");
  const error = byId("model-error");
  error.hidden = true;
  status.textContent = state.source === "hub" ? `Reading ${state.model} from the Hub…` : "Loading…";
  byId("results").setAttribute("aria-busy", "true");
  try {
    const loaded = await loadModel({ state, configText, accessToken, signal: controller.signal });
    if (mine !== generation) return;
    model = loaded;
    status.textContent = describeSource(loaded);
    render();
  } catch (caught) {
    if (mine !== generation) return;
    model = null;
    status.textContent = " ";
    error.textContent = describeError(caught);
    error.hidden = false;
    clearResults("No model loaded.");
  } finally {
    if (mine === generation) byId("results").removeAttribute("aria-busy");
  }
}

function clearResults(message: string): void {
  results = null;
  byId("summary").textContent = message;
  for (const id of [
    "breakdown",
    "curve",
    "gpu-table",
    "instance-table",
    "plan",
    "command",
    "json",
  ]) {
    byId(id).replaceChildren();
  }
}

/** Computes and draws everything from the loaded model and the state. */
function render(): void {
  if (model === null) return;
  const problem = byId("result-error");
  try {
    results = compute(state, model);
    problem.hidden = true;
  } catch (caught) {
    clearResults("");
    problem.textContent = describeError(caught);
    problem.hidden = false;
    return;
  }
  const warnings = byId("warnings");
  warnings.textContent = results.estimate.warnings.map((warning) => `⚠ ${warning}`).join("\n");
  warnings.hidden = results.estimate.warnings.length === 0;
  byId("summary").textContent = summary(results, state.unit);
  byId("command").textContent = results.commands.join("\n");
  byId("breakdown").innerHTML = renderChart(results.breakdown); // our own SVG: every text escaped
  const curve = byId("curve");
  if (typeof results.curve === "string") curve.replaceChildren(results.curve);
  else curve.innerHTML = renderChart(results.curve);
  byId("curve")
    .closest("figure")
    ?.classList.toggle("unavailable", typeof results.curve === "string");
  byId("gpu-table").replaceChildren(
    gpuTable(results.gpus, state.unit, parseSort(state.sort), (sort) => {
      state = { ...state, sort };
      saveUrl();
      render();
      focusSortButton(byId("gpu-table"), sort);
    }),
  );
  byId("instance-table").replaceChildren(
    instanceTable(results.instances, parseSort(state.isort), (isort) => {
      state = { ...state, isort };
      saveUrl();
      render();
      focusSortButton(byId("instance-table"), isort);
    }),
  );
  showJson();
  void renderPlan();
}

/** The result as JSON, written only while its disclosure is open (a full ranking is long). */
function showJson(): void {
  const pre = byId("json");
  const open = pre.closest("details")?.open === true;
  if (!open || results === null) return;
  const { estimate, gpus, instances } = results;
  pre.textContent = JSON.stringify({ estimate, gpus, instances }, null, 2);
}

/** The last plan, kept while only how it is shown changes (units, table order). */
let planned: { readonly key: string; readonly view: Promise<PlanView> } | null = null;

/** The deployment plan for the chosen workload class, computed on demand. */
async function renderPlan(): Promise<void> {
  const container = byId("plan");
  if (state.plan === "" || model === null) {
    container.replaceChildren();
    return;
  }
  const key = `${String(generation)} ${queryFromState({ ...state, sort: "", isort: "", unit: "gb", axis: "context" })}`;
  if (planned?.key !== key) {
    container.textContent = "Planning…";
    planned = { key, view: planFor(state, model) };
  }
  const mine = planned;
  try {
    const view = await mine.view;
    if (planned !== mine) return;
    container.replaceChildren(planSection(view, state));
  } catch (caught) {
    if (planned !== mine) return;
    container.textContent = describeError(caught);
  }
}

void start();
