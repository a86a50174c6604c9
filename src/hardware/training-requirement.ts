import { formatInteger } from "../units.js";
import type { WeightPrecision } from "../memory/precision.js";
import type { TrainingEstimate } from "../memory/training/estimate-training.js";
import { OPTIMIZERS } from "../memory/training/optimizers.js";
import { resolveRankOptions, type RankAssumptions, type RankOptions } from "./rank-options.js";
import type { ComputePrecision, GpuRequirement } from "./requirement.js";

/**
 * Training FLOPs per token per active parameter: forward 2, backward 4 (input and weight
 * gradients), and one more forward (2) when activations are recomputed: ≈ 6·N FLOPs per token,
 * ≈ 8·N with full recomputation (Kaplan et al. 2020, https://arxiv.org/abs/2001.08361, §2.1;
 * Korthikanti et al. 2022, https://arxiv.org/abs/2205.05198). LoRA and QLoRA skip the frozen
 * weights' gradient matmuls (2 of the 4 backward FLOPs): 4, and 6 with recomputation.
 */
export const TRAINING_FLOPS_PER_PARAMETER_TOKEN = {
  full: { plain: 6, recompute: 8 },
  adapters: { plain: 4, recompute: 6 },
} as const;

/** The model states of a training estimate with its sharding undone: what the whole model holds, in bytes. */
export interface UnshardedModelStates {
  /** Frozen base weights (LoRA / QLoRA). */
  readonly frozenWeightsBytes: number;
  /** Trainable weights. */
  readonly weightsBytes: number;
  /** Gradients present at the optimizer step. */
  readonly gradientsBytes: number;
  /** Optimizer states resident on GPUs (0 when offloaded to host memory). */
  readonly optimizerStatesBytes: number;
  /** FP32 master weights resident on GPUs (0 when offloaded). */
  readonly masterWeightsBytes: number;
  /** The sum. */
  readonly totalBytes: number;
}

/**
 * The model states of a training estimate before its sharding (ZeRO over the data-parallel ranks,
 * tensor parallelism): `estimate.modelStates.unsharded`, the whole model's GPU-resident states.
 * Offloaded states stay off the GPU (0).
 */
export function unshardedModelStates(estimate: TrainingEstimate): UnshardedModelStates {
  const states = estimate.modelStates.unsharded;
  return { ...states, totalBytes: estimate.modelStates.unshardedBytes };
}

/**
 * Converts a training estimate into the {@link GpuRequirement} the ranking works on, so the
 * ranking chooses how many GPUs the run needs.
 *
 * - **Sharding.** The model states are unsharded ({@link unshardedModelStates}), with the
 *   optimizer step's temporaries when the peak is the step, grown by the allocator's
 *   `fragmentationFraction`, and split evenly over the `n` GPUs the ranking tries
 *   (`sharding: "fully-sharded"`: FSDP `FULL_SHARD` / ZeRO-3 over data-parallel ranks, no head
 *   rule). A row's "TP" degree is that GPU count; past one node of 8, its pipeline stages read as
 *   more nodes of the same fully-sharded group.
 * - **Per GPU.** The rest of the estimate's peak stays on every GPU: its per-GPU total less its
 *   share of the sharded states, so at the estimate's own GPU count (one GPU, or ZeRO-3 over its
 *   GPUs) the requirement gives the estimate's per-GPU total exactly. At other counts the peak's
 *   own mix is kept: a single-GPU estimate whose peak is the optimizer step leaves the activations
 *   of more GPUs' backward out, which is why `rankGpusForTraining` sizes two or more GPUs from a
 *   ZeRO-3 estimate.
 * - **No KV cache, no first token.** `step` is one micro-batch (`sequenceLength × microBatchSize`
 *   tokens) of forward + backward spread over the group: `6 × active parameters × tokens` FLOPs,
 *   8× with full gradient checkpointing (4× and 6× for LoRA / QLoRA, whose frozen weights need no
 *   weight gradients); every model-state byte is read once. Tokens/s is the group's training
 *   throughput, and $ per 1M tokens the cost of training on a million tokens.
 */
