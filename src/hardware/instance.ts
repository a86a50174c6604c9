/**
 * What vramfit knows about one cloud instance type: its GPUs and a dated price. Plain data:
 * the built-in table is `INSTANCES`; users add or replace rows with a catalog file, because
 * prices go stale and internal platforms have their own fleets.
 */

/** One instance type at one price point. Units are in the field names. */
export interface InstanceSpec {
  /** Cloud or GPU provider, lower case: "aws", "gcp", "azure", "lambda", "runpod", ... */
  readonly provider: string;
  /** The provider's name for it, e.g. "p5.48xlarge". */
  readonly name: string;
  /** Catalog id of its accelerator, e.g. "nvidia-h100-sxm". */
  readonly acceleratorId: string;
  /** Whole GPUs it carries. */
  readonly gpuCount: number;
  /** Virtual CPUs, when known. */
  readonly vcpus: number | null;
  /** Host memory in bytes, when known. */
  readonly ramBytes: number | null;
  /** Region the price is for, when the source says. */
  readonly region: string | null;
  /** On-demand price in US dollars per hour for the whole instance; `null` when the source has none. */
  readonly onDemandUsdPerHour: number | null;
  /** Spot (interruptible) price in US dollars per hour; `null` when the source has none. */
  readonly spotUsdPerHour: number | null;
  /** Where the price comes from. */
  readonly priceSource: string;
  /** When the price was valid: an ISO date, or a description for an undated snapshot. */
  readonly priceAsOf: string;
  /** When vramfit's team read the source (ISO date). */
  readonly priceRetrieved: string;
  /** Caveats: anomalies in the source, what the price includes. */
  readonly notes: string;
}

/** A row from the research snapshot that vramfit does not rank, and why. */
export interface ExcludedInstance {
  /** Provider, as in {@link InstanceSpec}. */
  readonly provider: string;
  /** The provider's instance name. */
  readonly name: string;
  /** Why it is not ranked: a placeholder price, a fractional GPU, an anomaly. */
  readonly reason: string;
}
