import type { ModelSpec } from "../../model/model-spec.js";
import { adaptedModules } from "./lora.js";
import type { LinearModule, LoraTarget } from "../../model/weight-shapes.js";
import { moeLayerCount } from "../../model/features/moe.js";

/**
 * Activation memory: the tensors the forward pass keeps for the backward pass, counted tensor by
 * tensor on the spec's real shapes from what autograd saves (Korthikanti et al. 2022,
 * arXiv 2205.05198 §4, for the method; PyTorch's derivatives for what each op keeps). A
 * projection keeps its input only when its weight is trained: autograd saves `mm`'s input for
 * the weight gradient alone (tools/autograd/gen_variable_type.py guards the save with
 * `should_compute_output`), so a frozen LoRA base keeps none, unless a 4-bit layer saves it
 * itself (bitsandbytes `MatMul4Bit` before 0.43.2). See docs/methodology.md#activations.
 */

/**
 * How attention runs: `flash` (FlashAttention-2 through transformers, k and v at their own
 * width, the output reused as the output projection's input), `sdpa` (PyTorch
 * `scaled_dot_product_attention` as transformers, torchtune and LitGPT call it: k and v repeated
 * to every query head, the output copied by `transpose().contiguous()`), or `eager` (the s×s
 * scores materialized).
 */
export type AttentionKernel = "flash" | "sdpa" | "eager";

/** Every {@link AttentionKernel}. */
export const ATTENTION_KERNELS = [
  "flash",
  "sdpa",
  "eager",
] as const satisfies readonly AttentionKernel[];

/** Activation checkpointing: none, full (each layer keeps its input), or selective. */
export type CheckpointingMode = "none" | "full" | "selective";

/** The workload and the implementation choices that decide activation memory. */
export interface ActivationOptions {
  /** Tokens per sequence (s). */
  readonly sequenceLength: number;
  /** Sequences per micro-batch on one data-parallel rank (b). */
  readonly microBatchSize: number;
  /** Tensor-parallel degree (t), without sequence parallelism. */
  readonly tensorParallel: number;
  /** Attention kernel. */
  readonly attention: AttentionKernel;
  /** Bytes of each eager softmax output element: 4 when it is computed in FP32, else the activation width. */
  readonly softmaxBytes: number;
  /** Whether the model applies dropout: 1-byte masks after attention and MLP, and on eager attention probabilities. */
  readonly dropout: boolean;
  /** Bytes per stored activation element: 2 in mixed or 16-bit training, 4 in FP32. */
  readonly bytesPerElement: number;
  /** Whether norms run in FP32 and keep an FP32 input: RMSNorm implementations upcast; autocast runs LayerNorm in FP32. */
  readonly autocast: boolean;
  /** Whether every weight is trained (full training): every projection keeps its input and RMSNorm its normalized output. */
  readonly trainableWeights: boolean;
  /** LoRA rank (0 for full training): each adapter keeps its rank-wide intermediate. */
  readonly loraRank: number;
  /** LoRA targets (empty for full training). */
  readonly loraTargets: readonly LoraTarget[];
  /** LoRA dropout probability: above 0 each adapter keeps its own dropped copy of the input and a 1-byte mask. */
  readonly loraDropout: number;
  /** Whether the quantized projections of a 4-bit or 8-bit base keep their input for backward. */
  readonly quantizedInputsKept: boolean;
  /**
   * Whether `torch.compile` partitions the graph: AOTAutograd's min-cut partitioner saves the inputs
   * of fused element-wise regions and recomputes their outputs (functorch partitioners.py
   * `min_cut_rematerialization_partition`), so norms keep their 16-bit input only and an MLP
   * keeps its projections' outputs, not the activation's.
   */
  readonly compile: boolean;
}

/** The roles whose projection reads each shared input tensor. */
const INPUT_GROUPS = {
  attention: ["q", "k", "v"],
  output: ["o"],
  mlp: ["gate", "up", "router"],
  down: ["down"],
} as const satisfies Record<string, readonly LoraTarget[]>;

function perLayer(module: LinearModule): number {
  return module.layers === 0 ? 0 : module.instances / module.layers;
}

/** The adapted modules present in a layer of the given kind. */
function layerAdapters(
  spec: ModelSpec,
  options: ActivationOptions,
  moeLayer: boolean,
): LinearModule[] {
  const kind = moeLayer ? "moe" : "dense";
  return adaptedModules(spec, options.loraTargets).filter(
    (module) => module.layerKind === "all" || module.layerKind === kind,
  );
}

/**
 * Whether the projections reading one input tensor keep it for backward: when their weight is
 * trained, when a LoRA adapter on them reads the input itself (no LoRA dropout), or when a
 * quantized layer saves it.
 */
