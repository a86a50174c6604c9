import type { ModelSource } from "../../model/model-source.js";
import { checkKnownOptions } from "../../options/option-fields.js";
import { FALLBACK_FAMILY_NOTE } from "../../model/families.js";
import type { ModelSpec } from "../../model/model-spec.js";
import { activeParameters } from "../../model/features/moe.js";
import type { ParameterBreakdown } from "../../model/parameter-breakdown.js";
import { countParameters } from "../../model/parameters.js";
import type { LinearModule, LoraTarget, ParameterTensor } from "../../model/weight-shapes.js";
import { groupQuantizedBitsPerParameter } from "../precision.js";
import { activationBytes, type CheckpointingMode } from "./activations.js";
import { logitsBytes } from "./loss.js";
import { adaptedModules, loraParametersPerModule, loraTensors } from "./lora.js";
import {
  frozenBaseBytes,
  largestLayerParameters,
  placeModelStates,
  trainableStateBytes,
  type FrozenBaseLayout,
  type ModelStateBytes,
  type PlacedModelStates,
} from "./model-states.js";
import {
  elementsOf,
  linearModules,
  parameterTensors,
  reconcileTensors,
  tensorParameterCount,
} from "./modules.js";
import { OPTIMIZERS } from "./optimizers.js";
import { gpuMemoryStatistics, staleCacheBytes } from "./overhead.js";
import { BASE_PRECISIONS, nf4BitsPerParameter, TRAINING_PRECISIONS } from "./precision.js";
import {
  peakMoment,
  timelineMoments,
  type TimelineMoment,
  type TrainingPhase,
} from "./timeline.js";
import {
  checkTrainingOptions,
  TRAINING_OPTIONS,
  type TrainingAssumptions,
  type TrainingMethod,
  type TrainingOptions,
  type TrainingWarning,
  type TrainingWarningCode,
} from "./training-options.js";

/**
 * Training memory on one GPU at the peak of the step, in bytes: the itemized parts at that
 * moment (they sum to `peakAllocatedBytes`), then the allocator's and the driver's view.
 * `totalBytes` = `peakAllocatedBytes` + `fragmentationBytes` + `pagedBytes` + `cudaContextBytes`
 * (the stale cache in `peakReservedBytes` is released before an out-of-memory error).
 */
export interface TrainingMemory {
  /** The phase of the step where memory peaks. */
  readonly phase: TrainingPhase;
  /** The moment of that phase, in words ("the loss's backward", "the optimizer step", ...). */
  readonly moment: string;
  /** Frozen base weights (LoRA / QLoRA); 0 for full training. */
  readonly frozenWeightsBytes: number;
  /** Trainable weights as the passes read them (the model for full training, the adapters for LoRA). */
  readonly weightsBytes: number;
  /** Gradients alive at the peak. */
  readonly gradientsBytes: number;
  /** Optimizer states inside PyTorch's allocator (0 when offloaded or paged). */
  readonly optimizerStatesBytes: number;
  /** FP32 master weights of mixed precision (0 here when offloaded). */
  readonly masterWeightsBytes: number;
  /** Activations alive at the peak: what the forward pass saved, plus one layer's recompute with checkpointing. */
  readonly activationsBytes: number;
  /** Logit buffers alive at the peak. */
  readonly logitsBytes: number;
  /** Full-width weight copies alive while a layer runs: ZeRO-3 / FSDP gathers, dequantized QLoRA weights. */
  readonly temporaryWeightsBytes: number;
  /** Temporaries of the optimizer step (torch's foreach AdamW). */
  readonly optimizerStepBytes: number;
  /** `torch.cuda.max_memory_allocated()`: the sum of the parts above. */
  readonly peakAllocatedBytes: number;
  /** What the caching allocator reserves beyond the allocated peak: block rounding and split remainders. */
  readonly fragmentationBytes: number;
  /** Cached logits blocks of an earlier, shorter batch that the longest batch cannot reuse (variable-length batches). */
  readonly staleCacheBytes: number;
  /** `torch.cuda.max_memory_reserved()`: allocated peak + fragmentation + stale cache. */
  readonly peakReservedBytes: number;
  /** Paged optimizer states: on the GPU, outside PyTorch's allocator (bitsandbytes `cudaMallocManaged`). */
  readonly pagedBytes: number;
  /** CUDA context and library handles, outside PyTorch's allocator. */
  readonly cudaContextBytes: number;
  /**
   * What one GPU must hold: allocated peak + fragmentation + paged + CUDA context; what nvidia-smi
   * shows, less any stale cache (released before an out-of-memory error).
   */
  readonly totalBytes: number;
}

