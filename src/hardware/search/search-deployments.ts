/**
 * The deployment search: every accelerator × TP × PP × weight precision × KV dtype × batch that
 * the engine starts with, timed at its batch, checked against every target, sized in replicas for
 * the target load and ranked by the objective (docs/plans.md). Pure.
 */
import { estimateInferenceFromSpec } from "../../memory/estimate-inference.js";
import type { InferenceOptions } from "../../memory/inference-options.js";
import type { KvCacheDtype, WeightPrecision } from "../../memory/precision.js";
import type { ModelSpec } from "../../model/model-spec.js";
import { checkKnownOptions, optionsOf } from "../../options/option-fields.js";
import type { AcceleratorSpec } from "../accelerator.js";
import type { GpuCatalog } from "../catalog.js";
import { CATALOG_OPTIONS, catalogFromOptions, type CatalogOptions } from "../catalog-options.js";
import { executionOn, type Execution } from "../execution.js";
import { prepareInferenceRanking } from "../inference-requirement.js";
import { acceleratorAllowed } from "../match.js";
import { cheapestGpuPrice, type PricePoint } from "../price.js";
import { RANK_OPTIONS, type RankAssumptions, type RankOptions } from "../rank-options.js";
import type { GpuRequirement } from "../requirement.js";
import { phaseTime } from "../roofline.js";
import { hasServing, servingFitsOn } from "../serving-on-gpu.js";
import { splitProblem, TENSOR_PARALLEL_DEGREES } from "../topology.js";
import { rankConfigs, paretoFront, type Objective } from "./rank-configs.js";
import { readinessOf } from "./readiness.js";
import {
  resolveSearchSettings,
  SEARCH_OPTIONS,
  type SearchObjective,
  type SearchOptions,
  type SearchSettings,
} from "./search-options.js";
import {
  ridgePoint,
  steadyState,
  tensorParallelLinkBytesPerSecond,
  tensorParallelSeconds,
} from "./throughput.js";

/** One deployment the search found: a replica's hardware and settings, its speed, replicas and cost. */
export interface DeploymentConfig {
  /** Catalog id of the accelerator. */
  readonly acceleratorId: string;
  /** Its display name. */
  readonly name: string;
  /** Its family ("H100"), for the best per family. */
  readonly family: string;
  /** Weight precision. */
  readonly weights: WeightPrecision;
  /** KV-cache dtype. */
  readonly kvCacheDtype: KvCacheDtype;
  /** Sequences of `contextLength` each replica holds at once (`--max-num-seqs`). */
  readonly batchSize: number;
  /** Tensor-parallel degree. */
  readonly tensorParallel: number;
  /** Pipeline stages. */
  readonly pipelineParallel: number;
  /** GPUs per replica: `tp × pp`. */
  readonly gpusPerReplica: number;
  /** Replicas for the target load (1 without one). */
  readonly replicas: number;
  /** GPUs in all: `gpusPerReplica × replicas`. */
  readonly totalGpus: number;
  /** Time to first token of one request (prefill + its all-reduces), in seconds; `null` when unknown. */
  readonly ttftSeconds: number | null;
  /** One decode step of the whole batch (roofline + all-reduces), in seconds; `null` when unknown. */
  readonly stepSeconds: number | null;
  /** Seconds of all-reduces in one prefill and one decode step (0 at TP 1; `null`: link unknown). */
  readonly communicationSeconds: { readonly prefill: number | null; readonly step: number | null };
  /** Which roof binds the decode step. */
  readonly decodeBound: "compute" | "memory" | null;
  /** FLOPs per byte of the decode step, and the GPU's ridge point (`null` without a rate). */
  readonly arithmeticIntensity: number;
  readonly ridgePoint: number | null;
  /** Average time between a user's tokens, prefills of the others included, in seconds. */
  readonly interTokenLatencySeconds: number | null;
  /** Output tokens per second one user sees. */
  readonly tokensPerSecondPerUser: number | null;
  /** Output tokens per second of one replica at its batch. */
  readonly tokensPerSecondPerReplica: number | null;
  /** Requests per second one replica completes. */
  readonly requestsPerSecondPerReplica: number | null;
  /** The price of one replica's GPUs (`null`: no price in the catalog). */
  readonly price: PricePoint | null;
  /** Dollars per hour for every replica, or `null` without a price. */
  readonly usdPerHour: number | null;
  /** Dollars per million output tokens at the target load (or one replica's throughput without one). */
  readonly usdPerMillionOutputTokens: number | null;
  /** Whether every target is met. */
  readonly meetsTargets: boolean;
  /** The targets missed, in sentences (empty when all are met). */
  readonly misses: readonly string[];
}

