import type { ModelSpec } from "../../model-spec.js";

/**
 * Values one standard attention layer caches per token: a key and a value for each **KV**
 * head, `2 × numKeyValueHeads × headDim`. The KV heads, not the query heads: Llama-3-70B has
 * 64 query heads but 8 KV heads, so its cache is 8× smaller than an MHA reading would say
 * (ml-engineering `inference/README.md`). A full-attention layer keeps them for every token of
 * the context; memory/kv-cache.ts multiplies by bytes, layers and tokens.
 * See docs/methodology.md#kv-cache.
 *
 * @example
 * kvElementsPerLayerPerToken(llama3_70b) // 2 × 8 × 128 = 2048
 */
export function kvElementsPerLayerPerToken(spec: ModelSpec): number {
  return 2 * spec.numKeyValueHeads * spec.headDim;
}
