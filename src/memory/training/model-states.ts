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

/**
 * DeepSpeed's `estimate_zero2_model_states_mem_needs` (deepspeed/runtime/zero/stage_1_and_2.py
 * at commit 38327e07, unchanged since v0.14.3), in bytes:
 * - on each GPU, `2Ψ + int(18Ψ / gpus)` without offload ("2 = params_16bit, 18 = 2_grads_16bit +
 *   4_grads_32bit + 4_params_32bit + 8_optimizer_states_32bit"), `2Ψ` with `offload_optimizer`;
 * - on each node's CPU, `Ψ · 4 · gpusPerNode · 1.5` without offload, `Ψ · max(4 · gpus, 16) · 1.5`
 *   with it (the 1.5 buffer factor applies to the CPU figure only).
 * Before v0.14.3 (commit f4cb866c, #5099) the GPU figure was `4Ψ + int(16Ψ / gpus)`.
 */
export function deepSpeedZero2ModelStates(params: {
  /** Ψ: every parameter, tied ones once. */
  readonly totalParameters: number;
  /** GPUs per node. @default 1 */
  readonly gpusPerNode?: number;
  /** Nodes. @default 1 */
  readonly nodes?: number;
  /** `offload_optimizer` to the CPU. @default true, as DeepSpeed's signature */
  readonly cpuOffload?: boolean;
  /** Multiplies the CPU figure. @default 1.5 */
  readonly additionalBufferFactor?: number;
}): { readonly cpuBytes: number; readonly gpuBytes: number } {
  const p = params.totalParameters;
  const gpusPerNode = params.gpusPerNode ?? 1;
  const gpus = (params.nodes ?? 1) * gpusPerNode;
  const buffer = params.additionalBufferFactor ?? 1.5;
  if (params.cpuOffload ?? true) {
    return { cpuBytes: Math.trunc(p * Math.max(4 * gpus, 16) * buffer), gpuBytes: 2 * p };
  }
  return {
    cpuBytes: Math.trunc(p * 4 * gpusPerNode * buffer),
    gpuBytes: 2 * p + Math.trunc((18 * p) / gpus),
  };
}

/**
 * DeepSpeed's `estimate_zero3_model_states_mem_needs` (deepspeed/runtime/zero/stage3.py
 * at commit 38327e07), in bytes. `largestLayerMemory = 4 · L` gathers the largest module's 16-bit
 * parameters and computes its 16-bit gradients ("total 4x"). On each GPU: `4L + int(18Ψ / gpus)`
 * without offload, `4L + int(2Ψ / gpus)` with `offload_optimizer`, `4L` with `offload_param` too.
 * CPU per node (× 1.5): no offload `L · 4 · gpusPerNode` (zero_init) or `Ψ · 4 · gpusPerNode`;
 * optimizer offload `Ψ · 16 / nodes` (zero_init) or `Ψ · max(4 · gpusPerNode, 16 / nodes)`;
 * both offloaded `Ψ · 18 / nodes` or `Ψ · max(4 · gpusPerNode, 18 / nodes)`.
 */
