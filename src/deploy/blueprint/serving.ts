/**
 * The serving half of the decision tree: modality → VRAM → topology (GPU, TP/PP, replicas), and
 * the quantization matrix and baseline comparison that go with it.
 */
import { servingBudgetRule } from "../../hardware/serving-on-gpu.js";
import type { GpuCatalog } from "../../hardware/catalog.js";
import { rankGpusWithCatalog, type GpuMatch, type GpuRanking } from "../../hardware/rank-gpus.js";
import { gpuMatchAt } from "../../hardware/match-at.js";
import {
  searchWithCatalog,
  type DeploymentSearch,
} from "../../hardware/search/search-deployments.js";
import type { RankOptions } from "../../hardware/rank-options.js";
import type { CheckpointFacts } from "../../memory/checkpoint.js";
import {
  estimateInferenceFromSpec,
  type InferenceEstimate,
} from "../../memory/estimate-inference.js";
import type { InferenceOptions } from "../../memory/inference-options.js";
import { WEIGHT_PRECISIONS } from "../../memory/precision.js";
import type { ModelSpec } from "../../model/model-spec.js";
import { formatInteger, formatBytes } from "../../units.js";
import { BASELINE_ACCELERATOR_ID, compareWithBaseline, comparedFrom } from "./baseline.js";
import { pickRow, replicasFor, requestsPerSecond } from "./choose.js";
import type { BaselineComparison, PlanStep } from "./plan-types.js";
import { quantizationMatrix, withoutQuantization, type QuantizationRow } from "./quantization.js";
import { WORKLOAD_CLASSES, type PlanRequest, type ResolvedPlanRequest } from "./request.js";

/** What the planners need besides the spec and the request. */
export interface PlanContext {
  /** The repo id or path, for the templates and labels. */
  readonly modelId: string | undefined;
  /** Facts read from the stored weights (Hub models). */
  readonly checkpoint: CheckpointFacts | undefined;
  /** Accelerators and instances to plan over. */
  readonly catalog: GpuCatalog;
}

/** The serving decisions before pricing. */
export interface ServingDecisions {
  /** The estimate the plan is sized from. */
  readonly inference: InferenceEstimate;
  /** Every GPU, ranked for the workload. */
  readonly ranking: GpuRanking;
  /** The row chosen. */
  readonly row: GpuMatch;
  /**
   * The deployment search at the plan's batch, precision and KV dtype against its targets (run
   * for a pinned GPU too, so the checklist can name what would meet them).
   */
  readonly search: DeploymentSearch;
  /** Replicas for the target load. */
  readonly replicas: number;
  /** Requests per second one replica completes. */
  readonly requestsPerSecondPerReplica: number | null;
  /** The TTFT target, if any. */
  readonly ttftTargetMs: number | null;
  /** Modality, VRAM and topology steps. */
  readonly steps: readonly PlanStep[];
  /** The quantization matrix. */
  readonly quantization: readonly QuantizationRow[];
  /** Next to BF16 on A100 80GB. */
  readonly baseline: BaselineComparison | null;
  /** Warnings of the estimate and the ranking. */
  readonly warnings: readonly string[];
}

const gb = (bytes: number): string => formatBytes(bytes, { unit: "gb" });
const ms = (seconds: number | null): string =>
  seconds === null ? "unknown" : `${(seconds * 1000).toFixed(0)} ms`;

/**
 * Plans a serving deployment: estimates it, ranks every GPU for the workload, picks one (the
 * pinned GPU, or the ranking's first priced fit, re-ordered by the cost of the target load), sizes
 * the replicas, and builds the quantization matrix and the baseline comparison.
 *
 * @throws {InvalidOptionError} for options the estimate or ranking refuse, or when nothing fits.
 */