/** Bytes per trainable parameter, unsharded: what the precision and optimizer cost. */
export interface BytesPerParameter {
  /** The weight copy the passes read. */
  readonly weights: number;
  /** Gradients. */
  readonly gradients: number;
  /** Optimizer states (an average for Adafactor, whose states depend on each matrix's shape). */
  readonly optimizerStates: number;
  /** FP32 master copy. */
  readonly masterWeights: number;
  /** Sum: 16 for mixed-precision AdamW, 18 for AMP, 12 for 8-bit AdamW... */
  readonly total: number;
}

/** One adapted projection kind of a LoRA estimate. */
export interface LoraModuleCount {
  /** transformers module name. */
  readonly name: string;
  /** Input width. */
  readonly inFeatures: number;
  /** Output width. */
  readonly outFeatures: number;
  /** Matrices of this kind in the model. */
  readonly instances: number;
  /** Trainable parameters on all of them: `instances × rank × (in + out)`. */
  readonly parameters: number;
}

/** A training memory estimate: per-GPU breakdown, totals, host memory and every assumption. */
export interface TrainingEstimate {
  /** What this is: a training or fine-tuning memory estimate. */
  readonly kind: "training";
  /** Which model, and where its config came from. */
  readonly model: {
    readonly id: string | undefined;
    readonly architecture: string | undefined;
    readonly modelType: string | undefined;
    readonly source: ModelSource;
  };
  /** The normalized model the numbers were computed from. */
  readonly spec: ModelSpec;
  /** What is trained. */
  readonly method: TrainingMethod;
  /** Parameter counts. */
  readonly parameters: {
    /** Every parameter (all experts of an MoE model). */
    readonly total: number;
    /** Parameters each token runs through; fewer than total for MoE. */
    readonly active: number;
    /** Parameters with gradients and optimizer states: all for full training, the adapters for LoRA. */
    readonly trainable: number;
    /** Parameters held frozen: the base for LoRA, 0 for full training. */
    readonly frozen: number;
    /** The model's parameters by component (MoE-aware). */
    readonly breakdown: ParameterBreakdown;
  };
  /** LoRA details; undefined for full training. */
  readonly lora:
    | {
        readonly rank: number;
        readonly targets: readonly LoraTarget[];
        readonly modules: readonly LoraModuleCount[];
      }
    | undefined;
  /** Bytes per trainable parameter before sharding. */
  readonly bytesPerParameter: BytesPerParameter;
  /** Model states: what one GPU holds for them, and the whole model's. */
  readonly modelStates: {
    /**
     * One GPU's model states at the optimizer step (weights, gradients, master weights, optimizer
     * states, paged ones included) plus ZeRO-3's gathered largest layer with its gradients: what
     * DeepSpeed's `estimate_zero2/3_model_states_mem_needs` count, equal to them for its recipe.
     */
    readonly perGpuBytes: number;
    /** The whole model's GPU-resident states before any sharding (offloaded kinds are 0). */
    readonly unsharded: ModelStateBytes;
    /** The sum of `unsharded`. */
    readonly unshardedBytes: number;
  };
  /** Memory. */
  readonly memory: {
    /** One GPU at the peak of the step, itemized: the figure that decides the fit. */
    readonly perGpu: TrainingMemory;
    /** All GPUs together: per GPU × GPUs. */
    readonly totalBytes: number;
    /** Host (CPU) memory one rank needs for offloaded optimizer states and master weights. */
    readonly hostBytesPerGpu: number;
    /** Host memory for all ranks. */
    readonly hostTotalBytes: number;
  };
  /** How the activation figure was built. */
  readonly activations: {
    /** Tokens per micro-batch on one rank: sequence length × micro-batch. */
    readonly tokens: number;
    /** What one layer stores without recomputation. */
    readonly perLayerBytes: number;
    /** What all layers keep until backward. */
    readonly storedBytes: number;
    /** One layer's recompute with checkpointing, else 0. */
    readonly recomputeBytes: number;
  };
  /** Every moment of the step on one GPU (allocated bytes, itemized); `memory.perGpu` is the largest. */
  readonly timeline: readonly TimelineMoment[];
  /** The options used, with a note for each default applied. */
  readonly assumptions: TrainingAssumptions;
  /** Things the reader should know: guesses in the spec, a sequence past the model's limit. */
  readonly warnings: readonly string[];
  /**
   * The code of each warning, in the same order as `warnings` (`warningCodes[i]` belongs to
   * `warnings[i]`): `UNKNOWN_FAMILY` when the config's family is unknown and its parameters were
   * counted as a Llama-style decoder, `APPROXIMATION` for other guesses in the spec, and the
   * option warnings' own codes.
   */
  readonly warningCodes: readonly TrainingWarningCode[];
}

