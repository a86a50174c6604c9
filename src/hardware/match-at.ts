import type { GpuCatalog } from "./catalog.js";
import { evaluateTopology } from "./evaluate.js";
import { matchFigures } from "./match.js";
import { cheapestGpuPrice } from "./price.js";
import type { RankAssumptions } from "./rank-options.js";
import type { GpuMatch } from "./rank-gpus.js";
import type { GpuRequirement } from "./requirement.js";

/**
 * A ranking row for one accelerator at a parallelism the caller fixes (the deployment search's
 * winner), shaped like a {@link GpuMatch} of `rankGpusForRequirement`, or `null` when the catalog
 * has no such accelerator. Pure.
 */
export function gpuMatchAt(
  requirement: GpuRequirement,
  assumptions: RankAssumptions,
  catalog: GpuCatalog,
  acceleratorId: string,
  parallelism: { readonly tp: number; readonly pp: number },
): GpuMatch | null {
  const accelerator = catalog.accelerators[acceleratorId];
  if (accelerator === undefined) return null;
  const evaluation = evaluateTopology(requirement, accelerator, assumptions, parallelism);
  const gpuCount = parallelism.tp * parallelism.pp;
  const price = evaluation.topology.fits
    ? cheapestGpuPrice(acceleratorId, catalog.instances, {
        spot: assumptions.spot,
        clouds: assumptions.clouds,
        gpuCount,
        tensorParallel: parallelism.tp,
      })
    : null;
  return {
    rank: 1,
    acceleratorId,
    name: accelerator.name,
    accelerator: {
      vendor: accelerator.vendor,
      family: accelerator.family,
      architecture: accelerator.architecture,
      memoryBytes: accelerator.memoryBytes,
      memorySource: accelerator.memorySource,
      memoryBandwidthBytesPerSecond: accelerator.memoryBandwidthBytesPerSecond,
    },
    ...matchFigures(evaluation, evaluation.tokensPerSecond, price, assumptions, [
      price === null ? "no price in the catalog" : `priced on ${price.instanceId} (${price.asOf})`,
    ]),
  };
}
