// Sentences the page shows: where the model came from (revision and commit for the Hub), the
// error the library raised (message and hint, as the CLI prints them), and the headline figure.
import { formatBytes, VramfitError, type MemoryUnit, type ResolvedModel } from "vramfit";
import type { Results } from "./compute.js";

/** Where the loaded model came from, with its revision and commit when it came from the Hub. */
export function describeSource(model: ResolvedModel): string {
  const { source, spec } = model;
  const what = spec.architecture ?? spec.modelType ?? "model";
  switch (source.kind) {
    case "bundled":
      return `${source.repo ?? model.id ?? ""} · ${what} · bundled snapshot retrieved ${source.retrieved ?? "earlier"} (offline copy)`;
    case "hub":
    case "cache":
      return `${source.repo ?? model.id ?? ""} · ${what} · revision ${source.revision ?? "main"} = commit ${source.sha ?? "unknown"} on ${source.endpoint ?? "the Hub"}`;
    case "object":
      return `pasted config.json · ${what}`;
    default:
      return `${model.id ?? "model"} · ${what}`;
  }
}

/** An error as the CLI prints it: the message, then the hint. */
export function describeError(error: unknown): string {
  if (error instanceof VramfitError) {
    return error.hint === undefined ? error.message : `${error.message}\nHint: ${error.hint}`;
  }
  return error instanceof Error ? error.message : String(error);
}

/** The headline: what it needs, and the best GPU that holds it. */
export function summary(results: Results, unit: MemoryUnit): string {
  const best = results.gpus.matches.find((match) => match.fits);
  const fit =
    best === undefined
      ? "No GPU in the catalog holds it."
      : `Best match: ${best.gpuCount ?? 1} × ${best.name}, ${formatBytes(best.perGpu?.totalBytes ?? 0, { unit })} per GPU.`;
  const need =
    results.mode === "serve"
      ? `Needs ${formatBytes(results.estimate.memory.totalBytes, { unit })} in all (weights + KV cache + state + overhead).`
      : `Needs ${formatBytes(results.estimate.memory.perGpu.totalBytes, { unit })} per GPU on ${results.estimate.assumptions.gpuCount} GPU${results.estimate.assumptions.gpuCount === 1 ? "" : "s"}.`;
  return `${need} ${fit}`;
}