/** The targets the search checked. */
export interface SearchTargets {
  readonly maxTtftMs: number | null;
  readonly maxItlMs: number | null;
  readonly minTokensPerSecondPerUser: number | null;
  readonly minTokensPerSecondPerReplica: number | null;
  readonly maxUsdPerHour: number | null;
  readonly targetRequestsPerSecond: number | null;
  readonly targetTokensPerSecond: number | null;
}

/** What the search found. */
export interface DeploymentSearch {
  /** What this is: a search of the deployment space. */
  readonly kind: "deployment-search";
  /** What the ranking minimised. */
  readonly objective: SearchObjective;
  /** The targets every winner meets. */
  readonly targets: SearchTargets;
  /** The best configuration meeting every target, or `null` when none does. */
  readonly best: DeploymentConfig | null;
  /** The next best, for "what the runner-up would cost". */
  readonly runnerUp: DeploymentConfig | null;
  /** Why the best won, in sentences (or why nothing did). */
  readonly why: readonly string[];
  /** The best configurations meeting every target, best first (at most `top`). */
  readonly feasible: readonly DeploymentConfig[];
  /** When none meets every target: the configurations that miss by the least, closest first. */
  readonly nearest: readonly DeploymentConfig[];
  /** The best configuration meeting every target on each GPU family. */
  readonly bestPerFamily: readonly DeploymentConfig[];
  /** Configurations no other beats on both cost and the other figure (among those meeting the targets). */
  readonly pareto: {
    /** $/hour against time to first token. */
    readonly costVsTtft: readonly DeploymentConfig[];
    /** $/hour per replica against tokens/s per replica. */
    readonly costVsThroughput: readonly DeploymentConfig[];
  };
  /** Counts: configurations the engine starts with, and those meeting every target. */
  readonly counts: { readonly fitting: number; readonly feasible: number };
  /** Accelerators left out because the engine or the precision does not run there, and why. */
  readonly excluded: readonly { readonly acceleratorId: string; readonly reason: string }[];
  /** Output tokens per request (context − prompt). */
  readonly outputTokens: number;
  /** The ranking's settings (efficiencies, prompt, engine), echoed. */
  readonly rankAssumptions: RankAssumptions;
  /** One line for every default taken. */
  readonly notes: readonly string[];
}

/** Options of {@link searchDeployments}: the search's and your catalog. */
export interface SearchDeploymentsOptions extends SearchOptions, CatalogOptions {}

/**
 * Searches every accelerator in the catalog × tensor parallel (1, 2, 4, 8) × pipeline stages (the
 * fewest that fit, up to `maxGpusPerReplica`) × weight precision × KV dtype × batch for the
 * configurations the engine starts with (the engine-calibrated budget of `fitOnGpu`) and that meet
 * every target (TTFT, ITL, tokens/s per user, aggregate load), and ranks them by the objective.
 * Unpriced configurations rank after every priced one under a cost objective. Pure.
 *
 * @throws {InvalidOptionError} for options out of range.
 * @example
 * const search = searchDeployments(llama70b, { workload: "realtime", contextLength: 4096, batchSizes: [8], weights: ["bf16"], maxTtftMs: 350 });
 * search.best?.acceleratorId
 */
