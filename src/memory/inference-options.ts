import { AlreadyQuantizedError, InvalidOptionError } from "../errors.js";
import type { CheckpointQuantization, ModelSpec } from "../model/model-spec.js";
import type { CheckpointFacts } from "./checkpoint.js";
import {
  anyField,
  choiceField,
  integerField,
  numberField,
  readOption,
  type OptionTable,
} from "../options/option-fields.js";
import { INFERENCE_ENGINE_IDS, INFERENCE_ENGINES, type InferenceEngine } from "./engine.js";
import { imageTokensPerImage, type ImageSize } from "../model/features/vision/cache.js";
import { DEFAULT_MAX_NUM_BATCHED_TOKENS } from "./kv-cache.js";
import {
  KV_CACHE_DTYPE_IDS,
  WEIGHT_PRECISION_IDS,
  type KvCacheDtype,
  type WeightPrecision,
} from "./precision.js";

/** Workload and precision knobs of an inference estimate. Every field is optional. */
export interface InferenceOptions {
  /**
   * Tokens per sequence (prompt + generated) the KV cache must hold.
   * @default 4096, or the model's `max_position_embeddings` when that is smaller
   */
  readonly contextLength?: number | undefined;
  /**
   * Concurrent sequences (vLLM's `max_num_seqs` at full length).
   * @default 1
   */
  readonly batchSize?: number | undefined;
  /**
   * Weight precision. `"auto"` follows the checkpoint's `torch_dtype` the way vLLM's
   * `--dtype auto` does (float32 checkpoints are served in 16-bit).
   * @default "auto"
   */
  readonly weights?: WeightPrecision | "auto" | undefined;
  /**
   * KV cache element type. `"auto"` uses the model's 16-bit compute dtype (FP32 only for FP32 weights).
   * @default "auto"
   */
  readonly kvCacheDtype?: KvCacheDtype | "auto" | undefined;
  /**
   * Framework reserve as a fraction of the weights, from 0 to 1.
   * @default 0.12
   */
  readonly overheadFraction?: number | undefined;
  /**
   * Total parameter count to use instead of the one counted from the config
   * (e.g. `70e9` to reproduce a back-of-envelope figure). Components scale in proportion.
   */
  readonly parameterCount?: number | undefined;
  /**
   * Whose KV-cache accounting to reproduce: `"vllm"` (sliding and chunked layers reserve
   * `window − 1 + maxNumBatchedTokens` tokens, MLA caches its latent), `"llamacpp"` (sliding
   * layers capped at the window), `"transformers"` (capped at the window; MLA decompressed).
   * See docs/methodology.md#engines.
   * @default "vllm"
   */
  readonly engine?: InferenceEngine | undefined;
  /**
   * vLLM's `max_num_batched_tokens`, which decides how far past its window a sliding layer
   * reserves. Used by the `"vllm"` engine only.
   * @default 8192
   */
  readonly maxNumBatchedTokens?: number | undefined;
  /**
   * Images in each sequence. Their tokens (576 per image for LLaVA-1.5, 256 for Gemma-3,
   * size-dependent for Qwen2-VL and Llama-4) are added to `contextLength` before the KV
   * cache is sized. Only for models with a vision encoder.
   * @default 0
   */
  readonly imagesPerRequest?: number | undefined;
  /**
   * Size of each image in pixels, for models whose token count depends on it (Qwen2-VL,
   * Qwen2.5-VL, Llama-4).
   * @default { width: 1024, height: 1024 }
   */
  readonly imageSize?: ImageSize | undefined;
  /**
   * Facts read from the checkpoint's stored weights (safetensors headers or the Hub's
   * summary): the exact parameter count and stored bytes. `estimateInference` fills it for
   * Hub models. With `weights: "auto"` the weights are the stored bytes; with a precision,
   * the checkpoint's count at that precision; `parameterCount` overrides it.
   */
  readonly checkpoint?: CheckpointFacts | undefined;
}

/**
 * Every {@link InferenceOptions} field: what it accepts, its fixed default and the note echoed
 * in `assumptions.notes` when the default is taken. Defaults that depend on the model
 * (`contextLength`, `weights: "auto"`, `kvCacheDtype: "auto"`) are worked out in
 * {@link resolveInferenceOptions}.
 */
