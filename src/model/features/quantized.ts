import { InvalidConfigError, UnsupportedArchitectureError } from "../../errors.js";
import {
  HfQuantConfigSchema,
  type QuantizationConfig,
  type TextConfig,
} from "../config/model-config.js";
import type { LayerKind } from "../config/layer-plan.js";
import { denseMlpLayerCount } from "../layers.js";
import type { CheckpointQuantization, ModelSpec } from "../model-spec.js";
import type { ParameterBreakdown } from "../parameter-breakdown.js";
import { attentionParametersAt } from "../parameters.js";
import { mlpParametersPerLayer } from "./dense/parameters.js";
import { routedExpertParametersPerLayer, sharedExpertParametersPerLayer } from "./moe.js";

/**
 * Pre-quantized checkpoints (AWQ, GPTQ, bitsandbytes, FP8, FBGEMM FP8, compressed-tensors,
 * MXFP4, ModelOpt): how the stored weights are packed, read from `quantization_config` (or
 * ModelOpt's `hf_quant_config.json`) into `ModelSpec.quantization`, and which parameters that
 * packing applies to, layer by layer. The parameter count is the unpacked one;
 * memory/quantized-weights.ts turns these into bytes.
 * See docs/methodology.md#pre-quantized-checkpoints.
 */

// Config: ModelSpec.quantization from quantization_config or hf_quant_config.json.

/**
 * ModelOpt's `hf_quant_config.json` as a `quantization_config`: NVIDIA's checkpoints
 * (`nvidia/*-FP8`, `*-NVFP4`) may declare their quantization only in that file, as
 * `{"producer": {"name": "modelopt"}, "quantization": {"quant_algo": "FP8",
 * "kv_cache_quant_algo": "FP8", "exclude_modules": ["lm_head"]}}`, which vLLM reads when
 * config.json has no `quantization_config` (its `ModelOptFp8Config.get_config_filenames()`).
 * `undefined` when the file is absent.
 *
 * @throws {InvalidConfigError} for a file that is not ModelOpt's shape.
 */
export function modelOptQuantizationConfig(
  json: unknown,
  subject: string,
): QuantizationConfig | undefined {
  if (json === undefined || json === null) return undefined;
  const parsed = HfQuantConfigSchema.safeParse(json);
  const quantization = parsed.success ? parsed.data.quantization : undefined;
  if (quantization === undefined || quantization === null) {
    const issue = parsed.success ? undefined : parsed.error.issues[0];
    throw new InvalidConfigError(
      {
        subject: `${subject} hf_quant_config.json`,
        path: issue === undefined ? "quantization" : issue.path.join("."),
        problem:
          issue === undefined
            ? "expected ModelOpt's {producer, quantization: {quant_algo, ...}} object"
            : issue.message,
      },
      {
        hint: "hf_quant_config.json is written by NVIDIA ModelOpt; check that the file is complete.",
      },
    );
  }
  return {
    ...quantization,
    quant_method: "modelopt",
    exclude_modules: quantization.exclude_modules ?? undefined,
  };
}

/** What {@link readCheckpointQuantization} needs besides the quantization block. */
export interface QuantizationContext {
  /** The repo id or file, for error messages. */
  readonly subject: string;
  /** The text model's `model_type`, for error messages. */
  readonly modelType: string | undefined;
  /** Width of the residual stream: FBGEMM FP8 keeps one FP32 scale per row of that many weights. */
  readonly hiddenSize: number;
}

