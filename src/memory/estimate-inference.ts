import type { ModelSource, ParameterSource } from "../model/model-source.js";
import type { ModelSpec } from "../model/model-spec.js";
import { countParameters, type ParameterBreakdown } from "../model/parameters.js";
import { sizeFromCheckpoint } from "./checkpoint.js";
import {
  resolveInferenceOptions,
  type InferenceAssumptions,
  type InferenceOptions,
} from "./inference-options.js";
import { kvCacheBytes, kvCacheBytesPerToken } from "./kv-cache.js";
import { overheadBytes } from "./overhead.js";
import { weightsBytes } from "./weights.js";

/** The memory an inference deployment needs, in bytes. `totalBytes` is the sum of the other parts. */
export interface InferenceMemory {
  /** Model weights at the chosen precision. */
  readonly weightsBytes: number;
  /** KV cache for `batchSize` sequences of `contextLength` tokens. */
  readonly kvCacheBytes: number;
  /** KV cache of one token of one sequence. */
  readonly kvCacheBytesPerToken: number;
  /** Framework reserve (a fraction of the weights). */
  readonly overheadBytes: number;
  /** weights + KV cache + overhead. */
  readonly totalBytes: number;
}

/** An inference memory estimate: the breakdown, the parameter count and every assumption behind them. */
export interface InferenceEstimate {
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
  const assumptions = resolveInferenceOptions(spec, options);
  const breakdown = countParameters(spec);
  const checkpoint = sizeFromCheckpoint(
    breakdown,
    assumptions,
    options.weights,
    options.checkpoint,
  );
  const total = checkpoint?.parameterCount ?? assumptions.parameterCount ?? breakdown.total;

  // An override scales every component in proportion, keeping the embedding share.
  const weights =
    checkpoint?.weightsBytes ??
    weightsBytes(breakdown, assumptions.weights) * (total / breakdown.total);
  const kvPerToken = kvCacheBytesPerToken(spec, assumptions.kvCacheDtype);
  const kv = kvCacheBytes(spec, assumptions);
  const overhead = overheadBytes(weights, assumptions.overheadFraction);

  const warnings = [...spec.approximations];
  if (
    spec.maxPositionEmbeddings !== undefined &&
    assumptions.contextLength > spec.maxPositionEmbeddings
  ) {
    warnings.push(
      `context ${assumptions.contextLength} tokens exceeds the model's max_position_embeddings (${spec.maxPositionEmbeddings})`,
    );
  }

  return {
    model: {
      id: undefined,
      architecture: spec.architecture,
      modelType: spec.modelType,
      source: { kind: "spec" },
    },
    spec,
    parameters: {
      total,
      active: total,
      source:
        checkpoint?.parameterSource ??
        (assumptions.parameterCount === undefined ? "config" : "override"),
      breakdown,
    },
    memory: {
      weightsBytes: weights,
      kvCacheBytes: kv,
      kvCacheBytesPerToken: kvPerToken,
      overheadBytes: overhead,
      totalBytes: weights + kv + overhead,
    },
    assumptions:
      checkpoint === undefined
        ? assumptions
        : { ...assumptions, notes: [...assumptions.notes, ...checkpoint.notes] },
    warnings,
  };
}
