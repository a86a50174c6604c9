import type { AcceleratorSpec } from "./accelerator.js";
import { ACCELERATORS } from "./accelerators.js";
import type { InstanceSpec } from "./instance.js";
import { INSTANCES } from "./instances.js";

/** Accelerators and instances to rank over, keyed by id. */
export interface GpuCatalog {
  /** Accelerators keyed by id, e.g. `nvidia-h100-sxm`. */
  readonly accelerators: Readonly<Record<string, AcceleratorSpec>>;
  /** Instances keyed by id, e.g. `aws/p5.48xlarge`; each names an accelerator id. */
  readonly instances: Readonly<Record<string, InstanceSpec>>;
}

/** vramfit's built-in catalog: {@link ACCELERATORS} and {@link INSTANCES}. */
export const DEFAULT_CATALOG: GpuCatalog = { accelerators: ACCELERATORS, instances: INSTANCES };

/** A user's catalog: either table may be left out. */
export interface GpuCatalogExtension {
  /** Accelerators to add (or to overwrite, when an id is already taken). */
  readonly accelerators?: Readonly<Record<string, AcceleratorSpec>> | undefined;
  /** Instances to add (or to overwrite, when an id is already taken). */
  readonly instances?: Readonly<Record<string, InstanceSpec>> | undefined;
}

/**
 * How a user catalog combines with the built-in one: `extend` adds its rows and overwrites rows
 * with the same id; `replace` ranks over the user's rows only, table by table (a table the user
 * leaves out keeps the built-in rows, so a price-only file still finds its accelerators).
 */
export type CatalogMode = "extend" | "replace";

/**
 * Combines a user catalog with a base one, table by table. Pure: returns a new catalog.
 *
 * @example
 * mergeCatalogs(DEFAULT_CATALOG, { instances: { "acme/gpu-box": box } }, "extend")
 */
export function mergeCatalogs(
  base: GpuCatalog,
  extension: GpuCatalogExtension,
  mode: CatalogMode = "extend",
): GpuCatalog {
  if (mode === "replace") {
    return {
      accelerators: extension.accelerators ?? base.accelerators,
      instances: extension.instances ?? base.instances,
    };
  }
  return {
    accelerators: { ...base.accelerators, ...extension.accelerators },
    instances: { ...base.instances, ...extension.instances },
  };
}