/**
 * Reads a pre-quantized checkpoint's `quantization_config` (top level or under
 * `text_config`; ModelOpt's `hf_quant_config.json` through {@link modelOptQuantizationConfig})
 * into the bits it stores per quantized weight, scales and zero points included. Sources for
 * each rule: docs/methodology.md#pre-quantized-checkpoints.
 *
 * - AWQ, GPTQ: `bits + (16-bit scale + bits-wide zero point) / group_size` (4.156 at 4-bit, group 128);
 * - bitsandbytes: NF4/FP4 `4 + 32/64` = 4.5 (one FP32 absmax per 64), 4.127 with double
 *   quantization; LLM.int8 8 bits (one FP32 scale per row, negligible);
 * - FP8 (`fp8`, block-scaled `weight_block_size` [128, 128]): `8 + 32 / (128 × 128)`;
 * - FBGEMM FP8 (`fbgemm_fp8`, Meta's Llama-3.1 FP8): `8 + 32 / hidden` (one FP32 scale per row);
 * - compressed-tensors: the weights' `num_bits`, plus a 16-bit scale per group for group strategies;
 * - MXFP4 (gpt-oss): `4 + 8/32` = 4.25 on the routed experts only;
 * - ModelOpt NVFP4: `4 + 8/16` = 4.5; ModelOpt FP8: 8; ModelOpt W4A16/W4A8 AWQ: `4 + 16/group`.
 *
 * The modules a config keeps in 16-bit (`modules_to_not_convert`, `llm_int8_skip_modules`,
 * `ignore`, `exclude_modules`) are kept as written; normalize.ts resolves them layer by layer
 * ({@link unquantizedParameterCount}) once the spec is known.
 *
 * @throws {UnsupportedArchitectureError} for a method whose storage vramfit cannot size.
 */
export function readCheckpointQuantization(
  quantization: QuantizationConfig | undefined,
  context: QuantizationContext,
): CheckpointQuantization | undefined {
  if (quantization === undefined) return undefined;
  const method =
    quantization.quant_method ??
    (quantization.load_in_4bit === true || quantization.load_in_8bit === true
      ? "bitsandbytes"
      : undefined);
  if (method === undefined) return undefined;
  const kept = [
    ...(quantization.modules_to_not_convert ?? []),
    ...(quantization.llm_int8_skip_modules ?? []),
    ...(quantization.ignore ?? []),
    ...(quantization.exclude_modules ?? []),
  ];
  const result = (
    label: string,
    bits: number,
    bitsPerQuantizedParameter: number,
    groupSize?: number,
  ): CheckpointQuantization => ({
    method,
    bits,
    groupSize,
    label,
    bitsPerQuantizedParameter,
    // Which weights the method quantizes is its own rule (MXFP4: the experts only); which of
    // those the config keeps in 16-bit is resolved layer by layer, never by a name match
    // that switches the whole scope.
    scope: "linear",
    modulesNotQuantized: kept,
  });

  switch (method) {
    case "awq":
    case "gptq": {
      const bits = quantization.bits ?? quantization.w_bit ?? 4;
      const group = quantization.group_size ?? quantization.q_group_size ?? 128;
      const zeroBits = method === "awq" && quantization.zero_point === false ? 0 : bits;
      const effective = group > 0 ? bits + (16 + zeroBits) / group : bits;
      const groupText = group > 0 ? `group ${group}` : "per channel";
      return result(
        `${method.toUpperCase()} ${bits}-bit, ${groupText}`,
        bits,
        effective,
        group > 0 ? group : undefined,
      );
    }
    case "bitsandbytes": {
      if (quantization.load_in_8bit === true) return result("bitsandbytes LLM.int8 (8-bit)", 8, 8);
      const type = (quantization.bnb_4bit_quant_type ?? "fp4").toUpperCase();
      const double = quantization.bnb_4bit_use_double_quant === true;
      // Blocks of 64 with an FP32 absmax; double quantization stores the absmax in 8 bits
      // with one FP32 constant per 256 blocks (QLoRA, arXiv 2305.14314 §3).
      const effective = double ? 4 + 8 / 64 + 32 / (64 * 256) : 4 + 32 / 64;
      return result(`bitsandbytes ${type}${double ? " + double quant" : ""}`, 4, effective, 64);
    }
    case "fp8": {
      const [rows, columns] = quantization.weight_block_size ?? [];
      if (rows !== undefined && columns !== undefined && rows > 0 && columns > 0) {
        const blockValues = rows * columns;
        return result(`FP8, ${rows}×${columns} blocks`, 8, 8 + 32 / blockValues, blockValues);
      }
      return result("FP8 (per-tensor scale)", 8, 8);
    }
    case "fbgemm_fp8":
      // FbgemmFp8Linear stores an FP8 E4M3 weight [out, in] and an FP32 weight_scale [out, 1]:
      // one scale per row of `in` weights. Most rows are `hidden` long (down_proj's are
      // longer, so this is ≤ 0.03 % high).
      return result("FBGEMM FP8 (per-row scale)", 8, 8 + 32 / context.hiddenSize);
    case "compressed-tensors":
      return compressedTensors(quantization, result, context);
    case "mxfp4":
      // vLLM's Mxfp4Config quantizes FusedMoE layers only; every linear layer falls back to
      // UnquantizedLinearMethod (vllm/model_executor/layers/quantization/mxfp4.py).
      return { ...result("MXFP4 on the routed experts", 4, 4 + 8 / 32, 32), scope: "experts" };
    case "modelopt":
      return modelOpt(quantization, result, context);
  }
  throw new UnsupportedArchitectureError(
    context.modelType,
    `Cannot size the stored weights of ${context.subject}: quantization_config.quant_method "${method}" is not one vramfit knows.`,
    {
      hint: "Known methods: awq, gptq, bitsandbytes, fp8, fbgemm_fp8, compressed-tensors, mxfp4, modelopt (NVFP4, FP8, W4A16/W4A8 AWQ). Pass parameterCount with a plain precision to approximate.",
    },
  );
}

