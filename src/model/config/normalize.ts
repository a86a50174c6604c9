import { InvalidConfigError, UnsupportedArchitectureError } from "../../errors.js";
import { readKeyValueHeads, readLayout, readMlpWidth } from "../features/dense/config.js";
import { readMultiHeadLatentAttention } from "../features/mla.js";
import { readRotaryEmbeddings } from "../features/rotary.js";
import { moeLayerRule, readMixtureOfExperts } from "../features/moe.js";
import {
  configQuantization,
  modelOptQuantizationConfig,
  readCheckpointQuantization,
  unquantizedParameterCount,
} from "../features/quantized.js";
import {
  pureStateSpaceLayers,
  readHybridLayers,
  readStateSpaceLayers,
} from "../features/state-space/config.js";
import { readVisionEncoder } from "../features/vision/config.js";
import {
  readGlobalAttention,
  readLayerTypes,
  readSlidingWindow,
  readWindowedLayers,
} from "../features/windowed.js";
import {
  FALLBACK_FAMILY,
  FALLBACK_FAMILY_NOTE,
  familyFacts,
  PURE_STATE_SPACE_FAMILIES,
} from "../families.js";
import type { ExtraParameters, MixtureOfExperts, ModelSpec, TorchDtype } from "../model-spec.js";
import { CONFIG_ALIASES, createConfigReader, type ConfigReader } from "./config-reader.js";
import type { LayerPlan } from "./layer-plan.js";
import type { ModelConfig } from "./model-config.js";
import { textConfigDefaults } from "./text-config-defaults.js";

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
  /**
   * The repo's `hf_quant_config.json`, parsed, when it has one: NVIDIA ModelOpt checkpoints
   * declare their quantization there rather than in config.json's `quantization_config`,
   * which wins when both are present (as in vLLM). `resolveModel` reads it from the Hub and
   * from a local folder. See docs/methodology.md#pre-quantized-checkpoints.
   */
  readonly hfQuantConfig?: unknown;
}

/** The fields a generic estimate of an unknown family needs, by name. */
const STANDARD_FIELDS = [
  ["layer count", CONFIG_ALIASES.numLayers],
  ["hidden size", CONFIG_ALIASES.hiddenSize],
  ["attention head count", CONFIG_ALIASES.numAttentionHeads],
  ["vocabulary size", CONFIG_ALIASES.vocabSize],
  ["MLP width", CONFIG_ALIASES.intermediateSize],
] as const;

/**
 * Turns a validated config.json into a {@link ModelSpec}: resolves aliases (text fields in
 * `text_config` first, then the top level, then the config class's documented defaults for
 * a sparse nested text config), applies the documented defaults (KV heads = attention
 * heads; head_dim = hidden / heads), checks that the dimensions agree, and has each
 * feature of model/features read its section: dense (KV heads, MLP width, layout), MoE, MLA,
 * windowed attention, state space, vision, checkpoint quantization.
 *
 * @throws {InvalidConfigError} when a required field is missing or the dimensions contradict each other.
 * @throws {UnsupportedArchitectureError} for an unknown family without the standard fields,
 * or a section vramfit cannot size (an unknown layer type or quantization method).
 */
export function toModelSpec(config: ModelConfig, options: NormalizeOptions = {}): ModelSpec {
  return specFromConfig(config, options, undefined);
}

/**
 * {@link toModelSpec} with the text fields already collected (parse.ts collects them in
 * the same pass that validates the file).
 */
