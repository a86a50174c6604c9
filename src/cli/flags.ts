import type { HubOptions } from "../io/hub-options.js";
import type { InferenceOptions } from "../memory/inference-options.js";
import { INFERENCE_ENGINE_IDS } from "../memory/engine.js";
import type { ImageSize } from "../model/features/vision/cache.js";
import { KV_CACHE_DTYPE_IDS, WEIGHT_PRECISION_IDS } from "../memory/precision.js";
import type { MemoryUnit } from "../units.js";
import { parseChoice, parseCount, parseFraction, parseParameterCount } from "./args.js";
import { progressPrinter } from "./progress.js";
import { UsageError } from "./usage-error.js";
import type { CliIo } from "./io.js";

/**
 * Flags shared by every command that takes a `<model>`, in node:util parseArgs form.
 * There is deliberately no `--token`: a command line lands in shell history and in every
 * user's `ps` listing. The token comes from HF_TOKEN or the `hf auth login` file.
 */
export const MODEL_FLAGS = {
  revision: { type: "string" },
  offline: { type: "boolean" },
  "hub-url": { type: "string" },
  timeout: { type: "string" },
  refresh: { type: "boolean" },
} as const;

/** Help lines for {@link MODEL_FLAGS}. */
export const MODEL_FLAGS_HELP = `  --revision R       branch, tag or commit of the Hub repo (default main)
  --offline          no network: vramfit's cache, then the Hugging Face cache, then the
                     bundled snapshot (also HF_HUB_OFFLINE=1)
  --hub-url URL      Hub endpoint (default HF_ENDPOINT, else https://huggingface.co)
  --timeout T        give up on the Hub after T seconds (30 or 500ms; default 30), every
                     request, retry and wait included
  --refresh          ask the Hub where the branch is now, even if vramfit asked within the
                     last 10 minutes (a cached model is then read with no request)
                     Gated and private repos read the token from HF_TOKEN or the file
                     written by "hf auth login" (there is no --token flag: command lines
                     end up in shell history and process lists).`;

/** Turns the parsed {@link MODEL_FLAGS} (and the environment) into options for `resolveModel`. */
export function resolveOptionsFromFlags(
  values: Readonly<Record<string, string | boolean | undefined>>,
  io: CliIo,
): HubOptions {
  const revision = values.revision;
  const hubUrl = values["hub-url"];
  const timeout = values.timeout;
  return {
    revision: typeof revision === "string" ? revision : undefined,
    hubUrl: typeof hubUrl === "string" ? hubUrl : undefined,
    offline: values.offline === true ? true : undefined,
    timeoutMs: typeof timeout === "string" ? parseTimeout("--timeout", timeout) : undefined,
    branchMaxAgeMs: values.refresh === true ? 0 : undefined,
    env: io.env,
    onProgress: progressPrinter(io, values.json === true),
  };
}

/**
 * Parses a duration in seconds (`30`, `2.5`, `30s`) or milliseconds (`500ms`) into whole
 * milliseconds. @throws {UsageError} for anything else, or more than a day.
 */
function parseTimeout(flag: string, value: string): number {
  const match = /^(\d+(?:\.\d+)?)\s*(ms|s)?$/.exec(value.trim());
  const ms = match === null ? Number.NaN : Number(match[1]) * (match[2] === "ms" ? 1 : 1000);
  if (!(ms >= 1 && ms <= 86_400_000)) {
    throw new UsageError(`${flag} expects seconds such as 30 or 2.5, or 500ms, got "${value}".`);
  }
  return Math.round(ms);
}

/** Workload and precision flags shared by `estimate`, `gpus` and `plan`. */
export const INFERENCE_FLAGS = {
  context: { type: "string" },
  batch: { type: "string" },
  weights: { type: "string" },
  "kv-dtype": { type: "string" },
  overhead: { type: "string" },
  params: { type: "string" },
  // Architectures: whose KV accounting, and images per request.
  engine: { type: "string" },
  images: { type: "string" },
  "image-size": { type: "string" },
} as const;