type Result = (
  label: string,
  bits: number,
  bitsPerQuantizedParameter: number,
  groupSize?: number,
) => CheckpointQuantization;

/** ModelOpt's algorithms, from config.json's `quantization_config` or `hf_quant_config.json`. */
function modelOpt(
  quantization: QuantizationConfig,
  result: Result,
  context: QuantizationContext,
): CheckpointQuantization {
  const algorithm = (quantization.quant_algo ?? "").toUpperCase();
  switch (algorithm) {
    case "NVFP4":
    case "W4A16_NVFP4":
      return result(`${algorithm} (ModelOpt)`, 4, 4 + 8 / 16, 16);
    case "FP8":
    case "FP8_PER_CHANNEL_PER_TOKEN":
      return result(`${algorithm} (ModelOpt)`, 8, 8);
    case "W4A16_AWQ":
    case "W4A8_AWQ": {
      const group =
        quantization.group_size !== undefined &&
        quantization.group_size !== null &&
        quantization.group_size > 0
          ? quantization.group_size
          : 128;
      return result(`${algorithm} (ModelOpt), group ${group}`, 4, 4 + 16 / group, group);
    }
  }
  throw new UnsupportedArchitectureError(
    context.modelType,
    `Cannot size the stored weights of ${context.subject}: ModelOpt quant_algo "${quantization.quant_algo ?? "(none)"}" is not one vramfit knows.`,
    {
      hint: "Known ModelOpt algorithms: FP8, FP8_PER_CHANNEL_PER_TOKEN, NVFP4, W4A16_NVFP4, W4A16_AWQ, W4A8_AWQ (MIXED_PRECISION is not sized yet). Pass parameterCount with a plain precision to approximate.",
    },
  );
}

/** compressed-tensors: the first config group's weight scheme (Red Hat / Neural Magic checkpoints). */
function compressedTensors(
  quantization: QuantizationConfig,
  result: Result,
  context: QuantizationContext,
): CheckpointQuantization {
  const groups: unknown = (quantization as Record<string, unknown>).config_groups;
  const first: unknown =
    typeof groups === "object" && groups !== null ? Object.values(groups)[0] : undefined;
  const weights =
    typeof first === "object" && first !== null
      ? (first as Record<string, unknown>).weights
      : undefined;
  const scheme =
    typeof weights === "object" && weights !== null ? (weights as Record<string, unknown>) : {};
  const bits = scheme.num_bits;
  if (typeof bits !== "number" || !Number.isInteger(bits) || bits <= 0 || bits > 64) {
    throw new UnsupportedArchitectureError(
      context.modelType,
      `Cannot size the stored weights of ${context.subject}: compressed-tensors config_groups has no weights.num_bits.`,
      { hint: "Check that this is the checkpoint's full config.json." },
    );
  }
  const type = scheme.type === "float" ? "FP" : "INT";
  const strategy = typeof scheme.strategy === "string" ? scheme.strategy : "tensor";
  const groupSize =
    typeof scheme.group_size === "number" && scheme.group_size > 0 ? scheme.group_size : undefined;
  const symmetric = scheme.symmetric !== false;
  if ((strategy === "group" || strategy === "tensor_group") && groupSize !== undefined) {
    // One 16-bit scale (and a zero point when asymmetric) per group.
    const effective = bits + (16 + (symmetric ? 0 : bits)) / groupSize;
    return result(
      `compressed-tensors ${type}${bits}, group ${groupSize}`,
      bits,
      effective,
      groupSize,
    );
  }
  const block = scheme.block_structure;
  if (strategy === "block" && Array.isArray(block) && block.length === 2) {
    const values = Number(block[0]) * Number(block[1]);
    if (values > 0) {
      return result(
        `compressed-tensors ${type}${bits}, ${block[0]}×${block[1]} blocks`,
        bits,
        bits + 16 / values,
        values,
      );
    }
  }
  return result(`compressed-tensors ${type}${bits} (per ${strategy})`, bits, bits);
}