export function planServing(
  spec: ModelSpec,
  request: PlanRequest,
  resolved: ResolvedPlanRequest,
  context: PlanContext,
): ServingDecisions {
  const workload = WORKLOAD_CLASSES[resolved.workload];
  const inferenceOptions: InferenceOptions = {
    contextLength: request.contextLength,
    batchSize: resolved.batchSize,
    weights: resolved.weights,
    kvCacheDtype: request.kvCacheDtype,
    overheadFraction: request.overheadFraction,
    parameterCount: request.parameterCount,
    engine: request.engine,
    imagesPerRequest: request.imagesPerRequest,
    imageSize: request.imageSize,
    checkpoint: context.checkpoint,
  };
  const inference = estimateInferenceFromSpec(spec, inferenceOptions);
  const rankOptions: RankOptions = {
    workload: workload.rankingWorkload,
    maxTtftMs: request.maxTtftMs,
    promptTokens: request.promptTokens,
    families: request.families,
    clouds: request.clouds,
    gpuMemoryUtilization: request.gpuMemoryUtilization,
    spot: false,
  };
  const ranking = rankGpusWithCatalog(inference, rankOptions, context.catalog);
  const ttftTargetMs = ranking.assumptions.maxTtftMs;
  const outputTokens = inference.assumptions.contextLength - ranking.assumptions.promptTokens;
  const target = {
    tokensPerSecond: resolved.targetTokensPerSecond,
    requestsPerSecond: resolved.targetRequestsPerSecond,
  };
  const replicasOf = (row: GpuMatch): number =>
    replicasFor(
      {
        tokensPerSecond: row.tokensPerSecond,
        requestsPerSecond: requestsPerSecond(row, resolved.batchSize, outputTokens),
      },
      target,
    );
  const loadGiven = target.tokensPerSecond !== null || target.requestsPerSecond !== null;
  // Searched even for a pinned GPU: the checklist names what would meet the targets.
  const search = searchWithCatalog(
    spec,
    {
      ...rankOptions,
      contextLength: inference.assumptions.contextLength,
      engine: inference.assumptions.engine === "sglang" ? "sglang" : "vllm",
      weights: [inference.assumptions.weights],
      kvCacheDtypes: [inference.assumptions.kvCacheDtype],
      batchSizes: [resolved.batchSize],
      targetTokensPerSecond: target.tokensPerSecond ?? undefined,
      targetRequestsPerSecond: target.requestsPerSecond ?? undefined,
    },
    context.catalog,
    {
      checkpoint: context.checkpoint,
      parameterCount: request.parameterCount,
      overheadFraction: request.overheadFraction,
      imagesPerRequest: request.imagesPerRequest,
      imageSize: request.imageSize,
    },
  );
  const best = search.best;
  const searched =
    best === null || resolved.gpu !== null
      ? null
      : gpuMatchAt(ranking.requirement, ranking.assumptions, context.catalog, best.acceleratorId, {
          tp: best.tensorParallel,
          pp: best.pipelineParallel,
        });
  // The search's winner, timed with its all-reduces; without one (or for a pinned GPU), the
  // ranking's pick.
  const winner = best !== null && searched?.fits === true ? { best, searched } : null;
  const row =
    winner === null
      ? pickRow(
          ranking,
          resolved.gpu,
          loadGiven && resolved.workload === "realtime"
            ? (candidate) =>
                candidate.price === null ? null : candidate.price.usdPerHour * replicasOf(candidate)
            : undefined,
        )
      : {
          ...winner.searched,
          ttftSeconds: winner.best.ttftSeconds,
          // The search's steady state (prefill stalls included), which sized the replicas.
          tokensPerSecond: winner.best.tokensPerSecondPerReplica,
          meetsConstraints: true,
          reasons: [...winner.searched.reasons, ...search.why],
        };
  const replicas = winner === null ? replicasOf(row) : winner.best.replicas;
  const perReplicaRequests = requestsPerSecond(row, resolved.batchSize, outputTokens);

  const steps = [
    modalityStep(inference),
    vramStep(inference, ranking),
    topologyStep(row, ranking, {
      pinned: resolved.gpu !== null,
      search,
      replicas,
      ttftTargetMs,
      perReplicaRequests,
      target,
      advice: latencyAdvice(row, ttftTargetMs),
    }),
  ];

  const quantization = quantizationMatrix(spec, {
    inference: inferenceOptions,
    ranking: rankOptions,
    catalog: context.catalog,
    chosenAcceleratorId: row.acceleratorId,
    planned: { estimate: inference, ranking },
  });
  const baseline = baselineFor(
    spec,
    inferenceOptions,
    rankOptions,
    context.catalog,
    row,
    ttftTargetMs,
  );
  return {
    inference,
    ranking,
    row,
    search,
    replicas,
    requestsPerSecondPerReplica: perReplicaRequests,
    ttftTargetMs,
    steps,
    quantization,
    baseline,
    warnings: ranking.warnings,
  };
}

