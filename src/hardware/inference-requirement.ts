import { formatInteger } from "../units.js";
import type { InferenceEstimate } from "../memory/estimate-inference.js";
import { kvCacheShardableHeads } from "../memory/kv-cache.js";
import { KV_CACHE_BITS } from "../memory/precision.js";
import { parseEngineRelease, type ServingEngine } from "../memory/serving/engine-version.js";
import { servingModelFromSpec } from "../memory/serving/serving-model.js";
import type { ServingSettings } from "../memory/serving/serving-types.js";
import { resolveRankOptions, type RankAssumptions, type RankOptions } from "./rank-options.js";
import type { ComputePrecision, GpuRequirement, ServingRequirement } from "./requirement.js";

/** The engine settings a serving requirement is sized with; `null` takes the engine's default per GPU. */
export interface ServingEngineSettings {
  /** The release whose rules apply, or "latest". */
  readonly engineVersion: string;
  /** `gpu_memory_utilization` / `mem_fraction_static`. */
  readonly gpuMemoryUtilization: number | null;
  /** `max_num_seqs`. */
  readonly maxNumSeqs: number | null;
  /** No CUDA graphs. */
  readonly enforceEager: boolean;
  /** Tokens per KV block. */
  readonly blockSize: number | null;
}

/** The engine's own defaults for everything: the newest rules, each GPU's defaults. */
export const DEFAULT_SERVING_ENGINE_SETTINGS: ServingEngineSettings = {
  engineVersion: "latest",
  gpuMemoryUtilization: null,
  maxNumSeqs: null,
  enforceEager: false,
  blockSize: null,
};

/** What {@link requirementFromInference} needs beyond the estimate (resolved by the rank options). */
export interface InferenceRequirementOptions {
  /** Prompt tokens of one request, for the time to first token. */
  readonly promptTokens: number;
  /** The serving engine's settings, for the per-GPU budget. */
  readonly engine: ServingEngineSettings;
}

/**
 * The serving engine whose budget sizes an estimate: vLLM or SGLang as the estimate says; vLLM's
 * for llama.cpp and transformers, whose budgets vramfit does not model.
 */
export function servingEngineOf(estimate: InferenceEstimate): ServingEngine {
  return estimate.assumptions.engine === "sglang" ? "sglang" : "vllm";
}

/**
 * The serving shapes and settings of an estimate, for the engine budget (src/memory/serving):
 * the model read from the spec with the estimate's weights, the context and batch, the KV dtype,
 * and the engine settings given.
 */
export function servingRequirementOf(
  estimate: InferenceEstimate,
  engine: ServingEngineSettings,
): ServingRequirement {
  const { spec, assumptions, memory, parameters } = estimate;
  const servingEngine = servingEngineOf(estimate);
  const settings: ServingSettings = {
    engine: servingEngine,
    release: parseEngineRelease(servingEngine, engine.engineVersion),
    contextLength: assumptions.sequenceLength,
    batchSize: assumptions.batchSize,
    kvBytesPerValue: KV_CACHE_BITS[assumptions.kvCacheDtype] / 8,
    gpuMemoryUtilization: engine.gpuMemoryUtilization,
    maxNumBatchedTokens: assumptions.maxNumBatchedTokensGiven
      ? assumptions.maxNumBatchedTokens
      : null,
    maxNumSeqs: engine.maxNumSeqs,
    enforceEager: engine.enforceEager,
    blockSize: engine.blockSize,
  };
  return {
    model: servingModelFromSpec(spec, {
      weightsBytes: memory.weightsBytes,
      activationBytes: assumptions.weights === "fp32" ? 4 : 2,
      breakdown: parameters.breakdown,
    }),
    settings,
  };
}

/**
 * Converts an inference estimate into the {@link GpuRequirement} the ranking works on.
 *
 * - Memory: the serving engine's own budget per GPU (`serving`: weights as loaded + activation
 *   peak of the profile run + non-torch + CUDA graphs + KV blocks ≤ utilization × the total the
 *   driver reports; docs/methodology.md#serving-fit). `shardedBytes` and `kvCacheBytes` keep the
 *   estimate's totals for the roofline. The estimate's overhead fraction is not added: it is the
 *   single-GPU rule of thumb the engine budget replaces.
 * - FLOPs (Kaplan et al. 2020, https://arxiv.org/abs/2001.08361): `2 × active parameters` per token, plus
 *   attention `2 × layers × context × heads × head_dim` per token; a prefill of T tokens adds
 *   `2 × layers × T² × heads × head_dim`. Active parameters equal the total for dense models.
 * - Bytes read per decode step: every weight once plus the whole batch's KV cache at full context
 *   (the last, slowest step).
 */
