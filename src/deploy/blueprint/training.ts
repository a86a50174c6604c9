/**
 * The training half of the decision tree: VRAM → topology (GPU type and how many, the model
 * states fully sharded over them) for full training, LoRA or QLoRA, plus the LoRA suggestion for
 * full-training plans and the baseline comparison.
 */
import type { GpuCatalog } from "../../hardware/catalog.js";
import type { GpuMatch, GpuRanking } from "../../hardware/rank-gpus.js";
import { rankGpusForTraining } from "../../hardware/rank-training.js";
import type { RankOptions } from "../../hardware/rank-options.js";
import {
  estimateTrainingFromSpec,
  type TrainingEstimate,
} from "../../memory/training/estimate-training.js";
import type { TrainingOptions } from "../../memory/training/training-options.js";
import type { ModelSpec } from "../../model/model-spec.js";
import { formatInteger, formatBytes } from "../../units.js";
import { BASELINE_ACCELERATOR_ID, compareWithBaseline, comparedFrom } from "./baseline.js";
import { pickRow } from "./choose.js";
import type { BaselineComparison, LoraSuggestion, PlanStep } from "./plan-types.js";
import { WORKLOAD_CLASSES, type PlanRequest, type ResolvedPlanRequest } from "./request.js";
import type { PlanContext } from "./serving.js";

/** The training decisions before pricing. */
export interface TrainingDecisions {
  /** The training estimate at the chosen GPU count (ZeRO-3 over them when more than one). */
  readonly training: TrainingEstimate;
  /** Every GPU, ranked for the run. */
  readonly ranking: GpuRanking;
  /** The row chosen. */
  readonly row: GpuMatch;
  /** Hours the run takes for `trainingTokens`, when given. */
  readonly hours: number | null;
  /** Modality, VRAM and topology steps. */
  readonly steps: readonly PlanStep[];
  /** The LoRA alternative (full training only). */
  readonly loraSuggestion: LoraSuggestion | null;
  /** Next to the same run on A100 80GB. */
  readonly baseline: BaselineComparison | null;
  /** Warnings of the estimate and the ranking. */
  readonly warnings: readonly string[];
}

const gb = (bytes: number): string => formatBytes(bytes, { unit: "gb" });

/**
 * Ranks every GPU for a training run, with the GPU count exact at every size
 * ({@link rankGpusForTraining}): a row's per-GPU bytes at N GPUs equal
 * `estimateTrainingFromSpec(spec, { gpus: N, zeroStage: N > 1 ? 3 : 0 })`'s. `estimateAt` gives
 * that estimate.
 *
 * @throws {InvalidOptionError} for training options the estimate refuses.
 */
export function rankTraining(
  spec: ModelSpec,
  options: TrainingOptions,
  rankOptions: RankOptions,
  catalog: GpuCatalog,
): { readonly ranking: GpuRanking; readonly estimateAt: (gpus: number) => TrainingEstimate } {
  const single = estimateTrainingFromSpec(spec, { ...options, gpuCount: 1, zeroStage: 0 });
  const sharded = estimateTrainingFromSpec(spec, { ...options, gpuCount: 2, zeroStage: 3 });
  const ranking = rankGpusForTraining({ single, sharded }, rankOptions, catalog);
  const estimateAt = (gpus: number): TrainingEstimate =>
    gpus === 1
      ? single
      : estimateTrainingFromSpec(spec, { ...options, gpuCount: gpus, zeroStage: 3 });
  return { ranking, estimateAt };
}

/**
 * Plans a training run: ranks every GPU on training memory, picks one (the pinned GPU, or the
 * lowest $ per 1M trained tokens among priced fits), and sizes the run at that GPU count.
 *
 * @throws {InvalidOptionError} for training options the estimate refuses, or when nothing fits.
 */
