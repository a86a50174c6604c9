import type { AcceleratorSpec } from "../hardware/accelerator.js";
import { DEFAULT_RANK_OPTIONS, RANK_OPTIONS } from "../hardware/rank-options.js";
import {
  anyField,
  checkKnownOptions,
  choiceField,
  integerField,
  listField,
  readOption,
  TEXT_FIELD,
  type OptionTable,
} from "../options/option-fields.js";
import { gibToBytes, type MemoryUnit } from "../units.js";

/** Options of `memoryCurveChart`. Only `accelerator` is required. */
export interface CurveChartOptions {
  /** The cards the capacity lines are drawn for, e.g. `ACCELERATORS["nvidia-h100-sxm"]`. */
  readonly accelerator: AcceleratorSpec;
  /**
   * What x is: `"context"` (tokens per sequence, batch fixed) or `"batch"` (sequences, context fixed).
   * @default "context"
   */
  readonly axis?: "context" | "batch" | undefined;
  /**
   * How many cards each capacity line stands for.
   * @default [1, 2, 4, 8]
   */
  readonly gpuCounts?: readonly number[] | undefined;
  /**
   * Fraction of each card's memory the engine may use (vLLM's `--gpu-memory-utilization`).
   * @default 0.92, the ranking's default
   */
  readonly gpuMemoryUtilization?: number | undefined;
  /**
   * Bytes each card keeps besides weights and KV cache.
   * @default 1.5 GiB ({@link CHART_RESERVE_BYTES_PER_GPU})
   */
  readonly runtimeOverheadBytesPerGpu?: number | undefined;
  /**
   * The largest x searched for a crossing: for the context axis the model's
   * `max_position_embeddings` (its longest context), for the batch axis 4,096 sequences.
   */
  readonly maxX?: number | undefined;
  /**
   * Points sampled along the curve (the crossings and the asked x are added).
   * @default 48
   */
  readonly samples?: number | undefined;
  /** How sizes print. @default "gb" */
  readonly unit?: MemoryUnit | undefined;
  /** Element id prefix, unique per chart on a page. @default "vramfit-curve" */
  readonly id?: string | undefined;
}

/** {@link CurveChartOptions} with every default applied. */
export interface CurveChartSettings {
  readonly accelerator: AcceleratorSpec;
  readonly axis: "context" | "batch";
  readonly gpuCounts: readonly number[];
  readonly gpuMemoryUtilization: number;
  readonly runtimeOverheadBytesPerGpu: number;
  readonly maxX: number | undefined;
  readonly samples: number;
  readonly unit: MemoryUnit;
  readonly id: string | undefined;
}

/**
 * The chart's flat reserve per card for everything that is neither weights nor KV cache
 * (1.5 GiB, vLLM profiling logs show 0.4–1.9 GiB on one card). A picture of the trend: the
 * engine's own start-up budget for one configuration is `fitOnGpu` / `vramfit fit`
 * (docs/methodology.md, "Serving fit").
 */
export const CHART_RESERVE_BYTES_PER_GPU = gibToBytes(1.5);

/** Batches searched at most on the batch axis: 16 × vLLM's default `max_num_seqs` (256). */
export const DEFAULT_MAX_BATCH = 4096;

/** Every {@link CurveChartOptions} field: what it accepts and its default. */
export const CURVE_CHART_OPTIONS: OptionTable<CurveChartOptions> = {
  accelerator: { field: anyField<AcceleratorSpec>("an accelerator spec (ACCELERATORS[id])") },
  axis: { field: choiceField(["context", "batch"]), default: "context" },
  gpuCounts: { field: listField(integerField(1, 4096)), default: [1, 2, 4, 8] },
  gpuMemoryUtilization: {
    field: RANK_OPTIONS.gpuMemoryUtilization.field,
    default: DEFAULT_RANK_OPTIONS.gpuMemoryUtilization,
  },
  runtimeOverheadBytesPerGpu: {
    field: integerField(0),
    default: CHART_RESERVE_BYTES_PER_GPU,
  },
  maxX: { field: integerField(2) },
  samples: { field: integerField(2, 10_000), default: 48 },
  unit: { field: choiceField(["gb", "gib"]), default: "gb" },
  id: { field: TEXT_FIELD },
};

/**
 * Checks {@link CurveChartOptions} and applies the defaults, field by field.
 *
 * @throws {InvalidOptionError} for an unknown key or a value out of range.
 */
export function resolveCurveChartOptions(options: CurveChartOptions): CurveChartSettings {
  checkKnownOptions(options, [CURVE_CHART_OPTIONS], "memoryCurveChart");
  const read = <Key extends keyof CurveChartOptions>(key: Key) =>
    readOption(CURVE_CHART_OPTIONS, options, key);
  const accelerator = read("accelerator");
  if (accelerator === undefined || typeof accelerator.memoryBytes !== "number") {
    throw new TypeError("memoryCurveChart needs an accelerator spec, e.g. ACCELERATORS[id]");
  }
  return {
    accelerator,
    axis: read("axis") ?? "context",
    gpuCounts: [...new Set(read("gpuCounts") ?? [1, 2, 4, 8])].sort((a, b) => a - b),
    gpuMemoryUtilization: read("gpuMemoryUtilization") ?? DEFAULT_RANK_OPTIONS.gpuMemoryUtilization,
    runtimeOverheadBytesPerGpu: read("runtimeOverheadBytesPerGpu") ?? CHART_RESERVE_BYTES_PER_GPU,
    maxX: read("maxX"),
    samples: read("samples") ?? 48,
    unit: read("unit") ?? "gb",
    id: read("id"),
  };
}
