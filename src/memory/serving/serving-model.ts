import { attentionLayers, denseMlpLayerCount } from "../../model/layers.js";
import { moeLayerCount } from "../../model/features/moe.js";
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
  /** Positions the rotary cos/sin cache is built for (`max_position_embeddings`), or 0 without rotary embeddings. */
  readonly rotaryPositions: number;
  /** Width of that cache per position: the rotary dimensions of one head. */
  readonly rotaryDim: number;
  /** Bytes of one activation value: 2 (BF16/FP16), 4 for FP32 weights. */
  readonly activationBytes: number;
  /** The weights of every GPU together, as the estimate sized them. */
  readonly weightsBytes: number;
  /** Routed-expert parameters stored as MXFP4 (gpt-oss), which vLLM's Marlin kernel pads; 0 otherwise. */
  readonly mxfp4ExpertParameters: number;
  /** Bits per MXFP4 expert parameter with its scales (4.25). */
  readonly mxfp4BitsPerParameter: number;
  /** Constant Mamba / linear-attention state of one sequence (0 for pure transformers). */
  readonly stateBytesPerSequence: number;
  /** The longest sequence the model was built for, when the config says. */
  readonly maxPositionEmbeddings: number | null;
}

/** Families without rotary embeddings whose config does not say so with a learned position table. */
const NO_ROTARY = new Set(["bloom", "mpt"]);

/**
 * Reads the {@link ServingModel} of a spec, with the weights the estimate sized.
 *
 * The rotary cache is `max_position_embeddings × rotary dim` values (vLLM's `cos_sin_cache`,
 * in the model dtype): MLA rotates only `qk_rope_head_dim` of each head.
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
  const attends = layers.full + layers.sliding + layers.chunked > 0;
  const rotary =
    attends &&
    spec.encoderOnly !== true &&
    spec.layout.learnedPositionEmbeddings === 0 &&
    !NO_ROTARY.has(spec.modelType ?? "");
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
    rotaryPositions: rotary ? (spec.maxPositionEmbeddings ?? 0) : 0,
    rotaryDim: rotary ? (spec.mla?.qkRopeHeadDim ?? spec.headDim) : 0,
    activationBytes: sized.activationBytes,
    weightsBytes: sized.weightsBytes,
    mxfp4ExpertParameters: mxfp4 ? sized.breakdown.routedExperts : 0,
    mxfp4BitsPerParameter: mxfp4 ? (quantization.bitsPerQuantizedParameter ?? 4.25) : 0,
    stateBytesPerSequence:
      spec.stateSpace === undefined
        ? 0
        : stateBytesPerSequence(spec.stateSpace, sized.activationBytes),
    maxPositionEmbeddings: spec.maxPositionEmbeddings ?? null,
  };
}
