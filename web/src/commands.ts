// The CLI commands that print the page's numbers, shown beside them: a reader can check the page
// against the tool, and the browser tests do exactly that.
import type { PageState } from "./state.js";

/** `vramfit ...` lines for the state: the estimate (or training run), then the GPU ranking. */
export function commandsFor(state: PageState): string[] {
  const model = state.source === "config" ? "config.json" : state.model;
  const source =
    state.source === "bundled"
      ? ["--offline"]
      : state.source === "hub"
        ? [...flag("--revision", state.revision), ...flag("--hub-url", state.hub)]
        : [];
  const ranking = [
    ...flag("--cloud", state.cloud),
    ...flag("--family", state.family),
    ...flag("--gpu-util", state.util === 0.92 ? "" : String(state.util)),
  ];
  if (state.mode === "serve") {
    const sizing = [
      "--context",
      String(state.context),
      "--batch",
      String(state.batch),
      ...flag("--weights", state.weights === "auto" ? "" : state.weights),
      ...flag("--kv-dtype", state.kv === "auto" ? "" : state.kv),
      ...flag("--engine", state.engine === "vllm" ? "" : state.engine),
    ];
    return [
      line(["vramfit", "estimate", model, ...sizing, ...source]),
      line(["vramfit", "gpus", model, ...sizing, ...ranking, ...source]),
    ];
  }
  const lora =
    state.method === "full" ? [] : ["--rank", String(state.rank), "--targets", state.targets];
  const checkpointing = state.checkpointing ? ["--grad-checkpointing"] : [];
  return [
    line([
      "vramfit",
      "train",
      model,
      "--method",
      state.method,
      ...lora,
      "--seq",
      String(state.seq),
      "--micro-batch",
      String(state.micro),
      ...checkpointing,
      ...flag("--zero", state.zero === 0 ? "" : String(state.zero)),
      ...flag("--gpus", state.gpus === 1 ? "" : String(state.gpus)),
      ...source,
    ]),
    line([
      "vramfit",
      "gpus",
      model,
      "--workload",
      "training",
      "--method",
      state.method,
      ...lora,
      "--context",
      String(state.seq),
      "--batch",
      String(state.micro),
      ...checkpointing,
      ...ranking,
      ...source,
    ]),
  ];
}

function flag(name: string, value: string): string[] {
  return value.trim() === "" ? [] : [name, value.trim()];
}

/** Words joined for a POSIX shell, each quoted when it needs to be. */
function line(words: readonly string[]): string {
  return words
    .map((word) => (/^[\w@%+=:,./-]+$/.test(word) ? word : `'${word.replaceAll("'", `'\\''`)}'`))
    .join(" ");
}