/** Help lines for {@link INFERENCE_FLAGS}. */
export const INFERENCE_FLAGS_HELP = `  --context N        tokens per sequence, prompt + output (4096 or 4k; default 4096,
                     capped at the model's max_position_embeddings)
  --batch N          concurrent sequences (default 1)
  --weights P        auto | ${WEIGHT_PRECISION_IDS.join(" | ")}
                     (default auto: the checkpoint's dtype)
  --kv-dtype D       auto | ${KV_CACHE_DTYPE_IDS.join(" | ")} (default auto: the compute dtype)
  --overhead F       framework reserve as a fraction of the weights, 0-1 or 12% (default 0.12)
  --params N         parameter count to use instead of the config's (70e9, 70B)
  --engine E         ${INFERENCE_ENGINE_IDS.join(" | ")}: whose KV accounting of sliding-window
                     and MLA layers to reproduce (default vllm)
  --images N         images per request; their tokens join each sequence (default 0)
  --image-size WxH   image size in pixels, for Qwen2-VL and Llama-4 (default 1024x1024)`;

/** Turns the parsed {@link INFERENCE_FLAGS} into {@link InferenceOptions}. @throws {UsageError} for bad values. */
export function inferenceOptionsFromFlags(values: {
  readonly context?: string | undefined;
  readonly batch?: string | undefined;
  readonly weights?: string | undefined;
  readonly "kv-dtype"?: string | undefined;
  readonly overhead?: string | undefined;
  readonly params?: string | undefined;
  readonly engine?: string | undefined;
  readonly images?: string | undefined;
  readonly "image-size"?: string | undefined;
}): InferenceOptions {
  const kvDtype = values["kv-dtype"];
  const imageSize = values["image-size"];
  return {
    contextLength:
      values.context === undefined
        ? undefined
        : parseCount("--context", values.context, { allowK: true }),
    batchSize: values.batch === undefined ? undefined : parseCount("--batch", values.batch),
    weights:
      values.weights === undefined
        ? undefined
        : parseChoice("--weights", values.weights, ["auto", ...WEIGHT_PRECISION_IDS]),
    kvCacheDtype:
      kvDtype === undefined
        ? undefined
        : parseChoice("--kv-dtype", kvDtype, ["auto", ...KV_CACHE_DTYPE_IDS]),
    overheadFraction:
      values.overhead === undefined ? undefined : parseFraction("--overhead", values.overhead),
    parameterCount:
      values.params === undefined ? undefined : parseParameterCount("--params", values.params),
    engine:
      values.engine === undefined
        ? undefined
        : parseChoice("--engine", values.engine, INFERENCE_ENGINE_IDS),
    imagesPerRequest:
      values.images === undefined ? undefined : parseImageCount("--images", values.images),
    imageSize: imageSize === undefined ? undefined : parseImageSize("--image-size", imageSize),
  };
}

/** Parses an image count; 0 is allowed (text only). @throws {UsageError} for anything else. */
function parseImageCount(flag: string, value: string): number {
  return value.trim() === "0" ? 0 : parseCount(flag, value);
}

/** Parses `WIDTHxHEIGHT` pixels, e.g. `1024x768`. @throws {UsageError} for anything else. */
function parseImageSize(flag: string, value: string): ImageSize {
  const match = /^(\d+)[xX×](\d+)$/.exec(value.trim());
  const width = Number(match?.[1]);
  const height = Number(match?.[2]);
  if (match === null || !(width > 0) || !(height > 0)) {
    throw new UsageError(
      `${flag} expects WIDTHxHEIGHT in pixels such as 1024x768, got "${value}".`,
    );
  }
  return { width, height };
}

/** Output flags shared by every command. */
export const OUTPUT_FLAGS = {
  units: { type: "string" },
  json: { type: "boolean" },
  help: { type: "boolean", short: "h" },
} as const;

/** Help lines for {@link OUTPUT_FLAGS}. */
export const OUTPUT_FLAGS_HELP = `  --units U          gb (10^9 bytes, default) | gib (2^30 bytes)
  --json             print the result as JSON (all sizes in bytes)
  -h, --help         show this help`;

/** The memory unit chosen with --units. @throws {UsageError} for anything but gb or gib. */
export function unitFromFlags(values: { readonly units?: string | undefined }): MemoryUnit {
  return values.units === undefined ? "gb" : parseChoice("--units", values.units, ["gb", "gib"]);
}
