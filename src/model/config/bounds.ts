/**
 * The largest value vramfit accepts for each dimension of a config.json. Each bound is far
 * beyond every published model (the largest of each, with its source, in the comment), so no
 * real config is refused; a config past one is a typo or a hostile input, and sizing it would
 * only spend time (`num_hidden_layers: 1e12` loops once per layer in the layer plan).
 */
export const CONFIG_BOUNDS = {
  /** Llama-3.1-405B has 126 (huggingface.co/meta-llama/Llama-3.1-405B/blob/main/config.json). */
  "layer count": 10_000,
  /** Nemotron-4-340B has 18,432 (huggingface.co/nvidia/Nemotron-4-340B-Base, config). */
  "hidden size": 1_048_576,
  /** Llama-3.1-405B has 128 (its config.json). */
  "attention head count": 65_536,
  /** Gemma 3 has 262,208 (huggingface.co/google/gemma-3-27b-it/blob/main/config.json). */
  "vocabulary size": 16_777_216,
  /** Kimi-K2 has 384 routed experts (huggingface.co/moonshotai/Kimi-K2-Instruct, config.json). */
  "expert count": 65_536,
} as const satisfies Record<string, number>;

/** A dimension that {@link CONFIG_BOUNDS} bounds. */
export type BoundedDimension = keyof typeof CONFIG_BOUNDS;