export function searchDeployments(
  spec: ModelSpec,
  options: SearchDeploymentsOptions = {},
): DeploymentSearch {
  checkKnownOptions(options, [SEARCH_OPTIONS, CATALOG_OPTIONS], "searchDeployments");
  return searchWithCatalog(spec, options, catalogFromOptions(options));
}

/** A combination of the model-side axes, sized once for every accelerator. */
interface Sized {
  readonly weights: WeightPrecision;
  readonly kvCacheDtype: KvCacheDtype;
  readonly batchSize: number;
  readonly requirement: GpuRequirement;
  readonly hiddenSize: number;
  readonly activationBytes: number;
}

/**
 * {@link searchDeployments} over a catalog already combined and checked, with the estimate's
 * model facts (checkpoint, parameter count, images) that the plan passes through.
 *
 * @throws {InvalidOptionError} for options out of range.
 */
export function searchWithCatalog(
  spec: ModelSpec,
  options: SearchOptions,
  catalog: GpuCatalog,
  inference: Pick<
    InferenceOptions,
    "checkpoint" | "parameterCount" | "overheadFraction" | "imagesPerRequest" | "imageSize"
  > = {},
): DeploymentSearch {
  const settings = resolveSearchSettings(options);
  const rankOptions = optionsOf<RankOptions>(options, RANK_OPTIONS);
  const weightsAxis: readonly (WeightPrecision | "auto")[] =
    spec.quantization === undefined ? settings.weights : ["auto"];
  let assumptions: RankAssumptions | null = null;
  const groups = new Map<string, Group>();
  const excluded = new Map<string, string>();
  const prices = new Map<string, PricePoint | null>();
  let outputTokens = 0;

  for (const weightsChoice of weightsAxis) {
    for (const kvCacheDtype of settings.kvCacheDtypes) {
      const sizes: Sized[] = [];
      let prepared: { readonly assumptions: RankAssumptions } | null = null;
      for (const batchSize of settings.batchSizes) {
        const estimate = estimateInferenceFromSpec(spec, {
          ...inference,
          contextLength: settings.contextLength,
          batchSize,
          weights: weightsChoice,
          kvCacheDtype,
          engine: settings.engine,
        });
        const ranked = prepareInferenceRanking(estimate, rankOptions);
        prepared = ranked;
        sizes.push({
          weights: estimate.assumptions.weights,
          kvCacheDtype,
          batchSize,
          requirement: ranked.requirement,
          hiddenSize: spec.hiddenSize,
          activationBytes: estimate.assumptions.weights === "fp32" ? 4 : 2,
        });
      }
      if (prepared === null || sizes[0] === undefined) continue;
      const rank = prepared.assumptions;
      assumptions ??= rank;
      outputTokens = settings.contextLength - rank.promptTokens;
      for (const [id, accelerator] of Object.entries(catalog.accelerators)) {
        if (!acceleratorAllowed(accelerator, rank.families)) continue;
        const ready = readinessOf(accelerator, settings.engine, sizes[0].weights);
        if (!ready.runs) {
          excluded.set(`${id} at ${sizes[0].weights}`, ready.reason ?? "");
          continue;
        }
        configsOn(id, accelerator, sizes, rank, settings, {
          outputTokens,
          price: (tp, gpus) => priceOf(prices, catalog, id, rank, tp, gpus),
          keep: (key, core) => {
            keepBest(groups, key, core, settings, rank);
          },
        });
      }
    }
  }
  if (assumptions === null) throw new RangeError("the search needs at least one axis value");
  const finalAssumptions = assumptions;
  const configs: DeploymentConfig[] = [];
  for (const group of groups.values()) {
    for (const core of [group.feasible, group.nearest]) {
      if (core !== null) configs.push(withMisses(core, finalAssumptions, settings));
    }
  }
  return finishSearch(configs, settings, finalAssumptions, outputTokens, excluded);
}

