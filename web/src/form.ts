// The form: its choices filled from the library's own tables, and read into or written from
// the page state. A number the user clears keeps its last value; any other number goes to the
// library as typed, so a bad one is refused with the library's message.
import { ACCELERATORS, BUNDLED_MODELS, INSTANCES, KV_CACHE_BITS, WEIGHT_PRECISIONS } from "vramfit";
import { INFERENCE_ENGINE_IDS } from "../../src/memory/engine.js";
import { byId, h } from "./dom.js";
import type { PageState } from "./state.js";

/** Fills every select from the catalogs, so the page offers exactly what the library knows. */
export function fillChoices(): void {
  const options = (id: string, entries: readonly (readonly [string, string])[]) => {
    byId<HTMLSelectElement>(id).replaceChildren(
      ...entries.map(([value, label]) => h("option", { value }, label)),
    );
  };
  options(
    "bundled",
    [...BUNDLED_MODELS].sort((a, b) => a.repo.localeCompare(b.repo)).map((m) => [m.repo, m.repo]),
  );
  options("weights", [
    ["auto", "auto (as the checkpoint)"],
    ...Object.entries(WEIGHT_PRECISIONS).map(([id, spec]) => [id, spec.label] as const),
  ]);
  options("kv", [
    ["auto", "auto (compute dtype)"],
    ...Object.keys(KV_CACHE_BITS).map((id) => [id, id.toUpperCase()] as const),
  ]);
  options(
    "engine",
    INFERENCE_ENGINE_IDS.map((id) => [id, id] as const),
  );
  options("gpu", [
    ["", "best match that fits"],
    ...Object.entries(ACCELERATORS).map(([id, spec]) => [id, spec.name] as const),
  ]);
  const providers = [...new Set(Object.values(INSTANCES).map((row) => row.provider))].sort();
  options("cloud", [["", "any"], ...providers.map((id) => [id, id] as const)]);
  const families = [...new Set(Object.values(ACCELERATORS).map((row) => row.family))].sort();
  options("family", [["", "any"], ...families.map((id) => [id, id] as const)]);
}

const value = (id: string) => byId<HTMLInputElement | HTMLSelectElement>(id).value;
const checked = (name: string) =>
  document.querySelector<HTMLInputElement>(`input[name="${name}"]:checked`)?.value;

function number(id: string, previous: number): number {
  const text = value(id).trim();
  return text === "" || !Number.isFinite(Number(text)) ? previous : Number(text);
}

/** The state the form shows, starting from the previous one (for what the form does not hold). */
export function readForm(previous: PageState): PageState {
  const source = (checked("source") ?? previous.source) as PageState["source"];
  return {
    ...previous,
    source,
    model:
      source === "bundled"
        ? value("bundled")
        : source === "hub"
          ? value("repo").trim()
          : previous.model,
    revision: value("revision").trim(),
    hub: value("hub").trim(),
    mode: (checked("mode") ?? previous.mode) as PageState["mode"],
    context: number("context", previous.context),
    batch: number("batch", previous.batch),
    weights: value("weights"),
    kv: value("kv"),
    engine: value("engine"),
    method: value("method") as PageState["method"],
    rank: number("rank", previous.rank),
    targets: value("targets"),
    seq: number("seq", previous.seq),
    micro: number("micro", previous.micro),
    zero: Number(value("zero")) as PageState["zero"],
    gpus: number("gpus", previous.gpus),
    checkpointing: byId<HTMLInputElement>("checkpointing").checked,
    gpu: value("gpu"),
    cards: [...document.querySelectorAll<HTMLInputElement>('input[name="cards"]:checked')].map(
      (input) => Number(input.value),
    ),
    util: number("util", previous.util),
    cloud: value("cloud"),
    family: value("family"),
    unit: (checked("unit") ?? previous.unit) as PageState["unit"],
    axis: (checked("axis") ?? previous.axis) as PageState["axis"],
    plan: value("plan-workload"),
  };
}

/** Shows the state in the form. */
export function writeForm(state: PageState, configText: string): void {
  const set = (id: string, text: string | number) => {
    byId<HTMLInputElement>(id).value = String(text);
  };
  const tick = (name: string, wanted: string) => {
    for (const input of document.querySelectorAll<HTMLInputElement>(`input[name="${name}"]`)) {
      input.checked = input.value === wanted;
    }
  };
  tick("source", state.source);
  if (state.source === "bundled") set("bundled", state.model);
  if (state.source === "hub") set("repo", state.model);
  set("revision", state.revision);
  set("hub", state.hub);
  byId<HTMLTextAreaElement>("config").value = configText;
  tick("mode", state.mode);
  set("context", state.context);
  set("batch", state.batch);
  set("weights", state.weights);
  set("kv", state.kv);
  set("engine", state.engine);
  set("method", state.method);
  set("rank", state.rank);
  set("targets", state.targets);
  set("seq", state.seq);
  set("micro", state.micro);
  set("zero", state.zero);
  set("gpus", state.gpus);
  byId<HTMLInputElement>("checkpointing").checked = state.checkpointing;
  set("gpu", state.gpu);
  for (const input of document.querySelectorAll<HTMLInputElement>('input[name="cards"]')) {
    input.checked = state.cards.includes(Number(input.value));
  }
  set("util", state.util);
  set("cloud", state.cloud);
  set("family", state.family);
  tick("unit", state.unit);
  tick("axis", state.axis);
  set("plan-workload", state.plan);
  showSourcePanels(state);
}

/** Shows the inputs of the chosen model source and workload mode, hides the others. */
export function showSourcePanels(state: PageState): void {
  for (const panel of document.querySelectorAll<HTMLElement>("[data-source]")) {
    panel.hidden = panel.dataset.source !== state.source;
  }
  for (const panel of document.querySelectorAll<HTMLElement>("[data-mode]")) {
    panel.hidden = panel.dataset.mode !== state.mode;
  }
}
