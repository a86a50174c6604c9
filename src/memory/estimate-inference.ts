import type { ModelSource, ParameterSource } from "../model/model-source.js";
import type { ModelSpec } from "../model/model-spec.js";
import { activeParameters } from "../model/features/moe.js";
import type { ParameterBreakdown } from "../model/parameter-breakdown.js";
import { countParameters } from "../model/parameters.js";
import { checkKnownOptions } from "../options/option-fields.js";
import { sizeFromCheckpoint } from "./checkpoint.js";
import {
  INFERENCE_OPTIONS,
  resolveInferenceOptions,
  type InferenceAssumptions,
  type InferenceOptions,
} from "./inference-options.js";
import { kvCacheBytes, kvCacheBytesPerToken } from "./kv-cache.js";
import { overheadBytes } from "./overhead.js";
import { KV_CACHE_BITS, WEIGHT_PRECISIONS } from "./precision.js";
import { checkpointWeightsBytes } from "./quantized-weights.js";
import { stateCacheBytes } from "./state-cache.js";
import { LATEST_KNOWN_RELEASE } from "./serving/engine-version.js";
import { enginePerGpu, type EnginePerGpu } from "./serving/serving-fit.js";
import { servingModelFromSpec } from "./serving/serving-model.js";
import { weightsBytes } from "./weights.js";

/** The memory an inference deployment needs, in bytes. `totalBytes` is the sum of the other parts. */
export interface InferenceMemory {
  /** Model weights at the chosen precision. */
  readonly weightsBytes: number;
  /** KV cache for `batchSize` sequences of `contextLength` tokens. */
  readonly kvCacheBytes: number;
  /** KV cache of one token of one sequence, every attention layer counted at full size. */
  readonly kvCacheBytesPerToken: number;
  /** Constant per-sequence state of Mamba / linear-attention layers, for the whole batch (0 for pure transformers). */
  readonly stateCacheBytes: number;
  /** Framework reserve (a fraction of the weights). */
  readonly overheadBytes: number;
  /** weights + KV cache + state cache + overhead: the headline rule of thumb ({@link InferenceMemory.headline}). */
  readonly totalBytes: number;
  /** What `totalBytes` is, in words: the one-number rule of thumb, not an engine's accounting. */
  readonly headline: string;
  /**
   * The same deployment sized the way the serving engine sizes itself on one GPU (TP 1, a
   * reference 80 GiB data-center GPU, newest rules, `max_num_seqs` = the batch): weights as
   * loaded, the profile run's activation peak, non-torch and CUDA-graph memory, the batch's KV
   * blocks. The GPU rankings, plans and checks use this budget per GPU; `fitOnGpuFromSpec` gives it
   * for a real card (docs/methodology.md#serving-fit).
   */
  readonly perGpu: EnginePerGpu;
}

/** An inference memory estimate: the breakdown, the parameter count and every assumption behind them. */
export interface InferenceEstimate {
  /** What this is: a serving (inference) memory estimate. */
  readonly kind: "inference";
  /** Which model, and where its config came from. */
  readonly model: {
    readonly id: string | undefined;
    readonly architecture: string | undefined;
    readonly modelType: string | undefined;
    readonly source: ModelSource;
  };
  /** The normalized model the numbers were computed from. */
  readonly spec: ModelSpec;
  /** Parameter count used, where it came from, and the count by component from the config. */
  readonly parameters: {
    readonly total: number;
    /** Parameters each token runs through: the total for dense models, fewer for MoE. Decides FLOPs, never memory. */
    readonly active: number;
    readonly source: ParameterSource;
    /** Counted from the config; its total differs from `total` when the count came from elsewhere. */
    readonly breakdown: ParameterBreakdown;
  };
  /** The memory breakdown in bytes. */
  readonly memory: InferenceMemory;
  /** The options used, with a note for each default applied. */
  readonly assumptions: InferenceAssumptions;
  /** Things the reader should know: guesses in the spec, a context past the model's limit. */
  readonly warnings: readonly string[];
}

/**
 * Estimates inference memory for a model spec, purely (no I/O): weights at the chosen
 * precision + KV cache + framework overhead. See docs/methodology.md.
 *
 * @throws {InvalidOptionError} for options vramfit cannot use.
 * @example
 * const estimate = estimateInferenceFromSpec(spec, { contextLength: 4096, batchSize: 8 });
 * estimate.memory.totalBytes // ≈ 168.7e9 for Llama-3-70B at BF16
 */
