import type { BundledModel } from "./bundled-model.js";
import { BUNDLED_MODEL_TEXTS } from "./snapshot.js";

/**
 * The bundled copy of a repo's config (repo ids compare case-insensitively, as on the Hub),
 * parsed from its JSON text on each call: a fresh object the caller may keep.
 */
export function findBundledModel(repo: string): BundledModel | undefined {
  const wanted = repo.toLowerCase();
  const found = BUNDLED_MODEL_TEXTS.find(([id]) => id.toLowerCase() === wanted);
  return found === undefined ? undefined : (JSON.parse(found[1]) as BundledModel);
}

/** Repo ids in the bundled snapshot. */
export function bundledModelIds(): readonly string[] {
  return BUNDLED_MODEL_TEXTS.map(([id]) => id);
}