function modalityStep(inference: InferenceEstimate): PlanStep {
  const { spec, assumptions: a } = inference;
  if (spec.vision === undefined) {
    return {
      step: "modality",
      choice: "text",
      reason: "no vision encoder in config.json: every token is text",
      figures: { imagesPerRequest: 0, imageTokensPerSequence: 0, sequenceLength: a.sequenceLength },
    };
  }
  if (a.imagesPerRequest === 0) {
    return {
      step: "modality",
      choice: "vision model, text-only requests",
      reason:
        "the vision encoder's weights are counted, but no image tokens: pass imagesPerRequest (--images) if requests carry images",
      figures: { imagesPerRequest: 0, imageTokensPerSequence: 0, sequenceLength: a.sequenceLength },
    };
  }
  const perImage = a.imageTokensPerSequence / a.imagesPerRequest;
  return {
    step: "modality",
    choice: `vision: ${a.imagesPerRequest} image${a.imagesPerRequest === 1 ? "" : "s"} per request`,
    reason: `${a.imagesPerRequest} × ${formatInteger(perImage)} image tokens = ${formatInteger(a.imageTokensPerSequence)} tokens join each sequence: the KV cache holds ${formatInteger(a.sequenceLength)} tokens per sequence, not ${formatInteger(a.contextLength)}`,
    figures: {
      imagesPerRequest: a.imagesPerRequest,
      imageTokensPerImage: perImage,
      imageTokensPerSequence: a.imageTokensPerSequence,
      sequenceLength: a.sequenceLength,
    },
  };
}

function vramStep(inference: InferenceEstimate, ranking: GpuRanking): PlanStep {
  const { memory: m, assumptions: a, spec } = inference;
  const precision =
    spec.quantization === undefined
      ? WEIGHT_PRECISIONS[a.weights].label
      : (spec.quantization.label ?? spec.quantization.method);
  const r = ranking.assumptions;
  return {
    step: "vram",
    choice: `${gb(m.totalBytes)} (10^9 bytes) at ${precision}`,
    reason: `weights ${gb(m.weightsBytes)} + KV cache ${gb(m.kvCacheBytes)} (${a.batchSize} × ${formatInteger(a.sequenceLength)} tokens × ${formatInteger(m.kvCacheBytesPerToken)} B, ${spec.numKeyValueHeads} KV heads)${m.stateCacheBytes > 0 ? ` + state ${gb(m.stateCacheBytes)}` : ""} + overhead ${gb(m.overheadBytes)} (${Math.round(a.overheadFraction * 100)} % of weights). Per GPU the fit replaces the overhead with the engine's own start-up budget (${ranking.requirement.serving === undefined ? `a ${gb(ranking.requirement.perGpuBytes)} reserve` : servingBudgetRule(ranking.requirement.serving)}).`,
    figures: {
      weightsBytes: m.weightsBytes,
      kvCacheBytes: m.kvCacheBytes,
      kvCacheBytesPerToken: m.kvCacheBytesPerToken,
      stateCacheBytes: m.stateCacheBytes,
      overheadBytes: m.overheadBytes,
      totalBytes: m.totalBytes,
      contextLength: a.contextLength,
      batchSize: a.batchSize,
      weights: a.weights,
      checkpointQuantization: spec.quantization?.method ?? null,
      gpuMemoryUtilization: r.gpuMemoryUtilization,
      engineVersion: r.engineVersion,
    },
  };
}