export function estimateInferenceFromSpec(
  spec: ModelSpec,
  options: InferenceOptions = {},
): InferenceEstimate {
  checkKnownOptions(options, [INFERENCE_OPTIONS], "estimateInferenceFromSpec");
  const assumptions = resolveInferenceOptions(spec, options);
  const breakdown = countParameters(spec);
  // Weights as config.json implies them: at the chosen precision, or as a pre-quantized
  // checkpoint's quantization_config stores them.
  const quantization = assumptions.checkpointQuantization;
  const configWeightsBytes =
    quantization === undefined
      ? weightsBytes(breakdown, assumptions.weights)
      : checkpointWeightsBytes(
          breakdown,
          quantization,
          WEIGHT_PRECISIONS[assumptions.weights].otherBitsPerParameter,
        );
  // Facts from the stored weights (Hub safetensors headers) win over the config's count.
  const checkpoint = sizeFromCheckpoint(
    configWeightsBytes,
    breakdown,
    assumptions.parameterCount,
    options.weights,
    options.checkpoint,
  );
  const total = checkpoint?.parameterCount ?? assumptions.parameterCount ?? breakdown.total;

  // An override scales every component in proportion, keeping the embedding share.
  const weights = checkpoint?.weightsBytes ?? configWeightsBytes * (total / breakdown.total);
  const kvPerToken = kvCacheBytesPerToken(spec, assumptions.kvCacheDtype, assumptions.engine);
  const kv = kvCacheBytes(spec, { ...assumptions, contextLength: assumptions.sequenceLength });
  const state = stateCacheBytes(spec, {
    batchSize: assumptions.batchSize,
    activationBytes: assumptions.weights === "fp32" ? 4 : 2,
  });
  const overhead = overheadBytes(weights, assumptions.overheadFraction);
  const servingEngine = assumptions.engine === "sglang" ? "sglang" : "vllm";
  const perGpu = enginePerGpu(
    servingModelFromSpec(spec, {
      weightsBytes: Math.ceil(weights),
      activationBytes: assumptions.weights === "fp32" ? 4 : 2,
      breakdown,
    }),
    {
      engine: servingEngine,
      release: LATEST_KNOWN_RELEASE[servingEngine],
      contextLength: assumptions.sequenceLength,
      batchSize: assumptions.batchSize,
      kvBytesPerValue: KV_CACHE_BITS[assumptions.kvCacheDtype] / 8,
      gpuMemoryUtilization: null,
      maxNumBatchedTokens: assumptions.maxNumBatchedTokensGiven
        ? assumptions.maxNumBatchedTokens
        : null,
      maxNumSeqs: assumptions.batchSize,
      enforceEager: false,
      blockSize: null,
    },
  );

  const warnings = [...spec.approximations];
  if (
    spec.maxPositionEmbeddings !== undefined &&
    assumptions.sequenceLength > spec.maxPositionEmbeddings
  ) {
    warnings.push(
      `context ${assumptions.sequenceLength} tokens exceeds the model's max_position_embeddings (${spec.maxPositionEmbeddings})`,
    );
  }
  if (spec.encoderOnly === true) {
    warnings.push(
      "encoder-only model: no KV cache; one forward pass's activations are in the overhead",
    );
  }

  return {
    kind: "inference",
    model: {
      id: undefined,
      architecture: spec.architecture,
      modelType: spec.modelType,
      source: { kind: "spec" },
    },
    spec,
    parameters: {
      total,
      active: activeParameters(spec, breakdown) * (total / breakdown.total),
      source:
        checkpoint?.parameterSource ??
        (assumptions.parameterCount === undefined ? "config" : "override"),
      breakdown,
    },
    memory: {
      weightsBytes: weights,
      kvCacheBytes: kv,
      kvCacheBytesPerToken: kvPerToken,
      stateCacheBytes: state,
      overheadBytes: overhead,
      totalBytes: weights + kv + state + overhead,
      headline: `weights + KV cache${state > 0 ? " + state" : ""} + overhead at ${+(assumptions.overheadFraction * 100).toFixed(2)} % of the weights: the one-number rule of thumb (docs/methodology.md#overhead); perGpu is the engine's own budget`,
      perGpu,
    },
    assumptions:
      checkpoint === undefined
        ? assumptions
        : { ...assumptions, notes: [...assumptions.notes, ...checkpoint.notes] },
    warnings,
  };
}
