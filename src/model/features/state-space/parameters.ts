/**
 * Parameter and state sizes of the token mixers that replace attention in hybrid and
 * state-space models. Each function mirrors one transformers module; the state sizes are
 * what an engine keeps per sequence (constant in context length), turned into bytes by
 * ./cache.ts. There is no LoRA module list: training sizes the mixers as one lump
 * (memory/training/modules.ts `reconcileTensors`), so no LoRA target reaches them.
 * See docs/methodology.md#hybrid-and-state-space-layers.
 */

/** One mixer's parameters and per-sequence state, in values (not bytes). */
export interface MixerShape {
  /** Parameters of one mixer. */
  readonly parameters: number;
  /** Convolution state per sequence: `(kernel − 1) × channels`. */
  readonly convStateElements: number;
  /** Recurrent (SSM / delta-rule) state per sequence. */
  readonly recurrentStateElements: number;
}

/** Dimensions of a Mamba-1 mixer (transformers `JambaMambaMixer`). */
export interface Mamba1Dimensions {
  readonly hiddenSize: number;
  /** `expand × hidden`. */
  readonly innerSize: number;
  readonly stateSize: number;
  readonly convKernel: number;
  /** Rank of the Δ projection (`"auto"` = ceil(hidden / 16)). */
  readonly dtRank: number;
  readonly convBias: boolean;
  readonly projectionBias: boolean;
  /** Jamba normalizes Δ, B and C with RMSNorms of `dtRank`, `stateSize`, `stateSize`. */
  readonly innerNorms: boolean;
}

/**
 * Mamba-1: `in_proj` (hidden → 2·inner), depthwise `conv1d` (inner × kernel), `x_proj`
 * (inner → dtRank + 2·state), `dt_proj` (dtRank → inner, with bias), `A_log` (inner × state),
 * `D` (inner), `out_proj` (inner → hidden). State: conv `(kernel − 1) × inner`, SSM `inner × state`.
 */
export function mamba1Mixer(d: Mamba1Dimensions): MixerShape {
  const inProjection = d.hiddenSize * 2 * d.innerSize + (d.projectionBias ? 2 * d.innerSize : 0);
  const conv = d.innerSize * d.convKernel + (d.convBias ? d.innerSize : 0);
  const xProjection = d.innerSize * (d.dtRank + 2 * d.stateSize);
  const dtProjection = d.dtRank * d.innerSize + d.innerSize;
  const stateMatrices = d.innerSize * d.stateSize + d.innerSize;
  const outProjection = d.innerSize * d.hiddenSize + (d.projectionBias ? d.hiddenSize : 0);
  const norms = d.innerNorms ? d.dtRank + 2 * d.stateSize : 0;
  return {
    parameters:
      inProjection + conv + xProjection + dtProjection + stateMatrices + outProjection + norms,
    convStateElements: (d.convKernel - 1) * d.innerSize,
    recurrentStateElements: d.innerSize * d.stateSize,
  };
}

/** Dimensions of a Mamba-2 mixer (transformers `NemotronHMamba2Mixer`, `GraniteMoeHybridMambaLayer`). */
export interface Mamba2Dimensions {
  readonly hiddenSize: number;
  readonly numHeads: number;
  readonly headDim: number;
  readonly stateSize: number;
  readonly numGroups: number;
  readonly convKernel: number;
  readonly convBias: boolean;
  readonly projectionBias: boolean;
}

/**
 * Mamba-2: inner = heads × headDim, conv channels = inner + 2·groups·state;
 * `in_proj` (hidden → inner + channels + heads), `conv1d` (channels × kernel), `dt_bias`,
 * `A_log`, `D` (heads each), gated RMSNorm (inner), `out_proj` (inner → hidden).
 * State: conv `(kernel − 1) × channels`, SSM `heads × headDim × state`.
 */
export function mamba2Mixer(d: Mamba2Dimensions): MixerShape {
  const inner = d.numHeads * d.headDim;
  const convChannels = inner + 2 * d.numGroups * d.stateSize;
  const projectionWidth = inner + convChannels + d.numHeads;
  const inProjection = d.hiddenSize * projectionWidth + (d.projectionBias ? projectionWidth : 0);
  const conv = convChannels * d.convKernel + (d.convBias ? convChannels : 0);
  const perHead = 3 * d.numHeads;
  const outProjection = inner * d.hiddenSize + (d.projectionBias ? d.hiddenSize : 0);
  return {
    parameters: inProjection + conv + perHead + inner + outProjection,
    convStateElements: (d.convKernel - 1) * convChannels,
    recurrentStateElements: d.numHeads * d.headDim * d.stateSize,
  };
}

/** Dimensions of a gated delta-net linear-attention mixer (transformers `Qwen3NextGatedDeltaNet`). */
export interface GatedDeltaNetDimensions {
  readonly hiddenSize: number;
  readonly numKeyHeads: number;
  readonly keyHeadDim: number;
  readonly numValueHeads: number;
  readonly valueHeadDim: number;
  readonly convKernel: number;
}

/**
 * Gated delta-net: key width = keyHeads × keyDim, value width = valueHeads × valueDim;
 * `in_proj_qkvz` (hidden → 2·key + 2·value), `in_proj_ba` (hidden → 2·valueHeads), `conv1d`
 * over q, k, v (channels = 2·key + value, no bias), `dt_bias` and `A_log` (valueHeads each),
 * gated RMSNorm (valueDim), `out_proj` (value → hidden). State: conv `(kernel − 1) × channels`,
 * recurrent `valueHeads × keyDim × valueDim`.
 */
export function gatedDeltaNetMixer(d: GatedDeltaNetDimensions): MixerShape {
  const keyWidth = d.numKeyHeads * d.keyHeadDim;
  const valueWidth = d.numValueHeads * d.valueHeadDim;
  const convChannels = 2 * keyWidth + valueWidth;
  const inProjection = d.hiddenSize * (2 * keyWidth + 2 * valueWidth + 2 * d.numValueHeads);
  const conv = convChannels * d.convKernel;
  const perHead = 2 * d.numValueHeads;
  const outProjection = valueWidth * d.hiddenSize;
  return {
    parameters: inProjection + conv + perHead + d.valueHeadDim + outProjection,
    convStateElements: (d.convKernel - 1) * convChannels,
    recurrentStateElements: d.numValueHeads * d.keyHeadDim * d.valueHeadDim,
  };
}
