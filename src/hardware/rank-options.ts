import { InvalidOptionError } from "../errors.js";
import {
  BOOLEAN_FIELD,
  choiceField,
  integerField,
  listField,
  numberField,
  readOption,
  TEXT_FIELD,
  type OptionTable,
} from "../options/option-fields.js";
import { ENGINE_OPTIONS, type EngineOptions } from "../memory/serving/engine-options.js";
import { atLeast, parseEngineRelease } from "../memory/serving/engine-version.js";
import { WORKLOAD_IDS, type Workload } from "./workloads.js";

/**
 * Options of the GPU and instance rankings. Every field is optional. The engine settings
 * ({@link EngineOptions}) size each GPU with the serving engine's own budget, as `fitOnGpu` does.
 */
export interface RankOptions extends EngineOptions {
  /**
   * What the hardware is for; decides the order and the pricing advice.
   * @default "realtime"
   */
  readonly workload?: Workload | undefined;
  /**
   * Fraction of each GPU's memory the engine may use (vLLM's `--gpu-memory-utilization`, which
   * applies to the total `torch.cuda.mem_get_info` reports; SGLang's `--mem-fraction-static`).
   * vLLM's current stable `CacheConfig` defaults it to 0.92
   * (docs.vllm.ai/en/stable/api/vllm/config/cache); releases through v0.10 used 0.9.
   * @default 0.92 (0.9 with an `engineVersion` before 0.11; SGLang's own default per GPU)
   */
  readonly gpuMemoryUtilization?: number | undefined;
  /**
   * Share of the dense tensor rate a prefill reaches (model FLOPs utilization), 0–1.
   * @default 0.5
   */
  readonly computeEfficiency?: number | undefined;
  /**
   * Share of the memory bandwidth a decode step reaches (memory bandwidth utilization), 0–1.
   * @default 0.7
   */
  readonly bandwidthEfficiency?: number | undefined;
  /**
   * Prompt tokens of one request, for the time to first token; the rest of the context is output.
   * @default context − min(256, context / 2)
   */
  readonly promptTokens?: number | undefined;
  /**
   * Longest acceptable time to first token, in milliseconds. Matches above it rank below those that meet it.
   * @default 350 for the realtime workload, none otherwise
   */
  readonly maxTtftMs?: number | undefined;
  /** Slowest acceptable output, in tokens per second (whole batch, per replica for GPUs, per instance for instances). */
  readonly minTokensPerSecond?: number | undefined;
  /** Most dollars per hour acceptable (for the GPUs a match needs, or for the instance). */
  readonly maxUsdPerHour?: number | undefined;
  /** Accelerators allowed, by family ("H100"), vendor ("amd") or architecture ("Hopper"), case-insensitive. */
  readonly families?: readonly string[] | undefined;
  /** Providers whose instances and prices count ("aws", "gcp", "azure", "lambda", ...), case-insensitive. */
  readonly clouds?: readonly string[] | undefined;
  /**
   * Rank on spot prices (instances without one are left out of pricing).
   * @default true for the training workload, false otherwise
   */
  readonly spot?: boolean | undefined;
  /** Keep only the first `top` rows. */
  readonly top?: number | undefined;
}

/** Defaults of {@link RankOptions}, resolved in {@link resolveRankOptions}. */
export const DEFAULT_RANK_OPTIONS = {
  workload: "realtime",
  gpuMemoryUtilization: 0.92,
  computeEfficiency: 0.5,
  bandwidthEfficiency: 0.7,
  realtimeTtftMs: 350,
  maxOutputTokens: 256,
} as const;

/** The options a ranking actually used, echoed in its result, with a note for each default. */
export interface RankAssumptions {
  /** Workload. */
  readonly workload: Workload;
  /** Fraction of GPU memory usable. */
  readonly gpuMemoryUtilization: number;
  /** Whether `gpuMemoryUtilization` was given (else SGLang takes its own default per GPU). */
  readonly gpuMemoryUtilizationGiven: boolean;
  /** The serving engine's release whose rules size each GPU ("latest" for the newest known). */
  readonly engineVersion: string;
  /** vLLM's `max_num_seqs`, or `null` for the engine's default per GPU. */
  readonly maxNumSeqs: number | null;
  /** Whether CUDA graphs are off. */
  readonly enforceEager: boolean;
  /** Tokens per KV block, or `null` for the engine's default. */
  readonly blockSize: number | null;
  /** Prefill efficiency. */
  readonly computeEfficiency: number;
  /** Decode efficiency. */
  readonly bandwidthEfficiency: number;
  /** Prompt tokens of one request. */
  readonly promptTokens: number;
  /** TTFT target in milliseconds, if any. */
  readonly maxTtftMs: number | null;
  /** Minimum tokens per second, if any. */
  readonly minTokensPerSecond: number | null;
  /** Maximum dollars per hour, if any. */
  readonly maxUsdPerHour: number | null;
  /** Allowed families, vendors or architectures (lower case); empty for all. */
  readonly families: readonly string[];
  /** Allowed providers (lower case); empty for all. */
  readonly clouds: readonly string[];
  /** Whether spot prices are used. */
  readonly spot: boolean;
  /** Rows kept, or `null` for all. */
  readonly top: number | null;
  /** One line for every value that was defaulted or derived rather than given. */
  readonly notes: readonly string[];
}

const FRACTION = numberField({ min: 0, max: 1, exclusiveMin: true });
const POSITIVE = numberField({ min: 0, max: Number.MAX_VALUE, exclusiveMin: true });
const NAMES = listField({ ...TEXT_FIELD, expected: "a name" });

