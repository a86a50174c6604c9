import type { SearchObjective } from "./search-options.js";

/** The figures the ranking reads from a configuration (`DeploymentConfig` has them all). */
interface DeploymentConfig {
  readonly acceleratorId: string;
  readonly weights: string;
  readonly kvCacheDtype: string;
  readonly batchSize: number;
  readonly tensorParallel: number;
  readonly pipelineParallel: number;
  readonly totalGpus: number;
  readonly ttftSeconds: number | null;
  readonly tokensPerSecondPerReplica: number | null;
  readonly usdPerHour: number | null;
  readonly usdPerMillionOutputTokens: number | null;
}

/** What {@link rankConfigs} minimises. */
export type Objective = SearchObjective;

const unknownLast = (value: number | null): number => value ?? Number.POSITIVE_INFINITY;

/**
 * Orders configurations by the objective. Under a cost objective every priced configuration comes
 * before every unpriced one (a missing price never wins); ties go to fewer GPUs, then more tokens/s
 * per replica, then lower TTFT, then the id (so the order is stable).
 */
export function rankConfigs<Config extends DeploymentConfig>(
  configs: readonly Config[],
  objective: Objective,
): Config[] {
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
export function paretoFront<Config extends DeploymentConfig>(
  configs: readonly Config[],
  costOf: (config: Config) => number | null,
  otherOf: (config: Config) => number | null,
): Config[] {
  const known = configs
    .map((config) => ({ config, cost: costOf(config), other: otherOf(config) }))
    .filter(
      (row): row is { config: Config; cost: number; other: number } =>
        row.cost !== null && row.other !== null,
    )
    .sort((a, b) => a.cost - b.cost || a.other - b.other);
  const front: Config[] = [];
  let bestOther = Number.POSITIVE_INFINITY;
  for (const row of known) {
    if (row.other < bestOther) {
      front.push(row.config);
      bestOther = row.other;
    }
  }
  return front;
}
