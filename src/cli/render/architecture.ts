import { formatInteger } from "../../units.js";
import { cachedTokensPerSequence } from "../../memory/attention-layers.js";
import type { InferenceEstimate } from "../../memory/estimate-inference.js";
import { INFERENCE_ENGINES } from "../../memory/engine.js";
import { mlaLatentElementsPerToken } from "../../model/features/mla.js";

/** Billions with one decimal: "671.0 B". */
function billions(count: number): string {
  return `${(count / 1e9).toFixed(count < 10e9 ? 2 : 1)} B`;
}

/**
 * The accounting lines that explain an estimate beyond a dense decoder: experts total vs
 * active, the MLA latent, sliding vs global layers under the chosen engine, the constant
 * state of Mamba layers, image tokens and the checkpoint's quantization. Empty for a plain
 * dense decoder. Pure: returns the lines.
 */
export function architectureLines(estimate: InferenceEstimate): string[] {
  const { spec, assumptions, parameters, memory } = estimate;
  const lines: string[] = [];
  const moe = spec.moe;
  if (moe !== undefined) {
    const shared =
      moe.numSharedExperts > 0
        ? ` + ${moe.numSharedExperts} shared (${formatInteger(moe.sharedExpertIntermediateSize)} wide)`
        : "";
    lines.push(
      `  experts     ${moe.numExperts} routed (${formatInteger(moe.expertIntermediateSize)} wide)${shared} in ${moe.numMoeLayers} of ${spec.numLayers} layers; ${moe.expertsPerToken} routed per token`,
      `              active ${billions(parameters.active)} of ${billions(parameters.total)} parameters per token; memory holds all experts`,
    );
  }
  if (spec.mla !== undefined) {
    const latent = mlaLatentElementsPerToken(spec.mla);
    const cached =
      assumptions.engine === "transformers"
        ? "transformers caches decompressed keys and values"
        : `caches ${spec.mla.kvLoraRank} latent + ${spec.mla.qkRopeHeadDim} rope = ${latent} values per token per layer, not ${spec.numAttentionHeads} heads × ${spec.mla.qkNopeHeadDim + spec.mla.qkRopeHeadDim}`;
    lines.push(
      `  attention   multi-head latent attention: ${cached}; one latent for all tensor-parallel ranks`,
    );
  }
  const layers = spec.attentionLayers;
  if (layers !== undefined && (layers.sliding > 0 || layers.chunked > 0)) {
    const engine = {
      engine: assumptions.engine,
      maxNumBatchedTokens: assumptions.maxNumBatchedTokens,
    };
    const windowed: string[] = [];
    if (layers.sliding > 0) {
      const kept = cachedTokensPerSequence("sliding", assumptions.sequenceLength, spec, engine);
      windowed.push(
        `${layers.sliding} sliding (window ${formatInteger(spec.slidingWindow ?? 0)}, ${formatInteger(kept)} tokens kept)`,
      );
    }
    if (layers.chunked > 0) {
      const kept = cachedTokensPerSequence("chunked", assumptions.sequenceLength, spec, engine);
      windowed.push(
        `${layers.chunked} chunked (chunk ${formatInteger(spec.attentionChunkSize ?? 0)}, ${formatInteger(kept)} tokens kept)`,
      );
    }
    lines.push(
      `  layers      ${windowed.join(" + ")} + ${layers.full} full, as ${INFERENCE_ENGINES[assumptions.engine].label} allocates (--engine)`,
    );
  }
  const state = spec.stateSpace;
  if (state !== undefined) {
    const attention =
      layers === undefined ? spec.numLayers : layers.full + layers.sliding + layers.chunked;
    lines.push(
      `  state       ${state.numLayers} ${state.kind} layers keep ${formatInteger(memory.stateCacheBytes / assumptions.batchSize)} bytes per sequence, whatever the context; ${attention} attention layers hold the KV cache`,
    );
  }
  const global = spec.globalAttention;
  if (global !== undefined) {
    const full = spec.attentionLayers?.full ?? spec.numLayers;
    lines.push(
      `  global      ${full} full-attention layers: ${global.numKeyValueHeads} KV heads × ${global.headDim}${global.keyIsValue === true ? " (keys double as values; the cache keeps both)" : ""}`,
    );
  }
  if (spec.vision !== undefined) {
    lines.push(
      `  images      ${assumptions.imagesPerRequest} per request → ${formatInteger(assumptions.imageTokensPerSequence)} tokens added to each sequence (--images); vision encoder ${billions(parameters.breakdown.vision)} parameters`,
    );
  }
  const quantization = assumptions.checkpointQuantization;
  if (quantization !== undefined) {
    const bits = quantization.bitsPerQuantizedParameter ?? quantization.bits;
    const scope = quantization.scope === "experts" ? "routed experts" : "projections";
    const kept = quantization.unquantizedParameters ?? 0;
    const except = kept > 0 ? ` except ${billions(kept)} the config keeps in 16-bit` : "";
    lines.push(
      `  checkpoint  pre-quantized ${quantization.label ?? quantization.method}: ${+bits.toFixed(3)} bits per weight on the ${scope}${except}, 16-bit elsewhere`,
    );
  }
  if (spec.encoderOnly === true) {
    lines.push(
      "  encoder     no KV cache: every token attends once, nothing is kept between steps",
    );
  }
  return lines;
}
