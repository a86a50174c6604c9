import type { AcceleratorSpec } from "./accelerator.js";
import { DEFAULT_CATALOG, type GpuCatalog } from "./catalog.js";
import { checkCatalogFilters } from "./catalog-filters.js";
import { evaluateAccelerator } from "./evaluate.js";
import {
  acceleratorAllowed,
  finishRanking,
  matchFigures,
  type MatchFigures,
  type RankingHeader,
} from "./match.js";
import { cheapestGpuPrice } from "./price.js";
import { prepareRanking, type RankableEstimate } from "./prepare-ranking.js";
import { RANK_OPTIONS, type RankAssumptions, type RankOptions } from "./rank-options.js";
import { CATALOG_OPTIONS, catalogFromOptions, type CatalogOptions } from "./catalog-options.js";
import { checkKnownOptions } from "../options/option-fields.js";
import type { GpuRequirement } from "./requirement.js";

/** One accelerator in a GPU ranking: how it fits, how fast it serves, and what it costs at best. */
export interface GpuMatch extends MatchFigures {
  /** 1 for the best row. */
  readonly rank: number;
  /** Catalog id, e.g. `nvidia-h100-sxm`. */
  readonly acceleratorId: string;
  /** Display name. */
  readonly name: string;
  /** The catalog row's key facts. */
  readonly accelerator: Pick<
    AcceleratorSpec,
    | "vendor"
    | "family"
    | "architecture"
    | "memoryBytes"
    | "memorySource"
    | "memoryBandwidthBytesPerSecond"
  >;
}

/** A ranking of accelerators for one requirement. */
export interface GpuRanking extends RankingHeader {
  /** What this is: accelerators ranked for an estimate. */
  readonly kind: "gpu-ranking";
  /** Best first. */
  readonly matches: readonly GpuMatch[];
}

/** Options of {@link rankGpusForEstimate} and `rankInstancesForEstimate`: the ranking's and your catalog. */
export interface RankGpusPureOptions extends RankOptions, CatalogOptions {}

/**
 * Ranks every accelerator in the catalog for an inference estimate. Pure (no I/O). Each row says
 * whether the model fits, at which tensor-parallel degree, with what per-GPU bytes, how fast it
 * serves, and the cheapest known price for that many GPUs with its date and source.
 *
 * @throws {InvalidOptionError} for options out of range.
 * @example
 * const ranking = rankGpusForEstimate(estimateInferenceFromSpec(spec, { contextLength: 4096, batchSize: 8 }));
 * ranking.matches[0].acceleratorId
 */
export function rankGpusForEstimate(
  estimate: RankableEstimate,
  options: RankGpusPureOptions = {},
): GpuRanking {
  checkKnownOptions(options, [RANK_OPTIONS, CATALOG_OPTIONS], "rankGpusForEstimate");
  return rankGpusWithCatalog(estimate, options, catalogFromOptions(options));
}

/**
 * {@link rankGpusForEstimate} over a catalog already combined and checked: what the blueprint
 * calls for each candidate, so the user's catalog is validated once.
 *
 * @throws {InvalidOptionError} for options out of range.
 */
export function rankGpusWithCatalog(
  estimate: RankableEstimate,
  options: RankOptions,
  catalog: GpuCatalog,
): GpuRanking {
  const { requirement, assumptions } = prepareRanking(estimate, options);
  return rankGpusForRequirement(requirement, assumptions, catalog, [...estimate.warnings]);
}

/**
 * Ranks every accelerator in a catalog for a {@link GpuRequirement} (from
 * `requirementFromInference`, `requirementFromTraining` or your own). Pure.
 */
export function rankGpusForRequirement(
  requirement: GpuRequirement,
  assumptions: RankAssumptions,
  catalog: GpuCatalog = DEFAULT_CATALOG,
  warnings: readonly string[] = [],
): GpuRanking {
  checkCatalogFilters(assumptions, catalog);
  const rows: Omit<GpuMatch, "rank">[] = [];
  for (const [id, accelerator] of Object.entries(catalog.accelerators)) {
    if (!acceleratorAllowed(accelerator, assumptions.families)) continue;
    const evaluation = evaluateAccelerator(
      requirement,
      accelerator,
      assumptions,
      Number.POSITIVE_INFINITY,
    );
    const tensorParallel = evaluation.topology.tp;
    const price =
      !evaluation.topology.fits || evaluation.gpuCount === null || tensorParallel === null
        ? null
        : cheapestGpuPrice(id, catalog.instances, {
            spot: assumptions.spot,
            clouds: assumptions.clouds,
            gpuCount: evaluation.gpuCount,
            tensorParallel,
          });
    const priceReason = !evaluation.topology.fits
      ? "not priced: no parallelism fits"
      : price === null
        ? `no ${assumptions.spot ? "spot" : "on-demand"} price in the instance catalog for an instance with ${tensorParallel ?? 1}+ of these GPUs${assumptions.clouds.length > 0 ? ` on ${assumptions.clouds.join(", ")}` : ""}`
        : `$${price.usdPerGpuHour.toFixed(2)} per GPU-hour ${price.kind} (${price.instanceId}, ${price.region ?? "any region"}; price as of ${price.asOf}, read ${price.retrieved}; ${price.source})`;
    rows.push({
      acceleratorId: id,
      name: accelerator.name,
      accelerator: {
        vendor: accelerator.vendor,
        family: accelerator.family,
        architecture: accelerator.architecture,
        memoryBytes: accelerator.memoryBytes,
        memorySource: accelerator.memorySource,
        memoryBandwidthBytesPerSecond: accelerator.memoryBandwidthBytesPerSecond,
      },
      ...matchFigures(evaluation, evaluation.tokensPerSecond, price, assumptions, [priceReason]),
    });
  }
  return { kind: "gpu-ranking", ...finishRanking(rows, requirement, assumptions, warnings) };
}