export const INFERENCE_OPTIONS: OptionTable<InferenceOptions> = {
  contextLength: { field: integerField() },
  batchSize: { field: integerField(), default: 1, note: (value) => `batchSize: default ${value}` },
  weights: {
    field: {
      ...choiceField(["auto", ...WEIGHT_PRECISION_IDS]),
      hint: "Leave it at auto to follow the checkpoint.",
    },
    default: "auto",
  },
  kvCacheDtype: { field: choiceField(["auto", ...KV_CACHE_DTYPE_IDS]), default: "auto" },
  overheadFraction: {
    field: numberField({ min: 0, max: 1, hint: "Pass 0.12 for a 12 % reserve." }),
    default: 0.12, // docs/methodology.md#overhead: the seed's headline rule, 10-15 % of the weights
    note: (value) => `overheadFraction: default ${value} of the weights`,
  },
  parameterCount: { field: numberField({ min: 0, max: Number.MAX_VALUE, exclusiveMin: true }) },
  engine: { field: choiceField(INFERENCE_ENGINE_IDS), default: "vllm" },
  maxNumBatchedTokens: { field: integerField(), default: DEFAULT_MAX_NUM_BATCHED_TOKENS },
  imagesPerRequest: { field: integerField(0), default: 0 },
  imageSize: {
    field: {
      expected: "{ width, height } in positive whole pixels",
      accepts: (value): value is ImageSize =>
        typeof value === "object" &&
        value !== null &&
        integerField().accepts((value as ImageSize).width) &&
        integerField().accepts((value as ImageSize).height),
    },
    default: { width: 1024, height: 1024 },
  },
  checkpoint: { field: anyField<CheckpointFacts>("checkpoint facts") },
};

/** Defaults of {@link InferenceOptions} (the model-independent ones), from {@link INFERENCE_OPTIONS}. */
export const DEFAULT_INFERENCE_OPTIONS = {
  contextLength: 4096,
  batchSize: 1,
  weights: "auto",
  kvCacheDtype: "auto",
  overheadFraction: 0.12,
  engine: "vllm",
  maxNumBatchedTokens: DEFAULT_MAX_NUM_BATCHED_TOKENS,
  imagesPerRequest: 0,
  imageSize: { width: 1024, height: 1024 },
} as const;

/** The options an estimate actually used, echoed in its result so every number explains itself. */
export interface InferenceAssumptions {
  /** Tokens per sequence. */
  readonly contextLength: number;
  /** Concurrent sequences. */
  readonly batchSize: number;
  /** Weight precision used. */
  readonly weights: WeightPrecision;
  /** KV cache element type used. */
  readonly kvCacheDtype: KvCacheDtype;
  /** Framework reserve as a fraction of the weights. */
  readonly overheadFraction: number;
  /** Parameter count override, when one was given. */
  readonly parameterCount: number | undefined;
  /** Whose KV-cache accounting was reproduced. */
  readonly engine: InferenceEngine;
  /** vLLM's `max_num_batched_tokens` used for sliding and chunked layers. */
  readonly maxNumBatchedTokens: number;
  /**
   * Whether `maxNumBatchedTokens` was given; when it was not, a per-GPU fit uses the engine's own
   * default for each GPU (vLLM V1: 8,192 on a GPU of 70 GiB or more, 2,048 below).
   */
  readonly maxNumBatchedTokensGiven: boolean;
  /** Images in each sequence. */
  readonly imagesPerRequest: number;
  /** Image size used to count image tokens. */
  readonly imageSize: ImageSize;
  /** Tokens the images add to each sequence: `imagesPerRequest × tokens per image`. */
  readonly imageTokensPerSequence: number;
  /** Tokens each sequence holds in the KV cache: `contextLength + imageTokensPerSequence`. */
  readonly sequenceLength: number;
  /** How the checkpoint's weights are stored, when it is pre-quantized (then `weights` sizes the rest). */
  readonly checkpointQuantization: CheckpointQuantization | undefined;
  /** One line for every value that was defaulted or derived rather than given. */
  readonly notes: readonly string[];
}

/**
 * Applies {@link DEFAULT_INFERENCE_OPTIONS} field by field and checks every value.
 *
 * @throws {InvalidOptionError} for a non-positive or non-integer count, an unknown
 * precision or dtype, or an overhead outside 0–1.
 */