export function requirementFromInference(
  estimate: InferenceEstimate,
  options: InferenceRequirementOptions,
): GpuRequirement {
  const { spec, assumptions, memory, parameters } = estimate;
  const attentionWidth = spec.numAttentionHeads * spec.headDim;
  const { contextLength, batchSize } = assumptions;
  // Image tokens join the sequence (assumptions.sequenceLength); the KV read per step follows it.
  const sequenceLength = assumptions.sequenceLength;
  const prompt = options.promptTokens;
  const prefillFlops =
    2 * parameters.active * prompt + 2 * spec.numLayers * prompt * prompt * attentionWidth;
  const decodeFlops =
    batchSize * (2 * parameters.active + 2 * spec.numLayers * sequenceLength * attentionWidth);
  return {
    kind: "inference",
    label: `${estimate.model.id ?? spec.architecture ?? "model"} · ${batchSize} × ${formatInteger(contextLength)} tokens · ${assumptions.weights.toUpperCase()} weights`,
    // Mamba / linear-attention state is split across TP ranks with the heads, like the weights.
    shardedBytes: memory.weightsBytes + memory.stateCacheBytes,
    weightsBytes: memory.weightsBytes,
    weights: assumptions.weights,
    kvCacheBytes: memory.kvCacheBytes,
    kvCacheShardableHeads: kvCacheShardableHeads(spec),
    perGpuBytes: 0,
    attentionHeads: spec.numAttentionHeads,
    kvHeads: spec.numKeyValueHeads,
    layers: spec.numLayers,
    computePrecision: computePrecisionFor(estimate),
    firstToken: {
      flops: prefillFlops,
      shardedBytesRead: memory.weightsBytes,
      kvCacheBytesRead: memory.kvCacheBytesPerToken * prompt,
      tokens: prompt,
    },
    step: {
      flops: decodeFlops,
      shardedBytesRead: memory.weightsBytes + memory.stateCacheBytes,
      kvCacheBytesRead: memory.kvCacheBytes,
      tokens: batchSize,
    },
    sequences: { contextLength, batchSize },
    serving: servingRequirementOf(estimate, options.engine),
  };
}

/** Weight precisions whose math runs at their own width; every other one is weight-only. */
const MATH_AT_WEIGHT_PRECISION: Readonly<Partial<Record<string, ComputePrecision>>> = {
  fp32: "fp32",
  bf16: "bf16",
  fp16: "fp16",
  fp8: "fp8",
  int8: "int8",
};

/**
 * The precision inference math runs at. FP8 and INT8 run W8A8 where the GPU can (vLLM's FP8 and
 * compressed-tensors INT8 paths); 4-bit weights are weight-only (GPTQ/AWQ kernels dequantize to
 * 16-bit), so they compute in the model's 16-bit dtype.
 */
function computePrecisionFor(estimate: InferenceEstimate): ComputePrecision {
  const sixteenBit = estimate.spec.torchDtype === "float16" ? "fp16" : "bf16";
  return MATH_AT_WEIGHT_PRECISION[estimate.assumptions.weights] ?? sixteenBit;
}

/**
 * Resolves the ranking options against an estimate and converts the estimate into a requirement:
 * the common first step of both rankings.
 *
 * @throws {InvalidOptionError} for options out of range.
 */
export function prepareInferenceRanking(
  estimate: InferenceEstimate,
  options: RankOptions,
): { readonly requirement: GpuRequirement; readonly assumptions: RankAssumptions } {
  const assumptions = resolveRankOptions(options, estimate.assumptions.contextLength);
  // A ranking sizes the deployment a plan would write: vLLM's --max-num-seqs set to the batch.
  // vLLM's own default (up to 1,024) makes its profile run's sampler hold gigabytes more.
  const maxNumSeqs = assumptions.maxNumSeqs ?? estimate.assumptions.batchSize;
  const requirement = requirementFromInference(estimate, {
    promptTokens: assumptions.promptTokens,
    engine: {
      engineVersion: assumptions.engineVersion,
      gpuMemoryUtilization:
        assumptions.gpuMemoryUtilizationGiven || servingEngineOf(estimate) === "vllm"
          ? assumptions.gpuMemoryUtilization
          : null,
      maxNumSeqs,
      enforceEager: assumptions.enforceEager,
      blockSize: assumptions.blockSize,
    },
  });
  const engineNote = [
    ...(assumptions.maxNumSeqs === null
      ? [
          `maxNumSeqs: default ${maxNumSeqs}, the batch (what the plan's vllm serve --max-num-seqs sets); vLLM's own default (256, or 1,024 on GPUs of 70 GiB or more) holds a larger sampler in its profile run`,
        ]
      : []),
    ...(estimate.assumptions.engine === "llamacpp" || estimate.assumptions.engine === "transformers"
      ? [
          `per-GPU budget: vLLM's (${estimate.assumptions.engine} reserves memory its own way, which vramfit does not model)`,
        ]
      : []),
  ];
  return {
    requirement,
    assumptions: { ...assumptions, notes: [...assumptions.notes, ...engineNote] },
  };
}