/** The `quantization_config` of a config.json: top level, else under `text_config`. */
export function configQuantization(
  top: TextConfig,
  text: TextConfig | undefined,
): QuantizationConfig | undefined {
  return top.quantization_config ?? text?.quantization_config ?? undefined;
}

// Layer by layer: which of the quantized modules a config keeps in 16-bit.

/** The blocks of a decoder layer a module name can point at. */
type Component = "attention" | "mlp" | "routedExperts" | "sharedExperts" | "stateSpace";

/**
 * What the exclusion list says of one block: the projections it names (`*` for all of them,
 * `down_proj#7` for one projection of routed expert 7), on every layer and on single layers.
 */
interface ComponentExclusions {
  readonly everyLayer: Set<string>;
  readonly byLayer: Map<number, Set<string>>;
}

/** What a model's layers are, for the layers an exclusion list names. */
export interface LayerLookup {
  /** The mixer of layer `index`. */
  kindAt(index: number): LayerKind;
  /** Whether layer `index`'s MLP is a mixture of experts. */
  isMoeLayer(index: number): boolean;
  /** Whether layer `index` has a dense MLP of `intermediateSize`. */
  hasDenseMlpAt(index: number): boolean;
}

/** The result of {@link unquantizedParameterCount}. */
export interface UnquantizedParameters {
  /** Parameters of the quantized scope that stay 16-bit. */
  readonly parameters: number;
  /** Module names vramfit could not place, for `spec.approximations`. */
  readonly notes: readonly string[];
}

/** Name segments of modules that are never quantized (embeddings, head, norms, routers, towers). */
const ALWAYS_16_BIT =
  /^(lm_head|embed_tokens|embeddings?|embed_vision|embed_audio|wte|wpe|norm|final_layernorm|ln_f|model_norm|vision_tower|vision_model|vision|visual|audio_tower|audio|multi_modal_projector|mm_projector|mtp|router|gate|shared_expert_gate|e_score_correction_bias|layer_scalar)$/;

/** Attention projections by name; the fused ones stand for several. */
const ATTENTION_PROJECTIONS: Readonly<Record<string, readonly string[]>> = {
  q_proj: ["q"],
  k_proj: ["k"],
  v_proj: ["v"],
  o_proj: ["o"],
  out_proj: ["o"],
  dense: ["o"],
  c_proj: ["o"],
  qkv_proj: ["q", "k", "v"],
  c_attn: ["q", "k", "v"],
  query_key_value: ["q", "k", "v"],
  w_pack: ["q", "k", "v"],
  kv_proj: ["k", "v"],
};

/** MLP (and expert) projections by name: gated MLPs have gate, up and down; plain ones up and down. */
const MLP_PROJECTIONS: Readonly<Record<string, readonly string[]>> = {
  gate_proj: ["gate"],
  w1: ["gate"],
  up_proj: ["up"],
  w3: ["up"],
  down_proj: ["down"],
  w2: ["down"],
  gate_up_proj: ["gate", "up"],
  fc1: ["up"],
  c_fc: ["up"],
  dense_h_to_4h: ["up"],
  fc2: ["down"],
  dense_4h_to_h: ["down"],
};

