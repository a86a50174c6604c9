import { InvalidConfigError } from "../../errors.js";
import { TEXT_CONFIG_FIELDS, type FieldKind, type TextConfig } from "./model-config.js";

/** Field kinds whose values are not single numbers. */
type NonNumericKind =
  "boolean" | "string" | "strings" | "layerStrings" | "layerIndices" | "widths" | "widthOrAuto";

/**
 * Reads the text-model fields of a config.json: `text_config` first, then the top level,
 * then the transformers config class's documented default for a sparse nested config
 * (recorded in `approximations`). Every family normalizer reads through one of these.
 */
export interface ConfigReader {
  /** The repo id or file the config came from, for error messages. */
  readonly subject: string;
  /** `"text_config."` when the text model is nested, else `""`: the prefix of error paths. */
  readonly prefix: string;
  /** The text model's `model_type`. */
  readonly modelType: string | undefined;
  /** Notes on every guess or default applied, copied into `ModelSpec.approximations`. */
  readonly approximations: string[];
  /** A field's value, or `undefined` when no layer of the config sets it. */
  read<K extends keyof TextConfig>(key: K): NonNullable<TextConfig[K]> | undefined;
  /** The first of several alias keys that is set. */
  readFirst(aliases: readonly NumericKey[]): number | undefined;
  /**
   * A required numeric field.
   * @throws {InvalidConfigError} naming the JSON path and every alias looked for.
   */
  require(name: string, aliases: readonly NumericKey[]): number;
}

/** Keys of {@link TEXT_CONFIG_FIELDS} whose values are numbers. */
export type NumericKey = {
  [K in keyof typeof TEXT_CONFIG_FIELDS]: (typeof TEXT_CONFIG_FIELDS)[K] extends Exclude<
    FieldKind,
    NonNumericKind
  >
    ? K
    : never;
}[keyof typeof TEXT_CONFIG_FIELDS];

/** Key names that mean the same thing across config.json dialects, in the order they are tried. */
export const CONFIG_ALIASES = {
  numLayers: ["num_hidden_layers", "n_layer", "num_layers", "n_layers"],
  hiddenSize: ["hidden_size", "n_embd", "d_model", "n_embed"],
  numAttentionHeads: ["num_attention_heads", "n_head", "n_heads"],
  intermediateSize: ["intermediate_size", "n_inner", "ffn_dim"],
  maxPositionEmbeddings: ["max_position_embeddings", "n_positions", "max_seq_len"],
  vocabSize: ["vocab_size"],
} as const satisfies Record<string, readonly NumericKey[]>;

/** Options of {@link createConfigReader}. */
export interface ConfigReaderOptions {
  readonly subject: string;
  /** Class defaults for fields a sparse `text_config` leaves out, with the class that documents them. */
  readonly defaults?: { readonly values: Partial<TextConfig>; readonly source: string } | undefined;
}

/**
 * Builds a {@link ConfigReader} over a config and its optional nested `text_config`.
 * `collected` is the field map {@link collectTextFields} already built while validating.
 */
export function createConfigReader(
  top: TextConfig,
  text: TextConfig | undefined,
  options: ConfigReaderOptions,
  collected?: Map<string, unknown>,
): ConfigReader {
  const prefix = text === undefined ? "" : "text_config.";
  const approximations: string[] = [];
  const defaults = options.defaults;
  let defaulted: Set<string> | undefined;
  // One pass over each layer's keys into a Map: every family reader looks fields up many
  // times, and a Map lookup stays fast however many shapes of config.json pass through.
  const values = collected ?? collectTextFields(top, text);

  function read<K extends keyof TextConfig>(key: K): NonNullable<TextConfig[K]> | undefined {
    const value = values.get(key);
    if (value !== undefined) return value as NonNullable<TextConfig[K]>;
    const fallback = defaults?.values[key];
    if (fallback === undefined || fallback === null) return undefined;
    defaulted ??= new Set();
    if (!defaulted.has(key)) {
      defaulted.add(key);
      approximations.push(
        `${prefix}${key} absent: ${JSON.stringify(fallback)} from ${defaults?.source ?? "the config class"}'s default`,
      );
    }
    return fallback;
  }

  function readFirst(aliases: readonly NumericKey[]): number | undefined {
    for (const key of aliases) {
      const value = read(key);
      if (typeof value === "number") return value;
    }
    return undefined;
  }

  return {
    subject: options.subject,
    prefix,
    modelType: read("model_type"),
    approximations,
    read,
    readFirst,
    require(name, aliases) {
      const value = readFirst(aliases);
      if (value !== undefined) return value;
      throw new InvalidConfigError({
        subject: options.subject,
        path: `${prefix}${aliases[0] ?? ""}`,
        problem: `missing the ${name}`,
        aliases,
      });
    },
  };
}

/** The text fields vramfit reads, set (not null), `text_config` winning over the top level. */
export function collectTextFields(
  top: TextConfig,
  text: TextConfig | undefined,
): Map<string, unknown> {
  const values = new Map<string, unknown>();
  for (const layer of text === undefined ? [top] : [top, text]) {
    for (const key in layer) {
      if (!Object.hasOwn(TEXT_CONFIG_FIELDS, key)) continue;
      const value = (layer as Record<string, unknown>)[key];
      if (value !== undefined && value !== null) values.set(key, value);
    }
  }
  return values;
}
