import type { InferenceEstimate } from "../memory/estimate-inference.js";
import { WEIGHT_PRECISIONS } from "../memory/precision.js";
import type { TrainingEstimate } from "../memory/training/estimate-training.js";
import { formatInteger, type MemoryUnit } from "../units.js";
import type { ChartSegment, MemoryBreakdownChart } from "./chart-spec.js";

/** Options of {@link memoryBreakdownChart}. */
export interface BreakdownChartOptions {
  /**
   * How sizes print: `"gb"` (10^9) or `"gib"` (2^30).
   * @default "gb"
   */
  readonly unit?: MemoryUnit | undefined;
  /** Element id prefix, unique per chart on a page. @default "vramfit-breakdown" */
  readonly id?: string | undefined;
}

/**
 * The stacked-bar chart of an estimate's memory: weights, KV cache, state cache and overhead
 * for serving; per-GPU weights, gradients, optimizer states, activations and the rest for
 * training. Pure: the estimate's own figures, labelled, nothing recomputed.
 *
 * @example
 * renderChart(memoryBreakdownChart(estimateInferenceFromSpec(spec, { contextLength: 4096, batchSize: 8 })))
 */
export function memoryBreakdownChart(
  estimate: InferenceEstimate | TrainingEstimate,
  options: BreakdownChartOptions = {},
): MemoryBreakdownChart {
  const name = estimate.model.id ?? estimate.spec.architecture ?? "model";
  const unit = options.unit ?? "gb";
  if (estimate.kind === "training") {
    const { assumptions: a, memory } = estimate;
    return {
      kind: "memory-breakdown",
      title: `${name}: memory per GPU to train (${estimate.method})`,
      subtitle: `${formatInteger(a.sequenceLength)} tokens × ${a.microBatchSize} sequences per GPU · ${a.gpuCount} GPU${a.gpuCount === 1 ? "" : "s"}${a.zeroStage > 0 ? ` · ZeRO-${a.zeroStage}` : ""}${a.gradientCheckpointing ? " · gradient checkpointing" : ""}`,
      unit,
      segments: trainingSegments(estimate),
      totalBytes: memory.perGpu.totalBytes,
      id: options.id,
    };
  }
  const { assumptions: a, memory } = estimate;
  const stored = a.checkpointQuantization;
  const weights =
    stored === undefined
      ? WEIGHT_PRECISIONS[a.weights].label
      : `${stored.label ?? stored.method}, as stored`;
  return {
    kind: "memory-breakdown",
    title: `${name}: memory to serve`,
    subtitle: `${formatInteger(a.contextLength)} tokens × ${a.batchSize} sequence${a.batchSize === 1 ? "" : "s"} · ${weights} weights · ${a.kvCacheDtype.toUpperCase()} KV cache · ${a.engine}`,
    unit,
    segments: [
      { label: `Weights (${weights})`, bytes: memory.weightsBytes },
      {
        label: `KV cache (${a.kvCacheDtype.toUpperCase()})`,
        bytes: memory.kvCacheBytes,
        detail: `${formatInteger(memory.kvCacheBytesPerToken)} B/token × ${formatInteger(a.sequenceLength)} tokens × ${a.batchSize} sequence${a.batchSize === 1 ? "" : "s"}`,
      },
      { label: "State cache", bytes: memory.stateCacheBytes },
      {
        label: `Overhead (${+(a.overheadFraction * 100).toFixed(2)} % of weights)`,
        bytes: memory.overheadBytes,
      },
    ],
    totalBytes: memory.totalBytes,
    id: options.id,
  };
}

function trainingSegments(estimate: TrainingEstimate): ChartSegment[] {
  const gpu = estimate.memory.perGpu;
  const segments: ChartSegment[] = [
    { label: "Frozen base weights", bytes: gpu.frozenWeightsBytes },
    {
      label: estimate.method === "full" ? "Weights" : "Adapter weights",
      bytes: gpu.weightsBytes,
    },
    { label: "Gradients", bytes: gpu.gradientsBytes },
    { label: "Optimizer states", bytes: gpu.optimizerStatesBytes },
    { label: "Master weights", bytes: gpu.masterWeightsBytes },
    { label: "Activations", bytes: gpu.activationsBytes },
    { label: "Logits at the loss", bytes: gpu.logitsBytes },
    { label: "Temporary weight copies", bytes: gpu.temporaryWeightsBytes },
    { label: "CUDA context", bytes: gpu.cudaContextBytes },
    { label: "Allocator fragmentation", bytes: gpu.fragmentationBytes },
  ];
  return estimate.method === "full" ? segments.slice(1) : segments;
}