export function deepSpeedZero3ModelStates(params: {
  /** Ψ: every parameter, tied ones once. */
  readonly totalParameters: number;
  /** L: the most parameters one module holds itself (`parameters(recurse=False)`). */
  readonly largestLayerParameters: number;
  /** GPUs per node. @default 1 */
  readonly gpusPerNode?: number;
  /** Nodes. @default 1 */
  readonly nodes?: number;
  /** `offload_optimizer`. @default true */
  readonly cpuOffload?: boolean;
  /** `offload_param` (with `offload_optimizer`). @default true */
  readonly cpuOffloadParams?: boolean;
  /** `deepspeed.zero.Init`. @default true */
  readonly zeroInit?: boolean;
  /** Multiplies the CPU figure. @default 1.5 */
  readonly additionalBufferFactor?: number;
}): {
  readonly cpuBytes: number;
  readonly gpuBytes: number;
  readonly largestLayerBytes: number;
} {
  const p = params.totalParameters;
  const gpusPerNode = params.gpusPerNode ?? 1;
  const nodes = params.nodes ?? 1;
  const gpus = nodes * gpusPerNode;
  const gpusFactor = 1 / nodes;
  const buffer = params.additionalBufferFactor ?? 1.5;
  const zeroInit = params.zeroInit ?? true;
  const largestLayerBytes = 4 * params.largestLayerParameters;
  let cpu: number;
  let gpu: number;
  if (params.cpuOffload ?? true) {
    if (params.cpuOffloadParams ?? true) {
      gpu = largestLayerBytes;
      cpu = zeroInit
        ? p * 18 * gpusFactor * buffer
        : p * Math.max(4 * gpusPerNode, 18 * gpusFactor) * buffer;
    } else {
      gpu = largestLayerBytes + Math.trunc((2 * p) / gpus);
      cpu = zeroInit
        ? p * 16 * gpusFactor * buffer
        : p * Math.max(4 * gpusPerNode, 16 * gpusFactor) * buffer;
    }
  } else {
    gpu = largestLayerBytes + Math.trunc((18 * p) / gpus);
    cpu = zeroInit
      ? params.largestLayerParameters * 4 * gpusPerNode * buffer
      : p * 4 * gpusPerNode * buffer;
  }
  return { cpuBytes: Math.trunc(cpu), gpuBytes: gpu, largestLayerBytes };
}

/**
 * The most parameters one module holds itself, DeepSpeed's `largest_layer_params`
 * (`sum(p.numel() for p in m.parameters(recurse=False))`): for a decoder LM the embedding or the
 * LM head, else the widest projection with its bias.
 */
export function largestLayerParameters(tensors: readonly ParameterTensor[]): number {
  const modules = new Map<string, number>();
  for (const tensor of tensors) {
    // A projection's weight and bias belong to one module; every other tensor family is its own.
    const module = tensor.name.replace(/\.(weight|bias)$/, "");
    const size = elementsOf(tensor.shape);
    modules.set(module, (modules.get(module) ?? 0) + size);
  }
  return Math.max(0, ...modules.values());
}

/** How the GPUs split the work, and where states live. */
export interface Parallelism {
  /** Tensor-parallel degree: every rank holds 1/t of each layer. */
  readonly tensorParallel: number;
  /** Data-parallel ranks (GPUs / tensor parallel), the group ZeRO shards over. */
  readonly dataParallel: number;
  /** ZeRO stage: 1 shards optimizer states (and master weights), 2 also gradients, 3 also weights (FSDP full shard). */
  readonly zeroStage: 0 | 1 | 2 | 3;
  /** What shards: DeepSpeed ZeRO, or PyTorch FSDP (stage 2 = SHARD_GRAD_OP, 3 = FULL_SHARD). */
  readonly shardingEngine: "deepspeed" | "fsdp";
  /** Whether optimizer states and master weights live in host memory (DeepSpeed `offload_optimizer`). */
  readonly offloadOptimizer: boolean;
  /** Whether the sharded parameters and gradients live in host memory too (FSDP `CPUOffload`, DeepSpeed `offload_param`). */
  readonly offloadParameters: boolean;
}

/** The unsharded model states and what shapes their placement. */
export interface StatePlacementInput {
  /** Whole-model states (one replica, no sharding). */
  readonly states: ModelStateBytes;
  /** Trainable parameters. */
  readonly trainableParameters: number;
  /** Frozen parameters (LoRA base). */
  readonly frozenParameters: number;
  /** Bytes of each frozen parameter's gradient when FSDP units give frozen weights gradient buffers; 0 otherwise. */
  readonly frozenGradientBytesPerParameter: number;
  /** Whether the optimizer states sit outside PyTorch's allocator (paged). */
  readonly pagedOptimizer: boolean;
  /** Whether the trainable weights the passes read are autocast copies of FP32 weights (PyTorch AMP). */
  readonly autocastWeights: boolean;
  /**
   * Autocast copies of frozen FP32 weights (LoRA on an FP32 base under AMP), unsharded: each matmul
   * saves the 16-bit copy of its weight for the input gradient until its layer's backward.
   */
  readonly autocastFrozenBytes: number;
  /** Whether a mixed-precision recipe keeps FP32 master weights. */
  readonly mixedPrecision: boolean;
}

