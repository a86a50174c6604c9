import type { WeightPrecision } from "../memory/precision.js";
import type { ServingModel } from "../memory/serving/serving-model.js";
import type { ServingSettings } from "../memory/serving/serving-types.js";

/**
 * The tensor-core precision a workload's matrix multiplies run at, before any per-GPU
 * fallback (a GPU without BF16 runs FP16, one without FP8 runs 16-bit math).
 */
export type ComputePrecision = "fp32" | "bf16" | "fp16" | "fp8" | "int8";

/** How a requirement's sharded bytes split over a group of GPUs: see {@link GpuRequirement.sharding}. */
export type GpuSharding = "tensor-parallel" | "fully-sharded";

/** One phase of work, sized for a roofline: how much math and how many bytes read from memory. */
export interface ComputePhase {
  /** Floating-point operations of the phase, all GPUs together. */
  readonly flops: number;
  /** Bytes read from device memory that tensor parallelism splits evenly (the weights). */
  readonly shardedBytesRead: number;
  /** KV-cache bytes read or written, split like the KV cache itself (over `min(tp, kvCacheShardableHeads)`). */
  readonly kvCacheBytesRead: number;
  /** Tokens the phase handles: the prompt of a prefill, the batch's new tokens in a decode step. */
  readonly tokens: number;
}

/**
 * What a workload needs from an accelerator, in the small shape the ranking works on. An
 * inference estimate converts into it ({@link requirementFromInference}); a training estimate
 * converts into the same shape (weights + gradients + optimizer states in `shardedBytes`,
 * activations in `perGpuBytes`, no KV cache, one optimizer step as `step`), so the ranking never
 * needs to know which produced it.
 *
 * Per-GPU bytes at tensor-parallel degree `tp` (one pipeline stage):
 * `shardedBytes / tp + kvCacheBytes / min(tp, kvCacheShardableHeads) + perGpuBytes`.
 */
export interface GpuRequirement {
  /** What produced it. */
  readonly kind: "inference" | "training";
  /**
   * How `shardedBytes` splits over a parallel group of `n` GPUs. `"tensor-parallel"` (the
   * default): each layer is split, so `n` must divide the attention heads and pair with the KV
   * heads (vLLM's rule). `"fully-sharded"`: every state is split evenly over the data-parallel
   * ranks (FSDP `FULL_SHARD`, ZeRO-3), which has no head rule; training requirements use it.
   * @default "tensor-parallel"
   */
  readonly sharding?: GpuSharding | undefined;
  /** One line for people: the model and the workload. */
  readonly label: string;
  /** Bytes split evenly across tensor-parallel ranks (and pipeline stages): the weights. */
  readonly shardedBytes: number;
  /** The weights' share of `shardedBytes`, re-sized when a GPU cannot run the weight precision (FP8 on Turing). */
  readonly weightsBytes: number;
  /** Weight storage precision, for the per-GPU fallbacks. */
  readonly weights: WeightPrecision;
  /** KV cache bytes for the whole batch; 0 when there is none. */
  readonly kvCacheBytes: number;
  /**
   * How many ranks the KV cache can split across (`kvCacheShardableHeads(spec)`): per-GPU KV is
   * `kvCacheBytes / min(tp, this)`, so beyond this degree the cache is replicated.
   */
  readonly kvCacheShardableHeads: number;
  /** Bytes every GPU holds in full whatever the parallelism (runtime reserve, activations). */
  readonly perGpuBytes: number;
  /** Query heads: a tensor-parallel degree must divide them. */
  readonly attentionHeads: number;
  /** KV heads: they must divide the degree, or the degree divide them (vLLM's rule). */
  readonly kvHeads: number;
  /** Layers: pipeline stages split them. */
  readonly layers: number;
  /** The precision of the math, before per-GPU fallbacks. */
  readonly computePrecision: ComputePrecision;
  /** The work before the first output (one request's prefill), or `null` when there is none. */
  readonly firstToken: ComputePhase | null;
  /** The repeated unit of work: one decode step of the whole batch (training: one optimizer step). */
  readonly step: ComputePhase;
  /**
   * The batch the KV cache was sized for, when there is one: the inverse questions (longest
   * context, largest batch) scale the KV cache from it.
   */
  readonly sequences: { readonly contextLength: number; readonly batchSize: number } | null;
  /**
   * For serving: the model's shapes and the engine's settings, so every GPU and parallelism is
   * sized with the engine's own budget (`servingFit`: weights as loaded, activation peak,
   * non-torch and CUDA-graph memory, KV blocks) instead of `perGpuBytes`. Absent for training.
   */
  readonly serving?: ServingRequirement | undefined;
}

/** What the serving budget needs to size one GPU: the model's shapes and the engine's settings. */
export interface ServingRequirement {
  /** The model, as the engine's budget reads it. */
  readonly model: ServingModel;
  /** The engine and its settings; `null` fields take the engine's default for each GPU. */
  readonly settings: ServingSettings;
}