export function specFromConfig(
  config: ModelConfig,
  options: NormalizeOptions,
  collected: Map<string, unknown> | undefined,
): ModelSpec {
  const subject = options.subject ?? "config object";
  const text = config.text_config ?? undefined;
  const reader = createConfigReader(
    config,
    text,
    {
      subject,
      defaults: text === undefined ? undefined : textConfigDefaults(text.model_type ?? undefined),
    },
    collected,
  );
  const { approximations, prefix } = reader;
  const modelType = reader.modelType;
  const family = familyFacts(modelType) ?? familyFacts(modelType?.replace(/_text$/, ""));
  if (family === undefined) refuseUnsizable(reader, modelType);
  const facts = family ?? FALLBACK_FAMILY;

  const numLayers = reader.require("layer count", CONFIG_ALIASES.numLayers);
  const hiddenSize = reader.require("hidden size", CONFIG_ALIASES.hiddenSize);
  // Pure Mamba models have no attention (and no MLP): no heads to require.
  const pureStateSpace = PURE_STATE_SPACE_FAMILIES.has(modelType ?? "");
  const numAttentionHeads = pureStateSpace
    ? 0
    : reader.require("attention head count", CONFIG_ALIASES.numAttentionHeads);
  const vocabSize = reader.require("vocabulary size", CONFIG_ALIASES.vocabSize);
  const maxPositionEmbeddings = reader.readFirst(CONFIG_ALIASES.maxPositionEmbeddings);

  const mla = pureStateSpace ? undefined : readMultiHeadLatentAttention(reader);
  const headDim = pureStateSpace
    ? 0
    : (reader.read("head_dim") ??
      reader.read("attention_head_dim") ??
      reader.read("kv_channels") ??
      (mla === undefined ? hiddenSize / numAttentionHeads : mla.qkNopeHeadDim + mla.qkRopeHeadDim));
  if (!Number.isInteger(headDim)) {
    throw new InvalidConfigError({
      subject,
      path: `${prefix}head_dim`,
      problem: `head_dim is absent and hidden size ${hiddenSize} is not divisible by ${numAttentionHeads} heads`,
    });
  }

  const numKeyValueHeads = pureStateSpace ? 0 : readKeyValueHeads(reader, numAttentionHeads);
  const intermediateSize = pureStateSpace ? 0 : readMlpWidth(reader, facts, hiddenSize);
  const plan = pureStateSpace ? pureStateSpaceLayers(numLayers) : planLayers(reader, numLayers);
  const moe = readMixtureOfExperts(reader, {
    numLayers,
    intermediateSize,
    blockPattern: plan.blockPattern,
  });
  // Gemma-4's experts run beside a dense MLP on every layer.
  const everyLayerDense = moe?.besideDenseMlp === true;
  const denseMlpLayers = everyLayerDense ? numLayers : plan.denseMlpLayers;
  const globalAttention = pureStateSpace
    ? undefined
    : readGlobalAttention(reader, numKeyValueHeads, headDim);
  const layout = readLayout(reader, facts, maxPositionEmbeddings);
  const rotary = readRotaryEmbeddings(reader, {
    learnedPositions: pureStateSpace || layout.learnedPositionEmbeddings > 0,
    headDim,
    globalHeadDim: globalAttention?.headDim,
    mlaRopeHeadDim: mla?.qkRopeHeadDim,
    maxPositionEmbeddings,
  });
  const stateSpace = readStateSpaceLayers(reader, plan.stateSpaceLayers, hiddenSize);
  const vision = readVisionEncoder(config, hiddenSize, approximations);
  const quantization = readCheckpointQuantization(
    configQuantization(config, text) ?? modelOptQuantizationConfig(options.hfQuantConfig, subject),
    { subject, modelType, hiddenSize },
  );

  const dtypeName = reader.read("dtype") ?? reader.read("torch_dtype");
  const torchDtype = dtypeName === undefined ? undefined : TORCH_DTYPES[dtypeName];
  if (dtypeName !== undefined && torchDtype === undefined) {
    approximations.push(`dtype "${dtypeName}" is not one vramfit knows: storage dtype left unset`);
  }

  const architecture = config.architectures?.[0] ?? text?.architectures?.[0] ?? undefined;
  const extraParameters = familyExtras(reader, {
    modelType,
    architecture,
    numLayers,
    hiddenSize,
    vocabSize,
    moe,
  });
  const spec: ModelSpec = {
    architecture,
    modelType,
    numLayers,
    hiddenSize,
    numAttentionHeads,
    numKeyValueHeads,
    headDim,
    intermediateSize,
    vocabSize,
    tieWordEmbeddings: reader.read("tie_word_embeddings") ?? facts.tieWordEmbeddingsDefault,
    maxPositionEmbeddings,
    torchDtype,
    moe,
    mla,
    // A plain decoder (every layer attends fully) leaves the field out, so a hand-edited
    // spec's numLayers keeps meaning what it says.
    attentionLayers: plan.attention.full === numLayers ? undefined : plan.attention,
    globalAttention,
    rotary,
    slidingWindow: plan.slidingWindow,
    attentionChunkSize: plan.attentionChunkSize,
    stateSpace,
    denseMlpLayers,
    vision,
    quantization,
    encoderOnly: modelType === "bert" ? true : undefined,
    extraParameters,
    layout,
    approximations,
  };
  if (quantization === undefined || (quantization.modulesNotQuantized ?? []).length === 0) {
    return spec;
  }
  // The modules kept in 16-bit, layer by layer: what each named layer is comes from the same
  // rules that counted the layers.
  const moeLayers =
    moe === undefined
      ? undefined
      : moeLayerRule(reader, { numLayers, intermediateSize, blockPattern: plan.blockPattern });
  const isMoeLayer = (index: number): boolean => moeLayers?.includes(index) === true;
  const unquantized = unquantizedParameterCount(spec, quantization, {
    kindAt: plan.kindAt,
    isMoeLayer,
    hasDenseMlpAt: everyLayerDense
      ? () => true
      : (plan.hasDenseMlpAt ?? ((index) => !isMoeLayer(index))),
  });
  approximations.push(...unquantized.notes);
  return {
    ...spec,
    quantization: { ...quantization, unquantizedParameters: unquantized.parameters },
  };
}

/**
 * Decides which layers attend fully, which slide or attend in chunks, and which are
 * state-space mixers, from (in this order) an explicit `layer_types` / `layers_block_type`
 * list, a hybrid family's own pattern (features/state-space/config.ts), and the family rules
 * of transformers for configs that predate `layer_types` (features/windowed.ts).
 *
 * @throws {UnsupportedArchitectureError} for a layer type vramfit does not know.
 */
