import type { ModelSpec } from "../../model-spec.js";

/**
 * Values one standard attention layer caches per token: a key and a value for each **KV**
 * head, `2 × numKeyValueHeads × headDim`. The KV heads, not the query heads: Llama-3-70B has
 * 64 query heads but 8 KV heads, so its cache is 8× smaller than an MHA reading would say
 * (ml-engineering `inference/README.md`). A full-attention layer keeps them for every token of
 * the context; memory/kv-cache.ts multiplies by bytes, layers and tokens.
 * A full-attention layer with its own head settings (Gemma-4's `globalAttention`) caches
 * `2 × its KV heads × its head_dim`: K and V are both kept even where the keys double as
 * values. See docs/methodology.md#kv-cache.
 *
 * @example
 * kvElementsPerLayerPerToken(llama3_70b) // 2 × 8 × 128 = 2048
 */
export function kvElementsPerLayerPerToken(
  spec: ModelSpec,
  kind?: "full" | "sliding" | "chunked",
): number {
  const heads = kind === "full" ? (spec.globalAttention ?? spec) : spec;
  return 2 * heads.numKeyValueHeads * heads.headDim;
}
