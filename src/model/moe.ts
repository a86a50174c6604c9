import type { MixtureOfExperts, ModelSpec } from "./model-spec.js";
import { mlpParameters } from "./features/dense/parameters.js";

/**
 * Parameters of one MoE layer's routed experts: `numExperts` MLPs of
 * `expertIntermediateSize` (gated: gate, up, down), with biases where the family has them
 * (gpt-oss). Memory holds all of them. See docs/methodology.md#mixture-of-experts.
 */
export function routedExpertParametersPerLayer(spec: ModelSpec, moe: MixtureOfExperts): number {
  return moe.numExperts * mlpParameters(spec, moe.expertIntermediateSize, moe.expertBias === true);
}

/** Parameters of one MoE layer's always-active shared experts (DeepSeek, Qwen2-MoE, Llama-4). */
export function sharedExpertParametersPerLayer(spec: ModelSpec, moe: MixtureOfExperts): number {
  return moe.numSharedExperts * mlpParameters(spec, moe.sharedExpertIntermediateSize);
}

/** Routed plus shared expert parameters of one MoE layer (the router is counted apart). */
export function moeParametersPerLayer(spec: ModelSpec, moe: MixtureOfExperts): number {
  return routedExpertParametersPerLayer(spec, moe) + sharedExpertParametersPerLayer(spec, moe);
}

/**
 * Parameters of one MoE layer's router: a `hidden × numExperts` gate, plus its bias
 * (gpt-oss), DeepSeek-V3's per-expert score-correction bias and Qwen's `hidden × 1`
 * shared-expert gate where present.
 */
export function routerParametersPerLayer(spec: ModelSpec, moe: MixtureOfExperts): number {
  const gate = spec.hiddenSize * moe.numExperts;
  const bias = moe.routerBias === true ? moe.numExperts : 0;
  const correction = moe.routerCorrectionBias === true ? moe.numExperts : 0;
  const sharedGate =
    moe.sharedExpertGate === true && moe.numSharedExperts > 0 ? spec.hiddenSize : 0;
  return gate + bias + correction + sharedGate;
}
