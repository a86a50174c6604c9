import { estimateInferenceFromSpec, type InferenceEstimate } from "../memory/estimate-inference.js";
import type { InferenceOptions } from "../memory/inference-options.js";
import { kvCacheShardableHeads } from "../memory/kv-cache.js";
import { formatInteger, formatBytes, bytesToGiB } from "../units.js";
import type { CapacityLine, Crossing, CurvePoint, MemoryCurveChart } from "./chart-spec.js";
import {
  DEFAULT_MAX_BATCH,
  resolveCurveChartOptions,
  type CurveChartOptions,
} from "./curve-options.js";
import { usableBytesOnCards } from "./usable-bytes.js";

/** What the curve adds up: the bytes the capacity lines hold (the fit's, not the estimate's total). */
export const CURVE_LABEL = "weights + KV cache + state";

/** Contexts searched at most when the model states no longest context (2^20 tokens). */
const MAX_CONTEXT_WITHOUT_LIMIT = 1_048_576;

/**
 * Memory against context length (or batch) for a model, with the usable memory of 1, 2, 4 and 8
 * cards drawn across it: where the curve crosses a line is the longest context (largest batch)
 * those cards hold. Pure.
 *
 * The curve is `weights + KV cache + state`: the estimate's weights (they do not change with
 * x), and the KV cache and state from {@link estimateInferenceFromSpec} at each sampled x with
 * the estimate's other assumptions (sampled, not extrapolated: sliding-window layers stop
 * growing at their window).
 * The estimate's overhead fraction is left out, as in the GPU fit: each card's runtime reserve
 * stands in for it ({@link usableBytesOnCards}). Each crossing is found exactly, by bisection on
 * whole tokens (or sequences) over the estimate itself.
 *
 * @throws {InvalidOptionError} for options vramfit cannot use.
 * @example
 * const estimate = estimateInferenceFromSpec(spec, { contextLength: 4096, batchSize: 8 });
 * const chart = memoryCurveChart(estimate, { accelerator: ACCELERATORS["nvidia-h100-sxm"] });
 * chart.lines[1].crossing?.x // 4,970 tokens for Llama-3-70B on 2 × H100 at BF16
 */
export function memoryCurveChart(
  asked: InferenceEstimate,
  options: CurveChartOptions,
): MemoryCurveChart {
  const settings = resolveCurveChartOptions(options);
  const spec = asked.spec;
  const knob = settings.axis === "context" ? "contextLength" : "batchSize";
  const current =
    settings.axis === "context" ? asked.assumptions.contextLength : asked.assumptions.batchSize;
  const needAt = memoizedNeed(asked, knob);
  const searchMax = Math.max(
    current,
    settings.maxX ??
      (settings.axis === "context"
        ? (spec.maxPositionEmbeddings ?? MAX_CONTEXT_WITHOUT_LIMIT)
        : DEFAULT_MAX_BATCH),
  );

  const split = {
    attentionHeads: spec.numAttentionHeads,
    kvHeads: spec.numKeyValueHeads,
    kvCacheShardableHeads: kvCacheShardableHeads(spec),
    shardedBytes: asked.memory.weightsBytes + asked.memory.stateCacheBytes,
  };
  const cardName = settings.accelerator.name;
  const lines: CapacityLine[] = settings.gpuCounts.map((gpuCount) => {
    const usable = usableBytesOnCards(settings.accelerator, gpuCount, split, settings);
    const label = `${gpuCount} × ${cardName}`;
    if (usable.usableBytes === null) {
      return { label, gpuCount, usableBytes: null, crossing: null, problem: usable.problem };
    }
    return {
      label,
      gpuCount,
      usableBytes: usable.usableBytes,
      crossing: largestFitting(needAt, usable.usableBytes, searchMax),
    };
  });

  const crossings = lines.flatMap((line) =>
    line.crossing === null || line.crossing.wholeRange ? [] : [line.crossing.x],
  );
  const xMax = Math.min(
    searchMax,
    Math.max(2 * current, ...crossings.map((x) => Math.ceil(1.25 * x))),
  );
  const xs = new Set([1, current, xMax, ...crossings]);
  for (let index = 1; index <= settings.samples; index++) {
    xs.add(Math.max(1, Math.round((xMax * index) / settings.samples)));
  }
  const limit = settings.axis === "context" ? spec.maxPositionEmbeddings : undefined;
  if (limit !== undefined && limit <= xMax) xs.add(limit);
  const points: CurvePoint[] = [...xs]
    .filter((x) => x <= xMax)
    .sort((a, b) => a - b)
    .map((x) => ({ x, bytes: needAt(x) }));

  const name = asked.model.id ?? spec.architecture ?? "model";
  const fixed =
    settings.axis === "context"
      ? `batch ${asked.assumptions.batchSize}`
      : `context ${formatInteger(asked.assumptions.contextLength)} tokens`;
  return {
    kind: "memory-curve",
    title: `${name}: memory vs ${settings.axis === "context" ? "context length" : "batch size"}`,
    subtitle: `${fixed} · ${weightsLabel(asked)} weights · lines: cards × (${settings.gpuMemoryUtilization} × ${formatBytes(settings.accelerator.memoryBytes)} − ${+bytesToGiB(settings.runtimeOverheadBytesPerGpu).toFixed(2)} GiB reserve)`,
    unit: settings.unit,
    axis: settings.axis,
    curveLabel: CURVE_LABEL,
    points,
    lines,
    current,
    limit,
    id: settings.id,
  };
}

