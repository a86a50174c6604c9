import { InvalidConfigError, UnsupportedArchitectureError } from "../errors.js";
import { FALLBACK_FAMILY, familyFacts } from "../model/families.js";
import type { ModelSpec, TorchDtype } from "../model/model-spec.js";
import type { ModelConfig, TextConfig } from "./model-config.js";

/** Key names that mean the same thing across config.json dialects, in the order they are tried. */
export const CONFIG_ALIASES = {
  numLayers: ["num_hidden_layers", "n_layer", "num_layers", "n_layers"],
  hiddenSize: ["hidden_size", "n_embd", "d_model"],
  numAttentionHeads: ["num_attention_heads", "n_head", "n_heads"],
  intermediateSize: ["intermediate_size", "n_inner", "ffn_dim"],
  maxPositionEmbeddings: ["max_position_embeddings", "n_positions", "max_seq_len"],
  vocabSize: ["vocab_size"],
} as const satisfies Record<string, readonly (keyof TextConfig)[]>;

type NumericKey = (typeof CONFIG_ALIASES)[keyof typeof CONFIG_ALIASES][number];

/** Spellings of `torch_dtype` / `dtype` values, normalized. */
const TORCH_DTYPES: Readonly<Record<string, TorchDtype>> = {
  float32: "float32",
  float: "float32",
  fp32: "float32",
  bfloat16: "bfloat16",
  bf16: "bfloat16",
  float16: "float16",
  half: "float16",
  fp16: "float16",
  float8_e4m3fn: "float8",
  float8_e5m2: "float8",
  int8: "int8",
};

/** Options of {@link toModelSpec}. */
export interface NormalizeOptions {
  /** The repo id or file the config came from, named in error messages. @default "config object" */
  readonly subject?: string;
}

/**
 * Turns a validated config.json into a {@link ModelSpec}: resolves aliases (text fields in
 * `text_config` first, then the top level), applies the documented defaults (KV heads =
 * attention heads; head_dim = hidden / heads) and checks that the dimensions agree.
 *
 * @throws {InvalidConfigError} when a required field is missing or the dimensions contradict each other.
 */
