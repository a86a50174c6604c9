import { DEFAULT_CATALOG, type GpuCatalog } from "./catalog.js";
import { checkCatalogFilters } from "./catalog-filters.js";
import { evaluateAccelerator } from "./evaluate.js";
import type { ExcludedInstance, InstanceSpec } from "./instance.js";
import { EXCLUDED_INSTANCES } from "./instances.js";
import {
  acceleratorAllowed,
  finishRanking,
  matchFigures,
  type MatchFigures,
  type RankingHeader,
} from "./match.js";
import { instancePrice, providerAllowed } from "./price.js";
import type { RankGpusPureOptions } from "./rank-gpus.js";
import { prepareRanking, type RankableEstimate } from "./prepare-ranking.js";
import { RANK_OPTIONS, type RankAssumptions, type RankOptions } from "./rank-options.js";
import { CATALOG_OPTIONS, catalogFromOptions } from "./catalog-options.js";
import { checkKnownOptions } from "../options/option-fields.js";
import type { GpuRequirement } from "./requirement.js";

/** One cloud instance in a ranking: its GPUs, how many replicas of the model it runs, speed and price. */
export interface InstanceMatch extends MatchFigures {
  /** 1 for the best row. */
  readonly rank: number;
  /** Catalog id, `provider/name`. */
  readonly instanceId: string;
  /** Display name: the same `provider/name`. */
  readonly name: string;
  /** The catalog row. */
  readonly instance: InstanceSpec;
  /** Display name of its accelerator. */
  readonly acceleratorName: string;
  /** Copies of the model the instance serves side by side (its GPUs over the GPUs one replica needs). */
  readonly replicas: number;
}

/** A ranking of cloud instances for one requirement. */
export interface InstanceRanking extends RankingHeader {
  /** What this is: cloud instances ranked for an estimate. */
  readonly kind: "instance-ranking";
  /** Best first. */
  readonly matches: readonly InstanceMatch[];
  /** Snapshot rows cleaned out rather than ranked, with the reason for each. */
  readonly excluded: readonly ExcludedInstance[];
}

/**
 * Ranks every instance in the catalog for an inference or training estimate. Pure. A model fits an instance
 * when some tensor-parallel degree up to its GPU count fits; the instance then runs
 * `floor(gpus / gpusPerReplica)` replicas, and its tokens/s and $ per 1M tokens count them all.
 *
 * @throws {InvalidOptionError} for options out of range.
 */
export function rankInstancesForEstimate(
  estimate: RankableEstimate,
  options: RankGpusPureOptions = {},
): InstanceRanking {
  checkKnownOptions(options, [RANK_OPTIONS, CATALOG_OPTIONS], "rankInstancesForEstimate");
  return rankInstancesWithCatalog(estimate, options, catalogFromOptions(options));
}

/**
 * {@link rankInstancesForEstimate} over a catalog already combined and checked.
 *
 * @throws {InvalidOptionError} for options out of range.
 */
export function rankInstancesWithCatalog(
  estimate: RankableEstimate,
  options: RankOptions,
  catalog: GpuCatalog,
): InstanceRanking {
  const { requirement, assumptions } = prepareRanking(estimate, options);
  return rankInstancesForRequirement(requirement, assumptions, catalog, [...estimate.warnings]);
}

/** Ranks every instance in a catalog for a {@link GpuRequirement}. Pure. */
export function rankInstancesForRequirement(
  requirement: GpuRequirement,
  assumptions: RankAssumptions,
  catalog: GpuCatalog = DEFAULT_CATALOG,
  warnings: readonly string[] = [],
): InstanceRanking {
  checkCatalogFilters(assumptions, catalog);
  const notes: string[] = [];
  const rows: Omit<InstanceMatch, "rank">[] = [];
  for (const [id, instance] of Object.entries(catalog.instances)) {
    if (!providerAllowed(instance.provider, assumptions.clouds)) continue;
    const accelerator = catalog.accelerators[instance.acceleratorId];
    if (accelerator === undefined) {
      notes.push(
        `${id} skipped: its accelerator "${instance.acceleratorId}" is not in the catalog`,
      );
      continue;
    }
    if (!acceleratorAllowed(accelerator, assumptions.families)) continue;
    const evaluation = evaluateAccelerator(
      requirement,
      accelerator,
      assumptions,
      instance.gpuCount,
    );
    const replicas =
      evaluation.topology.fits && evaluation.gpuCount !== null
        ? Math.floor(instance.gpuCount / evaluation.gpuCount)
        : 0;
    const tokensPerSecond =
      evaluation.tokensPerSecond === null || replicas === 0
        ? null
        : evaluation.tokensPerSecond * replicas;
    const price = instancePrice(id, instance, assumptions.spot);
    const reasons = [
      price === null
        ? `no ${assumptions.spot ? "spot" : "on-demand"} price for ${id}`
        : `$${price.usdPerHour.toFixed(2)}/hour ${price.kind} (${price.region ?? "any region"}; price as of ${price.asOf}, read ${price.retrieved}; ${price.source})`,
      ...(replicas > 1
        ? [`${replicas} replicas side by side on its ${instance.gpuCount} GPUs`]
        : []),
      ...(evaluation.topology.fits
        ? []
        : [`needs more than its ${instance.gpuCount} × ${accelerator.name}`]),
      ...(instance.notes === "" ? [] : [instance.notes]),
    ];
    rows.push({
      instanceId: id,
      name: id,
      instance,
      acceleratorName: accelerator.name,
      replicas,
      ...matchFigures(evaluation, tokensPerSecond, price, assumptions, reasons),
    });
  }
  return {
    kind: "instance-ranking",
    ...finishRanking(rows, requirement, assumptions, [...warnings, ...notes]),
    excluded: EXCLUDED_INSTANCES,
  };
}
