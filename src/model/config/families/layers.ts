import { UnsupportedArchitectureError } from "../../../errors.js";
import type { AttentionLayers } from "../../model-spec.js";
import type { ConfigReader } from "../config-reader.js";

/** How a config's layers split into attention kinds and constant-state mixers. */
export interface LayerPlan {
  readonly attention: AttentionLayers;
  /** Layers whose mixer is Mamba or linear attention (no KV cache). */
  readonly stateSpaceLayers: number;
  /** Layers with a dense MLP, when the family decides it here (Nemotron-H's `-` blocks). */
  readonly denseMlpLayers?: number | undefined;
  /** Nemotron-H's block pattern, handed to the MoE reader. */
  readonly blockPattern?: string | undefined;
  /** Tokens a sliding layer keeps, when some layers slide. */
  readonly slidingWindow?: number | undefined;
  /** Tokens per chunk of Llama-4's chunked layers. */
  readonly attentionChunkSize?: number | undefined;
}

/** `layer_types` / `layers_block_type` values and what each layer is. */
const LAYER_TYPE_KINDS = {
  full_attention: "full",
  attention: "full",
  sliding_attention: "sliding",
  chunked_attention: "chunked",
  linear_attention: "stateSpace",
  mamba: "stateSpace",
} as const satisfies Record<string, "full" | "sliding" | "chunked" | "stateSpace">;

/**
 * Decides which layers attend fully, which slide or attend in chunks, and which are
 * state-space mixers, from (in this order) an explicit `layer_types` /
 * `layers_block_type` list, Nemotron-H's `hybrid_override_pattern`, Jamba's
 * `attn_layer_period`/`attn_layer_offset`, Qwen3-Next's `full_attention_interval`, and the
 * family rules of transformers for configs that predate `layer_types`:
 *
 * - Gemma-2: even layers slide (`sliding_window`, default 4096);
 * - Gemma-3: every `sliding_window_pattern`-th layer (default 6) is global, the rest slide;
 * - Llama-4: with `attention_chunk_size`, every fourth layer is global (NoPE), the rest chunked;
 * - Mistral, Mixtral, Phi-3, Starcoder2: every layer slides when `sliding_window` is set;
 * - Qwen2/Qwen3 (MoE too): only with `use_sliding_window`, layers from `max_window_layers` on.
 *
 * @throws {UnsupportedArchitectureError} for a layer type vramfit does not know.
 */
export function planLayers(reader: ConfigReader, numLayers: number): LayerPlan {
  const modelType = reader.modelType;
  const window = reader.read("sliding_window") ?? reader.read("sliding_window_size");
  const layerTypes = reader.read("layer_types") ?? reader.read("layers_block_type");
  if (layerTypes !== undefined && layerTypes.length === numLayers) {
    const counts = { full: 0, sliding: 0, chunked: 0, stateSpace: 0 };
    for (const type of layerTypes) {
      if (!Object.hasOwn(LAYER_TYPE_KINDS, type)) {
        throw new UnsupportedArchitectureError(
          modelType,
          `Cannot size ${reader.subject}: layer type "${type}" in ${reader.prefix}layer_types is not one vramfit knows.`,
          { hint: `Known layer types: ${Object.keys(LAYER_TYPE_KINDS).join(", ")}.` },
        );
      }
      counts[LAYER_TYPE_KINDS[type as keyof typeof LAYER_TYPE_KINDS]]++;
    }
    return withWindows(reader, counts, window);
  }

  const pattern = reader.read("hybrid_override_pattern");
  if (pattern !== undefined && pattern.length === numLayers) {
    const count = (symbol: string): number => countSymbol(pattern, symbol);
    return {
      attention: { full: count("*"), sliding: 0, chunked: 0 },
      stateSpaceLayers: count("M"),
      denseMlpLayers: count("-"),
      blockPattern: pattern,
    };
  }

  const attentionPeriod = reader.read("attn_layer_period");
  if (attentionPeriod !== undefined) {
    const offset = reader.read("attn_layer_offset") ?? 0;
    const full = countLayers(numLayers, (i) => i % attentionPeriod === offset);
    return { attention: { full, sliding: 0, chunked: 0 }, stateSpaceLayers: numLayers - full };
  }

  const fullInterval = reader.read("full_attention_interval");
  if (fullInterval !== undefined) {
    const full = countLayers(numLayers, (i) => (i + 1) % fullInterval === 0);
    return { attention: { full, sliding: 0, chunked: 0 }, stateSpaceLayers: numLayers - full };
  }

  const all = (kind: "full" | "sliding" | "chunked", count: number) => ({
    full: numLayers - count,
    sliding: kind === "sliding" ? count : 0,
    chunked: kind === "chunked" ? count : 0,
    stateSpace: 0,
  });
  switch (modelType) {
    case "gemma2":
      return withWindows(reader, all("sliding", Math.ceil(numLayers / 2)), window ?? 4096);
    case "gemma3_text": {
      const period = reader.read("sliding_window_pattern") ?? 6;
      const global = Math.floor(numLayers / period);
      return withWindows(reader, all("sliding", numLayers - global), window ?? 4096);
    }
    case "llama4_text": {
      if (reader.read("attention_chunk_size") === undefined) break;
      const noRope = reader.read("no_rope_layers");
      const chunked =
        noRope !== undefined && noRope.length === numLayers
          ? noRope.filter((usesRope) => usesRope !== 0).length
          : numLayers - Math.floor(numLayers / 4);
      return withWindows(reader, all("chunked", chunked), window);
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
      return withWindows(reader, all("sliding", Math.max(0, numLayers - from)), window);
    }
    default:
      if (window !== undefined && SLIDES_EVERY_LAYER.has(modelType ?? "")) {
        return withWindows(reader, all("sliding", numLayers), window);
      }
  }
  return { attention: { full: numLayers, sliding: 0, chunked: 0 }, stateSpaceLayers: 0 };
}

/** Families whose `sliding_window`, when set, applies to every layer (transformers' modeling files). */
const SLIDES_EVERY_LAYER = new Set(["mistral", "mixtral", "phi3", "starcoder2"]);

function withWindows(
  reader: ConfigReader,
  counts: { full: number; sliding: number; chunked: number; stateSpace: number },
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
    stateSpaceLayers: counts.stateSpace,
    slidingWindow: sliding > 0 ? window : undefined,
    attentionChunkSize: chunked > 0 ? chunkSize : undefined,
  };
}

/** How many times a one-character symbol occurs in a block pattern. */
export function countSymbol(pattern: string, symbol: string): number {
  let count = 0;
  for (let i = 0; i < pattern.length; i++) if (pattern[i] === symbol) count++;
  return count;
}

function countLayers(layers: number, matches: (index: number) => boolean): number {
  let count = 0;
  for (let i = 0; i < layers; i++) if (matches(i)) count++;
  return count;
}
