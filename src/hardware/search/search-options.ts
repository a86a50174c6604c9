import {
  choiceField,
  integerField,
  listField,
  numberField,
  readOption,
  type OptionTable,
} from "../../options/option-fields.js";
import {
  KV_CACHE_DTYPE_IDS,
  WEIGHT_PRECISION_IDS,
  type KvCacheDtype,
  type WeightPrecision,
} from "../../memory/precision.js";
import { RANK_OPTIONS, type RankOptions } from "../rank-options.js";
import type { SpeedFactors } from "./throughput.js";

/** What the search minimises among the configurations that meet every target. */
export type SearchObjective = "usd-per-million-tokens" | "usd-per-hour" | "fewest-gpus";

/** Every {@link SearchObjective}. */
export const SEARCH_OBJECTIVES: readonly SearchObjective[] = [
  "usd-per-million-tokens",
  "usd-per-hour",
  "fewest-gpus",
];

/**
 * Options of `searchDeployments`: the ranking's options (workload, TTFT target, efficiencies,
 * families, clouds, spot, engine settings), the axes searched and the targets to meet.
 */
export interface SearchOptions extends RankOptions {
  /**
   * Tokens per sequence (`max_model_len`).
   * @default 4096
   */
  readonly contextLength?: number | undefined;
  /**
   * The serving engine whose start-up budget sizes every GPU.
   * @default "vllm"
   */
  readonly engine?: "vllm" | "sglang" | undefined;
  /**
   * Weight precisions tried. A pre-quantized checkpoint is searched at its own precision only.
   * @default ["bf16", "fp8", "int8", "int4"]
   */
  readonly weights?: readonly WeightPrecision[] | undefined;
  /**
   * KV-cache dtypes tried.
   * @default ["bf16", "fp8"]
   */
  readonly kvCacheDtypes?: readonly KvCacheDtype[] | undefined;
  /**
   * Batch sizes tried (`--max-num-seqs`: sequences of `contextLength` held at once per replica).
   * @default [1, 2, 4, 8, 16, 32, 64, 128, 256]
   */
  readonly batchSizes?: readonly number[] | undefined;
  /**
   * GPUs one replica may use (`tp × pp`).
   * @default 16 (two nodes of 8)
   */
  readonly maxGpusPerReplica?: number | undefined;
  /**
   * What to minimise.
   * @default "usd-per-million-tokens" for the batch workload, "usd-per-hour" otherwise
   */
  readonly objective?: SearchObjective | undefined;
  /** Longest acceptable average time between output tokens, in milliseconds (prefill stalls included). */
  readonly maxItlMs?: number | undefined;
  /** Slowest acceptable output one user sees, in tokens per second. */
  readonly minTokensPerSecondPerUser?: number | undefined;
  /** Requests per second the whole deployment must complete (sets the replicas). */
  readonly targetRequestsPerSecond?: number | undefined;
  /** Output tokens per second the whole deployment must produce (sets the replicas). */
  readonly targetTokensPerSecond?: number | undefined;
  /**
   * Share of the link bandwidth an all-reduce reaches.
   * @default 0.7
   */
  readonly communicationEfficiency?: number | undefined;
  /**
   * Fixed cost of one all-reduce, in microseconds.
   * @default 10
   */
  readonly allReduceLatencyUs?: number | undefined;
}

/** Defaults of {@link SearchOptions}, each with its source in docs/methodology.md#search. */
export const DEFAULT_SEARCH_OPTIONS = {
  contextLength: 4096,
  engine: "vllm",
  weights: ["bf16", "fp8", "int8", "int4"],
  kvCacheDtypes: ["bf16", "fp8"],
  batchSizes: [1, 2, 4, 8, 16, 32, 64, 128, 256],
  maxGpusPerReplica: 16,
  top: 10,
  /**
   * NCCL all-reduce bus bandwidth reaches about 70–80 % of the NVLink rate on 8 GPUs for large
   * messages (nvidia/nccl-tests doc/PERFORMANCE.md defines bus bandwidth; the share is an
   * assumption to override with your own nccl-tests run).
   */
  communicationEfficiency: 0.7,
  /** An assumption of the order of a small-message NCCL all-reduce inside a node; override it. */
  allReduceLatencyUs: 10,
  /** PCIe 4.0 x16: 16 GT/s × 16 lanes × 128/130 encoding ≈ 31.5 GB/s per direction (PCI-SIG). */
  pcieFallbackBytesPerSecond: 31.5e9,
} as const;

const POSITIVE = numberField({ min: 0, max: Number.MAX_VALUE, exclusiveMin: true });