/**
 * Parameters of a checkpoint's quantized scope that its config keeps in 16-bit
 * (`modules_to_not_convert`, `ignore`, `exclude_modules`), resolved layer by layer: each
 * module name is read as a layer (`layers.5`, or every layer when it names none or a wildcard)
 * and a block (`self_attn`, `mlp`, `experts`, `shared_expert`, `mamba`/`linear_attn`, or the
 * whole layer), optionally one projection (`q_proj`, `down_proj`, …, counted at its share of
 * the block) or one expert (`experts.7`). A layer's block is sized by what that layer is
 * (attention of its kind or none, dense MLP or experts), so keeping DeepSeek's layer 0 MLP in
 * BF16 costs a dense MLP, not an MoE layer. Names that are never quantized (embeddings,
 * `lm_head`, norms, routers, vision towers) change nothing; names vramfit cannot place are
 * noted and counted as quantized. Only blocks inside the method's scope count (MXFP4: the
 * routed experts). Transformers' name matching, ModelOpt's globs and compressed-tensors'
 * `re:` patterns all reduce to these parts. See docs/methodology.md#partial-quantization.
 */
export function unquantizedParameterCount(
  spec: ModelSpec,
  quantization: Pick<CheckpointQuantization, "scope" | "modulesNotQuantized">,
  layers: LayerLookup,
): UnquantizedParameters {
  const exclusions = new Map<Component, ComponentExclusions>();
  const notes: string[] = [];
  for (const module of quantization.modulesNotQuantized ?? []) {
    const parsed = parseModule(module, spec);
    if (parsed === "ignored") continue;
    if (parsed === undefined) {
      notes.push(
        `quantization: module "${module}" kept unquantized is not a block vramfit can place; counted as quantized`,
      );
      continue;
    }
    for (const component of parsed.components) {
      if (quantization.scope === "experts" && component !== "routedExperts") continue;
      let entry = exclusions.get(component);
      if (entry === undefined) {
        entry = { everyLayer: new Set(), byLayer: new Map() };
        exclusions.set(component, entry);
      }
      let projections = entry.everyLayer;
      if (parsed.layer !== "all") {
        projections = entry.byLayer.get(parsed.layer) ?? new Set();
        entry.byLayer.set(parsed.layer, projections);
      }
      projections.add(parsed.projection);
    }
  }

  // Experts inside the MLP block (`mlp.experts`) are already counted when the whole block is.
  const mlp = exclusions.get("mlp");
  const inside = spec.moe !== undefined && spec.moe.besideDenseMlp !== true;
  const wholeMlpAt = (layer: number | "all"): boolean =>
    inside &&
    mlp !== undefined &&
    (mlp.everyLayer.has("*") || (layer !== "all" && mlp.byLayer.get(layer)?.has("*") === true));

  let parameters = 0;
  for (const [component, entry] of exclusions) {
    const expertBlock = component === "routedExperts" || component === "sharedExperts";
    const size = componentSizes(spec, component, layers);
    const everyShare =
      expertBlock && wholeMlpAt("all") ? 0 : share(spec, component, entry.everyLayer);
    parameters += size.total * everyShare;
    for (const [layer, projections] of entry.byLayer) {
      if (expertBlock && wholeMlpAt(layer)) continue;
      const layerShare = share(spec, component, new Set([...entry.everyLayer, ...projections]));
      parameters += size.at(layer) * Math.max(0, layerShare - everyShare);
    }
  }
  return { parameters: Math.round(parameters), notes };
}

/** One module name, read as a layer and the blocks of it. */
interface ParsedModule {
  readonly layer: number | "all";
  readonly components: readonly Component[];
  /** The projection named (`*` for the whole block), with `#expert` for one routed expert. */
  readonly projection: string;
}

/**
 * Reads a module name (`model.layers.3.self_attn`, `*.mlp.experts.*`, `re:.*shared_expert.*`,
 * `lm_head`) into its layer and blocks; `"ignored"` for modules that are never quantized (or a
 * layer past the last), `undefined` for one vramfit cannot place.
 */
