import type { BundledModel } from "./bundled-model.js";
import { BUNDLED_MODELS } from "./snapshot.js";

/** The bundled copy of a repo's config (repo ids compare case-insensitively, as on the Hub). */
export function findBundledModel(repo: string): BundledModel | undefined {
  const wanted = repo.toLowerCase();
  return BUNDLED_MODELS.find((model) => model.repo.toLowerCase() === wanted);
}

/** Repo ids in the bundled snapshot. */
export function bundledModelIds(): readonly string[] {
  return BUNDLED_MODELS.map((model) => model.repo);
}
