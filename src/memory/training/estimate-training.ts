import type { ModelSource } from "../../model/model-source.js";
import { checkKnownOptions } from "../../options/option-fields.js";
import type { ModelSpec } from "../../model/model-spec.js";
import { activeParameters } from "../../model/features/moe.js";
import type { ParameterBreakdown } from "../../model/parameter-breakdown.js";
import { countParameters } from "../../model/parameters.js";
import type { LinearModule, LoraTarget, ParameterTensor } from "../../model/weight-shapes.js";
import { groupQuantizedBitsPerParameter } from "../precision.js";
import { activationBytes, logitsBytes } from "./activations.js";
import { adaptedModules, loraParametersPerModule, loraTensors } from "./lora.js";
import {
  frozenBaseBytes,
  shardModelStates,
  trainableStateBytes,
  type FrozenBaseLayout,
} from "./model-states.js";
import {
  linearModules,
  parameterTensors,
  reconcileTensors,
  tensorParameterCount,
} from "./modules.js";
import { trainingOverheadBytes } from "./overhead.js";
import { BASE_PRECISIONS, nf4BitsPerParameter, TRAINING_PRECISIONS } from "./precision.js";
import {
  checkTrainingOptions,
  TRAINING_OPTIONS,
  type TrainingAssumptions,
  type TrainingMethod,
  type TrainingOptions,
} from "./training-options.js";

/** Training memory on one GPU, in bytes. `totalBytes` is the sum of the other fields. */
export interface TrainingMemory {
  /** Frozen base weights (LoRA / QLoRA) at the base precision; 0 for full training. */
  readonly frozenWeightsBytes: number;
  /** Trainable weights as the forward pass reads them (the model for full training, the adapters for LoRA). */
  readonly weightsBytes: number;
  /** Gradients of the trainable weights. */
  readonly gradientsBytes: number;
  /** Optimizer states (0 here when offloaded to host memory). */
  readonly optimizerStatesBytes: number;
  /** FP32 master weights of mixed precision (0 here when offloaded). */
  readonly masterWeightsBytes: number;
  /** Activations kept for the backward pass, plus one layer's recompute with checkpointing. */
  readonly activationsBytes: number;
  /** Logit buffers at the loss. */
  readonly logitsBytes: number;
  /** Full-width weight copies alive while a layer runs: ZeRO-3 all-gather buffers, dequantized QLoRA weights. */
  readonly temporaryWeightsBytes: number;
  /** CUDA context and library workspaces. */
  readonly cudaContextBytes: number;
  /** Allocator fragmentation. */
  readonly fragmentationBytes: number;
  /** Sum of the fields above: what one GPU must hold. */
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
  /** Memory. */
  readonly memory: {
    /** One GPU, itemized: the figure that decides the fit. */
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
  /** The options used, with a note for each default applied. */
  readonly assumptions: TrainingAssumptions;
  /** Things the reader should know: guesses in the spec, a sequence past the model's limit. */
  readonly warnings: readonly string[];
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
  const trainableTensors =
    a.method === "full" ? allTensors : loraTensors(spec, rank, targets, adapted);
  const trainable = tensorParameterCount(trainableTensors);
  const recipe = TRAINING_PRECISIONS[a.precision];

  const base = a.method === "full" ? undefined : frozenBaseLayout(spec, a);
  const states = {
    frozenWeightsBytes: base === undefined ? 0 : frozenBaseBytes(spec, base, allTensors),
    ...trainableStateBytes(trainableTensors, a.precision, a.optimizer),
  };
  const sharded = shardModelStates(states, a);

  const bytesPerElement =
    a.method === "full" ? recipe.activationBytes : a.basePrecision === "fp32" ? 4 : 2;
  const activations = activationBytes(spec, {
    ...a,
    bytesPerElement,
    loraRank: rank,
    loraTargets: targets,
  });
  const tokens = a.sequenceLength * a.microBatchSize;
  const logits = logitsBytes(tokens, spec.vocabSize, a.crossEntropy, a.tensorParallel);
  const temporaryWeightsBytes = temporaryWeights(
    spec,
    a,
    base,
    recipe.weightBytes,
    allTensors,
    modules,
  );

  const allocated =
    sharded.perGpu.frozenWeightsBytes +
    sharded.perGpu.weightsBytes +
    sharded.perGpu.gradientsBytes +
    sharded.perGpu.optimizerStatesBytes +
    sharded.perGpu.masterWeightsBytes +
    activations.totalBytes +
    logits +
    temporaryWeightsBytes;
  const overhead = trainingOverheadBytes(allocated, a.cudaContextBytes, a.fragmentationFraction);
  const perGpuTotal = allocated + overhead.cudaContextBytes + overhead.fragmentationBytes;

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
      frozen: a.method === "full" ? 0 : breakdown.total,
      breakdown,
    },
    lora:
      a.method === "full"
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
    memory: {
      perGpu: {
        ...sharded.perGpu,
        activationsBytes: activations.totalBytes,
        logitsBytes: logits,
        temporaryWeightsBytes,
        cudaContextBytes: overhead.cudaContextBytes,
        fragmentationBytes: overhead.fragmentationBytes,
        totalBytes: perGpuTotal,
      },
      totalBytes: perGpuTotal * a.gpuCount,
      hostBytesPerGpu: sharded.hostBytes,
      hostTotalBytes: sharded.hostBytes * a.gpuCount,
    },
    activations: {
      tokens,
      perLayerBytes: activations.perLayerBytes,
      storedBytes: activations.storedBytes,
      recomputeBytes: activations.recomputeBytes,
    },
    assumptions,
    warnings: [...spec.approximations, ...warnings],
  };
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

/**
 * Weight copies that exist only while a layer runs, on one GPU:
 * - ZeRO-3 / FSDP gathers each layer's full weights before using it and prefetches the next: two
 *   decoder layers at the forward precision (DeepSpeed and FSDP both prefetch one layer ahead);
 * - a quantized base dequantizes each projection to 16-bit for its matmul: the largest one.
 */
function temporaryWeights(
  spec: ModelSpec,
  a: TrainingAssumptions,
  base: (FrozenBaseLayout & { readonly quantized: boolean }) | undefined,
  trainableWeightBytes: number,
  allTensors: readonly ParameterTensor[],
  modules: readonly LinearModule[],
): number {
  const t = a.tensorParallel;
  let bytes = 0;
  if (a.zeroStage === 3 && a.dataParallel > 1) {
    const layerTensors = allTensors.filter(
      (tensor) =>
        tensor.component === "attention" ||
        tensor.component === "mlp" ||
        tensor.component === "norms",
    );
    const layerBytes =
      base === undefined
        ? tensorParameterCount(layerTensors) * trainableWeightBytes
        : frozenBaseBytes(spec, base, layerTensors);
    bytes += (2 * layerBytes) / spec.numLayers / t;
  }
  if (base?.quantized === true) {
    const largest = Math.max(...modules.map((module) => module.inFeatures * module.outFeatures));
    bytes += (2 * largest) / t;
  }
  return Math.ceil(bytes);
}
