import type { ConfigReader } from "../config/config-reader.js";
import type { ModelSpec, RotaryEmbedding } from "../model-spec.js";

/**
 * Rotary position embeddings (RoPE): which rotary embeddings a model builds, read from
 * `rope_scaling` / `rope_parameters` into `ModelSpec.rotary`. They have no parameters and
 * nothing per token; their one memory cost is the cos/sin table an engine precomputes when it
 * loads the model (vLLM's `RotaryEmbedding.cos_sin_cache`, a buffer counted in its "Loading
 * model weights took" line), sized by {@link rotaryCacheValues}.
 * See docs/methodology.md#rotary-cossin-tables.
 */

// Config: ModelSpec.rotary from rope_scaling, rope_parameters and the partial-rotary fields.

/** Families whose attention has no rotary embedding: learned positions, ALiBi, or none at all. */
const WITHOUT_ROTARY: ReadonlySet<string> = new Set([
  "gpt2",
  "opt",
  "bert",
  "bloom",
  "mpt",
  "jamba",
  "nemotron_h",
  "mamba",
  "falcon_mamba",
  "mamba2",
]);

/** What {@link readRotaryEmbeddings} needs besides the config. */
export interface RotaryContext {
  /** The model has a learned position table or no attention at all: nothing rotates. */
  readonly learnedPositions?: boolean | undefined;
  /** Width of one attention head. */
  readonly headDim: number;
  /** Head width of the full-attention layers, when they have their own (Gemma-4). */
  readonly globalHeadDim?: number | undefined;
  /** MLA's rotary part of each head (`qk_rope_head_dim`), which is all that rotates there. */
  readonly mlaRopeHeadDim?: number | undefined;
  /** `max_position_embeddings`. */
  readonly maxPositionEmbeddings: number | undefined;
}

/**
 * Reads the rotary embeddings a model builds: one for most models; two for Gemma-3 (global
 * layers with `rope_scaling`, local layers with `rope_local_base_freq`) and Gemma-4
 * (`rope_parameters` per layer type). Each has its rotating width (`head_dim ×
 * partial_rotary_factor`, `rotary_pct`, MLA's `qk_rope_head_dim`), the model's
 * `max_position_embeddings`, and its scaling (`rope_type` / `type`, `factor`,
 * `original_max_position_embeddings`). `undefined` for families without RoPE (learned or ALiBi
 * positions, a learned position table in any family, Jamba, Nemotron-H, Mamba) and for `position_embedding_type` other than rope.
 */
export function readRotaryEmbeddings(
  reader: ConfigReader,
  context: RotaryContext,
): readonly RotaryEmbedding[] | undefined {
  const modelType = reader.modelType ?? "";
  if (context.learnedPositions === true || WITHOUT_ROTARY.has(modelType)) return undefined;
  if (modelType === "falcon" && reader.read("alibi") === true) return undefined;
  const positionType = reader.read("position_embedding_type");
  if (positionType !== undefined && positionType !== "rope" && positionType !== "rotary") {
    return undefined;
  }
  const maxPositions = context.maxPositionEmbeddings;
  if (maxPositions === undefined) return undefined;

  const parameters = reader.read("rope_parameters");
  const perLayerType = parameters !== undefined && isObject(parameters.full_attention);
  if (perLayerType) {
    // Gemma-4: {full_attention: {...}, sliding_attention: {...}}, one embedding per type.
    return (["sliding_attention", "full_attention"] as const).flatMap((type) => {
      const entry = parameters[type];
      if (!isObject(entry)) return [];
      const headDim =
        type === "full_attention" ? (context.globalHeadDim ?? context.headDim) : context.headDim;
      return [embedding(entry, headDim, maxPositions)];
    });
  }
  const scaling = reader.read("rope_scaling") ?? parameters ?? {};
  const headDim = context.mlaRopeHeadDim ?? context.headDim;
  const partial =
    numberIn(scaling, "partial_rotary_factor") ??
    reader.read("partial_rotary_factor") ??
    reader.read("rotary_pct") ??
    1;
  const main: RotaryEmbedding = {
    ...embedding(scaling, headDim, maxPositions),
    rotaryDim: Math.floor(headDim * partial),
  };
  // Gemma-3's local layers rotate with their own base (rope_local_base_freq), unscaled.
  if (modelType === "gemma3_text" || reader.read("rope_local_base_freq") !== undefined) {
    return [main, { rotaryDim: main.rotaryDim, maxPositions, scaling: "default" }];
  }
  return [main];
}

/** One rotary embedding from a `rope_scaling` / `rope_parameters` entry. */
function embedding(
  entry: Readonly<Record<string, unknown>>,
  headDim: number,
  maxPositions: number,
): RotaryEmbedding {
  const type = entry.rope_type ?? entry.type;
  const partial = numberIn(entry, "partial_rotary_factor") ?? 1;
  return {
    rotaryDim: Math.floor(headDim * partial),
    maxPositions,
    scaling: typeof type === "string" ? type : "default",
    factor: numberIn(entry, "factor"),
    originalMaxPositions: numberIn(entry, "original_max_position_embeddings"),
  };
}

function isObject(value: unknown): value is Readonly<Record<string, unknown>> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

/** A positive finite number field of a rope entry, else undefined. */
function numberIn(entry: Readonly<Record<string, unknown>>, key: string): number | undefined {
  const value = entry[key];
  return typeof value === "number" && Number.isFinite(value) && value > 0 ? value : undefined;
}

// Cache rule: the cos/sin table an engine precomputes.

/**
 * Rows of the cos/sin table vLLM precomputes for one rotary embedding
 * (`vllm/model_executor/layers/rotary_embedding/__init__.py` `get_rope` and its classes):
 * `max_position_embeddings` for the default, `llama3` and `mrope` embeddings;
 * `max_position_embeddings × factor` for `linear` and `dynamic` (LinearScalingRotaryEmbedding:
 * "the maximum length after applying the rope scaling is max_position_embeddings ×
 * scaling_factor"); `original_max_position_embeddings × factor` for `yarn` and `deepseek_yarn`;
 * `original + max_position_embeddings` for Phi-3's `longrope` (its short and long tables).
 * Each row holds `rotaryDim` values (cos and sin halves).
 */
export function rotaryTableRows(rope: RotaryEmbedding): number {
  const factor = rope.factor ?? 1;
  switch (rope.scaling) {
    case "linear":
    case "dynamic":
      return Math.ceil(rope.maxPositions * factor);
    case "yarn":
    case "deepseek_yarn":
      return Math.ceil((rope.originalMaxPositions ?? rope.maxPositions) * factor);
    case "longrope":
      return (rope.originalMaxPositions ?? 0) + rope.maxPositions;
    default:
      return rope.maxPositions;
  }
}

/**
 * Values in the cos/sin tables vLLM (and SGLang, which ports its `get_rope`) precomputes for a
 * model: the sum over its rotary embeddings of `rotaryTableRows × rotaryDim`. Times the model
 * dtype's bytes (2 for BF16), it is the buffer every tensor-parallel rank holds beside its
 * weights. 0 for models without RoPE. Llama-3.1-8B: 131,072 × 128 = 16,777,216 values (32 MiB in
 * BF16). See docs/methodology.md#rotary-cossin-tables.
 */
export function rotaryCacheValues(spec: ModelSpec): number {
  let values = 0;
  for (const rope of spec.rotary ?? []) values += rotaryTableRows(rope) * rope.rotaryDim;
  return values;
}
