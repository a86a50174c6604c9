import type { AttentionLayers } from "../model-spec.js";

/**
 * What each decoder layer is, as the config readers decide it: which layers attend fully,
 * slide or attend in chunks (features/windowed.ts) and which are state-space mixers
 * (features/state-space/config.ts). One config list (`layer_types`) can describe all of
 * them, so the plan is one shape; normalize.ts asks each reader in transformers' order.
 */

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

/** How many times a one-character symbol occurs in a block pattern. */
export function countSymbol(pattern: string, symbol: string): number {
  let count = 0;
  for (let i = 0; i < pattern.length; i++) if (pattern[i] === symbol) count++;
  return count;
}

/** How many of `layers` layers, numbered from 0, match a family's rule. */
export function countLayers(layers: number, matches: (index: number) => boolean): number {
  let count = 0;
  for (let i = 0; i < layers; i++) if (matches(i)) count++;
  return count;
}
