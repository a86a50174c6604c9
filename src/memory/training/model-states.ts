import type { ModelSpec } from "../../model/model-spec.js";
import type { ParameterTensor } from "../../model/weight-shapes.js";
import { elementsOf, parameterTensors } from "./modules.js";
import { optimizerStateBytes, type OptimizerId } from "./optimizers.js";
import { TRAINING_PRECISIONS, type TrainingPrecision } from "./precision.js";

/**
 * Model states: what lives in GPU memory for the whole step, independent of the batch.
 * See docs/methodology.md#model-states.
 */

/** Model states in bytes, itemized. */
export interface ModelStateBytes {
  /** Frozen base weights (LoRA / QLoRA); 0 for full training. */
  readonly frozenWeightsBytes: number;
  /** Trainable weights as the forward pass reads them. */
  readonly weightsBytes: number;
  /** Gradients of the trainable weights. */
  readonly gradientsBytes: number;
  /** Optimizer states (Adam's m and v, momentum, Adafactor's factors). */
  readonly optimizerStatesBytes: number;
  /** The FP32 master copy the optimizer updates (mixed precision). */
  readonly masterWeightsBytes: number;
}

/**
 * States of the trainable tensors at a training precision, unsharded:
 * weights, gradients and master copy are `parameters × bytes`; optimizer states are counted per
 * tensor (Adafactor's factored states depend on each matrix's shape).
 *
 * @example
 * // Mixed-precision AdamW: 2 + 2 + 8 + 4 = 16 bytes per parameter.
 * trainableStateBytes(parameterTensors(llama3_8b), "mixed", "adamw")
 */
export function trainableStateBytes(
  tensors: readonly ParameterTensor[],
  precision: TrainingPrecision,
  optimizer: OptimizerId,
): Omit<ModelStateBytes, "frozenWeightsBytes"> {
  const recipe = TRAINING_PRECISIONS[precision];
  let parameters = 0;
  let optimizerStates = 0;
  for (const tensor of tensors) {
    parameters += elementsOf(tensor.shape) * tensor.count;
    optimizerStates +=
      optimizerStateBytes(optimizer, tensor.shape, recipe.optimizerStateBytes) * tensor.count;
  }
  return {
    weightsBytes: parameters * recipe.weightBytes,
    gradientsBytes: parameters * recipe.gradientBytes,
    optimizerStatesBytes: optimizerStates,
    masterWeightsBytes: parameters * recipe.masterWeightBytes,
  };
}

/** How a frozen base stores its weights. */
export interface FrozenBaseLayout {
  /** Bits per weight of the projections, quantization constants included. */
  readonly linearBitsPerParameter: number;
  /** Extra bytes per output row of each projection (LLM.int8's FP32 row scale). */
  readonly bytesPerOutputRow: number;
  /** Bytes per parameter of everything else: embeddings, LM head, norms, biases. */
  readonly otherBytesPerParameter: number;
}

/**
 * Bytes of a frozen base: projection weights at `linearBitsPerParameter` (plus any per-row
 * scale), everything else at `otherBytesPerParameter`. For QLoRA on Llama-3-8B:
 * 6,979,321,856 × 4.127 / 8 + 1,050,939,392 × 2 ≈ 5.70 GB.
 *
 * @param tensors - the tensors to size; every parameter tensor of the model by default.
 */
export function frozenBaseBytes(
  spec: ModelSpec,
  layout: FrozenBaseLayout,
  tensors: readonly ParameterTensor[] = parameterTensors(spec),
): number {
  let bytes = 0;
  for (const tensor of tensors) {
    const elements = elementsOf(tensor.shape) * tensor.count;
    if (tensor.linear) {
      const rows = (tensor.shape[0] ?? 0) * tensor.count;
      bytes += (elements * layout.linearBitsPerParameter) / 8 + rows * layout.bytesPerOutputRow;
    } else {
      bytes += elements * layout.otherBytesPerParameter;
    }
  }
  return Math.ceil(bytes);
}

/** How the GPUs split the work. */
export interface Parallelism {
  /** Tensor-parallel degree: every rank holds 1/t of each layer. */
  readonly tensorParallel: number;
  /** Data-parallel ranks (GPUs / tensor parallel), the group ZeRO shards over. */
  readonly dataParallel: number;
  /** ZeRO stage: 1 shards optimizer states (and master weights), 2 also gradients, 3 also weights (FSDP full shard). */
  readonly zeroStage: 0 | 1 | 2 | 3;
  /** Whether optimizer states and master weights live in host memory (DeepSpeed `offload_optimizer`). */
  readonly offloadOptimizer: boolean;
}

/** Model states on one GPU, and what was offloaded to host memory for that GPU's rank. */
export interface ShardedModelStates {
  /** Model states resident on one GPU. */
  readonly perGpu: ModelStateBytes;
  /** Optimizer states + master weights one rank keeps in host (CPU) memory. */
  readonly hostBytes: number;
}

/**
 * Splits model states across GPUs (ZeRO, arXiv 1910.02054 Fig. 1): tensor parallelism divides
 * everything by t; over the N_d data-parallel ranks, stage ≥ 1 divides optimizer states and
 * master weights, stage ≥ 2 gradients, stage 3 the weights (frozen ones too, as FSDP does).
 * Offload moves the sharded optimizer states and master weights to host memory.
 */
export function shardModelStates(
  states: ModelStateBytes,
  parallelism: Parallelism,
): ShardedModelStates {
  const { tensorParallel: t, dataParallel: n, zeroStage, offloadOptimizer } = parallelism;
  // Whole bytes per GPU, rounded up: the rank with the largest shard decides the fit.
  const shard = (bytes: number, fromStage: number): number =>
    Math.ceil(bytes / t / (zeroStage >= fromStage ? n : 1));
  const optimizerStates = shard(states.optimizerStatesBytes, 1);
  const masterWeights = shard(states.masterWeightsBytes, 1);
  return {
    perGpu: {
      frozenWeightsBytes: shard(states.frozenWeightsBytes, 3),
      weightsBytes: shard(states.weightsBytes, 3),
      gradientsBytes: shard(states.gradientsBytes, 2),
      optimizerStatesBytes: offloadOptimizer ? 0 : optimizerStates,
      masterWeightsBytes: offloadOptimizer ? 0 : masterWeights,
    },
    hostBytes: offloadOptimizer ? optimizerStates + masterWeights : 0,
  };
}