function parseModule(module: string, spec: ModelSpec): ParsedModule | "ignored" | undefined {
  // Regex and glob spellings to one: `re:` dropped, `.*` / `\d+` / `[0-9]+` to `*`, `\.` to `.`.
  const name = module
    .toLowerCase()
    .replace(/^re:/, "")
    .replace(/\\d[+*]|\[0-9\][+*]/g, "*")
    .replace(/\\\./g, ".")
    .replace(/\.\*/g, "*")
    .replace(/[$^()?]/g, "");
  const layerMatch = /(?:^|[.*])(?:layers|h|blocks|block|layer)\.(\d+)(?=[.*]|$)/.exec(name);
  const layer = layerMatch === null ? "all" : Number(layerMatch[1]);
  if (layer !== "all" && layer >= spec.numLayers) return "ignored";
  const rest = layerMatch === null ? name : name.slice(layerMatch.index + layerMatch[0].length);
  const segments = rest.split(/[.*]+/).filter((segment) => segment !== "");

  const has = (pattern: RegExp): boolean => segments.some((segment) => pattern.test(segment));
  const projection = segments.find(
    (segment) =>
      Object.hasOwn(ATTENTION_PROJECTIONS, segment) || Object.hasOwn(MLP_PROJECTIONS, segment),
  );
  if (segments.some((segment) => ALWAYS_16_BIT.test(segment))) return "ignored";
  if (has(/^shared_experts?$/)) {
    return { layer, components: ["sharedExperts"], projection: projection ?? "*" };
  }
  const expertAt = segments.findIndex((segment) => /^experts?$/.test(segment));
  if (expertAt >= 0) {
    const expert = segments[expertAt + 1];
    const one = expert !== undefined && /^\d+$/.test(expert) ? `#${expert}` : "";
    return { layer, components: ["routedExperts"], projection: `${projection ?? "*"}${one}` };
  }
  if (has(/^(mamba|mixer|linear_attn|ssm)$/)) {
    return { layer, components: ["stateSpace"], projection: "*" };
  }
  if (has(/^(self_attn|attention|attn|self_attention)$/)) {
    return attentionProjection(layer, projection);
  }
  if (has(/^(mlp|feed_forward|ffn|block_sparse_moe)$/)) {
    return { layer, components: ["mlp"], projection: projection ?? "*" };
  }
  if (projection !== undefined) {
    return Object.hasOwn(ATTENTION_PROJECTIONS, projection)
      ? attentionProjection(layer, projection)
      : { layer, components: ["mlp"], projection };
  }
  // A whole layer (`model.layers.0`, `model.layers.0.*`): every block of it.
  if (layer !== "all" && segments.length === 0) {
    const beside = spec.moe?.besideDenseMlp === true;
    return {
      layer,
      components: beside
        ? ["attention", "mlp", "routedExperts", "sharedExperts", "stateSpace"]
        : ["attention", "mlp", "stateSpace"],
      projection: "*",
    };
  }
  return undefined;
}

function attentionProjection(layer: number | "all", projection: string | undefined): ParsedModule {
  const known = projection !== undefined && Object.hasOwn(ATTENTION_PROJECTIONS, projection);
  return { layer, components: ["attention"], projection: known ? projection : "*" };
}

/** A block's parameters on every layer together, and on one layer. */
interface ComponentSize {
  readonly total: number;
  at(layer: number): number;
}

function componentSizes(spec: ModelSpec, component: Component, layers: LayerLookup): ComponentSize {
  const moe = spec.moe;
  switch (component) {
    case "attention":
      return {
        total: attentionTotal(spec),
        at: (layer) => {
          const kind = layers.kindAt(layer);
          return kind === "stateSpace" || kind === "mlp" ? 0 : attentionParametersAt(spec, kind);
        },
      };
    case "stateSpace": {
      const perLayer = spec.stateSpace?.parametersPerLayer ?? 0;
      return {
        total: (spec.stateSpace?.numLayers ?? 0) * perLayer,
        at: (layer) => (layers.kindAt(layer) === "stateSpace" ? perLayer : 0),
      };
    }
    case "routedExperts": {
      const perLayer = moe === undefined ? 0 : routedExpertParametersPerLayer(spec, moe);
      return {
        total: (moe?.numMoeLayers ?? 0) * perLayer,
        at: (layer) => (layers.isMoeLayer(layer) ? perLayer : 0),
      };
    }
    case "sharedExperts": {
      const perLayer = moe === undefined ? 0 : sharedExpertParametersPerLayer(spec, moe);
      return {
        total: (moe?.numMoeLayers ?? 0) * perLayer,
        at: (layer) => (layers.isMoeLayer(layer) ? perLayer : 0),
      };
    }
    case "mlp": {
      // A layer's MLP block: its dense MLP, and its experts when they sit inside the block
      // (`mlp.experts`) rather than beside it (Gemma-4's `experts`).
      const dense = mlpParametersPerLayer(spec);
      const inside =
        moe === undefined || moe.besideDenseMlp === true
          ? 0
          : routedExpertParametersPerLayer(spec, moe) + sharedExpertParametersPerLayer(spec, moe);
      return {
        total: denseMlpLayerCount(spec) * dense + (moe?.numMoeLayers ?? 0) * inside,
        at: (layer) =>
          (layers.hasDenseMlpAt(layer) ? dense : 0) + (layers.isMoeLayer(layer) ? inside : 0),
      };
    }
  }
}