function weightsLabel(estimate: InferenceEstimate): string {
  const stored = estimate.assumptions.checkpointQuantization;
  return stored === undefined
    ? estimate.assumptions.weights.toUpperCase()
    : (stored.label ?? stored.method);
}

/** The curve's bytes at x, each x estimated once. */
function memoizedNeed(
  estimate: InferenceEstimate,
  knob: "contextLength" | "batchSize",
): (x: number) => number {
  const seen = new Map<number, number>();
  return (x) => {
    const known = seen.get(x);
    if (known !== undefined) return known;
    const { memory } = estimateInferenceFromSpec(estimate.spec, optionsAt(estimate, knob, x));
    const bytes = estimate.memory.weightsBytes + memory.kvCacheBytes + memory.stateCacheBytes;
    seen.set(x, bytes);
    return bytes;
  };
}

/**
 * The options that reproduce an estimate's KV cache and state with one knob moved to x: every
 * resolved assumption passed back explicitly (weights only when the checkpoint is not
 * pre-quantized, where naming a precision is refused; it decides only the state's width).
 */
export function optionsAt(
  estimate: InferenceEstimate,
  knob: "contextLength" | "batchSize",
  x: number,
): InferenceOptions {
  const a = estimate.assumptions;
  return {
    contextLength: knob === "contextLength" ? x : a.contextLength,
    batchSize: knob === "batchSize" ? x : a.batchSize,
    weights: a.checkpointQuantization === undefined ? a.weights : undefined,
    kvCacheDtype: a.kvCacheDtype,
    engine: a.engine,
    maxNumBatchedTokens: a.maxNumBatchedTokens,
    imagesPerRequest: a.imagesPerRequest,
    imageSize: a.imageSize,
  };
}

/**
 * The largest whole x in `[1, searchMax]` whose need fits `usableBytes`, by bisection (the need
 * never falls as x grows); `null` when not even x = 1 fits.
 */
export function largestFitting(
  needAt: (x: number) => number,
  usableBytes: number,
  searchMax: number,
): Crossing | null {
  if (needAt(1) > usableBytes) return null;
  if (needAt(searchMax) <= usableBytes) {
    return { x: searchMax, bytes: needAt(searchMax), wholeRange: true };
  }
  let fits = 1;
  let fails = searchMax;
  while (fails - fits > 1) {
    const middle = Math.floor((fits + fails) / 2);
    if (needAt(middle) <= usableBytes) fits = middle;
    else fails = middle;
  }
  return { x: fits, bytes: needAt(fits), wholeRange: false };
}
