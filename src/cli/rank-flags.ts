import type { RankOptions } from "../hardware/rank-options.js";
import { WORKLOAD_IDS } from "../hardware/workloads.js";
import { parseChoice, parseCount, parseFraction } from "./args.js";
import { UsageError } from "./usage-error.js";

/** Flags of the GPU ranking, shared by `gpus` and `estimate --rank-gpus`. */
export const RANK_FLAGS = {
  workload: { type: "string" },
  "max-ttft": { type: "string" },
  "min-tps": { type: "string" },
  "max-price": { type: "string" },
  cloud: { type: "string" },
  family: { type: "string" },
  spot: { type: "boolean" },
  top: { type: "string" },
  catalog: { type: "string" },
  "gpu-util": { type: "string" },
  "engine-version": { type: "string" },
  "max-num-seqs": { type: "string" },
  "enforce-eager": { type: "boolean" },
  prompt: { type: "string" },
  mfu: { type: "string" },
  mbu: { type: "string" },
} as const;

/** Help lines for {@link RANK_FLAGS}. */
export const RANK_FLAGS_HELP = `  --workload W       ${WORKLOAD_IDS.join(" | ")} (default realtime): what the ranking weighs
  --max-ttft MS      time-to-first-token target in ms (default 350 for realtime)
  --min-tps N        slowest acceptable output, tokens/s
  --max-price USD    most $/hour acceptable
  --cloud C          aws | gcp | azure | lambda | runpod | ... (comma-separated for several)
  --family F         GPU family, vendor or architecture: h100,a100 | amd | hopper (comma-separated)
  --spot             rank on spot prices (default for --workload training)
  --top N            rows per table (default 10; --json prints every row unless given)
  --catalog FILE     your accelerators and instances (JSON), added to the built-in catalog
                     ({"mode": "replace"} in the file ranks over yours only)
  --gpu-util F       fraction of GPU memory the engine may use (default 0.92, vLLM's flag)
  --engine-version V serving-engine release whose memory rules size each GPU (default latest:
                     vLLM ≥ 0.21, SGLang ≥ 0.5.4); the fit uses the engine's budget, not --overhead
  --max-num-seqs N   vLLM's max_num_seqs (default: vLLM's for each GPU)
  --enforce-eager    no CUDA graphs (vLLM --enforce-eager)
  --prompt N         prompt tokens for the TTFT (default: context less up to 256 output tokens)
  --mfu F            prefill share of the dense tensor rate (default 0.5)
  --mbu F            decode share of the memory bandwidth (default 0.7)`;

/** Rows per text table when `--top` is not given. */
export const DEFAULT_TOP = 10;

/** The parsed {@link RANK_FLAGS}. */
export interface RankFlagValues {
  readonly workload?: string | undefined;
  readonly "max-ttft"?: string | undefined;
  readonly "min-tps"?: string | undefined;
  readonly "max-price"?: string | undefined;
  readonly cloud?: string | undefined;
  readonly family?: string | undefined;
  readonly spot?: boolean | undefined;
  readonly top?: string | undefined;
  readonly catalog?: string | undefined;
  readonly "gpu-util"?: string | undefined;
  readonly "engine-version"?: string | undefined;
  readonly "max-num-seqs"?: string | undefined;
  readonly "enforce-eager"?: boolean | undefined;
  readonly prompt?: string | undefined;
  readonly mfu?: string | undefined;
  readonly mbu?: string | undefined;
}

/** Turns the parsed {@link RANK_FLAGS} into {@link RankOptions}. @throws {UsageError} for bad values. */
export function rankOptionsFromFlags(values: RankFlagValues): RankOptions {
  const workload = values.workload;
  return {
    workload:
      workload === undefined ? undefined : parseChoice("--workload", workload, WORKLOAD_IDS),
    maxTtftMs: optionalNumber("--max-ttft", values["max-ttft"]),
    minTokensPerSecond: optionalNumber("--min-tps", values["min-tps"]),
    maxUsdPerHour: optionalNumber("--max-price", values["max-price"]),
    clouds: list(values.cloud),
    families: list(values.family),
    spot: values.spot,
    gpuMemoryUtilization:
      values["gpu-util"] === undefined
        ? undefined
        : positiveFraction("--gpu-util", values["gpu-util"]),
    engineVersion: values["engine-version"],
    maxNumSeqs:
      values["max-num-seqs"] === undefined
        ? undefined
        : parseCount("--max-num-seqs", values["max-num-seqs"]),
    enforceEager: values["enforce-eager"],
    promptTokens:
      values.prompt === undefined
        ? undefined
        : parseCount("--prompt", values.prompt, { allowK: true }),
    computeEfficiency: values.mfu === undefined ? undefined : positiveFraction("--mfu", values.mfu),
    bandwidthEfficiency:
      values.mbu === undefined ? undefined : positiveFraction("--mbu", values.mbu),
  };
}

/** Rows per table from `--top` (default 10). @throws {UsageError} for a bad value. */
export function topFromFlags(values: { readonly top?: string | undefined }): number {
  return values.top === undefined ? DEFAULT_TOP : parseCount("--top", values.top);
}

function list(value: string | undefined): readonly string[] | undefined {
  if (value === undefined) return undefined;
  const names = value
    .split(",")
    .map((name) => name.trim())
    .filter(Boolean);
  if (names.length === 0) throw new UsageError(`Expected comma-separated names, got "${value}".`);
  return names;
}

function optionalNumber(flag: string, value: string | undefined): number | undefined {
  if (value === undefined) return undefined;
  const number = Number(value.trim());
  if (value.trim() === "" || !Number.isFinite(number) || number <= 0) {
    throw new UsageError(`${flag} expects a positive number, got "${value}".`);
  }
  return number;
}

function positiveFraction(flag: string, value: string): number {
  const fraction = parseFraction(flag, value);
  if (fraction === 0) throw new UsageError(`${flag} expects a fraction above 0, got "${value}".`);
  return fraction;
}