export function planTraining(
  spec: ModelSpec,
  request: PlanRequest,
  resolved: ResolvedPlanRequest,
  context: PlanContext,
  spot: boolean,
): TrainingDecisions {
  const workload = WORKLOAD_CLASSES[resolved.workload];
  const options: TrainingOptions = {
    ...request.training,
    method: workload.method ?? "full",
    sequenceLength: request.contextLength,
    microBatchSize: resolved.batchSize,
  };
  const rankOptions: RankOptions = {
    workload: "training",
    families: request.families,
    clouds: request.clouds,
    gpuMemoryUtilization: request.gpuMemoryUtilization,
    spot,
  };
  const { ranking, estimateAt } = rankTraining(spec, options, rankOptions, context.catalog);
  const row = pickRow(ranking, resolved.gpu, (candidate) => candidate.usdPerMillionOutputTokens);
  const gpus = row.gpuCount ?? 1;
  const training = estimateAt(gpus);
  const hours =
    resolved.trainingTokens === null || row.tokensPerSecond === null
      ? null
      : resolved.trainingTokens / row.tokensPerSecond / 3600;

  const loraSuggestion =
    training.method === "full"
      ? suggestLora(spec, options, rankOptions, context.catalog, row, training)
      : null;
  return {
    training,
    ranking,
    row,
    hours,
    steps: [
      trainingModalityStep(spec),
      trainingVramStep(training, row),
      trainingTopologyStep(row, ranking, resolved, hours),
    ],
    loraSuggestion,
    baseline: trainingBaseline(spec, options, rankOptions, context.catalog, row),
    warnings: [...training.warnings, ...ranking.warnings],
  };
}

function trainingModalityStep(spec: ModelSpec): PlanStep {
  return spec.vision === undefined
    ? {
        step: "modality",
        choice: "text",
        reason: "no vision encoder in config.json: training sequences are text tokens",
        figures: { vision: false },
      }
    : {
        step: "modality",
        choice: "vision model, sized as text",
        reason:
          "the vision encoder's weights are counted; image tokens in training sequences are not modelled, so count them in the sequence length",
        figures: { vision: true },
      };
}

function trainingVramStep(training: TrainingEstimate, row: GpuMatch): PlanStep {
  const g = training.memory.perGpu;
  const a = training.assumptions;
  const states =
    g.frozenWeightsBytes +
    g.weightsBytes +
    g.gradientsBytes +
    g.optimizerStatesBytes +
    g.masterWeightsBytes;
  const sharding =
    a.gpuCount === 1 ? "one GPU" : `ZeRO-3 / FSDP full shard over ${a.gpuCount} GPUs`;
  return {
    step: "vram",
    choice: `${gb(g.totalBytes)} (10^9 bytes) per GPU on ${sharding}`,
    reason: `model states ${gb(states)}${g.frozenWeightsBytes > 0 ? ` (frozen base ${gb(g.frozenWeightsBytes)})` : ""} + activations ${gb(g.activationsBytes)} (${a.microBatchSize} × ${formatInteger(a.sequenceLength)} tokens${a.gradientCheckpointing ? ", checkpointed" : ""}) + logits ${gb(g.logitsBytes)} + temporary weights ${gb(g.temporaryWeightsBytes)} + CUDA context ${gb(g.cudaContextBytes)} + fragmentation ${gb(g.fragmentationBytes)}; ${formatInteger(training.parameters.trainable)} trainable parameters at ${training.bytesPerParameter.total.toFixed(1)} bytes each.${g.staleCacheBytes > 0 ? ` With variable-length batches the allocator may also keep ${gb(g.staleCacheBytes)} of an earlier batch's logits cached, released before an out-of-memory error.` : ""}`,
    figures: {
      perGpuBytes: g.totalBytes,
      modelStatesBytes: states,
      activationsBytes: g.activationsBytes,
      logitsBytes: g.logitsBytes,
      temporaryWeightsBytes: g.temporaryWeightsBytes,
      cudaContextBytes: g.cudaContextBytes,
      fragmentationBytes: g.fragmentationBytes,
      staleCacheBytes: g.staleCacheBytes,
      trainableParameters: training.parameters.trainable,
      budgetBytesPerGpu: row.budgetBytesPerGpu,
      gpus: a.gpuCount,
      zeroStage: a.zeroStage,
    },
  };
}

function trainingTopologyStep(
  row: GpuMatch,
  ranking: GpuRanking,
  resolved: ResolvedPlanRequest,
  hours: number | null,
): PlanStep {
  const gpus = row.gpuCount ?? 1;
  const why =
    resolved.gpu !== null
      ? "the GPU asked for"
      : "the lowest $ per 1M trained tokens among GPUs with a known price";
  const speed =
    row.tokensPerSecond === null
      ? "training speed unknown (no tensor rate in the catalog)"
      : `${formatInteger(row.tokensPerSecond)} tokens/s at ${ranking.assumptions.computeEfficiency} of the dense tensor rate`;
  return {
    step: "topology",
    choice: `${gpus} × ${row.name}${gpus > 1 ? ", model states fully sharded (FSDP / ZeRO-3)" : ""}`,
    reason: `${why}: the fewest GPUs that fit, ${gb(row.perGpu?.totalBytes ?? 0)} per GPU ≤ ${gb(row.budgetBytesPerGpu)}; ${speed}${hours === null ? "" : `; ${formatInteger(resolved.trainingTokens ?? 0)} tokens take ${hours.toFixed(1)} h`}.`,
    figures: {
      acceleratorId: row.acceleratorId,
      gpus,
      perGpuBytes: row.perGpu?.totalBytes ?? null,
      budgetBytesPerGpu: row.budgetBytesPerGpu,
      tokensPerSecond: row.tokensPerSecond,
      hours,
    },
  };
}