/** Every {@link SearchOptions} field: the ranking's, plus the search's own. */
export const SEARCH_OPTIONS: OptionTable<SearchOptions> = {
  ...RANK_OPTIONS,
  contextLength: {
    field: integerField(),
    default: DEFAULT_SEARCH_OPTIONS.contextLength,
    note: () => "contextLength: default 4,096 tokens",
  },
  engine: { field: choiceField(["vllm", "sglang"]), default: "vllm" },
  weights: {
    field: listField(choiceField(WEIGHT_PRECISION_IDS)),
    default: DEFAULT_SEARCH_OPTIONS.weights,
    note: () => "weights: searched over BF16, FP8, INT8 and INT4",
  },
  kvCacheDtypes: {
    field: listField(choiceField(KV_CACHE_DTYPE_IDS)),
    default: DEFAULT_SEARCH_OPTIONS.kvCacheDtypes,
    note: () => "kvCacheDtypes: searched over BF16 and FP8",
  },
  batchSizes: {
    field: listField(integerField()),
    default: DEFAULT_SEARCH_OPTIONS.batchSizes,
    note: () => "batchSizes: searched over 1, 2, 4, ..., 256",
  },
  maxGpusPerReplica: {
    field: integerField(),
    default: DEFAULT_SEARCH_OPTIONS.maxGpusPerReplica,
    note: () => "maxGpusPerReplica: default 16 (two nodes of 8)",
  },
  objective: { field: choiceField(SEARCH_OBJECTIVES) },
  maxItlMs: { field: POSITIVE },
  minTokensPerSecondPerUser: { field: POSITIVE },
  targetRequestsPerSecond: { field: POSITIVE },
  targetTokensPerSecond: { field: POSITIVE },
  communicationEfficiency: {
    field: numberField({ min: 0, max: 1, exclusiveMin: true }),
    default: DEFAULT_SEARCH_OPTIONS.communicationEfficiency,
    note: () =>
      "communicationEfficiency: default 0.7 of the link rate for all-reduces (assumed; measure with nccl-tests)",
  },
  allReduceLatencyUs: {
    field: numberField({ min: 0, max: 1_000_000 }),
    default: DEFAULT_SEARCH_OPTIONS.allReduceLatencyUs,
    note: () => "allReduceLatencyUs: default 10 µs per all-reduce (assumed)",
  },
};

/** The search's own settings, resolved. */
export interface SearchSettings {
  readonly contextLength: number;
  readonly engine: "vllm" | "sglang";
  readonly weights: readonly WeightPrecision[];
  readonly kvCacheDtypes: readonly KvCacheDtype[];
  readonly batchSizes: readonly number[];
  readonly maxGpusPerReplica: number;
  readonly objective: SearchObjective;
  readonly maxItlMs: number | null;
  readonly minTokensPerSecondPerUser: number | null;
  readonly targetRequestsPerSecond: number | null;
  readonly targetTokensPerSecond: number | null;
  readonly factors: SpeedFactors;
  readonly top: number;
  readonly notes: readonly string[];
}

/**
 * Reads the search's own fields (the ranking's are resolved by `resolveRankOptions`).
 *
 * @throws {InvalidOptionError} for a value out of range.
 */
export function resolveSearchSettings(options: SearchOptions): SearchSettings {
  const notes: string[] = [];
  const read = <Key extends keyof SearchOptions>(key: Key) =>
    readOption(SEARCH_OPTIONS, options, key, notes);
  const workload = read("workload") ?? "realtime";
  const objective =
    read("objective") ?? (workload === "batch" ? "usd-per-million-tokens" : "usd-per-hour");
  if (options.objective === undefined) {
    notes.push(
      `objective: default ${objective} for the ${workload} workload${objective === "usd-per-hour" ? "" : " (cost of the target load)"}`,
    );
  }
  const sorted = (values: readonly number[]) => [...new Set(values)].sort((a, b) => a - b);
  return {
    contextLength: read("contextLength") ?? DEFAULT_SEARCH_OPTIONS.contextLength,
    engine: read("engine") ?? "vllm",
    weights: [...new Set(read("weights") ?? DEFAULT_SEARCH_OPTIONS.weights)],
    kvCacheDtypes: [...new Set(read("kvCacheDtypes") ?? DEFAULT_SEARCH_OPTIONS.kvCacheDtypes)],
    batchSizes: sorted(read("batchSizes") ?? DEFAULT_SEARCH_OPTIONS.batchSizes),
    maxGpusPerReplica: read("maxGpusPerReplica") ?? DEFAULT_SEARCH_OPTIONS.maxGpusPerReplica,
    objective,
    maxItlMs: read("maxItlMs") ?? null,
    minTokensPerSecondPerUser: read("minTokensPerSecondPerUser") ?? null,
    targetRequestsPerSecond: read("targetRequestsPerSecond") ?? null,
    targetTokensPerSecond: read("targetTokensPerSecond") ?? null,
    factors: {
      communicationEfficiency:
        read("communicationEfficiency") ?? DEFAULT_SEARCH_OPTIONS.communicationEfficiency,
      allReduceLatencySeconds:
        (read("allReduceLatencyUs") ?? DEFAULT_SEARCH_OPTIONS.allReduceLatencyUs) / 1e6,
      pcieFallbackBytesPerSecond: DEFAULT_SEARCH_OPTIONS.pcieFallbackBytesPerSecond,
    },
    top: options.top ?? DEFAULT_SEARCH_OPTIONS.top,
    notes,
  };
}