/**
 * Estimates training or fine-tuning memory for a model spec, purely (no I/O): model states
 * (weights, gradients, optimizer states, master weights; or a frozen base plus adapter states for
 * LoRA / QLoRA), sharded by ZeRO and tensor parallelism; activations (Korthikanti et al. 2022);
 * the logits at the loss; temporary weight copies; CUDA context and fragmentation.
 * See docs/methodology.md#training.
 *
 * @throws {InvalidOptionError} for options vramfit cannot use (rank 0, ZeRO 4, QLoRA on an AWQ repo...).
 * @example
 * estimateTrainingFromSpec(llama3_8b, { method: "lora", rank: 16 }).parameters.trainable // 41_943_040
 */
export function estimateTrainingFromSpec(
  spec: ModelSpec,
  options: TrainingOptions = {},
): TrainingEstimate {
  checkKnownOptions(options, [TRAINING_OPTIONS], "estimateTrainingFromSpec");
  const { assumptions, warnings } = checkTrainingOptions(spec, options);
  const a = assumptions;
  const breakdown = countParameters(spec);
  const allTensors = reconcileTensors(parameterTensors(spec), breakdown);
  const modules = linearModules(spec);
  const targets = a.targets ?? [];
  const rank = a.rank ?? 0;
  const adapted = adaptedModules(spec, targets, modules);
  const full = a.method === "full";
  const trainableTensors = full ? allTensors : loraTensors(spec, rank, targets, adapted);
  const trainable = tensorParameterCount(trainableTensors);
  const recipe = TRAINING_PRECISIONS[a.precision];
  const optimizer = OPTIMIZERS[a.optimizer];

  const base = full ? undefined : frozenBaseLayout(spec, a);
  const states: ModelStateBytes = {
    frozenWeightsBytes: base === undefined ? 0 : frozenBaseBytes(spec, base, allTensors),
    ...trainableStateBytes(trainableTensors, a.precision, a.optimizer),
  };
  const placed = placeModelStates(
    {
      states,
      trainableParameters: trainable,
      frozenParameters: full ? 0 : breakdown.total,
      frozenGradientBytesPerParameter: !full && a.frozenGradientBuffers ? 2 : 0,
      pagedOptimizer: optimizer.paged,
      autocastWeights: a.precision === "amp",
      autocastFrozenBytes:
        !full && a.precision === "amp" && a.basePrecision === "fp32"
          ? 2 * tensorParameterCount(allTensors.filter((tensor) => tensor.linear))
          : 0,
      mixedPrecision: recipe.masterWeightBytes > 0,
    },
    a,
  );

  const bytesPerElement = full
    ? recipe.activationBytes
    : a.basePrecision === "fp32" && a.precision !== "amp"
      ? 4
      : 2;
  const autocast = a.precision === "amp";
  const checkpointing: CheckpointingMode = a.gradientCheckpointing
    ? "full"
    : a.selectiveCheckpointing
      ? "selective"
      : "none";
  const activations = activationBytes(spec, {
    ...a,
    checkpointing,
    bytesPerElement,
    autocast,
    softmaxBytes:
      autocast || bytesPerElement === 4 || a.softmaxPrecision === "fp32" ? 4 : bytesPerElement,
    trainableWeights: full,
    loraRank: rank,
    loraTargets: targets,
    quantizedInputsKept: a.keepQuantizedInputs && base?.quantized === true,
  });
  const tokens = a.sequenceLength * a.microBatchSize;
  const logits = logitsBytes({
    compiled: a.compile,
    positions: a.head === "classifier" ? 0 : a.logitsToKeep * a.microBatchSize,
    vocabSize: spec.vocabSize,
    crossEntropy: a.crossEntropy,
    lossPrecision: a.lossPrecision,
    logitBytes: bytesPerElement,
    tensorParallel: a.tensorParallel,
  });
  const gathers = gatheredWeights(spec, a, base, allTensors);
  const dequantizedBytes = dequantizedWeights(a, base, modules);

  const largestTrainable = Math.max(
    0,
    ...trainableTensors.map((tensor) => elementsOf(tensor.shape)),
  );
  const stepBuffer = foreachStepBytes(a, placed, largestTrainable, recipe.optimizerStateBytes);
  const timeline = timelineMoments({
    states: placed,
    storedActivationsBytes: activations.storedBytes,
    recomputeBytes: activations.recomputeBytes,
    forwardLogitsBytes: logits.forwardBytes,
    backwardLogitsBytes: logits.backwardBytes,
    forwardGatherBytes: gathers.forwardBytes,
    backwardGatherBytes: gathers.backwardBytes,
    dequantizedBytes,
    optimizerStepBytes: stepBuffer,
    accumulatesGradients: a.gradientAccumulationSteps > 1,
    optimizerInBackward: a.optimizerInBackward,
    inBackwardGradientBytes: Math.ceil(
      (largestTrainable * recipe.gradientBytes) / a.tensorParallel,
    ),
  });
  const { moment, phase, allocatedBytes, ...parts } = peakMoment(timeline);
  const statistics = gpuMemoryStatistics(allocatedBytes, {
    fragmentationFraction: a.fragmentationFraction,
    staleCacheBytes: staleCacheBytes({
      variableLengthBatches: a.variableLengthBatches,
      expandableSegments: a.expandableSegments,
      logitsBytes: Math.max(logits.forwardBytes, logits.backwardBytes),
      reallocatedBytes:
        activations.storedBytes +
        activations.recomputeBytes +
        placed.backwardGradientsBytes +
        stepBuffer,
    }),
    cudaContextBytes: a.cudaContextBytes,
    pagedBytes: placed.pagedOptimizerStatesBytes,
  });

  const perParameter = (bytes: number): number => (trainable === 0 ? 0 : bytes / trainable);
  const bytesPerParameter = {
    weights: perParameter(states.weightsBytes),
    gradients: perParameter(states.gradientsBytes),
    optimizerStates: perParameter(states.optimizerStatesBytes),
    masterWeights: perParameter(states.masterWeightsBytes),
    total: perParameter(
      states.weightsBytes +
        states.gradientsBytes +
        states.optimizerStatesBytes +
        states.masterWeightsBytes,
    ),
  };
  const unsharded = residentStates(states, a, Math.ceil(largestTrainable * recipe.gradientBytes));
  const coded = [...specWarnings(spec), ...warnings];

  return {
    kind: "training",
    model: {
      id: undefined,
      architecture: spec.architecture,
      modelType: spec.modelType,
      source: { kind: "spec" },
    },
    spec,
    method: a.method,
    parameters: {
      total: breakdown.total,
      active: activeParameters(spec, breakdown),
      trainable,
      frozen: full ? 0 : breakdown.total,
      breakdown,
    },
    lora: full
      ? undefined
      : {
          rank,
          targets,
          modules: adapted.map((module) => ({
            name: module.name,
            inFeatures: module.inFeatures,
            outFeatures: module.outFeatures,
            instances: module.instances,
            parameters: module.instances * loraParametersPerModule(module, rank),
          })),
        },
    bytesPerParameter,
    modelStates: {
      perGpuBytes:
        placed.frozenWeightsBytes +
        placed.weightsBytes +
        placed.masterWeightsBytes +
        placed.optimizerStatesBytes +
        placed.pagedOptimizerStatesBytes +
        placed.stepGradientsBytes +
        gathers.backwardBytes,
      unsharded,
      unshardedBytes:
        unsharded.frozenWeightsBytes +
        unsharded.weightsBytes +
        unsharded.gradientsBytes +
        unsharded.optimizerStatesBytes +
        unsharded.masterWeightsBytes,
    },
    memory: {
      perGpu: {
        phase,
        moment,
        ...parts,
        ...statistics,
      },
      totalBytes: statistics.totalBytes * a.gpuCount,
      hostBytesPerGpu: placed.hostBytes,
      hostTotalBytes: placed.hostBytes * a.gpuCount,
    },
    activations: {
      tokens,
      perLayerBytes: activations.perLayerBytes,
      storedBytes: activations.storedBytes,
      recomputeBytes: activations.recomputeBytes,
    },
    timeline,
    assumptions,
    warnings: coded.map((warning) => warning.message),
    warningCodes: coded.map((warning) => warning.code),
  };
}

