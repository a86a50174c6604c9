/** One config.json in vramfit's offline snapshot, with where and when it was taken. */
export interface BundledModel {
  /** Hub repo id, e.g. "meta-llama/Meta-Llama-3-70B". */
  readonly repo: string;
  /** When the copy was retrieved (ISO date). */
  readonly retrieved: string;
  /** Where the copy was taken from (a public file, usually pinned to a commit). */
  readonly origin: string;
  /** The config.json content. */
  readonly config: unknown;
}
