import type { ModelSpec } from "../model/model-spec.js";

/**
 * A model as callers give it: a Hub repo id or a local path (config.json or a folder
 * holding one), a parsed config.json object, or a ready {@link ModelSpec}.
 */
export type ModelInput = string | ModelSpec | Readonly<Record<string, unknown>>;

/** Whether a value is already a normalized {@link ModelSpec} rather than a raw config. */
export function isModelSpec(value: unknown): value is ModelSpec {
  if (typeof value !== "object" || value === null) return false;
  const candidate = value as Partial<Record<keyof ModelSpec, unknown>>;
  return (
    typeof candidate.numLayers === "number" &&
    typeof candidate.layout === "object" &&
    Array.isArray(candidate.approximations)
  );
}