/** Attention parameters of every attention layer, by kind. */
function attentionTotal(spec: ModelSpec): number {
  const kinds = spec.attentionLayers ?? { full: spec.numLayers, sliding: 0, chunked: 0 };
  return (
    kinds.full * attentionParametersAt(spec, "full") +
    kinds.sliding * attentionParametersAt(spec, "sliding") +
    kinds.chunked * attentionParametersAt(spec, "chunked")
  );
}

/**
 * The share of a block the named projections hold: 1 for the whole block (`*`); for attention,
 * q and o are `heads × head_dim` wide and k and v `kv heads × head_dim`; for a gated MLP gate,
 * up and down are a third each, for a plain one up and down a half; one routed expert of `n`
 * holds `1/n` of its layer's experts.
 */
function share(spec: ModelSpec, component: Component, projections: ReadonlySet<string>): number {
  if (projections.size === 0) return 0;
  if (projections.has("*")) return 1;
  if (component === "stateSpace") return 1;
  if (component === "attention") {
    if (spec.mla !== undefined) return 0; // MLA's projections are not q/k/v/o: counted quantized
    const query = spec.numAttentionHeads * spec.headDim * (spec.layout.gatedQuery === true ? 2 : 1);
    const output = spec.numAttentionHeads * spec.headDim;
    const keyValue = spec.numKeyValueHeads * spec.headDim;
    const widths: Readonly<Record<string, number>> = {
      q: query,
      k: keyValue,
      v: keyValue,
      o: output,
    };
    const named = new Set([...projections].flatMap((name) => ATTENTION_PROJECTIONS[name] ?? []));
    let part = 0;
    for (const piece of named) part += widths[piece] ?? 0;
    return part / (query + output + 2 * keyValue);
  }
  const pieces = spec.layout.mlp === "gated" ? ["gate", "up", "down"] : ["up", "down"];
  const numExperts = component === "routedExperts" ? (spec.moe?.numExperts ?? 1) : 1;
  // Per piece: every expert when a name covers it without an index, else the experts named.
  let covered = 0;
  for (const piece of pieces) {
    const experts = new Set<string>();
    let all = false;
    for (const entry of projections) {
      const [name = "", expert] = entry.split("#");
      if (name !== "*" && !(MLP_PROJECTIONS[name] ?? []).includes(piece)) continue;
      if (expert === undefined) all = true;
      else experts.add(expert);
    }
    covered += all ? 1 : Math.min(1, experts.size / numExperts);
  }
  return covered / pieces.length;
}

// Weights: which parameters are stored quantized, and at how many bits.

/**
 * Parameters a checkpoint stores quantized: the linear projections (attention, MLP and
 * experts, state-space mixers) or, for MXFP4, the routed experts only, less the ones its
 * config keeps in 16-bit (`quantization.unquantizedParameters`). Embeddings, the LM head,
 * norms, routers and the vision tower stay in 16-bit.
 */
export function quantizedParameterCount(
  parameters: ParameterBreakdown,
  quantization: CheckpointQuantization,
): number {
  const scope =
    quantization.scope === "experts"
      ? parameters.routedExperts
      : parameters.attention + parameters.mlp + parameters.stateSpace;
  return Math.max(0, scope - (quantization.unquantizedParameters ?? 0));
}

/** Stored bits per quantized parameter, scales and zero points included when the method has them. */
export function storedBitsPerQuantizedParameter(quantization: CheckpointQuantization): number {
  return quantization.bitsPerQuantizedParameter ?? quantization.bits;
}