/**
 * The spec's approximations as coded warnings: the Llama-shaped fallback for an unknown family is
 * `UNKNOWN_FAMILY` (its MLP is then counted as gated, its norms as RMSNorm), every other guess
 * `APPROXIMATION`.
 */
function specWarnings(spec: ModelSpec): TrainingWarning[] {
  return spec.approximations.map((message) => ({
    code: message.endsWith(FALLBACK_FAMILY_NOTE) ? "UNKNOWN_FAMILY" : "APPROXIMATION",
    message,
  }));
}

/**
 * The whole model's states that live on GPUs at the optimizer step: offloaded kinds are 0, and
 * with the optimizer in backward only one gradient exists at a time.
 */
function residentStates(
  states: ModelStateBytes,
  a: TrainingAssumptions,
  largestGradientBytes: number,
): ModelStateBytes {
  const offloadStates = a.offloadOptimizer || a.offloadParameters;
  return {
    frozenWeightsBytes: a.offloadParameters ? 0 : states.frozenWeightsBytes,
    weightsBytes: a.offloadParameters ? 0 : states.weightsBytes,
    gradientsBytes: a.offloadParameters
      ? 0
      : a.optimizerInBackward
        ? largestGradientBytes
        : states.gradientsBytes,
    // 8-bit states cost a fraction of a byte per element for their absmax: whole bytes, rounded up.
    optimizerStatesBytes: offloadStates ? 0 : Math.ceil(states.optimizerStatesBytes),
    masterWeightsBytes: offloadStates ? 0 : states.masterWeightsBytes,
  };
}

