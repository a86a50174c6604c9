/**
 * Shapes of the flag and key catalogs the template generators check themselves against.
 * Each catalog is plain data with its provenance: which version of which tool it was read
 * from, where, and when it was recorded.
 */

/** Where a catalog comes from. */
export interface CatalogProvenance {
  /** The tool, e.g. "vLLM". */
  readonly tool: string;
  /** The version the names were read from, e.g. "0.29". */
  readonly version: string;
  /** The document or source file at that version. */
  readonly source: string;
  /** When vramfit recorded the catalog (YYYY-MM-DD). */
  readonly recordedOn: string;
}

/** How a command-line flag takes its value. */
export type FlagKind = "int" | "float" | "bool" | "enum" | "json" | "string" | "list";

/** One command-line flag of an engine. */
export interface FlagSpec {
  /** How the flag takes its value; `bool` flags also have a `--no-` form where the engine says so. */
  readonly kind: FlagKind;
  /** The allowed values, for `enum` flags. */
  readonly choices?: readonly (string | number)[];
  /** Where the name (and choices) come from. */
  readonly source: string;
}

/** A flag or key that an engine removed or replaced: a generator must never emit it. */
export interface RemovedName {
  /** What to use instead, when there is something. */
  readonly replacement: string;
  /** Since when, and the source that says so. */
  readonly source: string;
}

/**
 * Known keys of a nested config (YAML, JSON, Terraform blocks): `true` marks a leaf whose value
 * is data, a nested tree describes an object (or every object of a list), and the key `"*"`
 * stands for any key (a map of names, such as `resource.aws_autoscaling_group.<name>`).
 */
export interface KeyTree {
  readonly [key: string]: KeyTree | true;
}
