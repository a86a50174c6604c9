// From the page's state and a loaded model to every figure it shows, with the library's pure
// functions only, composed as the library's async doors and the CLI compose them, so the page
// shows what `vramfit estimate|train|gpus ... --json` prints for the same inputs.
import {
  ACCELERATORS,
  estimateInferenceFromSpec,
  estimateTrainingFromSpec,
  rankGpusForEstimate,
  rankInstancesForEstimate,
  type AcceleratorSpec,
  type GpuRanking,
  type InferenceEstimate,
  type InferenceOptions,
  type InstanceRanking,
  type RankGpusOptions,
  type ResolvedModel,
  type TrainingEstimate,
  type TrainingOptions,
} from "vramfit";
import {
  memoryBreakdownChart,
  memoryCurveChart,
  type MemoryBreakdownChart,
  type MemoryCurveChart,
} from "vramfit/charts";
// The training ranking as `vramfit gpus --workload training` runs it (one GPU, and ZeRO-3 over
// two); it is not a public export, so the page reaches into the source like the CLI does.
import { rankGpusForTraining, rankInstancesForTraining } from "../../src/hardware/rank-training.js";
import { DEFAULT_CATALOG } from "../../src/hardware/catalog.js";
import { commandsFor } from "./commands.js";
import type { PageState } from "./state.js";

/** The default utilization cap of the ranking (vLLM's `--gpu-memory-utilization`). */
export const DEFAULT_UTILIZATION = 0.92;

/** What the page shows for a serving workload. */
export interface ServingResults {
  readonly mode: "serve";
  readonly estimate: InferenceEstimate;
  readonly gpus: GpuRanking;
  readonly instances: InstanceRanking;
  readonly breakdown: MemoryBreakdownChart;
  /** The curve, or why there is none. */
  readonly curve: MemoryCurveChart | string;
  /** The CLI commands that print the same numbers. */
  readonly commands: readonly string[];
}

/** What the page shows for a training workload. */
export interface TrainingResults {
  readonly mode: "train";
  readonly estimate: TrainingEstimate;
  readonly gpus: GpuRanking;
  readonly instances: InstanceRanking;
  readonly breakdown: MemoryBreakdownChart;
  readonly curve: string;
  readonly commands: readonly string[];
}

/** Either. */
export type Results = ServingResults | TrainingResults;

/**
 * Every figure of the page. Pure and synchronous: a few milliseconds, so it runs on each input.
 *
 * @throws {VramfitError} the library's errors for options it refuses (shown by the page).
 */
export function compute(state: PageState, model: ResolvedModel): Results {
  return state.mode === "train" ? computeTraining(state, model) : computeServing(state, model);
}

/** The estimate's options from the state; defaults left out as the CLI leaves out unset flags. */
export function inferenceOptions(state: PageState): InferenceOptions {
  return {
    contextLength: state.context,
    batchSize: state.batch,
    weights: state.weights === "auto" ? undefined : (state.weights as InferenceOptions["weights"]),
    kvCacheDtype: state.kv === "auto" ? undefined : (state.kv as InferenceOptions["kvCacheDtype"]),
    engine: state.engine === "vllm" ? undefined : (state.engine as InferenceOptions["engine"]),
  };
}

/** The ranking's options from the state. */
export function rankOptions(state: PageState): RankGpusOptions {
  return {
    families: state.family === "" ? undefined : [state.family],
    clouds: state.cloud === "" ? undefined : [state.cloud],
    gpuMemoryUtilization: state.util === DEFAULT_UTILIZATION ? undefined : state.util,
  };
}

/** The training options from the state (LoRA knobs only for LoRA and QLoRA). */
export function trainingOptions(state: PageState): TrainingOptions {
  const lora = state.method !== "full";
  return {
    method: state.method,
    rank: lora ? state.rank : undefined,
    targets: lora ? (state.targets as TrainingOptions["targets"]) : undefined,
    sequenceLength: state.seq,
    microBatchSize: state.micro,
    gradientCheckpointing: state.checkpointing || undefined,
    zeroStage: state.zero === 0 ? undefined : state.zero,
    gpuCount: state.gpus === 1 ? undefined : state.gpus,
  };
}

function computeServing(state: PageState, model: ResolvedModel): ServingResults {
  // As `estimateInference` composes it: the pure estimate with the checkpoint's facts, then the
  // model's id, source and warnings.
  const pure = estimateInferenceFromSpec(model.spec, {
    ...inferenceOptions(state),
    checkpoint: model.checkpoint,
  });
  const estimate: InferenceEstimate = {
    ...pure,
    model: { ...pure.model, id: model.id, source: model.source },
    warnings: [...(model.warnings ?? []), ...pure.warnings],
  };
  const options = rankOptions(state);
  const gpus = rankGpusForEstimate(estimate, options);
  const instances = rankInstancesForEstimate(estimate, options);
  const accelerator = chartAccelerator(state, gpus);
  const curve =
    accelerator === undefined
      ? "No accelerator to draw: choose one under Chart cards."
      : state.cards.length === 0
        ? "Choose at least one card count to draw."
        : memoryCurveChart(estimate, {
            accelerator,
            axis: state.axis,
            gpuCounts: state.cards,
            gpuMemoryUtilization: state.util,
            unit: state.unit,
            id: "curve-chart",
          });
  return {
    mode: "serve",
    estimate,
    gpus,
    instances,
    breakdown: memoryBreakdownChart(estimate, { unit: state.unit, id: "breakdown-chart" }),
    curve,
    commands: commandsFor(state),
  };
}

function computeTraining(state: PageState, model: ResolvedModel): TrainingResults {
  const options = trainingOptions(state);
  const named = (estimate: TrainingEstimate): TrainingEstimate => ({
    ...estimate,
    model: { ...estimate.model, id: model.id, source: model.source },
  });
  const estimate = named(estimateTrainingFromSpec(model.spec, options));
  // `vramfit gpus --workload training`: the run on one GPU, and with ZeRO-3 over two.
  const run = { ...options, gpuCount: undefined, zeroStage: undefined };
  const single = named(estimateTrainingFromSpec(model.spec, run));
  const sharded = named(
    estimateTrainingFromSpec(model.spec, { ...run, gpuCount: 2, zeroStage: 3 }),
  );
  const ranking = { ...rankOptions(state), workload: "training" as const };
  return {
    mode: "train",
    estimate,
    gpus: rankGpusForTraining({ single, sharded }, ranking, DEFAULT_CATALOG),
    instances: rankInstancesForTraining({ single, sharded }, ranking, DEFAULT_CATALOG),
    breakdown: memoryBreakdownChart(estimate, { unit: state.unit, id: "breakdown-chart" }),
    curve:
      "Memory vs context is drawn for serving; training memory per GPU is in the breakdown above.",
    commands: commandsFor(state),
  };
}

/** The chart's cards: the state's choice, else the ranking's best match that fits. */
function chartAccelerator(state: PageState, gpus: GpuRanking): AcceleratorSpec | undefined {
  const catalog: Readonly<Record<string, AcceleratorSpec>> = ACCELERATORS;
  const id = state.gpu !== "" ? state.gpu : gpus.matches.find((match) => match.fits)?.acceleratorId;
  return id === undefined ? undefined : catalog[id];
}
