/**
 * Parameter counts of vision towers and projectors, each mirroring one transformers
 * module. They are plain functions of the vision config's dimensions.
 * See docs/methodology.md#multimodal-models.
 */

/** Dimensions of a ViT-style tower (CLIP, SigLIP, Llama-4's vision encoder). */
export interface VitDimensions {
  readonly hiddenSize: number;
  readonly intermediateSize: number;
  readonly numLayers: number;
  readonly imageSize: number;
  readonly patchSize: number;
  readonly numChannels: number;
}

/** One ViT encoder layer: q, k, v, o with biases, two LayerNorms, fc1/fc2 with biases. */
function vitLayer(d: VitDimensions): number {
  const h = d.hiddenSize;
  const attention = 4 * (h * h + h);
  const norms = 2 * 2 * h;
  const mlp = h * d.intermediateSize + d.intermediateSize + d.intermediateSize * h + h;
  return attention + norms + mlp;
}

function patches(d: VitDimensions): number {
  return (d.imageSize / d.patchSize) ** 2;
}

/**
 * CLIP vision model (LLaVA's tower): class embedding, bias-free patch convolution, one
 * position per patch plus the class token, pre- and post-LayerNorm, ViT layers.
 */
export function clipVisionParameters(d: VitDimensions): number {
  const h = d.hiddenSize;
  const embeddings = h + d.numChannels * d.patchSize ** 2 * h + (patches(d) + 1) * h;
  return embeddings + 2 * 2 * h + d.numLayers * vitLayer(d);
}

/**
 * SigLIP vision model without its attention-pooling head (Gemma-3's tower): patch
 * convolution with bias, one position per patch, ViT layers, post-LayerNorm.
 */
export function siglipVisionParameters(d: VitDimensions): number {
  const h = d.hiddenSize;
  const embeddings = d.numChannels * d.patchSize ** 2 * h + h + patches(d) * h;
  return embeddings + d.numLayers * vitLayer(d) + 2 * h;
}

/** LLaVA's projector: `linear_1` (vision → text, bias) and `linear_2` (text → text, bias). */
export function llavaProjectorParameters(visionHidden: number, textHidden: number): number {
  return visionHidden * textHidden + textHidden + textHidden * textHidden + textHidden;
}

/** Gemma-3's projector: `mm_input_projection_weight` (vision × text) and an RMSNorm of the vision width. */
export function gemma3ProjectorParameters(visionHidden: number, textHidden: number): number {
  return visionHidden * textHidden + visionHidden;
}

/** Dimensions of Llama-4's vision encoder and pixel-shuffle adapter. */
export interface Llama4VisionDimensions extends VitDimensions {
  readonly projectorInputDim: number;
  readonly projectorOutputDim: number;
  readonly visionOutputDim: number;
}

/**
 * Llama-4 vision model: bias-free unfold patch embedding, class embedding, one position
 * per patch plus the class token, pre- and post-LayerNorm, ViT layers, and the pixel-shuffle
 * adapter (`fc1`: intermediate → projector input, `fc2`: projector output², no biases).
 */
export function llama4VisionParameters(d: Llama4VisionDimensions): number {
  const h = d.hiddenSize;
  const embeddings = d.numChannels * d.patchSize ** 2 * h + h + (patches(d) + 1) * h;
  const adapter =
    d.intermediateSize * d.projectorInputDim + d.projectorOutputDim * d.projectorOutputDim;
  return embeddings + 2 * 2 * h + d.numLayers * vitLayer(d) + adapter;
}

/** Llama-4's projector: one bias-free linear from the vision output to the text width. */
export function llama4ProjectorParameters(visionOutputDim: number, textHidden: number): number {
  return visionOutputDim * textHidden;
}

/** Dimensions of the Qwen2-VL / Qwen2.5-VL vision transformer. */
export interface QwenVisionDimensions {
  readonly depth: number;
  readonly embedDim: number;
  /** MLP width: `embedDim × mlp_ratio` (Qwen2-VL) or `intermediate_size` (Qwen2.5-VL). */
  readonly mlpWidth: number;
  readonly outHidden: number;
  readonly patchSize: number;
  readonly temporalPatchSize: number;
  readonly spatialMergeSize: number;
  readonly numChannels: number;
  /** Qwen2.5-VL: RMSNorms and a gated (SwiGLU) MLP; Qwen2-VL: LayerNorms and a plain MLP. */
  readonly gated: boolean;
}

/**
 * Qwen2-VL / Qwen2.5-VL vision transformer with its patch merger: a bias-free 3-D patch
 * convolution, `depth` blocks (fused qkv and proj with biases, an MLP with biases, two
 * norms) and the merger (a norm, then `embed·m² → embed·m² → outHidden` with biases).
 */
export function qwenVisionParameters(d: QwenVisionDimensions): number {
  const e = d.embedDim;
  const norm = d.gated ? e : 2 * e;
  const patchEmbedding = d.numChannels * d.temporalPatchSize * d.patchSize ** 2 * e;
  const attention = e * 3 * e + 3 * e + e * e + e;
  const mlp = d.gated
    ? 2 * (e * d.mlpWidth + d.mlpWidth) + d.mlpWidth * e + e
    : e * d.mlpWidth + d.mlpWidth + d.mlpWidth * e + e;
  const merged = e * d.spatialMergeSize ** 2;
  const merger = norm + merged * merged + merged + merged * d.outHidden + d.outHidden;
  return patchEmbedding + d.depth * (2 * norm + attention + mlp) + merger;
}

/** Dimensions of Gemma-4's vision tower (Gemma4VisionModel). */
export interface Gemma4VisionDimensions {
  readonly hiddenSize: number;
  readonly intermediateSize: number;
  readonly numLayers: number;
  readonly numHeads: number;
  readonly headDim: number;
  readonly patchSize: number;
  /** Rows of each of the two position tables (`position_embedding_size`). */
  readonly positionEmbeddingSize: number;
  /** Whether it keeps `std_bias` and `std_scale` (`standardize`). */
  readonly standardize: boolean;
}

/**
 * Gemma-4 vision model: a bias-free patch projection (`3 × patch² → hidden`), two position
 * tables of `position_embedding_size` rows (one per image axis), `numLayers` encoder layers
 * (bias-free q, k, v, o of `heads × head_dim`, q/k norms of `head_dim` (v_norm has no weight),
 * a gated MLP without biases, four RMSNorms) and, with `standardize`, `std_bias` and `std_scale`.
 * Its pooler has no weights. Matches the 569,550,384 tower tensors of gemma-4-31B-it.
 */
export function gemma4VisionParameters(d: Gemma4VisionDimensions): number {
  const h = d.hiddenSize;
  const width = d.numHeads * d.headDim;
  const layer = 4 * h * width + 2 * d.headDim + 3 * h * d.intermediateSize + 4 * h;
  const embeddings = 3 * d.patchSize ** 2 * h + 2 * d.positionEmbeddingSize * h;
  return embeddings + d.numLayers * layer + (d.standardize ? 2 * h : 0);
}

/** Gemma-4's projector (`embed_vision`): one bias-free `vision × text` linear; its norm has no weight. */
export function gemma4ProjectorParameters(visionHidden: number, textHidden: number): number {
  return visionHidden * textHidden;
}