/** Every {@link RankOptions} field: what it accepts, its fixed default and the note echoed when taken. */
export const RANK_OPTIONS: OptionTable<RankOptions> = {
  ...ENGINE_OPTIONS,
  workload: {
    field: choiceField(WORKLOAD_IDS),
    default: DEFAULT_RANK_OPTIONS.workload,
    note: () => "workload: default realtime",
  },
  gpuMemoryUtilization: {
    field: FRACTION,
    default: DEFAULT_RANK_OPTIONS.gpuMemoryUtilization,
    note: () =>
      "gpuMemoryUtilization: default 0.92 (current vLLM's --gpu-memory-utilization; releases through v0.10 used 0.9)",
  },
  computeEfficiency: {
    field: FRACTION,
    default: DEFAULT_RANK_OPTIONS.computeEfficiency,
    note: () => "computeEfficiency: default 0.5 of the dense tensor rate for prefill",
  },
  bandwidthEfficiency: {
    field: FRACTION,
    default: DEFAULT_RANK_OPTIONS.bandwidthEfficiency,
    note: () => "bandwidthEfficiency: default 0.7 of the memory bandwidth for decode",
  },
  promptTokens: { field: integerField() },
  maxTtftMs: { field: POSITIVE },
  minTokensPerSecond: { field: POSITIVE },
  maxUsdPerHour: { field: POSITIVE },
  families: { field: NAMES },
  clouds: { field: NAMES },
  spot: { field: BOOLEAN_FIELD },
  top: { field: integerField() },
};

/**
 * Applies {@link RANK_OPTIONS} field by field and checks every value. `contextLength` is the
 * estimate's, for the prompt-token default.
 *
 * @throws {InvalidOptionError} for a value out of range or an unknown workload.
 */
export function resolveRankOptions(options: RankOptions, contextLength: number): RankAssumptions {
  const notes: string[] = [];
  const read = <Key extends keyof RankOptions>(key: Key) =>
    readOption(RANK_OPTIONS, options, key, notes);

  const workload = read("workload") ?? DEFAULT_RANK_OPTIONS.workload;
  const engineVersion = read("engineVersion") ?? "latest";
  // vLLM through v0.10 defaulted to 0.9; the table's 0.92 is today's default.
  const olderVllm =
    options.gpuMemoryUtilization === undefined &&
    engineVersion !== "latest" &&
    !atLeast(parseEngineRelease("vllm", engineVersion), 0, 11);
  const gpuMemoryUtilization = olderVllm
    ? 0.9
    : (read("gpuMemoryUtilization") ?? DEFAULT_RANK_OPTIONS.gpuMemoryUtilization);
  if (olderVllm) {
    notes.push(`gpuMemoryUtilization: default 0.9 (vLLM ${engineVersion}'s)`);
  }
  const computeEfficiency = read("computeEfficiency") ?? DEFAULT_RANK_OPTIONS.computeEfficiency;
  const bandwidthEfficiency =
    read("bandwidthEfficiency") ?? DEFAULT_RANK_OPTIONS.bandwidthEfficiency;
  const defaultPrompt =
    contextLength - Math.min(DEFAULT_RANK_OPTIONS.maxOutputTokens, Math.floor(contextLength / 2));
  const promptTokens = read("promptTokens") ?? defaultPrompt;
  if (options.promptTokens === undefined) {
    notes.push(
      `promptTokens: default ${defaultPrompt} (the context less ${contextLength - defaultPrompt} output tokens)`,
    );
  } else if (promptTokens > contextLength) {
    throw new InvalidOptionError(
      "promptTokens",
      `expected a whole number from 1 to the context length ${contextLength}, got ${promptTokens}`,
    );
  }
  let maxTtftMs = read("maxTtftMs") ?? null;
  if (maxTtftMs === null && workload === "realtime") {
    maxTtftMs = DEFAULT_RANK_OPTIONS.realtimeTtftMs;
    notes.push(`maxTtftMs: default ${maxTtftMs} ms target for realtime`);
  }
  const spot = read("spot") ?? workload === "training";
  if (options.spot === undefined) {
    notes.push(
      workload === "training"
        ? "spot: default spot prices for training (checkpoint so an interruption is cheap)"
        : "spot: default on-demand prices",
    );
  }

  return {
    workload,
    gpuMemoryUtilization,
    gpuMemoryUtilizationGiven: options.gpuMemoryUtilization !== undefined,
    engineVersion,
    maxNumSeqs: read("maxNumSeqs") ?? null,
    enforceEager: read("enforceEager") ?? false,
    blockSize: read("blockSize") ?? null,
    computeEfficiency,
    bandwidthEfficiency,
    promptTokens,
    maxTtftMs,
    minTokensPerSecond: read("minTokensPerSecond") ?? null,
    maxUsdPerHour: read("maxUsdPerHour") ?? null,
    families: (read("families") ?? []).map((name) => name.trim().toLowerCase()),
    clouds: (read("clouds") ?? []).map((name) => name.trim().toLowerCase()),
    spot,
    top: read("top") ?? null,
    notes,
  };
}

/**
 * The `top` option checked: `null` for every row.
 *
 * @throws {InvalidOptionError} unless it is a positive whole number or undefined.
 */
export function resolveTop(top: number | undefined): number | null {
  return readOption(RANK_OPTIONS, { top }, "top") ?? null;
}
