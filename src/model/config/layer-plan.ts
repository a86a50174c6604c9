import type { AttentionLayers } from "../model-spec.js";

/**
 * What each decoder layer is, as the config readers decide it: which layers attend fully,
 * slide or attend in chunks (features/windowed.ts) and which are state-space mixers
 * (features/state-space/config.ts). One config list (`layer_types`) can describe all of
 * them, so the plan is one shape; normalize.ts asks each reader in transformers' order.
 */

/**
 * What one layer's token mixer is: attention of a kind, a state-space mixer, or none
 * (Nemotron-H's MLP-only `-` and `E` blocks).
 */
export type LayerKind = "full" | "sliding" | "chunked" | "stateSpace" | "mlp";

/** How a config's layers split into attention kinds and constant-state mixers. */
export interface LayerPlan {
  readonly attention: AttentionLayers;
  /** The kind of layer `index` (from 0), by the same rule as the counts. */
  readonly kindAt: (index: number) => LayerKind;
  /** Layers whose mixer is Mamba or linear attention (no KV cache). */
  readonly stateSpaceLayers: number;
  /** Layers with a dense MLP, when the family decides it here (Nemotron-H's `-` blocks). */
  readonly denseMlpLayers?: number | undefined;
  /** Whether layer `index` has a dense MLP, when `denseMlpLayers` is set. */
  readonly hasDenseMlpAt?: ((index: number) => boolean) | undefined;
  /** Nemotron-H's block pattern, handed to the MoE reader. */
  readonly blockPattern?: string | undefined;
  /** Tokens a sliding layer keeps, when some layers slide. */
  readonly slidingWindow?: number | undefined;
  /** Tokens per chunk of Llama-4's chunked layers. */
  readonly attentionChunkSize?: number | undefined;
}

/** How many times a one-character symbol occurs in a block pattern. */
export function countSymbol(pattern: string, symbol: string): number {
  let count = 0;
  for (let i = 0; i < pattern.length; i++) if (pattern[i] === symbol) count++;
  return count;
}

/**
 * Which of a model's layers have some property, by a family's rule: how many (worked out in
 * closed form, so an absurd layer count costs nothing) and whether one given layer does (for
 * the few layers a quantization config names).
 */
export interface LayerRule {
  /** Layers with the property. */
  readonly count: number;
  /** Whether layer `index` (from 0) has it. */
  includes(index: number): boolean;
}

/**
 * The layers `index` in `[from, layers)` with `index % period === offset`: there are
 * ⌊(last − offset) / period⌋ − ⌊(first − 1 − offset) / period⌋ of them, counted without a
 * loop. Jamba's attention and expert layers, DeepSeek's MoE layers past `first_k_dense_replace`,
 * Llama-4's interleaved MoE layers and Qwen3-Next's full-attention layers are all of this form.
 */
export function periodicLayers(
  layers: number,
  period: number,
  offset: number,
  from = 0,
): LayerRule {
  const includes = (index: number): boolean =>
    Number.isInteger(index) &&
    index >= from &&
    index < layers &&
    offset < period &&
    index % period === offset;
  if (offset >= period || from >= layers) return { count: 0, includes };
  // Multiples of `period` shifted by `offset` up to `n − 1`, minus those before `from`.
  const upTo = (n: number): number => (n <= offset ? 0 : Math.floor((n - 1 - offset) / period) + 1);
  return { count: upTo(layers) - upTo(Math.max(0, from)), includes };
}

/** Every one of `layers` layers. */
export function allLayers(layers: number): LayerRule {
  return {
    count: layers,
    includes: (index) => Number.isInteger(index) && index >= 0 && index < layers,
  };
}
