/**
 * Where a model's config came from, reported with every estimate so a reader knows
 * whether the numbers describe the live Hub file, a cached copy or vramfit's bundled snapshot.
 */
export interface ModelSource {
  /**
   * `spec`: a ModelSpec passed in; `object`: a config object passed in; `file`: a local
   * config.json; `bundled`: vramfit's offline snapshot.
   */
  readonly kind: "spec" | "object" | "file" | "bundled";
  /** Hub repo id, when there is one. */
  readonly repo?: string | undefined;
  /** Local path of the config.json that was read. */
  readonly path?: string | undefined;
  /** When the bundled copy was retrieved (ISO date). */
  readonly retrieved?: string | undefined;
  /** Where the bundled copy was taken from. */
  readonly origin?: string | undefined;
}

/** How an estimate's parameter count was obtained. */
export type ParameterSource = "config" | "override";
