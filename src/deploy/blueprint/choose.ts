/**
 * Picking one row of a GPU ranking for a plan, and turning it into the plan's chosen deployment.
 * Shared by the serving and training planners.
 */
import { InvalidOptionError } from "../../errors.js";
import type { GpuMatch, GpuRanking } from "../../hardware/rank-gpus.js";
import type { PricePoint } from "../../hardware/price.js";
import type { ChosenDeployment } from "./plan-types.js";
import { PRICING_RULES, type PricingDecision } from "./pricing.js";

/**
 * The row a plan runs on: the pinned accelerator when one is given; otherwise the first row of
 * the ranking (already in the workload's order) among those that fit and have a price, ordered
 * again by `cost` when one is given (a target load changes how many replicas each row needs).
 *
 * @throws {InvalidOptionError} for a pinned accelerator that is unknown, filtered out or cannot
 * hold the model, or when no accelerator in the catalog fits.
 */
export function pickRow(
  ranking: GpuRanking,
  pinned: string | null,
  cost?: (row: GpuMatch) => number | null,
): GpuMatch {
  if (pinned !== null) {
    const row = ranking.matches.find((match) => match.acceleratorId === pinned);
    if (row === undefined) {
      throw new InvalidOptionError(
        "gpu",
        `no accelerator "${pinned}" in the catalog (or it was filtered out)`,
        {
          hint: `Use a catalog id such as ${ranking.matches
            .slice(0, 4)
            .map((match) => match.acceleratorId)
            .join(", ")}; "vramfit gpus <model>" lists them all.`,
        },
      );
    }
    if (!row.fits) {
      throw new InvalidOptionError(
        "gpu",
        `${row.name} cannot hold this workload: ${row.reasons.at(-1) ?? "no parallelism fits"}`,
        {
          hint: "Pick a larger GPU, a lower precision, or a shorter context or smaller batch.",
        },
      );
    }
    return row;
  }
  const fitting = ranking.matches.filter((match) => match.fits);
  const priced = fitting.filter((match) => match.price !== null);
  const candidates = priced.length > 0 ? priced : fitting;
  if (candidates.length === 0) {
    throw new InvalidOptionError("gpu", "no accelerator in the catalog fits this workload", {
      hint: "Lower the precision, context or batch, widen the families and clouds filters, or add your GPUs with a catalog.",
    });
  }
  if (cost === undefined) return candidates[0] as GpuMatch;
  const group = (row: GpuMatch): number => (row.meetsConstraints ? 0 : 1);
  return [...candidates].sort(
    (a, b) =>
      group(a) - group(b) ||
      (cost(a) ?? Number.POSITIVE_INFINITY) - (cost(b) ?? Number.POSITIVE_INFINITY),
  )[0] as GpuMatch;
}

/** How many replicas a target load needs, from one replica's tokens/s and requests/s (at least 1). */
export function replicasFor(
  perReplica: {
    readonly tokensPerSecond: number | null;
    readonly requestsPerSecond: number | null;
  },
  target: { readonly tokensPerSecond: number | null; readonly requestsPerSecond: number | null },
): number {
  let replicas = 1;
  if (target.tokensPerSecond !== null && perReplica.tokensPerSecond !== null) {
    replicas = Math.max(replicas, Math.ceil(target.tokensPerSecond / perReplica.tokensPerSecond));
  }
  if (target.requestsPerSecond !== null && perReplica.requestsPerSecond !== null) {
    replicas = Math.max(
      replicas,
      Math.ceil(target.requestsPerSecond / perReplica.requestsPerSecond),
    );
  }
  return replicas;
}

/**
 * Requests one serving replica completes per second: its batch of concurrent sequences, each
 * taking the time to first token plus `outputTokens` decode steps.
 */
export function requestsPerSecond(
  row: GpuMatch,
  batchSize: number,
  outputTokens: number,
): number | null {
  const step = row.interTokenLatencySeconds;
  if (step === null) return null;
  const seconds = (row.ttftSeconds ?? 0) + outputTokens * step;
  return seconds > 0 ? batchSize / seconds : null;
}

/** The price of one replica's GPUs under a pricing decision, and the hourly rate it implies. */
export function priceUnder(decision: PricingDecision): {
  price: PricePoint | null;
  usdPerHour: number | null;
} {
  const { onDemand, spot } = decision.options;
  switch (decision.model) {
    case "spot":
    case "autoscaling": {
      const price = spot ?? onDemand;
      return { price, usdPerHour: price?.usdPerHour ?? null };
    }
    case "reserved":
      return {
        price: onDemand,
        usdPerHour:
          onDemand === null
            ? null
            : onDemand.usdPerHour * (1 - PRICING_RULES.reservedDiscountOneYear),
      };
    case "on-demand":
      return { price: onDemand, usdPerHour: onDemand?.usdPerHour ?? null };
  }
}

/** Builds the plan's {@link ChosenDeployment} from a ranking row, its replicas and its price. */
export function chosenFrom(
  row: GpuMatch,
  details: {
    readonly replicas: number;
    readonly requestsPerSecondPerReplica: number | null;
    readonly pricing: PricingDecision;
    readonly ttftTargetMs: number | null;
    readonly gpuMemoryUtilization: number;
  },
): ChosenDeployment {
  const tp = row.tensorParallel ?? 1;
  const pp = row.pipelineParallel;
  const replicas = details.replicas;
  const { price, usdPerHour } = priceUnder(details.pricing);
  const tokensPerSecond = row.tokensPerSecond === null ? null : row.tokensPerSecond * replicas;
  return {
    acceleratorId: row.acceleratorId,
    acceleratorName: row.name,
    memoryBytesPerGpu: row.accelerator.memoryBytes,
    tensorParallel: tp,
    pipelineParallel: pp,
    gpusPerReplica: tp * pp,
    replicas,
    gpuCount: tp * pp * replicas,
    perGpuBytes: row.perGpu?.totalBytes ?? 0,
    gpuMemoryUtilization: details.gpuMemoryUtilization,
    budgetBytesPerGpu: row.budgetBytesPerGpu,
    ttftSeconds: row.ttftSeconds,
    interTokenLatencySeconds: row.interTokenLatencySeconds,
    tokensPerSecondPerReplica: row.tokensPerSecond,
    tokensPerSecond,
    requestsPerSecondPerReplica: details.requestsPerSecondPerReplica,
    price,
    usdPerHour: usdPerHour === null ? null : usdPerHour * replicas,
    usdPerMillionTokens:
      usdPerHour === null || row.tokensPerSecond === null || row.tokensPerSecond <= 0
        ? null
        : (usdPerHour / (row.tokensPerSecond * 3600)) * 1e6,
    meetsTtftTarget:
      details.ttftTargetMs === null || row.ttftSeconds === null
        ? null
        : row.ttftSeconds * 1000 <= details.ttftTargetMs,
    reasons: row.reasons,
  };
}