function planLayers(reader: ConfigReader, numLayers: number): LayerPlan {
  const window = readSlidingWindow(reader);
  return (
    readLayerTypes(reader, numLayers, window) ??
    readHybridLayers(reader, numLayers) ??
    readWindowedLayers(reader, numLayers, window)
  );
}

/**
 * An unknown family gets a generic (Llama-style) estimate when its config has the standard
 * fields, marked approximate; without them it is refused, naming what is missing, instead
 * of guessing sizes.
 */
function refuseUnsizable(reader: ConfigReader, modelType: string | undefined): void {
  const missing = STANDARD_FIELDS.filter(([, aliases]) => reader.readFirst(aliases) === undefined);
  const name =
    modelType === undefined
      ? "config.json has no model_type"
      : `model_type "${modelType}" is not a family vramfit knows`;
  if (missing.length > 0) {
    throw new UnsupportedArchitectureError(
      modelType,
      `Cannot size ${reader.subject}: ${name}, and its config lacks the standard fields a generic estimate needs: ${missing
        .map(([what, aliases]) => `${what} (${aliases.join(" | ")})`)
        .join(", ")}.`,
      { hint: "Pass a ModelSpec built by hand, or parameterCount with a known architecture." },
    );
  }
  reader.approximations.push(`${name}: ${FALLBACK_FAMILY_NOTE}`);
}

/**
 * Gemma-4's tensors outside the standard components (Gemma4TextDecoderLayer,
 * Gemma4TextModel): a `layer_scalar` per layer; with the MoE block, three more norms per layer
 * (`post_feedforward_layernorm_1`, `_2`, `pre_feedforward_layernorm_2`); in the E-series,
 * per-layer input embeddings (`embed_tokens_per_layer`: vocabulary × layers × width, the
 * `per_layer_model_projection` from hidden and its norm; per layer an input gate, a projection
 * and a norm). The E-series' KV-shared layers (no k/v projections, double-wide MLPs) are not
 * modelled: noted in `approximations`.
 */
function gemma4Extras(reader: ConfigReader, context: ExtrasContext): ExtraParameters[] {
  const { numLayers, hiddenSize, moe } = context;
  const extras: ExtraParameters[] = [{ name: "layer_scalar", parameters: numLayers }];
  if (moe !== undefined) {
    extras.push({ name: "MoE block norms", parameters: 3 * hiddenSize * moe.numMoeLayers });
  }
  const perLayer = reader.read("hidden_size_per_layer_input") ?? 0;
  if (perLayer > 0) {
    const rows = reader.read("vocab_size_per_layer_input") ?? context.vocabSize;
    const width = numLayers * perLayer;
    extras.push({
      name: "per-layer input embeddings",
      parameters:
        rows * width +
        hiddenSize * width +
        perLayer +
        numLayers * (2 * hiddenSize * perLayer + hiddenSize),
    });
  }
  const shared = reader.read("num_kv_shared_layers") ?? 0;
  if (shared > 0) {
    reader.approximations.push(
      `Gemma-4: the ${shared} KV-shared layers are counted as ordinary layers (their missing k/v projections and double-wide MLPs are not modelled)`,
    );
  }
  return extras;
}

/** BERT heads that skip the pooler (transformers' `add_pooling_layer=False`). */
const BERT_WITHOUT_POOLER = new Set([
  "BertForMaskedLM",
  "BertLMHeadModel",
  "BertForTokenClassification",
  "BertForQuestionAnswering",
]);

/** What {@link familyExtras} reads besides the config. */
interface ExtrasContext {
  readonly modelType: string | undefined;
  readonly architecture: string | undefined;
  readonly numLayers: number;
  readonly hiddenSize: number;
  readonly vocabSize: number;
  readonly moe: MixtureOfExperts | undefined;
}

/** Tensors a few families have outside the standard components, named. */
function familyExtras(
  reader: ConfigReader,
  context: ExtrasContext,
): readonly ExtraParameters[] | undefined {
  const { modelType, architecture, hiddenSize, vocabSize } = context;
  if (modelType === "bloom") {
    return [{ name: "word_embeddings_layernorm", parameters: 2 * hiddenSize }];
  }
  if (modelType === "gemma4_text") return gemma4Extras(reader, context);
  if (modelType !== "bert") return undefined;
  const extras: ExtraParameters[] = [
    {
      name: "token_type_embeddings",
      parameters: (reader.read("type_vocab_size") ?? 2) * hiddenSize,
    },
  ];
  if (!BERT_WITHOUT_POOLER.has(architecture ?? "BertModel")) {
    extras.push({ name: "pooler", parameters: hiddenSize * hiddenSize + hiddenSize });
  }
  if (
    architecture === "BertForMaskedLM" ||
    architecture === "BertForPreTraining" ||
    architecture === "BertLMHeadModel"
  ) {
    // cls.predictions: transform dense + LayerNorm, and the decoder's bias (its weight is tied).
    extras.push({
      name: "masked-LM head",
      parameters: hiddenSize * hiddenSize + hiddenSize + 2 * hiddenSize + vocabSize,
    });
  }
  if (architecture === "BertForPreTraining") {
    extras.push({ name: "next-sentence head", parameters: 2 * hiddenSize + 2 });
  }
  return extras;
}