function priceOf(
  cache: Map<string, PricePoint | null>,
  catalog: GpuCatalog,
  id: string,
  assumptions: RankAssumptions,
  tensorParallel: number,
  gpuCount: number,
): PricePoint | null {
  const key = `${id}|${tensorParallel}|${gpuCount}`;
  const cached = cache.get(key);
  if (cached !== undefined) return cached;
  const price = cheapestGpuPrice(id, catalog.instances, {
    spot: assumptions.spot,
    clouds: assumptions.clouds,
    gpuCount,
    tensorParallel,
  });
  cache.set(key, price);
  return price;
}

/** Every TP (and the fewest pipeline stages that fit with it) of one accelerator for one sizing. */
function configsOn(
  id: string,
  accelerator: AcceleratorSpec,
  sizes: readonly Sized[],
  assumptions: RankAssumptions,
  settings: SearchSettings,
  context: {
    readonly outputTokens: number;
    readonly price: (tp: number, gpus: number) => PricePoint | null;
    readonly keep: (key: string, core: Core) => void;
  },
): void {
  const smallest = sizes[0];
  if (smallest === undefined || !hasServing(smallest.requirement)) return;
  const execution = executionOn(smallest.requirement, accelerator);
  for (const tp of TENSOR_PARALLEL_DEGREES) {
    if (tp > settings.maxGpusPerReplica) break;
    if (splitProblem(smallest.requirement, tp) !== null) continue;
    const key = `${id}|${smallest.weights}|${smallest.kvCacheDtype}|${tp}`;
    const stagesAt = memo((index: number) => fewestStages(sizes[index], accelerator, tp, settings));
    // Fitting is monotone in the batch (the KV cache only grows): bisect for the largest batch.
    const largest = lastTrue(sizes.length, (index) => stagesAt(index) > 0);
    if (largest < 0) continue;
    const timed = memo((index: number) => {
      const sized = sizes[index] as Sized;
      const core = timedConfig(
        id,
        accelerator,
        sized,
        assumptions,
        settings,
        { tp, pp: stagesAt(index), execution },
        context,
      );
      context.keep(key, core);
      return core;
    });
    // Tokens/s per replica grow with the batch and the inter-token latency too: the best batch
    // is the largest that meets every target; bisect for it.
    const best = lastTrue(largest + 1, (index) => meets(timed(index), assumptions, settings));
    if (best < 0) timed(0);
  }
}

/** The fewest pipeline stages (with `tp`) at which the engine holds this batch, or 0 for none. */
function fewestStages(
  sized: Sized | undefined,
  accelerator: AcceleratorSpec,
  tp: number,
  settings: SearchSettings,
): number {
  if (sized === undefined || !hasServing(sized.requirement)) return 0;
  const { requirement } = sized;
  // The weights and the KV cache alone must fit the GPUs' whole memory: start at the stages
  // that bound asks for instead of at one, and skip what cannot fit at any.
  const extra = executionOn(requirement, accelerator).extraWeightsBytes;
  const kvRanks = Math.min(tp, Math.max(1, requirement.kvCacheShardableHeads));
  const bytesPerStage =
    (requirement.weightsBytes + extra) / tp + requirement.kvCacheBytes / kvRanks;
  const first = Math.max(1, Math.ceil(bytesPerStage / accelerator.cudaMemoryBytes));
  for (let stages = first; tp * stages <= settings.maxGpusPerReplica; stages++) {
    if (stages > requirement.layers) break;
    if (servingFitsOn(requirement, accelerator, tp, stages)) return stages;
  }
  return 0;
}

/** The largest index below `length` for which a monotone (true, then false) test holds, or −1. */
function lastTrue(length: number, test: (index: number) => boolean): number {
  let low = -1;
  let high = length;
  while (high - low > 1) {
    const middle = (low + high) >> 1;
    if (test(middle)) low = middle;
    else high = middle;
  }
  return low;
}

function memo<T>(fn: (index: number) => T): (index: number) => T {
  const cache = new Map<number, T>();
  return (index) => {
    const hit = cache.get(index);
    if (hit !== undefined) return hit;
    const value = fn(index);
    cache.set(index, value);
    return value;
  };
}