/** Model states on one GPU: what persists, and the gradients at each moment of the step. */
export interface PlacedModelStates {
  /** Frozen base weights resident on this GPU. */
  readonly frozenWeightsBytes: number;
  /** Trainable weights resident for the whole step. */
  readonly weightsBytes: number;
  /** Autocast copies of the weights, alive from the forward pass until their layer's backward (AMP). */
  readonly autocastWeightsBytes: number;
  /** FP32 master weights resident on this GPU. */
  readonly masterWeightsBytes: number;
  /** Optimizer states inside PyTorch's allocator. */
  readonly optimizerStatesBytes: number;
  /** Optimizer states in CUDA managed memory (paged): on the GPU, outside the allocator. */
  readonly pagedOptimizerStatesBytes: number;
  /** Gradients at the end of the backward pass (DDP's bucket copy included). */
  readonly backwardGradientsBytes: number;
  /** Gradients during the optimizer step (DeepSpeed adds its FP32 gradient partition). */
  readonly stepGradientsBytes: number;
  /** Model states kept in host memory for this rank. */
  readonly hostBytes: number;
}

/**
 * Places model states on one GPU (ZeRO, arXiv 1910.02054 Fig. 1; DeepSpeed's estimators for
 * what DeepSpeed itself keeps). Tensor parallelism divides everything by t. Over the N
 * data-parallel ranks:
 * - stage ≥ 1 shards optimizer states and master weights, ≥ 2 gradients, 3 the weights (frozen
 *   ones too);
 * - DeepSpeed with FP32 master weights converts each gradient partition to FP32 for the step
 *   (ZeRO-1/2: `4Ψ/N` on top of the 16-bit gradients; ZeRO-3: the estimator's 4 bytes per
 *   parameter partition in place of the 16-bit ones), so stage 2 totals `2Ψ + 18Ψ/N` and stage 3
 *   `18Ψ/N` before its largest-layer term, to the byte (DeepSpeed truncates the shards);
 * - FSDP keeps parameters sharded in their own dtype: with FP32 master weights those are the
 *   master copy (no persistent 16-bit weights), and gradients are sharded in that dtype;
 * - DDP (stage 0 over several ranks, DeepSpeed's engine) keeps a bucket copy of every gradient
 *   for the all-reduce (`gradient_as_bucket_view=False`, PyTorch's default);
 * - `offloadOptimizer` moves optimizer states and master weights to host memory (DeepSpeed also
 *   streams the gradients there during backward); `offloadParameters` the sharded weights and
 *   gradients too.
 */
