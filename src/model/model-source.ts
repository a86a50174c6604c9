/**
 * Where a model's config came from, reported with every estimate so a reader knows
 * whether the numbers describe the live Hub file, a cached copy or vramfit's bundled snapshot.
 */
export interface ModelSource {
  /**
   * `spec`: a ModelSpec passed in; `object`: a config object passed in; `file`: a local
   * config.json; `bundled`: vramfit's offline snapshot; `hub`: read from the Hub just now;
   * `cache`: vramfit's on-disk copy of an earlier Hub read; `hf-cache`: the Hugging Face
   * (Python) cache that transformers and vLLM fill, read-only.
   */
  readonly kind: "spec" | "object" | "file" | "bundled" | "hub" | "cache" | "hf-cache";
  /** Hub repo id, when there is one. */
  readonly repo?: string | undefined;
  /** Local path of the config.json that was read (`file`, `hf-cache`) or of the cache entry (`cache`). */
  readonly path?: string | undefined;
  /** When the copy was retrieved (ISO date): the bundled snapshot's date, or when the cache entry was fetched. */
  readonly retrieved?: string | undefined;
  /** Where the bundled copy was taken from. */
  readonly origin?: string | undefined;
  /** The revision asked for: a branch, tag or commit (`hub`, `cache`, `hf-cache`). */
  readonly revision?: string | undefined;
  /** The 40-hex commit the files were read at (`hub`, `cache`, `hf-cache`). */
  readonly sha?: string | undefined;
  /** The Hub endpoint the files came from (`hub`, `cache`), e.g. `https://huggingface.co`. */
  readonly endpoint?: string | undefined;
}

/**
 * How an estimate's parameter count was obtained: `safetensors` (summed from the weight
 * files' headers, exact), `hub-summary` (the Hub's own safetensors count), `config`
 * (counted from config.json), `override` (given by the caller).
 */
export type ParameterSource = "config" | "override" | "safetensors" | "hub-summary";