const LORA_PAPER =
  'Biderman et al., "LoRA Learns Less and Forgets Less", arXiv 2405.09673 (Llama-2-7B on code and math)';

/**
 * The LoRA (else QLoRA) alternative to full training on the same GPU, at rank 16 on every linear
 * layer, every other option kept. Suggested when it needs at most half the GPUs.
 */
function suggestLora(
  spec: ModelSpec,
  options: TrainingOptions,
  rankOptions: RankOptions,
  catalog: GpuCatalog,
  row: GpuMatch,
  full: TrainingEstimate,
): LoraSuggestion | null {
  const accelerator = catalog.accelerators[row.acceleratorId];
  if (accelerator === undefined) return null;
  const fullGpus = row.gpuCount ?? 1;
  const only = { accelerators: { [row.acceleratorId]: accelerator }, instances: catalog.instances };
  let last: LoraSuggestion | null = null;
  for (const method of ["lora", "qlora"] as const) {
    const variant: TrainingOptions = {
      ...options,
      method,
      precision: undefined,
      rank: 16,
      targets: "all-linear",
    };
    const { ranking, estimateAt } = rankTraining(spec, variant, rankOptions, only);
    const match = ranking.matches[0];
    const gpus = match?.fits === true ? (match.gpuCount ?? 1) : null;
    const estimate = estimateAt(gpus ?? 1);
    const trainable = estimate.parameters.trainable;
    const fraction = trainable / full.parameters.total;
    const suggested = gpus !== null && gpus * 2 <= fullGpus;
    const name = method === "lora" ? "LoRA" : "QLoRA";
    const givesUp = `${name} trains ${formatInteger(trainable)} of ${formatInteger(full.parameters.total)} parameters (${(fraction * 100).toFixed(2)} %): it learns less of a new domain than full fine-tuning (most in continued pre-training, less in instruction tuning) and forgets less of what the base model knew (${LORA_PAPER})${method === "qlora" ? "; its base is stored in 4-bit NF4, which matched 16-bit fine-tuning in the QLoRA paper (arXiv 2305.14314)" : ""}`;
    last = {
      suggested,
      method,
      fullGpus,
      gpus,
      perGpuBytes: gpus === null ? null : (match?.perGpu?.totalBytes ?? null),
      trainableParameters: trainable,
      trainableFraction: fraction,
      givesUp,
      summary:
        gpus === null
          ? `${name} does not fit ${row.name} either.`
          : `${name} (rank 16, all linear layers) fits on ${gpus} × ${row.name} where full training needs ${fullGpus}${suggested ? `: ${fullGpus - gpus} fewer GPU${fullGpus - gpus === 1 ? "" : "s"}` : ""}.`,
    };
    if (suggested) return last;
  }
  return last;
}

/** The same run on A100 80GB, at the same kind of price; QLoRA's baseline is LoRA on a BF16 base. */
function trainingBaseline(
  spec: ModelSpec,
  options: TrainingOptions,
  rankOptions: RankOptions,
  catalog: GpuCatalog,
  row: GpuMatch,
): BaselineComparison | null {
  const a100 = catalog.accelerators[BASELINE_ACCELERATOR_ID];
  if (a100 === undefined) return null;
  const naive: TrainingOptions =
    options.method === "qlora" ? { ...options, method: "lora", basePrecision: "bf16" } : options;
  const { ranking } = rankTraining(spec, naive, rankOptions, {
    accelerators: { [BASELINE_ACCELERATOR_ID]: a100 },
    instances: catalog.instances,
  });
  const baselineRow = ranking.matches[0];
  if (baselineRow === undefined) return null;
  return compareWithBaseline(
    comparedFrom("the plan", row, null),
    comparedFrom(options.method === "qlora" ? "LoRA, BF16 base," : "BF16", baselineRow, null),
    null,
  );
}