/**
 * The foreach optimizer step's temporary (torch `_multi_tensor_adamw`: `exp_avg_sq_sqrt =
 * torch._foreach_sqrt(exp_avg_sqs)` allocates one state-sized buffer for every parameter at
 * once). A fused step, bitsandbytes' kernels, offloaded states and non-Adam optimizers keep none.
 * With the optimizer in backward only the parameter being stepped has one.
 */
function foreachStepBytes(
  a: TrainingAssumptions,
  placed: PlacedModelStates,
  largestTrainableElements: number,
  stateElementBytes: number,
): number {
  const spec = OPTIMIZERS[a.optimizer];
  const torchAdam = a.optimizer === "adamw";
  if (a.fusedOptimizer || !torchAdam || spec.paged) return 0;
  if (a.optimizerInBackward) {
    return Math.ceil((largestTrainableElements * stateElementBytes) / a.tensorParallel);
  }
  return Math.ceil(placed.optimizerStatesBytes / spec.states);
}

/**
 * Weights gathered while a layer runs, on one GPU, when ZeRO-3 / FSDP shard them over several ranks:
 * - DeepSpeed ZeRO-3 gathers module by module: the largest module's 16-bit weights in forward and,
 *   in backward, its 16-bit gradients too (the estimator's `4 × largest_layer_params`);
 * - FSDP gathers one unit (a decoder layer; the root unit holds the embeddings and the LM head)
 *   and prefetches the next (`limit_all_gathers`: "only two consecutive FSDP instances"); in
 *   backward the running unit's gradients are unsharded too. Without `reshardAfterForward` every
 *   unit stays gathered from its forward to its backward.
 */
