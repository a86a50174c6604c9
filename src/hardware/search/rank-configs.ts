import type { DeploymentConfig } from "./search-deployments.js";
import type { SearchObjective } from "./search-options.js";

/** What {@link rankConfigs} minimises. */
export type Objective = SearchObjective;

const unknownLast = (value: number | null): number => value ?? Number.POSITIVE_INFINITY;

/**
 * Orders configurations by the objective. Under a cost objective every priced configuration comes
 * before every unpriced one (a missing price never wins); ties go to fewer GPUs, then more tokens/s
 * per replica, then lower TTFT, then the id (so the order is stable).
 */
export function rankConfigs(
  configs: readonly DeploymentConfig[],
  objective: Objective,
): DeploymentConfig[] {
  const cost = (config: DeploymentConfig): number | null =>
    objective === "usd-per-million-tokens"
      ? config.usdPerMillionOutputTokens
      : objective === "usd-per-hour"
        ? config.usdPerHour
        : config.totalGpus;
  // Keys computed once per configuration, not once per comparison.
  const keyed = configs.map((config) => ({
    config,
    unpriced: Number(config.usdPerHour === null),
    cost: unknownLast(cost(config)),
    gpus: config.totalGpus,
    slowness: unknownLast(slowness(config)),
    ttft: unknownLast(config.ttftSeconds),
    key: keyOf(config),
  }));
  keyed.sort(
    (a, b) =>
      a.unpriced - b.unpriced ||
      a.cost - b.cost ||
      a.gpus - b.gpus ||
      a.slowness - b.slowness ||
      a.ttft - b.ttft ||
      (a.key < b.key ? -1 : a.key > b.key ? 1 : 0),
  );
  return keyed.map((row) => row.config);
}

/** Minus the tokens/s per replica, so that lower is better like the other keys. */
function slowness(config: DeploymentConfig): number | null {
  return config.tokensPerSecondPerReplica === null ? null : -config.tokensPerSecondPerReplica;
}

function keyOf(config: DeploymentConfig): string {
  return `${config.acceleratorId}|${config.weights}|${config.kvCacheDtype}|${config.batchSize}|${config.tensorParallel}|${config.pipelineParallel}`;
}

/**
 * The configurations no other beats on both figures (lower is better for each; unknown figures
 * are left out), cheapest first. Same-cost duplicates keep the better second figure.
 */
export function paretoFront(
  configs: readonly DeploymentConfig[],
  costOf: (config: DeploymentConfig) => number | null,
  otherOf: (config: DeploymentConfig) => number | null,
): DeploymentConfig[] {
  const known = configs
    .map((config) => ({ config, cost: costOf(config), other: otherOf(config) }))
    .filter(
      (row): row is { config: DeploymentConfig; cost: number; other: number } =>
        row.cost !== null && row.other !== null,
    )
    .sort((a, b) => a.cost - b.cost || a.other - b.other);
  const front: DeploymentConfig[] = [];
  let bestOther = Number.POSITIVE_INFINITY;
  for (const row of known) {
    if (row.other < bestOther) {
      front.push(row.config);
      bestOther = row.other;
    }
  }
  return front;
}