function timedConfig(
  id: string,
  accelerator: AcceleratorSpec,
  sized: Sized,
  assumptions: RankAssumptions,
  settings: SearchSettings,
  parallel: { readonly tp: number; readonly pp: number; readonly execution: Execution },
  context: {
    readonly outputTokens: number;
    readonly price: (tp: number, gpus: number) => PricePoint | null;
  },
): Core {
  const { requirement, batchSize } = sized;
  const { tp, pp, execution } = parallel;
  const target = {
    tp,
    kvCacheRanks: Math.min(tp, Math.max(1, requirement.kvCacheShardableHeads)),
    flopsPerSecond: execution.flopsPerSecond,
    memoryBandwidthBytesPerSecond: accelerator.memoryBandwidthBytesPerSecond,
    computeEfficiency: assumptions.computeEfficiency,
    bandwidthEfficiency: assumptions.bandwidthEfficiency,
    extraShardedBytes: execution.extraWeightsBytes,
  };
  const link = tensorParallelLinkBytesPerSecond(accelerator, settings.factors);
  const shape = {
    layers: requirement.layers,
    hiddenSize: sized.hiddenSize,
    activationBytes: sized.activationBytes,
  };
  const prefill =
    requirement.firstToken === null ? null : phaseTime(requirement.firstToken, target, "compute");
  const step = phaseTime(requirement.step, target, "memory");
  const prefillComm = tensorParallelSeconds(
    shape,
    requirement.firstToken?.tokens ?? 0,
    tp,
    link,
    settings.factors,
  );
  const stepComm = tensorParallelSeconds(shape, batchSize, tp, link, settings.factors);
  const ttftSeconds =
    prefill?.seconds === null || prefill?.seconds === undefined || prefillComm === null
      ? null
      : prefill.seconds + prefillComm;
  const stepSeconds = step.seconds === null || stepComm === null ? null : step.seconds + stepComm;
  const steady =
    ttftSeconds === null || stepSeconds === null || context.outputTokens <= 0
      ? null
      : steadyState(batchSize, context.outputTokens, ttftSeconds, stepSeconds);
  const replicas = replicasFor(steady, settings, context.outputTokens);
  const gpusPerReplica = tp * pp;
  const price = context.price(tp, gpusPerReplica);
  const usdPerHour = price === null ? null : price.usdPerHour * replicas;
  const deliveredTokensPerSecond =
    settings.targetTokensPerSecond ??
    (settings.targetRequestsPerSecond === null
      ? steady === null
        ? null
        : steady.tokensPerSecond * replicas
      : settings.targetRequestsPerSecond * context.outputTokens);
  const usdPerMillionOutputTokens =
    usdPerHour === null || deliveredTokensPerSecond === null || deliveredTokensPerSecond <= 0
      ? null
      : (usdPerHour / (deliveredTokensPerSecond * 3600)) * 1e6;
  const bytesRead =
    (requirement.step.shardedBytesRead + execution.extraWeightsBytes) / tp +
    requirement.step.kvCacheBytesRead / target.kvCacheRanks;
  const config = {
    acceleratorId: id,
    name: accelerator.name,
    family: accelerator.family,
    weights: sized.weights,
    kvCacheDtype: sized.kvCacheDtype,
    batchSize,
    tensorParallel: tp,
    pipelineParallel: pp,
    gpusPerReplica,
    replicas,
    totalGpus: gpusPerReplica * replicas,
    ttftSeconds,
    stepSeconds,
    communicationSeconds: { prefill: prefillComm, step: stepComm },
    decodeBound: step.bound,
    arithmeticIntensity: requirement.step.flops / tp / bytesRead,
    ridgePoint:
      execution.flopsPerSecond === null || accelerator.memoryBandwidthBytesPerSecond === null
        ? null
        : ridgePoint(
            execution.flopsPerSecond,
            assumptions.computeEfficiency,
            accelerator.memoryBandwidthBytesPerSecond,
            assumptions.bandwidthEfficiency,
          ),
    interTokenLatencySeconds: steady?.interTokenLatencySeconds ?? null,
    tokensPerSecondPerUser: steady?.tokensPerSecondPerUser ?? null,
    tokensPerSecondPerReplica: steady?.tokensPerSecond ?? null,
    requestsPerSecondPerReplica: steady?.requestsPerSecond ?? null,
    price,
    usdPerHour,
    usdPerMillionOutputTokens,
  };
  return config;
}