export function toModelSpec(config: ModelConfig, options: NormalizeOptions = {}): ModelSpec {
  const subject = options.subject ?? "config object";
  const text = config.text_config ?? undefined;
  const prefix = text === undefined ? "" : "text_config.";
  const approximations: string[] = [];

  /** Looks a field up in text_config, then at the top level. */
  function read<K extends keyof TextConfig>(key: K): NonNullable<TextConfig[K]> | undefined {
    return text?.[key] ?? config[key] ?? undefined;
  }

  function readFirst(aliases: readonly NumericKey[]): number | undefined {
    for (const key of aliases) {
      const value = read(key);
      if (typeof value === "number") return value;
    }
    return undefined;
  }

  function require(name: string, aliases: readonly NumericKey[]): number {
    const value = readFirst(aliases);
    if (value !== undefined) return value;
    throw new InvalidConfigError({
      subject,
      path: `${prefix}${aliases[0] ?? ""}`,
      problem: `missing the ${name}`,
      aliases,
    });
  }

  const modelType = read("model_type") ?? undefined;
  refuseUnsizedArchitectures(config, modelType, subject);
  const family = familyFacts(modelType);
  if (family === undefined) {
    approximations.push(
      modelType === undefined
        ? "config.json has no model_type: parameters counted as a Llama-style decoder"
        : `model_type "${modelType}" is not a family vramfit knows exactly: parameters counted as a Llama-style decoder`,
    );
  }
  const facts = family ?? FALLBACK_FAMILY;

  const numLayers = require("layer count", CONFIG_ALIASES.numLayers);
  const hiddenSize = require("hidden size", CONFIG_ALIASES.hiddenSize);
  const numAttentionHeads = require("attention head count", CONFIG_ALIASES.numAttentionHeads);
  const vocabSize = require("vocabulary size", CONFIG_ALIASES.vocabSize);
  const maxPositionEmbeddings = readFirst(CONFIG_ALIASES.maxPositionEmbeddings);

  const headDim = read("head_dim") ?? hiddenSize / numAttentionHeads;
  if (!Number.isInteger(headDim)) {
    throw new InvalidConfigError({
      subject,
      path: `${prefix}head_dim`,
      problem: `head_dim is absent and hidden size ${hiddenSize} is not divisible by ${numAttentionHeads} heads`,
    });
  }

  const numKeyValueHeads = keyValueHeads(read, numAttentionHeads);
  if (numKeyValueHeads > numAttentionHeads || numAttentionHeads % numKeyValueHeads !== 0) {
    throw new InvalidConfigError({
      subject,
      path: `${prefix}num_key_value_heads`,
      problem: `${numAttentionHeads} attention heads are not divisible by ${numKeyValueHeads} key/value heads`,
    });
  }

  // GPT-2 style models define the MLP width as 4 × hidden when n_inner is null.
  const intermediateSize =
    readFirst(CONFIG_ALIASES.intermediateSize) ??
    (facts.layout.mlp === "plain"
      ? 4 * hiddenSize
      : require("MLP width", CONFIG_ALIASES.intermediateSize));

  const tieWordEmbeddings = read("tie_word_embeddings") ?? facts.tieWordEmbeddingsDefault;
  const attentionBias = read("attention_bias");
  const mlpBias = read("mlp_bias");
  const layout = {
    ...facts.layout,
    // Llama-family configs switch biases on with attention_bias / mlp_bias.
    qkvBias: attentionBias ?? facts.layout.qkvBias,
    outputBias: attentionBias ?? facts.layout.outputBias,
    mlpBias: mlpBias ?? facts.layout.mlpBias,
    learnedPositionEmbeddings: facts.learnedPositions ? (maxPositionEmbeddings ?? 0) : 0,
  };

  const dtypeName = read("dtype") ?? read("torch_dtype");
  const torchDtype = dtypeName === undefined ? undefined : TORCH_DTYPES[dtypeName];
  if (dtypeName !== undefined && torchDtype === undefined) {
    approximations.push(`dtype "${dtypeName}" is not one vramfit knows: storage dtype left unset`);
  }

  return {
    architecture: config.architectures?.[0] ?? text?.architectures?.[0] ?? undefined,
    modelType,
    numLayers,
    hiddenSize,
    numAttentionHeads,
    numKeyValueHeads,
    headDim,
    intermediateSize,
    vocabSize,
    tieWordEmbeddings,
    maxPositionEmbeddings,
    torchDtype,
    layout,
    approximations,
  };
}

/**
 * KV heads: `num_key_value_heads` when present; Falcon's `multi_query` means one shared
 * head unless `new_decoder_architecture` is set, in which case `num_kv_heads` counts
 * (transformers FalconAttention); otherwise every query head has its own (MHA).
 */
function keyValueHeads(
  read: <K extends keyof TextConfig>(key: K) => NonNullable<TextConfig[K]> | undefined,
  numAttentionHeads: number,
): number {
  const explicit = read("num_key_value_heads");
  if (typeof explicit === "number") return explicit;
  const newDecoder = read("new_decoder_architecture") === true;
  if (read("multi_query") === true && !newDecoder) return 1;
  return read("num_kv_heads") ?? numAttentionHeads;
}

/**
 * Config keys of architectures whose memory a dense-decoder count would get wrong by
 * multiples (all experts must be counted; MLA caches a latent, not per-head K and V).
 * Refused with a clear error rather than answered wrongly.
 */
const UNSIZED_ARCHITECTURE_KEYS = {
  num_local_experts: "mixture-of-experts",
  num_experts: "mixture-of-experts",
  n_routed_experts: "mixture-of-experts",
  kv_lora_rank: "multi-head latent attention",
} as const;

function refuseUnsizedArchitectures(
  config: ModelConfig,
  modelType: string | undefined,
  subject: string,
): void {
  const layers: readonly Record<string, unknown>[] = [config, config.text_config ?? {}];
  for (const [key, kind] of Object.entries(UNSIZED_ARCHITECTURE_KEYS)) {
    const value = layers.find((layer) => Object.hasOwn(layer, key))?.[key];
    if (typeof value === "number" && value > 0) {
      throw new UnsupportedArchitectureError(
        modelType,
        `Cannot size ${subject}: ${kind} (config.json sets ${key}) is not supported yet.`,
        { hint: "Pass parameterCount to size the weights, or use a dense model." },
      );
    }
  }
}
