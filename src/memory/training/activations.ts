import type { ModelSpec } from "../../model/model-spec.js";
import { adaptedModules } from "./lora.js";
import type { LinearModule, LoraTarget } from "../../model/weight-shapes.js";
import { moeLayerCount } from "../../model/features/moe.js";

/**
 * Activation memory: the tensors the forward pass keeps for the backward pass.
 * Korthikanti et al. 2022, "Reducing Activation Recomputation in Large Transformer Models"
 * (arXiv 2205.05198) §4, counted per tensor on the spec's real shapes. For a GPT-style layer
 * (MHA, plain 4h MLP, dropout) the count reduces exactly to the paper's `sbh(34 + 5as/h)` bytes.
 * See docs/methodology.md#activations.
 */

/** How attention scores are computed: `flash` never stores the s×s matrices (FlashAttention, PyTorch SDPA, or Megatron's selective recomputation); `eager` does. */
export type AttentionKernel = "flash" | "eager";

/** Every {@link AttentionKernel}. */
export const ATTENTION_KERNELS = ["flash", "eager"] as const satisfies readonly AttentionKernel[];

/** The workload that decides activation memory. */
export interface ActivationOptions {
  /** Tokens per sequence (s). */
  readonly sequenceLength: number;
  /** Sequences per micro-batch on one data-parallel rank (b). */
  readonly microBatchSize: number;
  /** Tensor-parallel degree (t), without sequence parallelism. */
  readonly tensorParallel: number;
  /** Attention kernel. */
  readonly attention: AttentionKernel;
  /** Whether the model applies dropout (adds 1-byte masks); 0 for Llama, Mistral, Qwen and Gemma configs. */
  readonly dropout: boolean;
  /** Bytes per stored activation element: 2 in mixed or 16-bit training, 4 in FP32. */
  readonly bytesPerElement: number;
  /** LoRA rank (0 for full training): each adapter stores its rank-wide intermediate. */
  readonly loraRank: number;
  /** LoRA targets (empty for full training). */
  readonly loraTargets: readonly LoraTarget[];
}

/** Stored elements per token of one MLP of width `width`: SwiGLU keeps gate, up, act(gate) and their product; a plain MLP its two inputs. */
function mlpInternalsPerToken(spec: ModelSpec, width: number): number {
  return (spec.layout.mlp === "gated" ? 4 : 2) * width;
}

/**
 * Activation bytes one decoder layer stores for the backward pass (no recomputation), on one
 * tensor-parallel rank. Per token, with e bytes per element:
 * - not split by TP: the inputs of every norm, of the attention block and of the MLP (`e·h` each),
 *   plus two 1-byte dropout masks (`2h`) when the model uses dropout;
 * - split by TP: q, k, v (k and v are `kvHeads × headDim` wide) and the output projection's
 *   input; the MLP's internal tensors; with eager attention the softmax output `e·a·s`
 *   (+ its dropout mask and output `(1 + e)·a·s`);
 * - MoE layers: the router's FP32 probabilities (`4·experts`) and, per routed expert a token
 *   visits, its gathered input, internal tensors and output; plus the shared experts;
 * - LoRA: the rank-wide output of each adapter's A matrix.
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
  const queryWidth = spec.numAttentionHeads * spec.headDim;
  // Fewer KV heads than ranks: vLLM and Megatron replicate them, so per-rank width floors at one
  // head. A pure state-space model (Mamba) has none.
  const keyValueWidth =
    spec.numKeyValueHeads === 0
      ? 0
      : (spec.numKeyValueHeads * spec.headDim) / Math.min(t, spec.numKeyValueHeads);

  const replicated = e * h * (spec.layout.normsPerLayer + 2) + (options.dropout ? 2 * h : 0);
  const attention = (e * 2 * queryWidth) / t + e * 2 * keyValueWidth;
  const scores =
    options.attention === "eager"
      ? ((options.dropout ? 1 + 2 * e : e) * spec.numAttentionHeads * s) / t
      : 0;

  let mlp: number;
  const moe = spec.moe;
  if (moeLayer && moe !== undefined) {
    const routed =
      moe.expertsPerToken *
      (2 * e * h + e * mlpInternalsPerToken(spec, moe.expertIntermediateSize));
    const shared =
      moe.numSharedExperts * e * mlpInternalsPerToken(spec, moe.sharedExpertIntermediateSize);
    mlp = 4 * moe.numExperts + (routed + shared) / t;
  } else {
    mlp = (e * mlpInternalsPerToken(spec, spec.intermediateSize)) / t;
  }

  const kind = moeLayer ? "moe" : "dense";
  const lora = adaptedModules(spec, options.loraTargets)
    .filter((module) => module.layerKind === "all" || module.layerKind === kind)
    .reduce((sum, module) => sum + perLayer(module) * module.tokenShare * e * options.loraRank, 0);

  const tokens = s * options.microBatchSize;
  return tokens * (replicated + attention + scores + mlp + lora);
}

function perLayer(module: LinearModule): number {
  return module.layers === 0 ? 0 : module.instances / module.layers;
}

/** Activation memory of all layers, itemized. */
export interface ActivationBytes {
  /** What one layer stores without recomputation (the largest layer kind). */
  readonly perLayerBytes: number;
  /** What all layers keep until their backward pass: full activations, or only each layer's input with checkpointing. */
  readonly storedBytes: number;
  /** With checkpointing, one layer's activations rebuilt during its backward pass; else 0. */
  readonly recomputeBytes: number;
  /** stored + recompute. */
  readonly totalBytes: number;
}

