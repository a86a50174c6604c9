import { InvalidOptionError } from "../errors.js";
import { didYouMean } from "../options/did-you-mean.js";
import type { GpuCatalog } from "./catalog.js";

/**
 * Checks the `families` and `clouds` filters against the catalog they filter, so a typo
 * (`h10`, `awz`) is an error naming the closest known value, not an empty or price-less ranking.
 *
 * @throws {InvalidOptionError} naming the first filter value nothing in the catalog matches.
 */
export function checkCatalogFilters(
  filters: { readonly families: readonly string[]; readonly clouds: readonly string[] },
  catalog: GpuCatalog,
): void {
  const families = new Set<string>();
  for (const accelerator of Object.values(catalog.accelerators)) {
    for (const name of [accelerator.family, accelerator.vendor, accelerator.architecture]) {
      families.add(name.toLowerCase());
    }
  }
  const unknownFamily = filters.families.find((family) => !families.has(family));
  if (unknownFamily !== undefined) {
    throw new InvalidOptionError(
      "families",
      `no accelerator in the catalog has the family, vendor or architecture "${unknownFamily}"`,
      { hint: didYouMean(unknownFamily, [...families].sort(), 40) },
    );
  }
  const clouds = new Set(
    Object.values(catalog.instances).map((instance) => instance.provider.toLowerCase()),
  );
  const unknownCloud = filters.clouds.find((cloud) => !clouds.has(cloud));
  if (unknownCloud !== undefined) {
    throw new InvalidOptionError(
      "clouds",
      `no instance in the catalog is offered by "${unknownCloud}"`,
      { hint: didYouMean(unknownCloud, [...clouds].sort(), 40) },
    );
  }
}
