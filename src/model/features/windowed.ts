import { UnsupportedArchitectureError } from "../../errors.js";
import type { ConfigReader } from "../config/config-reader.js";
import { periodicLayers, type LayerPlan } from "../config/layer-plan.js";
import type { GlobalAttention, ModelSpec } from "../model-spec.js";

/**
 * Windowed attention: sliding-window layers attend to the last `slidingWindow` tokens
 * (Mistral v0.1, Gemma-2/3, gpt-oss), chunked layers to the tokens of their own
 * `attentionChunkSize` chunk (Llama-4). This file reads which layers are windowed
 * (`ModelSpec.attentionLayers`, `slidingWindow`, `attentionChunkSize`) and how many tokens such a
 * layer keeps per sequence. Their parameters and modules are standard attention's
 * (features/dense/); only the cache differs.
 * See docs/methodology.md#sliding-window-and-chunked-attention.
 */

// Config: which layers slide or attend in chunks.

/** `layer_types` / `layers_block_type` values and what each layer is. */
const LAYER_TYPE_KINDS = {
  full_attention: "full",
  attention: "full",
  sliding_attention: "sliding",
  chunked_attention: "chunked",
  linear_attention: "stateSpace",
  mamba: "stateSpace",
} as const satisfies Record<string, "full" | "sliding" | "chunked" | "stateSpace">;

/** Layers counted by kind, before the windows are known, and the kind of each. */
interface LayerCounts {
  full: number;
  sliding: number;
  chunked: number;
  stateSpace: number;
  kindAt: (index: number) => "full" | "sliding" | "chunked" | "stateSpace";
}

/**
 * Reads an explicit `layer_types` / `layers_block_type` list (one entry per layer), the
 * newer configs' way of saying which layers are full, sliding, chunked or state-space.
 * `undefined` when the config has no such list of `numLayers` entries. `window` is
 * {@link readSlidingWindow}'s.
 *
 * @throws {UnsupportedArchitectureError} for a layer type vramfit does not know.
 */
export function readLayerTypes(
  reader: ConfigReader,
  numLayers: number,
  window: number | undefined,
): LayerPlan | undefined {
  const layerTypes = reader.read("layer_types") ?? reader.read("layers_block_type");
  if (layerTypes === undefined || layerTypes.length !== numLayers) return undefined;
  const kindAt = (index: number) => {
    const type = layerTypes[index];
    return type !== undefined && Object.hasOwn(LAYER_TYPE_KINDS, type)
      ? LAYER_TYPE_KINDS[type as keyof typeof LAYER_TYPE_KINDS]
      : "full";
  };
  const counts: LayerCounts = { full: 0, sliding: 0, chunked: 0, stateSpace: 0, kindAt };
  for (const type of layerTypes) {
    if (!Object.hasOwn(LAYER_TYPE_KINDS, type)) {
      throw new UnsupportedArchitectureError(
        reader.modelType,
        `Cannot size ${reader.subject}: layer type "${type}" in ${reader.prefix}layer_types is not one vramfit knows.`,
        { hint: `Known layer types: ${Object.keys(LAYER_TYPE_KINDS).join(", ")}.` },
      );
    }
    counts[LAYER_TYPE_KINDS[type as keyof typeof LAYER_TYPE_KINDS]]++;
  }
  return withWindows(reader, counts, window);
}

/**
 * Which layers slide or attend in chunks, for configs that predate `layer_types`, by the
 * family rules of transformers:
 *
 * - Gemma-2: even layers slide (`sliding_window`, default 4096);
 * - Gemma-3: every `sliding_window_pattern`-th layer (default 6) is global, the rest slide;
 * - Llama-4: with `attention_chunk_size`, every fourth layer is global (NoPE), the rest chunked;
 * - Mistral, Mixtral, Phi-3, Starcoder2: every layer slides when `sliding_window` is set;
 * - Qwen2/Qwen3 (MoE too): only with `use_sliding_window`, layers from `max_window_layers` on.
 *
 * Every other config attends fully in every layer. `window` is {@link readSlidingWindow}'s.
 */
