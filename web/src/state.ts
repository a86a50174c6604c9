// Everything the page shows follows from this state, and the state lives in the URL query, so a
// link reproduces the view. Only values that differ from the defaults are written, to keep links
// short. The access token is never part of it.

/** Where the model comes from. */
export type ModelSourceKind = "bundled" | "hub" | "config";

/** What the page is asked. */
export interface PageState {
  readonly source: ModelSourceKind;
  /** Repo id: of a bundled model, or on the Hub. */
  readonly model: string;
  /** Hub revision (branch, tag or commit); "" for main. */
  readonly revision: string;
  /** Hub endpoint; "" for the public Hub. */
  readonly hub: string;
  /** A pasted config.json, compressed for the URL ("" when none). */
  readonly config: string;
  readonly mode: "serve" | "train";
  readonly context: number;
  readonly batch: number;
  readonly weights: string;
  readonly kv: string;
  readonly engine: string;
  readonly method: "full" | "lora" | "qlora";
  readonly rank: number;
  readonly targets: string;
  readonly seq: number;
  readonly micro: number;
  readonly zero: 0 | 1 | 2 | 3;
  readonly gpus: number;
  readonly checkpointing: boolean;
  /** Accelerator id of the chart's lines; "" for the best match. */
  readonly gpu: string;
  readonly cards: readonly number[];
  readonly util: number;
  readonly cloud: string;
  readonly family: string;
  readonly unit: "gb" | "gib";
  readonly axis: "context" | "batch";
  /** GPU table order: a column id and a direction; "" for the ranking's order. */
  readonly sort: string;
  /** Instance table order, as `sort`. */
  readonly isort: string;
  /** Deployment plan workload class; "" for none. */
  readonly plan: string;
}

/** The view a first visit gets: the README's worked example. */
export const DEFAULT_STATE: PageState = {
  source: "bundled",
  model: "meta-llama/Meta-Llama-3-70B",
  revision: "",
  hub: "",
  config: "",
  mode: "serve",
  context: 4096,
  batch: 8,
  weights: "auto",
  kv: "auto",
  engine: "vllm",
  method: "lora",
  rank: 16,
  targets: "all-linear",
  seq: 2048,
  micro: 1,
  zero: 0,
  gpus: 1,
  checkpointing: false,
  gpu: "",
  cards: [1, 2, 4, 8],
  util: 0.92,
  cloud: "",
  family: "",
  unit: "gb",
  axis: "context",
  sort: "",
  isort: "",
  plan: "",
};

type Kind = "text" | "count" | "number" | "flag" | "list";

/** How each field is written in the query. */
const FIELDS: Readonly<Record<keyof PageState, Kind>> = {
  source: "text",
  model: "text",
  revision: "text",
  hub: "text",
  config: "text",
  mode: "text",
  context: "count",
  batch: "count",
  weights: "text",
  kv: "text",
  engine: "text",
  method: "text",
  rank: "count",
  targets: "text",
  seq: "count",
  micro: "count",
  zero: "count",
  gpus: "count",
  checkpointing: "flag",
  gpu: "text",
  cards: "list",
  util: "number",
  cloud: "text",
  family: "text",
  unit: "text",
  axis: "text",
  sort: "text",
  isort: "text",
  plan: "text",
};

/** Allowed values of the fields that take one of a few. */
const CHOICES: Partial<Record<keyof PageState, readonly string[]>> = {
  source: ["bundled", "hub", "config"],
  mode: ["serve", "train"],
  method: ["full", "lora", "qlora"],
  unit: ["gb", "gib"],
  axis: ["context", "batch"],
  zero: ["0", "1", "2", "3"],
};

/**
 * The state a query string describes: each field read if present and well-formed, otherwise
 * the default (a bad value never breaks the page; the library checks the rest and says why).
 */
export function stateFromQuery(search: string): PageState {
  const query = new URLSearchParams(search);
  const state: Record<string, unknown> = { ...DEFAULT_STATE };
  for (const [key, kind] of Object.entries(FIELDS) as [keyof PageState, Kind][]) {
    const raw = query.get(key);
    if (raw === null) continue;
    const value = readValue(kind, raw);
    const choices = CHOICES[key];
    if (value === undefined || (choices !== undefined && !choices.includes(raw))) continue;
    state[key] = value;
  }
  return state as unknown as PageState;
}

function readValue(kind: Kind, raw: string): unknown {
  switch (kind) {
    case "text":
      return raw;
    case "count":
      return /^\d+$/.test(raw) ? Number(raw) : undefined;
    case "number":
      return raw.trim() !== "" && Number.isFinite(Number(raw)) ? Number(raw) : undefined;
    case "flag":
      return raw === "1" || raw === "true";
    case "list": {
      const items = raw.split(",").filter(Boolean).map(Number);
      return items.every((item) => Number.isInteger(item) && item > 0) ? items : undefined;
    }
  }
}

/** The query string of a state: the fields that differ from the defaults, in a fixed order. */
export function queryFromState(state: PageState): string {
  const query = new URLSearchParams();
  for (const [key, kind] of Object.entries(FIELDS) as [keyof PageState, Kind][]) {
    const value = state[key];
    const written = writeValue(kind, value);
    if (written !== writeValue(kind, DEFAULT_STATE[key])) query.set(key, written);
  }
  const text = query.toString();
  return text === "" ? "" : `?${text}`;
}

function writeValue(kind: Kind, value: unknown): string {
  if (kind === "flag") return value === true ? "1" : "0";
  if (kind === "list") return (value as readonly number[]).join(",");
  return String(value);
}