function inputKept(
  options: ActivationOptions,
  adapters: readonly LinearModule[],
  roles: readonly LoraTarget[],
): boolean {
  if (options.trainableWeights || options.quantizedInputsKept) return true;
  return (
    options.loraDropout === 0 &&
    adapters.some((module) => module.targets.some((target) => roles.includes(target)))
  );
}

/** Per-token bytes of one norm: its saved input (FP32 when it upcasts) and, when its weight trains, its normalized output. */
function normBytes(spec: ModelSpec, options: ActivationOptions): number {
  const e = options.bytesPerElement;
  if (options.compile) return spec.hiddenSize * e;
  const rms = spec.layout.norm === "rmsnorm";
  const input = rms || options.autocast ? Math.max(4, e) : e;
  return spec.hiddenSize * (input + (rms && options.trainableWeights ? e : 0));
}

/**
 * Activation bytes one decoder layer stores for the backward pass (no recomputation), on one
 * tensor-parallel rank. Per token, with e bytes per element, h hidden, q query and kv key/value
 * widths, i the MLP width:
 * - every norm's input (FP32 for RMSNorm and under autocast) and, for trained RMSNorm weights,
 *   its normalized output;
 * - the input of the attention projections, of the output projection (a separate copy unless
 *   `flash`), of the MLP and of its down projection, each only when a projection reading it keeps
 *   it (see {@link ActivationOptions.trainableWeights});
 * - attention: q, k and v (repeated to q's width for `sdpa` and `eager` when there are fewer KV
 *   heads) and the kernel's output (`flash`, `sdpa`); `eager` keeps the softmax output at
 *   `softmaxBytes` and its 16-bit copy (or, with dropout, a mask and the dropped copy) per score:
 *   `heads × s` per token;
 * - the MLP's internals: a gated MLP keeps gate, act(gate) and up (`3·e·i`), a plain one the
 *   activation's input (`e·i`);
 * - MoE layers: the router's FP32 probabilities (`4·experts`) and, per routed expert a token
 *   visits, its gathered input, internals and output; plus the shared experts;
 * - dropout: two 1-byte masks (`2h`) when the model uses dropout;
 * - LoRA: each adapter's rank-wide intermediate, and with LoRA dropout its dropped input copy and
 *   mask (`(e + 1)·d_in`).
 */
export function activationBytesPerLayer(
  spec: ModelSpec,
  options: ActivationOptions,
  moeLayer = false,
): number {
  const e = options.bytesPerElement;
  const t = options.tensorParallel;
  const s = options.sequenceLength;
  const h = spec.hiddenSize;
  const adapters = layerAdapters(spec, options, moeLayer);
  const kept = (roles: readonly LoraTarget[]): boolean => inputKept(options, adapters, roles);

  const queryWidth = (spec.numAttentionHeads * spec.headDim) / t;
  // Fewer KV heads than ranks: Megatron and vLLM replicate them, so per-rank width floors at one
  // head. A pure state-space model (Mamba) has none.
  const keyValueWidth =
    spec.numKeyValueHeads === 0
      ? 0
      : (spec.numKeyValueHeads * spec.headDim) / Math.min(t, spec.numKeyValueHeads);
  const repeated = options.attention !== "flash" && spec.numKeyValueHeads < spec.numAttentionHeads;
  const storedKeyValue = repeated ? queryWidth : keyValueWidth;

  const norms = spec.layout.normsPerLayer * normBytes(spec, options);
  const inputs =
    (kept(INPUT_GROUPS.attention) ? e * h : 0) +
    (kept(INPUT_GROUPS.output) && options.attention !== "flash" ? e * queryWidth : 0) +
    (kept(INPUT_GROUPS.mlp) ? e * h : 0);
  const attention =
    e * (queryWidth + 2 * storedKeyValue) + (options.attention === "eager" ? 0 : e * queryWidth);
  const softmax = options.softmaxBytes;
  const scores =
    options.attention === "eager"
      ? ((softmax + (options.dropout ? 1 + e : softmax > e ? e : 0)) * spec.numAttentionHeads * s) /
        t
      : 0;
  const masks = options.dropout ? 2 * h : 0;

  // The down projection's input is act(gate)·up (or act(fc)): compile recomputes it, and act(gate).
  const keepDown = kept(INPUT_GROUPS.down) && !options.compile;
  const internals = (width: number): number =>
    e *
    width *
    ((spec.layout.mlp === "gated" ? (options.compile ? 2 : 3) : 1) + (keepDown ? 1 : 0));
  let mlp: number;
  const moe = spec.moe;
  if (moeLayer && moe !== undefined) {
    const routed = moe.expertsPerToken * (2 * e * h + internals(moe.expertIntermediateSize));
    const shared = moe.numSharedExperts * internals(moe.sharedExpertIntermediateSize);
    mlp = 4 * moe.numExperts + (routed + shared) / t;
  } else {
    mlp = internals(spec.intermediateSize) / t;
  }

  const lora = adapters.reduce((sum, module) => {
    const dropped = options.loraDropout > 0 ? (e + 1) * module.inFeatures : 0;
    return sum + perLayer(module) * module.tokenShare * (e * options.loraRank + dropped);
  }, 0);

  const tokens = s * options.microBatchSize;
  return Math.ceil(tokens * (norms + inputs + attention + scores + masks + mlp + lora));
}