function topologyStep(
  row: GpuMatch,
  ranking: GpuRanking,
  details: {
    readonly pinned: boolean;
    readonly search: DeploymentSearch | null;
    readonly replicas: number;
    readonly ttftTargetMs: number | null;
    readonly perReplicaRequests: number | null;
    readonly target: {
      readonly tokensPerSecond: number | null;
      readonly requestsPerSecond: number | null;
    };
    readonly advice: string | null;
  },
): PlanStep {
  const tp = row.tensorParallel ?? 1;
  const gpus = row.gpuCount ?? tp;
  const best = details.search?.best ?? null;
  const why = details.pinned
    ? "the GPU asked for"
    : best !== null && best.acceleratorId === row.acceleratorId
      ? `the search's choice (${details.search?.why.join("; ") ?? ""})`
      : `the ranking's choice (${ranking.workload.ranksBy}, among GPUs with a known price)${details.search === null ? "" : `; ${details.search.why.join("; ")}`}`;
  const fit = `${gb(row.perGpu?.totalBytes ?? 0)} per GPU ≤ ${gb(row.budgetBytesPerGpu)} budget at TP ${tp}${row.pipelineParallel > 1 ? ` × PP ${row.pipelineParallel}` : ""}`;
  const ttft =
    details.ttftTargetMs === null
      ? `TTFT ${ms(row.ttftSeconds)}`
      : `TTFT ${ms(row.ttftSeconds)} ${row.ttftSeconds !== null && row.ttftSeconds * 1000 <= details.ttftTargetMs ? "meets" : "misses"} the ${details.ttftTargetMs} ms target`;
  const load =
    details.target.tokensPerSecond === null && details.target.requestsPerSecond === null
      ? "no target load given: one replica"
      : `${details.replicas} replica${details.replicas === 1 ? "" : "s"} for ${[
          details.target.requestsPerSecond === null
            ? null
            : `${details.target.requestsPerSecond} requests/s`,
          details.target.tokensPerSecond === null
            ? null
            : `${details.target.tokensPerSecond} tokens/s`,
        ]
          .filter(Boolean)
          .join(
            " and ",
          )} (one replica: ${formatInteger(row.tokensPerSecond ?? 0)} tokens/s, ${(details.perReplicaRequests ?? 0).toFixed(2)} requests/s)`;
  return {
    step: "topology",
    choice: `${gpus} × ${row.name}, TP ${tp}${row.pipelineParallel > 1 ? `, PP ${row.pipelineParallel}` : ""}, ${details.replicas} replica${details.replicas === 1 ? "" : "s"}`,
    reason: `${why}: ${best !== null && best.acceleratorId === row.acceleratorId ? "" : "the smallest TP that fits, "}${fit}; ${ttft}; ${load}.${details.advice === null ? "" : ` ${details.advice}`}`,
    figures: {
      acceleratorId: row.acceleratorId,
      tensorParallel: tp,
      pipelineParallel: row.pipelineParallel,
      gpusPerReplica: gpus,
      replicas: details.replicas,
      perGpuBytes: row.perGpu?.totalBytes ?? null,
      budgetBytesPerGpu: row.budgetBytesPerGpu,
      ttftSeconds: row.ttftSeconds,
      interTokenLatencySeconds: row.interTokenLatencySeconds,
      tokensPerSecondPerReplica: row.tokensPerSecond,
      requestsPerSecondPerReplica: details.perReplicaRequests,
    },
  };
}

/**
 * When the chosen row misses the TTFT target: the smallest larger TP degree (within one node) at
 * which the same GPU meets it, as the ranking found it (`ttftTargetMetAt`), since prefill is
 * compute-bound and TP splits it.
 */
function latencyAdvice(row: GpuMatch, ttftTargetMs: number | null): string | null {
  if (ttftTargetMs === null || row.ttftSeconds === null || row.ttftSeconds * 1000 <= ttftTargetMs) {
    return null;
  }
  if (row.pipelineParallel > 1) return null;
  const faster = row.ttftTargetMetAt;
  if (faster !== null) {
    return `To meet the TTFT target, TP ${faster.tensorParallel} (${faster.tensorParallel} GPUs per replica) brings it to ${ms(faster.ttftSeconds)}: prefill is compute-bound and TP splits it.`;
  }
  return "No TP degree within one node meets the TTFT target on this GPU: shorten the prompt, or pick a GPU with a higher tensor rate.";
}

function baselineFor(
  spec: ModelSpec,
  inferenceOptions: InferenceOptions,
  rankOptions: RankOptions,
  catalog: GpuCatalog,
  row: GpuMatch,
  ttftTargetMs: number | null,
): BaselineComparison | null {
  const a100 = catalog.accelerators[BASELINE_ACCELERATOR_ID];
  if (a100 === undefined) return null;
  const bf16 = estimateInferenceFromSpec(withoutQuantization(spec), {
    ...inferenceOptions,
    weights: "bf16",
  });
  const ranking = rankGpusWithCatalog(
    bf16,
    { ...rankOptions, families: undefined },
    { accelerators: { [BASELINE_ACCELERATOR_ID]: a100 }, instances: catalog.instances },
  );
  const baselineRow = ranking.matches[0];
  if (baselineRow === undefined) return null;
  return compareWithBaseline(
    comparedFrom("the plan", row, ttftTargetMs),
    comparedFrom("BF16", baselineRow, ttftTargetMs),
    ttftTargetMs,
  );
}