/** A configuration's figures before its misses are worded. */
type Core = Omit<DeploymentConfig, "meetsTargets" | "misses">;

/** The best configuration meeting every target in one group (accelerator, precisions, TP), and the closest miss. */
interface Group {
  feasible: Core | null;
  feasibleScore: number;
  nearest: Core | null;
  nearestShortfall: number;
}

/**
 * Keeps, per accelerator × weights × KV dtype × TP, only the batch that is best under the
 * objective among those meeting every target, and the batch that misses by the least: the other
 * batches of the same hardware cost the same per hour and serve less, so they never win, never sit
 * on a Pareto front and never head a family.
 */
function keepBest(
  groups: Map<string, Group>,
  key: string,
  core: Core,
  settings: SearchSettings,
  assumptions: RankAssumptions,
): void {
  let group = groups.get(key);
  if (group === undefined) {
    group = { feasible: null, feasibleScore: Infinity, nearest: null, nearestShortfall: Infinity };
    groups.set(key, group);
  }
  if (meets(core, assumptions, settings)) {
    const score = scoreOf(core, settings.objective);
    if (group.feasible === null || score < group.feasibleScore) {
      group.feasible = core;
      group.feasibleScore = score;
    }
  } else if (group.feasible === null) {
    const missBy = shortfall(core, assumptions, settings);
    if (group.nearest === null || missBy < group.nearestShortfall) {
      group.nearest = core;
      group.nearestShortfall = missBy;
    }
  }
}

/** Lower is better: the objective's figure, less a sliver of throughput so ties go to the faster batch. */
function scoreOf(core: Core, objective: SearchObjective): number {
  const cost =
    objective === "usd-per-million-tokens"
      ? core.usdPerMillionOutputTokens
      : objective === "usd-per-hour"
        ? core.usdPerHour
        : core.totalGpus;
  const tps = core.tokensPerSecondPerReplica ?? 0;
  return (cost ?? Number.MAX_VALUE) - tps * 1e-12;
}

function meets(core: Core, assumptions: RankAssumptions, settings: SearchSettings): boolean {
  return targetMisses(core, assumptions, settings).length === 0;
}

function withMisses(
  core: Core,
  assumptions: RankAssumptions,
  settings: SearchSettings,
): DeploymentConfig {
  const misses = targetMisses(core, assumptions, settings);
  return { ...core, meetsTargets: misses.length === 0, misses };
}

/** Replicas for the target load: enough for both the tokens/s and the requests/s asked (at least 1). */
function replicasFor(
  steady: { readonly tokensPerSecond: number; readonly requestsPerSecond: number } | null,
  settings: SearchSettings,
  outputTokens: number,
): number {
  if (steady === null) return 1;
  let replicas = 1;
  if (settings.targetTokensPerSecond !== null) {
    replicas = Math.max(
      replicas,
      Math.ceil(settings.targetTokensPerSecond / steady.tokensPerSecond),
    );
  }
  if (settings.targetRequestsPerSecond !== null) {
    replicas = Math.max(
      replicas,
      Math.ceil(settings.targetRequestsPerSecond / steady.requestsPerSecond),
    );
  }
  return outputTokens > 0 ? replicas : 1;
}

const ms = (seconds: number): string => `${(seconds * 1000).toFixed(0)} ms`;