export function requirementFromTraining(estimate: TrainingEstimate): GpuRequirement {
  const { spec, assumptions: a, memory } = estimate;
  const grow = 1 + a.fragmentationFraction;
  const states = unshardedModelStates(estimate);
  // The optimizer step's temporaries are as shardable as the states they mirror.
  const stepBytes =
    memory.perGpu.optimizerStepBytes * a.tensorParallel * (a.zeroStage >= 1 ? a.dataParallel : 1);
  const shardedBytes = Math.ceil((states.totalBytes + stepBytes) * grow);
  const tokens = a.sequenceLength * a.microBatchSize;
  const flopsPerToken =
    TRAINING_FLOPS_PER_PARAMETER_TOKEN[estimate.method === "full" ? "full" : "adapters"][
      a.gradientCheckpointing ? "recompute" : "plain"
    ];
  const recipe = `${OPTIMIZERS[a.optimizer].label} (${a.precision})`;
  const method =
    estimate.method === "full"
      ? `full training, ${recipe}`
      : `${estimate.method === "lora" ? "LoRA" : "QLoRA"} rank ${a.rank ?? 0}`;
  return {
    kind: "training",
    sharding: "fully-sharded",
    label: `${estimate.model.id ?? spec.architecture ?? "model"} · ${method} · ${a.microBatchSize} × ${formatInteger(a.sequenceLength)} tokens per GPU`,
    shardedBytes,
    weightsBytes: Math.ceil((states.frozenWeightsBytes + states.weightsBytes) * grow),
    weights: weightStorage(estimate),
    kvCacheBytes: 0,
    kvCacheShardableHeads: spec.numKeyValueHeads,
    perGpuBytes: Math.max(0, memory.perGpu.totalBytes - Math.floor(shardedBytes / a.gpuCount)),
    attentionHeads: spec.numAttentionHeads,
    kvHeads: spec.numKeyValueHeads,
    layers: spec.numLayers,
    computePrecision: trainingComputePrecision(estimate),
    firstToken: null,
    step: {
      flops: flopsPerToken * estimate.parameters.active * tokens,
      shardedBytesRead: states.totalBytes,
      kvCacheBytesRead: 0,
      tokens,
    },
    sequences: null,
  };
}

/** The precision training math runs at: 16-bit tensor cores, or FP32 for FP32 training. */
function trainingComputePrecision(estimate: TrainingEstimate): ComputePrecision {
  const a = estimate.assumptions;
  const fp32 = estimate.method === "full" ? a.precision === "fp32" : a.basePrecision === "fp32";
  if (fp32) return "fp32";
  return estimate.spec.torchDtype === "float16" ? "fp16" : "bf16";
}

/** The storage precision of the weights, for the ranking's per-GPU fallbacks. */
function weightStorage(estimate: TrainingEstimate): WeightPrecision {
  const a = estimate.assumptions;
  if (estimate.method === "full") return a.precision === "fp32" ? "fp32" : "bf16";
  switch (a.basePrecision) {
    case "nf4":
      return "int4";
    case "int8":
      return "int8";
    case "fp32":
      return "fp32";
    case "fp16":
      return "fp16";
    case "checkpoint":
      return (estimate.spec.quantization?.bits ?? 16) <= 4 ? "int4-g128" : "int8";
    default:
      return "bf16";
  }
}

/** Rank options a training ranking defaults differently from a serving one. */
export const TRAINING_RANK_DEFAULTS = {
  /**
   * The whole memory: a training estimate itemizes the CUDA context and allocator
   * fragmentation itself, so vLLM's 0.92 cap does not apply.
   */
  gpuMemoryUtilization: 1,
} as const;

/** Notes of the serving defaults that mean nothing for a training requirement. */
const SERVING_ONLY_NOTES = ["promptTokens:", "maxTtftMs:"];

/**
 * Resolves the ranking options for a training estimate (workload `training`, the whole GPU
 * memory as the budget unless given) and converts the estimate into a requirement.
 *
 * @throws {InvalidOptionError} for options out of range.
 */
export function prepareTrainingRanking(
  estimate: TrainingEstimate,
  options: RankOptions,
): { readonly requirement: GpuRequirement; readonly assumptions: RankAssumptions } {
  const resolved = resolveRankOptions(
    {
      ...options,
      workload: options.workload ?? "training",
      gpuMemoryUtilization:
        options.gpuMemoryUtilization ?? TRAINING_RANK_DEFAULTS.gpuMemoryUtilization,
    },
    estimate.assumptions.sequenceLength,
  );
  const notes = resolved.notes.filter(
    (note) => !SERVING_ONLY_NOTES.some((prefix) => note.startsWith(prefix)),
  );
  if (options.workload === undefined) notes.unshift("workload: training (a training estimate)");
  if (options.gpuMemoryUtilization === undefined) {
    notes.push(
      "gpuMemoryUtilization: default 1 for training (the estimate itemizes CUDA context and fragmentation)",
    );
  }
  notes.push(
    "GPU count: the model states are fully sharded (FSDP / ZeRO-3) over the GPUs of a row; activations and logits stay per GPU",
  );
  return { requirement: requirementFromTraining(estimate), assumptions: { ...resolved, notes } };
}
