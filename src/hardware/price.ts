import type { InstanceSpec } from "./instance.js";

/** A price with everything a reader needs to judge it: kind, where it comes from, and its date. */
export interface PricePoint {
  /** Dollars per hour for what the row needs (its GPUs, or the whole instance). */
  readonly usdPerHour: number;
  /** Dollars per GPU-hour of the instance the price comes from. */
  readonly usdPerGpuHour: number;
  /** On-demand or spot. */
  readonly kind: "on-demand" | "spot";
  /** The instance the price comes from, `provider/name`. */
  readonly instanceId: string;
  /** Its provider. */
  readonly provider: string;
  /** Its region, when the source says. */
  readonly region: string | null;
  /** Where the price comes from. */
  readonly source: string;
  /** When the price was valid. */
  readonly asOf: string;
  /** When the source was read. */
  readonly retrieved: string;
}

/** The instance's price of the requested kind, or `null` when the source has none. */
export function instancePrice(
  id: string,
  instance: InstanceSpec,
  spot: boolean,
): PricePoint | null {
  const usdPerHour = spot ? instance.spotUsdPerHour : instance.onDemandUsdPerHour;
  if (usdPerHour === null) return null;
  return {
    usdPerHour,
    usdPerGpuHour: usdPerHour / instance.gpuCount,
    kind: spot ? "spot" : "on-demand",
    instanceId: id,
    provider: instance.provider,
    region: instance.region,
    source: instance.priceSource,
    asOf: instance.priceAsOf,
    retrieved: instance.priceRetrieved,
  };
}

/**
 * The lowest price per GPU-hour of an accelerator among the instances (of the allowed providers)
 * that carry it and hold a whole tensor-parallel group (at least `tensorParallel` GPUs, so the
 * group shares one host), scaled to `gpuCount` GPUs: what that many cost when the rest of each
 * instance serves more replicas.
 */
export function cheapestGpuPrice(
  acceleratorId: string,
  instances: Readonly<Record<string, InstanceSpec>>,
  options: {
    readonly spot: boolean;
    readonly clouds: readonly string[];
    readonly gpuCount: number;
    readonly tensorParallel: number;
  },
): PricePoint | null {
  let best: PricePoint | null = null;
  for (const [id, instance] of Object.entries(instances)) {
    if (instance.acceleratorId !== acceleratorId) continue;
    if (instance.gpuCount < options.tensorParallel) continue;
    if (!providerAllowed(instance.provider, options.clouds)) continue;
    const price = instancePrice(id, instance, options.spot);
    if (price !== null && (best === null || price.usdPerGpuHour < best.usdPerGpuHour)) best = price;
  }
  return best === null ? null : { ...best, usdPerHour: best.usdPerGpuHour * options.gpuCount };
}

/** Whether a provider passes a `clouds` filter (empty: every provider). */
export function providerAllowed(provider: string, clouds: readonly string[]): boolean {
  return clouds.length === 0 || clouds.includes(provider.toLowerCase());
}

/** Dollars per million output tokens at a price and a throughput, or `null` when either is unknown. */
export function usdPerMillionTokens(
  usdPerHour: number | null,
  tokensPerSecond: number | null,
): number | null {
  if (usdPerHour === null || tokensPerSecond === null || tokensPerSecond <= 0) return null;
  return (usdPerHour / (tokensPerSecond * 3600)) * 1e6;
}