export function placeModelStates(
  input: StatePlacementInput,
  parallelism: Parallelism,
): PlacedModelStates {
  const { states } = input;
  const { tensorParallel: t, dataParallel: n, zeroStage: stage } = parallelism;
  const fsdp = parallelism.shardingEngine === "fsdp";
  const offloadStates = parallelism.offloadOptimizer || parallelism.offloadParameters;
  const offloadWeights = parallelism.offloadParameters;
  const over = (fromStage: number): number => t * (stage >= fromStage ? n : 1);
  // DeepSpeed truncates each shard (`int(18 * total_params / total_gpus)`).
  const shard = (bytes: number, fromStage: number): number => Math.floor(bytes / over(fromStage));

  const frozen = offloadWeights ? 0 : shard(states.frozenWeightsBytes, 3);
  const master = shard(states.masterWeightsBytes, 1);
  const optimizer = shard(states.optimizerStatesBytes, 1);
  const hostStates = offloadStates ? master + optimizer : 0;

  // The weights the passes read: autocast copies (AMP) exist only while the passes run; FSDP keeps
  // no 16-bit copy beside an FP32 master (it gathers compute copies per unit).
  const weights =
    offloadWeights || input.autocastWeights || (fsdp && stage >= 2 && input.mixedPrecision)
      ? 0
      : shard(states.weightsBytes, 3);
  const autocast =
    stage === 3
      ? 0
      : (input.autocastWeights ? shard(states.weightsBytes, 3) : 0) +
        shard(input.autocastFrozenBytes, 3);

  // FSDP1 allocates the gradient of a whole flat parameter and, for the frozen weights sharing it
  // with LoRA's, keeps it unsharded (PyTorch's warning quoted in litgpt PR #1538: gradient memory
  // "higher than expected ... before sharding via reduce-scatter").
  const frozenGradients =
    fsdp && stage >= 2
      ? Math.floor((input.frozenParameters * input.frozenGradientBytesPerParameter) / t)
      : 0;
  let backwardGradients: number;
  let stepGradients: number;
  if (offloadStates && !fsdp) {
    // DeepSpeed ZeRO-Offload copies each gradient bucket to host memory as backward produces it.
    backwardGradients = stage >= 2 ? 0 : shard(states.gradientsBytes, 2);
    stepGradients = backwardGradients;
  } else if (fsdp) {
    const perParameter =
      stage >= 2 && input.mixedPrecision
        ? 4
        : input.trainableParameters === 0
          ? 0
          : states.gradientsBytes / input.trainableParameters;
    backwardGradients = offloadWeights
      ? 0
      : Math.floor((input.trainableParameters * perParameter) / over(2)) + frozenGradients;
    stepGradients = backwardGradients;
  } else {
    const fp32Partition = input.mixedPrecision && stage >= 1 ? 4 * input.trainableParameters : 0;
    const ddpBucket = stage === 0 && n > 1 ? shard(states.gradientsBytes, 2) : 0;
    backwardGradients = shard(states.gradientsBytes, 2) + ddpBucket;
    if (stage === 3) {
      // The estimator's 18 = 2 (params) + 4 (gradients) + 4 (master) + 8 (Adam): the FP32 partition.
      const total = Math.floor(
        (states.weightsBytes +
          fp32Partition +
          states.masterWeightsBytes +
          states.optimizerStatesBytes) /
          over(3),
      );
      stepGradients = total - shard(states.weightsBytes, 3) - master - optimizer;
    } else if (stage >= 1 && fp32Partition > 0) {
      const sharded = Math.floor(
        ((stage >= 2 ? states.gradientsBytes : 0) +
          fp32Partition +
          states.masterWeightsBytes +
          states.optimizerStatesBytes) /
          over(1),
      );
      stepGradients =
        sharded - master - optimizer + (stage >= 2 ? 0 : shard(states.gradientsBytes, 2));
    } else {
      stepGradients = backwardGradients;
    }
  }

  return {
    frozenWeightsBytes: frozen,
    weightsBytes: weights,
    autocastWeightsBytes: autocast,
    masterWeightsBytes: offloadStates ? 0 : master,
    optimizerStatesBytes: offloadStates || input.pagedOptimizer ? 0 : optimizer,
    pagedOptimizerStatesBytes: !offloadStates && input.pagedOptimizer ? optimizer : 0,
    backwardGradientsBytes: backwardGradients,
    stepGradientsBytes: stepGradients,
    hostBytes:
      hostStates +
      (offloadWeights
        ? shard(states.frozenWeightsBytes, 3) +
          shard(states.weightsBytes, 3) +
          Math.floor(states.gradientsBytes / over(2))
        : 0),
  };
}
