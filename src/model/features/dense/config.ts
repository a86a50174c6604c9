import { InvalidConfigError } from "../../../errors.js";
import { CONFIG_ALIASES, type ConfigReader } from "../../config/config-reader.js";
import type { FamilyFacts } from "../../families.js";
import type { ArchitectureLayout } from "../../model-spec.js";

/**
 * The standard decoder's config fields beyond the ones every spec requires (layers, hidden
 * size, heads, vocabulary: read in model/config/normalize.ts): KV heads, MLP width, and the
 * biases and norm counts a family's config switches on or off.
 */

/**
 * KV heads: `num_key_value_heads` when present; Falcon's `multi_query` means one shared
 * head unless `new_decoder_architecture` is set, in which case `num_kv_heads` counts
 * (transformers FalconAttention); otherwise every query head has its own (MHA).
 *
 * @throws {InvalidConfigError} when the query heads are not a multiple of the KV heads.
 */
export function readKeyValueHeads(reader: ConfigReader, numAttentionHeads: number): number {
  const numKeyValueHeads = keyValueHeads(reader, numAttentionHeads);
  if (numKeyValueHeads > numAttentionHeads || numAttentionHeads % numKeyValueHeads !== 0) {
    throw new InvalidConfigError({
      subject: reader.subject,
      path: `${reader.prefix}num_key_value_heads`,
      problem: `${numAttentionHeads} attention heads are not divisible by ${numKeyValueHeads} key/value heads`,
    });
  }
  return numKeyValueHeads;
}

function keyValueHeads(reader: ConfigReader, numAttentionHeads: number): number {
  const explicit = reader.read("num_key_value_heads");
  if (typeof explicit === "number") return explicit;
  const newDecoder = reader.read("new_decoder_architecture") === true;
  if (reader.read("multi_query") === true && !newDecoder) return 1;
  return reader.read("num_kv_heads") ?? numAttentionHeads;
}

/**
 * MLP width: the config's, else 4 × hidden for plain MLPs (GPT-2, Falcon, BLOOM), MPT's
 * expansion ratio, Llama-4's dense width, Granite-4's shared MLP, half the original Qwen's
 * `intermediate_size`.
 *
 * @throws {InvalidConfigError} when a gated MLP's width is missing.
 */
export function readMlpWidth(reader: ConfigReader, facts: FamilyFacts, hiddenSize: number): number {
  switch (reader.modelType) {
    case "mpt":
      return Math.round((reader.read("expansion_ratio") ?? 4) * hiddenSize);
    case "llama4_text":
      return (
        reader.read("intermediate_size_mlp") ??
        reader.require("MLP width", CONFIG_ALIASES.intermediateSize)
      );
    case "qwen": {
      // QWenMLP: w1 and w2 are intermediate_size // 2 wide (Qwen-7B: 22,016 → 11,008).
      const width = reader.require("MLP width", CONFIG_ALIASES.intermediateSize);
      return Math.floor(width / 2);
    }
    case "granitemoehybrid":
      // The shared MLP runs on every layer; intermediate_size is the experts' width.
      return (
        reader.read("shared_intermediate_size") ??
        reader.require("MLP width", CONFIG_ALIASES.intermediateSize)
      );
  }
  // GPT-2 style models define the MLP width as 4 × hidden when n_inner is null.
  return (
    reader.readFirst(CONFIG_ALIASES.intermediateSize) ??
    (facts.layout.mlp === "plain"
      ? 4 * hiddenSize
      : reader.require("MLP width", CONFIG_ALIASES.intermediateSize))
  );
}

/** The family's layout with the biases and norm counts its config switches. */
export function readLayout(
  reader: ConfigReader,
  facts: FamilyFacts,
  maxPositionEmbeddings: number | undefined,
): ArchitectureLayout {
  const base = facts.layout;
  let qkvBias = base.qkvBias;
  let outputBias = base.outputBias;
  let mlpBias = base.mlpBias;
  let normsPerLayer = base.normsPerLayer;
  let positions = facts.learnedPositions ? (maxPositionEmbeddings ?? 0) : 0;
  switch (reader.modelType) {
    case "falcon": {
      qkvBias = outputBias = mlpBias = reader.read("bias") ?? false;
      normsPerLayer =
        reader.read("new_decoder_architecture") === true || reader.read("parallel_attn") === false
          ? 2
          : 1;
      break;
    }
    case "mpt":
      qkvBias = outputBias = mlpBias = reader.read("no_bias") === false;
      break;
    case "qwen":
      // c_attn always has a bias; c_proj and the MLP have one unless no_bias (default true).
      qkvBias = true;
      outputBias = mlpBias = reader.read("no_bias") === false;
      break;
    case "opt":
      qkvBias = outputBias = mlpBias = reader.read("enable_bias") ?? true;
      // OPTLearnedPositionalEmbedding keeps 2 extra rows (its offset).
      positions = (maxPositionEmbeddings ?? 0) + 2;
      break;
    default: {
      // Llama-family configs switch biases on with attention_bias / mlp_bias.
      const attentionBias = reader.read("attention_bias");
      qkvBias = attentionBias ?? qkvBias;
      outputBias = attentionBias ?? outputBias;
      mlpBias = reader.read("mlp_bias") ?? mlpBias;
    }
  }
  // Every field written in one fixed order: one object shape for every family.
  return {
    mlp: base.mlp,
    norm: base.norm,
    normsPerLayer,
    qkvBias,
    outputBias,
    mlpBias,
    qkNorm: base.qkNorm,
    learnedPositionEmbeddings: positions,
    attentionSinks: base.attentionSinks === true,
    gatedQuery: base.gatedQuery === true,
    headBias: base.headBias === true,
  };
}