function gatheredWeights(
  spec: ModelSpec,
  a: TrainingAssumptions,
  base: (FrozenBaseLayout & { readonly quantized: boolean }) | undefined,
  allTensors: readonly ParameterTensor[],
): { readonly forwardBytes: number; readonly backwardBytes: number } {
  const sharded = a.zeroStage === 3 && (a.dataParallel > 1 || a.offloadParameters);
  if (!sharded) return { forwardBytes: 0, backwardBytes: 0 };
  const t = a.tensorParallel;
  const recipe = TRAINING_PRECISIONS[a.precision];
  const full = base === undefined;
  const weightBytes = (tensors: readonly ParameterTensor[]): number =>
    full
      ? tensorParameterCount(tensors) * recipe.weightBytes
      : frozenBaseBytes(spec, base, tensors);
  const gradientBytes = (tensors: readonly ParameterTensor[]): number =>
    full
      ? tensorParameterCount(tensors) * recipe.weightBytes
      : a.frozenGradientBuffers
        ? tensorParameterCount(tensors) * 2
        : 0;
  if (a.shardingEngine === "deepspeed") {
    const largest = largestLayerParameters(allTensors);
    const bytesPerParameter = full ? recipe.weightBytes : base.otherBytesPerParameter;
    const forwardBytes = Math.ceil((largest * bytesPerParameter) / t);
    const backwardBytes =
      forwardBytes + (full ? Math.ceil((largest * recipe.gradientBytes) / t) : 0);
    return { forwardBytes, backwardBytes };
  }
  const layerTensors = allTensors.filter(
    (tensor) =>
      tensor.component === "attention" ||
      tensor.component === "mlp" ||
      tensor.component === "norms",
  );
  const rootTensors = allTensors.filter(
    (tensor) =>
      tensor.component === "embedding" ||
      tensor.component === "positionEmbedding" ||
      tensor.component === "lmHead",
  );
  const layer = weightBytes(layerTensors) / spec.numLayers;
  const layerGradients = gradientBytes(layerTensors) / spec.numLayers;
  const root = weightBytes(rootTensors);
  const everything = layer * spec.numLayers + root;
  const forward = a.reshardAfterForward ? Math.max(2 * layer, root) : everything;
  const backward =
    (a.reshardAfterForward ? Math.max(2 * layer, root + layer) : everything) + layerGradients;
  return { forwardBytes: Math.ceil(forward / t), backwardBytes: Math.ceil(backward / t) };
}

/** A quantized base dequantizes each projection to 16-bit for its matmul: the largest one, while it runs. */
function dequantizedWeights(
  a: TrainingAssumptions,
  base: (FrozenBaseLayout & { readonly quantized: boolean }) | undefined,
  modules: readonly LinearModule[],
): number {
  if (base?.quantized !== true) return 0;
  const largest = Math.max(...modules.map((module) => module.inFeatures * module.outFeatures));
  return Math.ceil((2 * largest) / a.tensorParallel);
}

/** How the frozen base stores its weights, from the resolved base precision or the checkpoint's quantization. */
export function frozenBaseLayout(
  spec: ModelSpec,
  assumptions: Pick<TrainingAssumptions, "basePrecision" | "doubleQuantization">,
): FrozenBaseLayout & { readonly quantized: boolean } {
  const precision = assumptions.basePrecision;
  const quantization = spec.quantization;
  if (precision === "checkpoint" && quantization !== undefined) {
    const bits =
      quantization.groupSize === undefined
        ? quantization.bits
        : groupQuantizedBitsPerParameter({
            bits: quantization.bits,
            groupSize: quantization.groupSize,
          });
    return {
      linearBitsPerParameter: bits,
      bytesPerOutputRow: 0,
      otherBytesPerParameter: 2,
      quantized: true,
    };
  }
  const spec16 =
    BASE_PRECISIONS[precision === "checkpoint" || precision === undefined ? "bf16" : precision];
  return {
    linearBitsPerParameter:
      precision === "nf4"
        ? nf4BitsPerParameter(assumptions.doubleQuantization)
        : spec16.linearBitsPerParameter,
    bytesPerOutputRow: spec16.bytesPerOutputRow,
    otherBytesPerParameter: precision === "fp32" ? 4 : 2,
    quantized: spec16.quantized,
  };
}
