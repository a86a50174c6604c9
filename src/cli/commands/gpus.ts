import { resolve } from "node:path";
import { parseArgs } from "node:util";
import { estimateInference } from "../../api/estimate-inference.js";
import { checkedCatalog } from "../../api/rank-gpus.js";
import { DEFAULT_CATALOG, mergeCatalogs, type GpuCatalog } from "../../gpus/catalog.js";
import { rankGpusForEstimate } from "../../gpus/rank-gpus.js";
import { rankInstancesForEstimate } from "../../gpus/rank-instances.js";
import type { RankOptions } from "../../gpus/rank-options.js";
import { WORKLOAD_IDS } from "../../gpus/workloads.js";
import { readCatalogFile } from "../../local/read-catalog-file.js";
import type { InferenceEstimate } from "../../memory/estimate-inference.js";
import { gibToBytes, type MemoryUnit } from "../../units.js";
import { parseChoice, parseCount, parseFraction } from "../args.js";
import type { Command } from "../command.js";
import {
  INFERENCE_FLAGS,
  INFERENCE_FLAGS_HELP,
  inferenceOptionsFromFlags,
  MODEL_FLAGS,
  MODEL_FLAGS_HELP,
  OUTPUT_FLAGS,
  OUTPUT_FLAGS_HELP,
  resolveOptionsFromFlags,
  unitFromFlags,
} from "../flags.js";
import type { CliIo } from "../io.js";
import { renderGpusReport } from "../render/gpus.js";
import { UsageError } from "../usage-error.js";
import { resolveModelArgument } from "./model-argument.js";

/** Flags of the GPU ranking, shared by `gpus` and `estimate --gpus`. */
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
  "runtime-overhead": { type: "string" },
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
  --gpu-util F       fraction of GPU memory the engine may use (default 0.9, vLLM's flag)
  --runtime-overhead GIB  per-GPU reserve for CUDA context and activations (default 1.5 GiB);
                     the fit uses it instead of --overhead
  --prompt N         prompt tokens for the TTFT (default: context less up to 256 output tokens)
  --mfu F            prefill share of the dense tensor rate (default 0.5)
  --mbu F            decode share of the memory bandwidth (default 0.7)`;

const HELP = `Usage: vramfit gpus <model> [options]

Ranks GPUs and cloud instances for serving <model>: whether it fits each accelerator and at which
tensor-parallel degree, the per-GPU memory, time to first token, decode speed, and the cheapest
known price with its date and source.

<model>  a Hub repo id (e.g. meta-llama/Meta-Llama-3-70B), a path to a config.json,
         or a folder holding one.

Options:
${[INFERENCE_FLAGS_HELP, RANK_FLAGS_HELP, MODEL_FLAGS_HELP, OUTPUT_FLAGS_HELP].filter(Boolean).join("\n")}

Examples:
  vramfit gpus meta-llama/Meta-Llama-3-70B --context 4k --batch 8
  vramfit gpus meta-llama/Meta-Llama-3-70B --weights int4 --workload batch --cloud aws --spot
`;

/** Rows per text table when `--top` is not given. */
const DEFAULT_TOP = 10;

const OPTIONS = { ...INFERENCE_FLAGS, ...RANK_FLAGS, ...MODEL_FLAGS, ...OUTPUT_FLAGS } as const;

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
  readonly "runtime-overhead"?: string | undefined;
  readonly prompt?: string | undefined;
  readonly mfu?: string | undefined;
  readonly mbu?: string | undefined;
}

/** `vramfit gpus`: ranked GPU and instance matches. */
export const gpusCommand: Command = {
  name: "gpus",
  summary: "GPUs and cloud instances that fit a model, with TP degree, speed and price",
  help: HELP,
  async run(argv, io) {
    const { values, positionals } = parseArgs({
      args: [...argv],
      options: OPTIONS,
      allowPositionals: true,
    });
    if (values.help === true) {
      io.stdout(HELP);
      return 0;
    }
    const [model, extra] = positionals;
    if (model === undefined) {
      throw new UsageError("gpus needs a model: a repo id, a config.json or a folder.");
    }
    if (extra !== undefined) throw new UsageError(`Unexpected argument "${extra}".`);

    const rankOptions = rankOptionsFromFlags(values);
    const catalog = await catalogFromFlag(values.catalog, io);
    const estimate = await estimateInference(resolveModelArgument(model, io), {
      ...inferenceOptionsFromFlags(values),
      ...resolveOptionsFromFlags(values, io),
    });
    io.stdout(
      renderRanking(estimate, rankOptions, catalog, {
        json: values.json === true,
        unit: unitFromFlags(values),
        top: values.top === undefined ? null : topFromFlags(values),
        details: 3,
      }),
    );
    return 0;
  },
};

/**
 * Ranks GPUs and instances for an estimate and renders them (text or JSON). Shared with
 * `vramfit estimate --gpus`.
 */
export function renderRanking(
  estimate: InferenceEstimate,
  options: RankOptions,
  catalog: GpuCatalog,
  output: {
    readonly json: boolean;
    readonly unit: MemoryUnit;
    /** Rows per table; `null`: every row in JSON, 10 in text. */
    readonly top: number | null;
    readonly details: number;
  },
): string {
  if (output.json) {
    // JSON keeps the first --top rows of each table; text prints them and says how many there were.
    const top = output.top ?? undefined;
    const gpus = rankGpusForEstimate(estimate, { ...options, catalog, top });
    const instances = rankInstancesForEstimate(estimate, { ...options, catalog, top });
    return `${JSON.stringify({ gpus, instances }, null, 2)}\n`;
  }
  const gpus = rankGpusForEstimate(estimate, { ...options, catalog });
  const instances = rankInstancesForEstimate(estimate, { ...options, catalog });
  return renderGpusReport({
    gpus,
    instances,
    top: output.top ?? DEFAULT_TOP,
    unit: output.unit,
    details: output.details,
  });
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
    runtimeOverheadBytesPerGpu:
      values["runtime-overhead"] === undefined
        ? undefined
        : gibToBytes(nonNegativeNumber("--runtime-overhead", values["runtime-overhead"])),
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

/**
 * The catalog to rank over: the built-in one, plus the `--catalog` file when given.
 *
 * @throws {VramfitError} `CATALOG_INVALID` for a file that cannot be used.
 */
export async function catalogFromFlag(path: string | undefined, io: CliIo): Promise<GpuCatalog> {
  if (path === undefined) return DEFAULT_CATALOG;
  const file = resolve(io.cwd, path);
  const parsed = await readCatalogFile(file);
  return checkedCatalog(mergeCatalogs(DEFAULT_CATALOG, parsed, parsed.mode), `catalog ${file}`);
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

function nonNegativeNumber(flag: string, value: string): number {
  const number = Number(value.trim());
  if (value.trim() === "" || !Number.isFinite(number) || number < 0) {
    throw new UsageError(`${flag} expects a number of GiB, 0 or more, got "${value}".`);
  }
  return number;
}

function positiveFraction(flag: string, value: string): number {
  const fraction = parseFraction(flag, value);
  if (fraction === 0) throw new UsageError(`${flag} expects a fraction above 0, got "${value}".`);
  return fraction;
}
