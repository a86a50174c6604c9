import { attentionLayers, denseMlpLayerCount } from "../../model/layers.js";
import { moeLayerCount } from "../../model/features/moe.js";
import { rotaryCacheValues } from "../../model/features/rotary.js";
import { stateBytesPerSequence } from "../../model/features/state-space/cache.js";
import type { AttentionLayers, ModelSpec } from "../../model/model-spec.js";
import type { ParameterBreakdown } from "../../model/parameter-breakdown.js";

/**
 * The few numbers of a model that a serving engine's start-up memory depends on, read once from
 * its {@link ModelSpec}: plain JSON, so a GPU ranking can carry it and size every GPU and
 * parallelism with the same rules as `fitOnGpu` (docs/methodology.md#serving-fit).
 */
export interface ServingModel {
  /** Decoder layers (pipeline stages split them). */
  readonly numLayers: number;
  /** Width of the residual stream. */
  readonly hiddenSize: number;
  /** Width of the dense MLP. */
  readonly intermediateSize: number;
  /** Whether the MLP is gated (gate and up projections fused into one `[tokens, 2 × width]` output). */
  readonly gatedMlp: boolean;
  /** Layers with a dense MLP (the rest are MoE). */
  readonly denseMlpLayers: number;
  /** Query heads. */
  readonly numAttentionHeads: number;
  /** KV heads of standard attention (ignored for MLA). */
  readonly numKeyValueHeads: number;
  /** Width of one attention head. */
  readonly headDim: number;
  /** Rows of the LM head: the width of the logits the sampler works on. */
  readonly vocabSize: number;
  /** Attention layers by kind (full, sliding, chunked); layers without attention cache nothing. */
  readonly attentionLayers: AttentionLayers;
  /** Tokens a sliding layer attends to, when some layers slide. */
  readonly slidingWindow: number | null;
  /** Tokens per chunk of a chunked-attention layer. */
  readonly attentionChunkSize: number | null;
  /** Multi-head latent attention: the latent and rotary widths each token caches per layer. */
  readonly mla: {
    readonly kvLoraRank: number;
    readonly qkRopeHeadDim: number;
    readonly qkNopeHeadDim: number;
    readonly vHeadDim: number;
  } | null;
  /** Mixture of experts: what the fused-MoE kernel's buffers are sized by. */
  readonly moe: {
    readonly numMoeLayers: number;
    readonly expertsPerToken: number;
    readonly expertIntermediateSize: number;
    /** `shared experts × their width`: the shared MLP beside the routed ones. */
    readonly sharedIntermediateSize: number;
  } | null;
  /**
   * Values in the rotary cos/sin tables the engine precomputes at load ({@link rotaryCacheValues}:
   * scaling, partial rotary width and Gemma's two tables included), 0 without RoPE.
   */
  readonly rotaryCacheValues: number;
  /** Bytes of one activation value: 2 (BF16/FP16), 4 for FP32 weights. */
  readonly activationBytes: number;
  /** The weights of every GPU together, as the estimate sized them. */
  readonly weightsBytes: number;
  /**
   * Routed experts stored as MXFP4 (gpt-oss), which vLLM recreates with padded widths and BF16
   * biases; `null` otherwise. Their shapes are `moe.expertIntermediateSize` and `hiddenSize`.
   */
  readonly mxfp4Experts: {
    /** Routed experts over all MoE layers (layers × experts per layer). */
    readonly count: number;
    /** Bytes the weights estimate gave them (parameters × bits per parameter / 8). */
    readonly sizedBytes: number;
  } | null;
  /** Constant Mamba / linear-attention state of one sequence (0 for pure transformers). */
  readonly stateBytesPerSequence: number;
  /** The longest sequence the model was built for, when the config says. */
  readonly maxPositionEmbeddings: number | null;
}

/**
 * Reads the {@link ServingModel} of a spec, with the weights the estimate sized.
 *
 * The rotary cache is the spec's {@link rotaryCacheValues} (vLLM's `cos_sin_cache`, in the
 * model dtype; docs/methodology.md#rotary-cossin-tables).
 */
export function servingModelFromSpec(
  spec: ModelSpec,
  sized: {
    readonly weightsBytes: number;
    readonly activationBytes: number;
    readonly breakdown: ParameterBreakdown;
  },
): ServingModel {
  const layers = attentionLayers(spec);
  const quantization = spec.quantization;
  const mxfp4 = quantization?.method === "mxfp4" && quantization.scope === "experts";
  const moe = spec.moe;
  return {
    numLayers: spec.numLayers,
    hiddenSize: spec.hiddenSize,
    intermediateSize: spec.intermediateSize,
    gatedMlp: spec.layout.mlp === "gated",
    denseMlpLayers: denseMlpLayerCount(spec),
    numAttentionHeads: spec.numAttentionHeads,
    numKeyValueHeads: spec.numKeyValueHeads,
    headDim: spec.headDim,
    vocabSize: spec.vocabSize,
    attentionLayers: spec.encoderOnly === true ? { full: 0, sliding: 0, chunked: 0 } : layers,
    slidingWindow: spec.slidingWindow ?? null,
    attentionChunkSize: spec.attentionChunkSize ?? null,
    mla:
      spec.mla === undefined
        ? null
        : {
            kvLoraRank: spec.mla.kvLoraRank,
            qkRopeHeadDim: spec.mla.qkRopeHeadDim,
            qkNopeHeadDim: spec.mla.qkNopeHeadDim,
            vHeadDim: spec.mla.vHeadDim,
          },
    moe:
      moe === undefined || moeLayerCount(spec) === 0
        ? null
        : {
            numMoeLayers: moeLayerCount(spec),
            expertsPerToken: moe.expertsPerToken,
            expertIntermediateSize: moe.expertIntermediateSize,
            sharedIntermediateSize: moe.numSharedExperts * moe.sharedExpertIntermediateSize,
          },
    rotaryCacheValues: rotaryCacheValues(spec),
    activationBytes: sized.activationBytes,
    weightsBytes: sized.weightsBytes,
    mxfp4Experts:
      mxfp4 && moe !== undefined && moeLayerCount(spec) > 0
        ? {
            count: moeLayerCount(spec) * moe.numExperts,
            sizedBytes:
              (sized.breakdown.routedExperts * (quantization.bitsPerQuantizedParameter ?? 4.25)) /
              8,
          }
        : null,
    stateBytesPerSequence:
      spec.stateSpace === undefined
        ? 0
        : stateBytesPerSequence(spec.stateSpace, sized.activationBytes),
    maxPositionEmbeddings: spec.maxPositionEmbeddings ?? null,
  };
}