function targetMisses(
  config: Omit<DeploymentConfig, "meetsTargets" | "misses">,
  assumptions: RankAssumptions,
  settings: SearchSettings,
): string[] {
  const misses: string[] = [];
  const { ttftSeconds, interTokenLatencySeconds: itl } = config;
  if (assumptions.maxTtftMs !== null) {
    if (ttftSeconds === null) misses.push(`TTFT unknown (target ${assumptions.maxTtftMs} ms)`);
    else if (ttftSeconds * 1000 > assumptions.maxTtftMs) {
      misses.push(`TTFT ${ms(ttftSeconds)} > ${assumptions.maxTtftMs} ms`);
    }
  }
  if (settings.maxItlMs !== null) {
    if (itl === null) misses.push(`inter-token latency unknown (target ${settings.maxItlMs} ms)`);
    else if (itl * 1000 > settings.maxItlMs) {
      misses.push(`inter-token latency ${ms(itl)} > ${settings.maxItlMs} ms`);
    }
  }
  if (settings.minTokensPerSecondPerUser !== null) {
    const perUser = config.tokensPerSecondPerUser;
    if (perUser === null || perUser < settings.minTokensPerSecondPerUser) {
      misses.push(
        `${perUser === null ? "unknown" : perUser.toFixed(1)} tokens/s per user < ${settings.minTokensPerSecondPerUser}`,
      );
    }
  }
  if (assumptions.minTokensPerSecond !== null) {
    const perReplica = config.tokensPerSecondPerReplica;
    if (perReplica === null || perReplica < assumptions.minTokensPerSecond) {
      misses.push(
        `${perReplica === null ? "unknown" : perReplica.toFixed(0)} tokens/s per replica < ${assumptions.minTokensPerSecond}`,
      );
    }
  }
  if (
    (settings.targetTokensPerSecond !== null || settings.targetRequestsPerSecond !== null) &&
    config.tokensPerSecondPerReplica === null
  ) {
    misses.push("throughput unknown: the target load cannot be sized");
  }
  if (assumptions.maxUsdPerHour !== null) {
    if (config.usdPerHour === null)
      misses.push("no price in the catalog to check the $/hour limit");
    else if (config.usdPerHour > assumptions.maxUsdPerHour) {
      misses.push(`$${config.usdPerHour.toFixed(2)}/hour > $${assumptions.maxUsdPerHour}/hour`);
    }
  }
  return misses;
}

function finishSearch(
  configs: readonly DeploymentConfig[],
  settings: SearchSettings,
  assumptions: RankAssumptions,
  outputTokens: number,
  excluded: ReadonlyMap<string, string>,
): DeploymentSearch {
  const objective: Objective = settings.objective;
  const feasibleAll = rankConfigs(
    configs.filter((config) => config.meetsTargets),
    objective,
  );
  const best = feasibleAll[0] ?? null;
  const runnerUp =
    feasibleAll.find((config) => config.acceleratorId !== best?.acceleratorId) ?? null;
  const families = new Map<string, DeploymentConfig>();
  for (const config of feasibleAll)
    if (!families.has(config.family)) families.set(config.family, config);
  const nearest =
    best === null
      ? configs
          .filter((config) => !config.meetsTargets)
          .sort((a, b) => shortfall(a, assumptions, settings) - shortfall(b, assumptions, settings))
          .slice(0, settings.top)
      : [];
  const front = feasibleAll.length > 0 ? feasibleAll : configs;
  const targets: SearchTargets = {
    maxTtftMs: assumptions.maxTtftMs,
    maxItlMs: settings.maxItlMs,
    minTokensPerSecondPerUser: settings.minTokensPerSecondPerUser,
    minTokensPerSecondPerReplica: assumptions.minTokensPerSecond,
    maxUsdPerHour: assumptions.maxUsdPerHour,
    targetRequestsPerSecond: settings.targetRequestsPerSecond,
    targetTokensPerSecond: settings.targetTokensPerSecond,
  };
  return {
    kind: "deployment-search",
    objective,
    targets,
    best,
    runnerUp,
    why: whyBest(best, runnerUp, objective, nearest[0] ?? null),
    feasible: feasibleAll.slice(0, settings.top),
    nearest,
    bestPerFamily: [...families.values()],
    pareto: {
      costVsTtft: paretoFront(
        front,
        (c) => c.usdPerHour,
        (c) => c.ttftSeconds,
      ),
      costVsThroughput: paretoFront(
        front,
        (c) => c.price?.usdPerHour ?? null,
        (c) => (c.tokensPerSecondPerReplica === null ? null : -c.tokensPerSecondPerReplica),
      ),
    },
    counts: { fitting: configs.length, feasible: feasibleAll.length },
    excluded: [...excluded].map(([key, reason]) => ({ acceleratorId: key, reason })),
    outputTokens,
    rankAssumptions: assumptions,
    notes: [...settings.notes, ...assumptions.notes],
  };
}

