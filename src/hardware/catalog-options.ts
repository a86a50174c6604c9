import { VramfitError } from "../errors.js";
import { anyField, choiceField, type OptionTable } from "../options/option-fields.js";
import { DEFAULT_CATALOG, mergeCatalogs, type CatalogMode, type GpuCatalog } from "./catalog.js";
import { parseGpuCatalog, type GpuCatalogFile } from "./catalog-file.js";

/**
 * Your own accelerators and instances, for every function that ranks or plans: always the
 * catalog file format (what `--catalog file.json` holds), validated and combined with the
 * built-in catalog.
 */
export interface CatalogOptions {
  /**
   * Your own accelerators and instances (internal fleets, fresher prices), in the catalog file
   * format (docs/methodology.md#gpu-catalog); validated like `--catalog file.json`.
   */
  readonly catalog?: GpuCatalogFile | undefined;
  /**
   * `extend` adds the catalog's rows to the built-in ones (same id: yours wins); `replace` ranks
   * over yours only, table by table.
   * @default the catalog's own `mode`, else "extend"
   */
  readonly catalogMode?: CatalogMode | undefined;
}

/** The {@link CatalogOptions} fields, for the options engine. */
export const CATALOG_OPTIONS: OptionTable<CatalogOptions> = {
  catalog: { field: anyField<GpuCatalogFile>("a GPU catalog (the catalog file format)") },
  catalogMode: { field: choiceField(["extend", "replace"]) },
};

/**
 * The catalog a ranking or plan runs over: the built-in one, combined with the caller's
 * (validated). Pure.
 *
 * @throws {VramfitError} `CATALOG_INVALID` for a bad catalog or an instance naming an unknown accelerator.
 */
export function catalogFromOptions(options: CatalogOptions, subject = "catalog"): GpuCatalog {
  if (options.catalog === undefined) return DEFAULT_CATALOG;
  const parsed = parseGpuCatalog(options.catalog);
  return checkedCatalog(
    mergeCatalogs(DEFAULT_CATALOG, parsed, options.catalogMode ?? parsed.mode),
    subject,
  );
}

/**
 * Checks that every instance names an accelerator the catalog has.
 *
 * @throws {VramfitError} `CATALOG_INVALID` naming the first instance that does not.
 */
export function checkedCatalog(catalog: GpuCatalog, subject = "catalog"): GpuCatalog {
  for (const [id, instance] of Object.entries(catalog.instances)) {
    if (catalog.accelerators[instance.acceleratorId] === undefined) {
      throw new VramfitError(
        "CATALOG_INVALID",
        `Invalid GPU ${subject}: instance "${id}" names the accelerator "${instance.acceleratorId}", which is not in the catalog.`,
        {
          hint: `Add it under "accelerators", or use a built-in id such as ${Object.keys(catalog.accelerators).slice(0, 3).join(", ")}.`,
        },
      );
    }
  }
  return catalog;
}