export function resolveInferenceOptions(
  spec: ModelSpec,
  options: InferenceOptions = {},
): InferenceAssumptions {
  const notes: string[] = [];
  const read = <Key extends keyof InferenceOptions>(key: Key, withNote = true) =>
    readOption(INFERENCE_OPTIONS, options, key, withNote ? notes : undefined);

  const defaultContext = Math.min(
    DEFAULT_INFERENCE_OPTIONS.contextLength,
    spec.maxPositionEmbeddings ?? Number.POSITIVE_INFINITY,
  );
  const contextLength = read("contextLength") ?? defaultContext;
  if (options.contextLength === undefined)
    notes.push(`contextLength: default ${contextLength} tokens`);

  const batchSize = read("batchSize") ?? DEFAULT_INFERENCE_OPTIONS.batchSize;

  const weightsOption = read("weights") ?? "auto";
  const checkpointQuantization = spec.quantization;
  if (checkpointQuantization !== undefined && weightsOption !== "auto") {
    throw new AlreadyQuantizedError(
      checkpointQuantization.method,
      weightsOption,
      checkpointQuantization.label ?? checkpointQuantization.method,
    );
  }
  const weights = weightsOption === "auto" ? autoWeights(spec, notes) : weightsOption;
  if (checkpointQuantization !== undefined) {
    notes.push(
      `weights: stored as ${checkpointQuantization.label ?? checkpointQuantization.method} (quantization_config); the unquantized rest at ${weights}`,
    );
  }

  const kvOption = read("kvCacheDtype") ?? "auto";
  const kvCacheDtype = kvOption === "auto" ? autoKvCacheDtype(spec, weights, notes) : kvOption;

  const overheadFraction = read("overheadFraction") ?? DEFAULT_INFERENCE_OPTIONS.overheadFraction;
  const parameterCount = read("parameterCount");

  const engine = read("engine") ?? DEFAULT_INFERENCE_OPTIONS.engine;
  if (options.engine === undefined && hasWindowedOrLatentLayers(spec)) {
    notes.push(`engine: default vllm (${INFERENCE_ENGINES.vllm.rule})`);
  }

  const maxNumBatchedTokens =
    read("maxNumBatchedTokens") ?? DEFAULT_INFERENCE_OPTIONS.maxNumBatchedTokens;

  const imagesPerRequest = read("imagesPerRequest", false) ?? 0;
  if (imagesPerRequest > 0 && spec.vision === undefined) {
    throw new InvalidOptionError(
      "imagesPerRequest",
      `${imagesPerRequest} images asked of a model without a vision encoder vramfit knows`,
      { hint: "Leave imagesPerRequest at 0 for text-only models." },
    );
  }
  const imageSize = read("imageSize", false) ?? DEFAULT_INFERENCE_OPTIONS.imageSize;
  const tokensPerImage =
    spec.vision === undefined ? 0 : imageTokensPerImage(spec.vision, imageSize);
  const imageTokensPerSequence = imagesPerRequest * tokensPerImage;
  if (spec.vision !== undefined) {
    notes.push(
      imagesPerRequest === 0
        ? "imagesPerRequest: default 0 (text only; the vision encoder's weights are still counted)"
        : `images: ${imagesPerRequest} × ${tokensPerImage} tokens${spec.vision.imageTokens.kind === "fixed" ? "" : ` at ${imageSize.width}×${imageSize.height} px`} = ${imageTokensPerSequence} tokens added to each sequence`,
    );
  }

  return {
    contextLength,
    batchSize,
    weights,
    kvCacheDtype,
    overheadFraction,
    parameterCount,
    engine,
    maxNumBatchedTokens,
    maxNumBatchedTokensGiven: options.maxNumBatchedTokens !== undefined,
    imagesPerRequest,
    imageSize,
    imageTokensPerSequence,
    sequenceLength: contextLength + imageTokensPerSequence,
    checkpointQuantization,
    notes,
  };
}

/** Whether the engine choice changes this model's KV cache (sliding, chunked or MLA layers). */
function hasWindowedOrLatentLayers(spec: ModelSpec): boolean {
  const layers = spec.attentionLayers;
  return spec.mla !== undefined || (layers !== undefined && layers.sliding + layers.chunked > 0);
}

function autoWeights(spec: ModelSpec, notes: string[]): WeightPrecision {
  switch (spec.torchDtype) {
    case "bfloat16":
      notes.push("weights: auto → bf16 (torch_dtype bfloat16)");
      return "bf16";
    case "float16":
      notes.push("weights: auto → fp16 (torch_dtype float16)");
      return "fp16";
    case "float32":
      // vLLM's --dtype auto serves float32 checkpoints in 16-bit.
      notes.push(
        "weights: auto → bf16 (float32 checkpoint served in 16-bit, as vLLM --dtype auto does)",
      );
      return "bf16";
    case "float8":
      notes.push("weights: auto → fp8 (torch_dtype float8)");
      return "fp8";
    case "int8":
      notes.push("weights: auto → int8 (torch_dtype int8)");
      return "int8";
    case undefined:
      notes.push("weights: auto → bf16 (config.json declares no dtype)");
      return "bf16";
  }
}

function autoKvCacheDtype(
  spec: ModelSpec,
  weights: WeightPrecision,
  notes: string[],
): KvCacheDtype {
  const dtype: KvCacheDtype =
    weights === "fp32"
      ? "fp32"
      : weights === "fp16" || spec.torchDtype === "float16"
        ? "fp16"
        : "bf16";
  notes.push(`kvCacheDtype: auto → ${dtype} (the model's compute dtype)`);
  return dtype;
}