/**
 * How far a configuration is from meeting the latency targets: the largest ratio of a figure to
 * its target (1 = just met); unknown figures count as infinitely far.
 */
function shortfall(config: Core, assumptions: RankAssumptions, settings: SearchSettings): number {
  const ratios = [0];
  if (assumptions.maxTtftMs !== null) {
    ratios.push(
      config.ttftSeconds === null
        ? Number.MAX_VALUE
        : (config.ttftSeconds * 1000) / assumptions.maxTtftMs,
    );
  }
  if (settings.maxItlMs !== null) {
    ratios.push(
      config.interTokenLatencySeconds === null
        ? Number.MAX_VALUE
        : (config.interTokenLatencySeconds * 1000) / settings.maxItlMs,
    );
  }
  if (settings.minTokensPerSecondPerUser !== null) {
    ratios.push(
      config.tokensPerSecondPerUser === null || config.tokensPerSecondPerUser <= 0
        ? Number.MAX_VALUE
        : settings.minTokensPerSecondPerUser / config.tokensPerSecondPerUser,
    );
  }
  return Math.max(...ratios);
}

/** A configuration in one line: "4 × H100 SXM, TP 4, BF16 weights, FP8 KV, batch 8, 2 replicas". */
export function describeConfig(config: DeploymentConfig): string {
  return `${config.gpusPerReplica} × ${config.name}, TP ${config.tensorParallel}${config.pipelineParallel > 1 ? ` × PP ${config.pipelineParallel}` : ""}, ${config.weights.toUpperCase()} weights, ${config.kvCacheDtype.toUpperCase()} KV, batch ${config.batchSize}, ${config.replicas} replica${config.replicas === 1 ? "" : "s"}`;
}

/** The cost of a configuration in words. */
export function describeCost(config: DeploymentConfig): string {
  if (config.usdPerHour === null) return "no price in the catalog";
  const perMillion =
    config.usdPerMillionOutputTokens === null
      ? ""
      : `, $${config.usdPerMillionOutputTokens.toFixed(3)} per 1M output tokens`;
  return `$${config.usdPerHour.toFixed(2)}/hour${perMillion}`;
}

function whyBest(
  best: DeploymentConfig | null,
  runnerUp: DeploymentConfig | null,
  objective: SearchObjective,
  nearest: DeploymentConfig | null,
): string[] {
  if (best === null) {
    return [
      "no configuration in the catalog meets every target",
      ...(nearest === null
        ? []
        : [
            `closest: ${describeConfig(nearest)} (${nearest.misses.join("; ")}; ${describeCost(nearest)})`,
          ]),
    ];
  }
  const lines = [
    `${describeConfig(best)} meets every target at the lowest ${objectiveLabel(objective)}: ${describeCost(best)}${best.ttftSeconds === null ? "" : `, TTFT ${ms(best.ttftSeconds)}`}${best.interTokenLatencySeconds === null ? "" : `, inter-token ${ms(best.interTokenLatencySeconds)}`}`,
  ];
  if (best.price === null)
    lines.push("no configuration meeting the targets has a price in the catalog");
  if (runnerUp !== null) {
    lines.push(`runner-up on another GPU: ${describeConfig(runnerUp)}, ${describeCost(runnerUp)}`);
  }
  return lines;
}

/** The objective in words. */
export function objectiveLabel(objective: SearchObjective): string {
  return objective === "usd-per-million-tokens"
    ? "$ per 1M output tokens"
    : objective === "usd-per-hour"
      ? "$/hour"
      : "GPU count";
}