export function readWindowedLayers(
  reader: ConfigReader,
  numLayers: number,
  window: number | undefined,
): LayerPlan {
  // `count` layers are of `kind` (those `isKind` picks); the rest attend fully.
  const all = (
    kind: "sliding" | "chunked",
    count: number,
    isKind: (index: number) => boolean,
  ): LayerCounts => ({
    full: numLayers - count,
    sliding: kind === "sliding" ? count : 0,
    chunked: kind === "chunked" ? count : 0,
    stateSpace: 0,
    kindAt: (index) => (isKind(index) ? kind : "full"),
  });
  const every = () => true;
  switch (reader.modelType) {
    case "gemma2":
      // Even layers slide (Gemma2DecoderLayer: `not bool(layer_idx % 2)`).
      return withWindows(
        reader,
        all("sliding", Math.ceil(numLayers / 2), (index) => index % 2 === 0),
        window ?? 4096,
      );
    case "gemma3_text": {
      const period = reader.read("sliding_window_pattern") ?? 6;
      const global = periodicLayers(numLayers, period, period - 1);
      return withWindows(
        reader,
        all("sliding", numLayers - global.count, (index) => !global.includes(index)),
        window ?? 4096,
      );
    }
    case "llama4_text": {
      if (reader.read("attention_chunk_size") === undefined) break;
      const noRope = reader.read("no_rope_layers");
      if (noRope !== undefined && noRope.length === numLayers) {
        const chunked = noRope.filter((usesRope) => usesRope !== 0).length;
        return withWindows(
          reader,
          all("chunked", chunked, (index) => noRope[index] !== 0),
          window,
        );
      }
      const global = periodicLayers(numLayers, 4, 3);
      return withWindows(
        reader,
        all("chunked", numLayers - global.count, (index) => !global.includes(index)),
        window,
      );
    }
    case "qwen2":
    case "qwen2_moe":
    case "qwen3":
    case "qwen3_moe":
    case "qwen2_vl":
    case "qwen2_5_vl":
    case "qwen2_vl_text":
    case "qwen2_5_vl_text": {
      if (reader.read("use_sliding_window") !== true || window === undefined) break;
      const from = reader.read("max_window_layers") ?? numLayers;
      return withWindows(
        reader,
        all("sliding", Math.max(0, numLayers - from), (index) => index >= from),
        window,
      );
    }
    default:
      if (window !== undefined && SLIDES_EVERY_LAYER.has(reader.modelType ?? "")) {
        return withWindows(reader, all("sliding", numLayers, every), window);
      }
  }
  return {
    attention: { full: numLayers, sliding: 0, chunked: 0 },
    kindAt: () => "full",
    stateSpaceLayers: 0,
  };
}

/**
 * Gemma-4's full-attention layers have their own head settings: `global_head_dim` wide heads
 * and, with `attention_k_eq_v` (keys double as values, no `v_proj`),
 * `num_global_key_value_heads` KV heads (Gemma4TextAttention). `undefined` when the full
 * layers are shaped like the others.
 */
export function readGlobalAttention(
  reader: ConfigReader,
  numKeyValueHeads: number,
  headDim: number,
): GlobalAttention | undefined {
  const keyIsValue = reader.read("attention_k_eq_v") === true;
  const globalHeadDim = reader.read("global_head_dim") ?? headDim;
  const globalKeyValueHeads = keyIsValue
    ? (reader.read("num_global_key_value_heads") ?? numKeyValueHeads)
    : numKeyValueHeads;
  if (!keyIsValue && globalHeadDim === headDim) return undefined;
  return { numKeyValueHeads: globalKeyValueHeads, headDim: globalHeadDim, keyIsValue };
}

/** Families whose `sliding_window`, when set, applies to every layer (transformers' modeling files). */
const SLIDES_EVERY_LAYER = new Set(["mistral", "mixtral", "phi3", "starcoder2"]);

/** The sliding window a config sets (`sliding_window`, or `sliding_window_size`), if any. */
export function readSlidingWindow(reader: ConfigReader): number | undefined {
  return reader.read("sliding_window") ?? reader.read("sliding_window_size");
}

function withWindows(
  reader: ConfigReader,
  counts: LayerCounts,
  window: number | undefined,
): LayerPlan {
  const chunkSize = reader.read("attention_chunk_size");
  // A sliding layer without a window attends fully (transformers does the same).
  const sliding = window === undefined ? 0 : counts.sliding;
  const chunked = chunkSize === undefined ? 0 : counts.chunked;
  return {
    attention: {
      full: counts.full + (counts.sliding - sliding) + (counts.chunked - chunked),
      sliding,
      chunked,
    },
    kindAt: (index) => {
      const kind = counts.kindAt(index);
      if (kind === "sliding" && sliding === 0) return "full";
      if (kind === "chunked" && chunked === 0) return "full";
      return kind;
    },
    stateSpaceLayers: counts.stateSpace,
    slidingWindow: sliding > 0 ? window : undefined,
    attentionChunkSize: chunked > 0 ? chunkSize : undefined,
  };
}

// Cache: the tokens a windowed layer keeps.

/**
 * Tokens one sequence keeps in one sliding-window (window W) or chunked (chunk C) layer:
 *
 * - an engine that reserves a prefill step past the window (vLLM): `min(context, W − 1 +
 *   scheduledTokens)`, `min(context, C + scheduledTokens)` for chunks: what its
 *   `SlidingWindowSpec` / `ChunkedLocalAttentionSpec` reserve per request, so a 128-token window
 *   still costs the full context when the context fits in one prefill chunk (gpt-oss at 8K);
 * - an engine that keeps the window only (llama.cpp, transformers): `min(context, W)`.
 *
 * A layer without a window attends fully and keeps the whole context.
 * See docs/methodology.md#sliding-window-and-chunked-attention.
 *
 * @param scheduledTokens - new tokens one prefill step adds past the window (vLLM's
 * `max_num_batched_tokens`), or `undefined` for an engine that keeps the window only.
 */
export function windowedTokensPerSequence(
  kind: "sliding" | "chunked",
  contextLength: number,
  spec: ModelSpec,
  scheduledTokens: number | undefined,
): number {
  const window = kind === "sliding" ? spec.slidingWindow : spec.attentionChunkSize;
  if (window === undefined) return contextLength;
  if (scheduledTokens === undefined) return Math.min(contextLength, window);
  const reach = kind === "sliding" ? window - 1 : window;
  return Math.min(contextLength, reach + scheduledTokens);
}
