import type { InferenceEstimate } from "../memory/estimate-inference.js";
import { kvCacheShardableHeads } from "../memory/kv-cache.js";
import { resolveRankOptions, type RankAssumptions, type RankOptions } from "./rank-options.js";
import type { ComputePrecision, GpuRequirement } from "./requirement.js";

/** What {@link requirementFromInference} needs beyond the estimate (resolved by the rank options). */
export interface InferenceRequirementOptions {
  /** Prompt tokens of one request, for the time to first token. */
  readonly promptTokens: number;
  /** Bytes each GPU reserves besides weights and KV cache (CUDA context, activations). */
  readonly runtimeOverheadBytesPerGpu: number;
}

/**
 * Converts an inference estimate into the {@link GpuRequirement} the ranking works on.
 *
 * - Memory: the weights are sharded across TP ranks, the KV cache split by
 *   `kvCacheShardableHeads(spec)`, and a runtime reserve held by every GPU (vLLM's accounting:
 *   weights + activation peak + non-torch memory + KV cache ≤ utilization × memory). The estimate's
 *   overhead fraction is not added: it is the single-GPU rule of thumb the utilization headroom replaces.
 * - FLOPs (formulas.md §6.1, Kaplan et al. 2020): `2 × active parameters` per token, plus
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
    label: `${estimate.model.id ?? spec.architecture ?? "model"} · ${batchSize} × ${contextLength.toLocaleString("en-US")} tokens · ${assumptions.weights.toUpperCase()} weights`,
    // Mamba / linear-attention state is split across TP ranks with the heads, like the weights.
    shardedBytes: memory.weightsBytes + memory.stateCacheBytes,
    weightsBytes: memory.weightsBytes,
    weights: assumptions.weights,
    kvCacheBytes: memory.kvCacheBytes,
    kvCacheShardableHeads: kvCacheShardableHeads(spec),
    perGpuBytes: options.runtimeOverheadBytesPerGpu,
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
  const requirement = requirementFromInference(estimate, {
    promptTokens: assumptions.promptTokens,
    runtimeOverheadBytesPerGpu: assumptions.runtimeOverheadBytesPerGpu,
  });
  return { requirement, assumptions };
}