/**
 * Activation bytes of the whole model on one GPU. Without checkpointing every layer keeps
 * {@link activationBytesPerLayer}. With full gradient checkpointing each layer keeps only its input
 * (`e·s·b·h`, Korthikanti's `2sbh`), and the layer being back-propagated rebuilds its
 * activations: one layer's worth on top.
 */
export function activationBytes(
  spec: ModelSpec,
  options: ActivationOptions & { readonly gradientCheckpointing: boolean },
): ActivationBytes {
  const moeLayers = moeLayerCount(spec);
  const denseLayers = spec.numLayers - moeLayers;
  const dense = denseLayers > 0 ? activationBytesPerLayer(spec, options, false) : 0;
  const moe = moeLayers > 0 ? activationBytesPerLayer(spec, options, true) : 0;
  const perLayerBytes = Math.max(dense, moe);
  if (!options.gradientCheckpointing) {
    const storedBytes = denseLayers * dense + moeLayers * moe;
    return { perLayerBytes, storedBytes, recomputeBytes: 0, totalBytes: storedBytes };
  }
  const layerInput =
    options.bytesPerElement * options.sequenceLength * options.microBatchSize * spec.hiddenSize;
  const storedBytes = spec.numLayers * layerInput;
  return {
    perLayerBytes,
    storedBytes,
    recomputeBytes: perLayerBytes,
    totalBytes: storedBytes + perLayerBytes,
  };
}

/** How the loss turns hidden states into a cross-entropy. */
export type CrossEntropyKind = "standard" | "chunked" | "fused";

/** Bytes per logit (token × vocabulary entry) at the loss's peak, and where the figure comes from. */
export interface CrossEntropySpec {
  /** Human name. */
  readonly label: string;
  /** Bytes per logit alive at the backward peak of the loss. */
  readonly bytesPerLogit: number;
  /** Why. */
  readonly source: string;
}

/**
 * Logit buffers at the loss. `standard` is an unfused cross-entropy (transformers' default): four
 * FP32 copies coexist at its backward peak — the upcast logits, the log-softmax output saved for
 * backward, the gradient arriving at it and the gradient it returns (16 B per logit); Unsloth's
 * published Hugging Face + FA2 context table for Llama-3.1-8B grows by ≈ 2.47 MB per token, which
 * this reproduces (docs/accuracy.md#training). `chunked` keeps only the 16-bit logits (torchtune's
 * CEWithChunkedOutputLoss); `fused` never materializes them (Liger, Apple's Cut Cross-Entropy).
 */
export const CROSS_ENTROPY = {
  standard: {
    label: "standard cross-entropy (4 FP32 copies of the logits)",
    bytesPerLogit: 16,
    source:
      "ml-engineering training/performance/README.md (logits = 4 × bs × seqlen × vocab, more with the softmax copy); docs/accuracy.md#training",
  },
  chunked: {
    label: "chunked cross-entropy (16-bit logits)",
    bytesPerLogit: 2,
    source: "torchtune CEWithChunkedOutputLoss: FP32 upcast one chunk at a time",
  },
  fused: {
    label: "fused linear cross-entropy (no logits stored)",
    bytesPerLogit: 0,
    source:
      "Liger kernel / Cut Cross-Entropy (arXiv 2411.09009): logits computed blockwise, never stored",
  },
} as const satisfies Record<CrossEntropyKind, CrossEntropySpec>;

/** Every {@link CrossEntropyKind}. */
export const CROSS_ENTROPY_IDS = Object.keys(CROSS_ENTROPY) as readonly CrossEntropyKind[];

/**
 * Bytes of the logit buffers at the loss on one GPU: `tokens × vocab × bytesPerLogit / t`
 * (the LM head is vocabulary-parallel under tensor parallelism).
 *
 * @example
 * // Llama-3-8B, 2,048 tokens, one FP32 copy: 4 × 2048 × 128256 = 1,050,673,152 (ml-engineering's 1.05 GB)
 */
export function logitsBytes(
  tokens: number,
  vocabSize: number,
  crossEntropy: CrossEntropyKind,
  tensorParallel = 1,
): number {
  return (tokens * vocabSize * CROSS_ENTROPY[crossEntropy].bytesPerLogit) / tensorParallel;
}