/**
 * Per-token bytes one layer keeps under selective checkpointing, torchtitan's op-level policy
 * (`_save_list`: the outputs of `mm` and of the attention kernel, "except every second mm"): the
 * layer input, the attention output, and half of the projection outputs; everything else is
 * recomputed in backward.
 */
function selectivePerToken(spec: ModelSpec, options: ActivationOptions): number {
  const e = options.bytesPerElement;
  const t = options.tensorParallel;
  const h = spec.hiddenSize;
  const queryWidth = (spec.numAttentionHeads * spec.headDim) / t;
  const keyValueWidth = (spec.numKeyValueHeads * spec.headDim) / Math.min(t, spec.numKeyValueHeads);
  const mlpOutputs = (spec.layout.mlp === "gated" ? 2 : 1) * (spec.intermediateSize / t) + h / t;
  const projectionOutputs = queryWidth + 2 * keyValueWidth + h / t + mlpOutputs;
  return e * (h + queryWidth + projectionOutputs / 2);
}

/** Activation memory of all layers, itemized. */
export interface ActivationBytes {
  /** What one layer stores without recomputation (the largest layer kind). */
  readonly perLayerBytes: number;
  /** What all layers keep until their backward pass: full activations, each layer's input (full checkpointing), or the saved subset (selective). */
  readonly storedBytes: number;
  /** With checkpointing, one layer's activations rebuilt during its backward pass; else 0. */
  readonly recomputeBytes: number;
  /** stored + recompute. */
  readonly totalBytes: number;
}

/**
 * Activation bytes of the whole model on one GPU. Without checkpointing every layer keeps
 * {@link activationBytesPerLayer}, plus the final norm's input and (when trained) the LM head's
 * input. With full checkpointing each layer keeps only its input (`e·s·b·h`, Korthikanti's
 * `2sbh`); selective checkpointing keeps torchtitan's saved subset. Either way the layer being
 * back-propagated rebuilds its activations: one layer's worth on top, while it runs.
 */
export function activationBytes(
  spec: ModelSpec,
  options: ActivationOptions & {
    readonly checkpointing: CheckpointingMode;
    /** Checkpointed layer inputs live in host memory (torchtune activation offloading). */
    readonly offloadActivations?: boolean;
  },
): ActivationBytes {
  const moeLayers = moeLayerCount(spec);
  const denseLayers = spec.numLayers - moeLayers;
  const dense = denseLayers > 0 ? activationBytesPerLayer(spec, options, false) : 0;
  const moe = moeLayers > 0 ? activationBytesPerLayer(spec, options, true) : 0;
  const perLayerBytes = Math.max(dense, moe);
  const tokens = options.sequenceLength * options.microBatchSize;
  const e = options.bytesPerElement;
  const head = Math.ceil(
    tokens * (normBytes(spec, options) + (options.trainableWeights ? e * spec.hiddenSize : 0)),
  );
  switch (options.checkpointing) {
    case "none": {
      const storedBytes = denseLayers * dense + moeLayers * moe + head;
      return { perLayerBytes, storedBytes, recomputeBytes: 0, totalBytes: storedBytes };
    }
    case "full": {
      const inputs = options.offloadActivations === true ? 0 : spec.numLayers;
      const storedBytes = inputs * Math.ceil(e * tokens * spec.hiddenSize) + head;
      return {
        perLayerBytes,
        storedBytes,
        recomputeBytes: perLayerBytes,
        totalBytes: storedBytes + perLayerBytes,
      };
    }
    case "selective": {
      const storedBytes =
        spec.numLayers * Math.ceil(tokens * selectivePerToken(spec, options)) + head;
      return {
        perLayerBytes,
        storedBytes,
        recomputeBytes: perLayerBytes,
        totalBytes: storedBytes + perLayerBytes,
      };
    }
  }
}
