import { UnsupportedArchitectureError } from "../../../errors.js";
import type { ConfigReader, NumericKey } from "../../config/config-reader.js";
import {
  countSymbol,
  periodicLayers,
  type LayerPlan,
  type LayerRule,
} from "../../config/layer-plan.js";
import type { StateSpaceLayers } from "../../model-spec.js";
import { gatedDeltaNetMixer, mamba1Mixer, mamba2Mixer, type MixerShape } from "./parameters.js";

/**
 * Hybrid and state-space models (Jamba, Nemotron-H, Granite-4, Qwen3-Next): which layers are
 * Mamba / linear-attention mixers instead of attention, and each mixer's shape, read into
 * `ModelSpec.stateSpace`. See docs/methodology.md#hybrid-and-state-space-layers.
 */

/**
 * Which layers of a hybrid model attend and which are state-space mixers, from the family's
 * own pattern: Nemotron-H's `hybrid_override_pattern` (`M` Mamba-2, `*` attention, `-` MLP,
 * `E` MoE), Jamba's `attn_layer_period` / `attn_layer_offset`, Qwen3-Next's
 * `full_attention_interval`. `undefined` when the config has none of them (Granite-4 lists its
 * layers in `layer_types`, read by ../windowed.ts).
 */
export function readHybridLayers(reader: ConfigReader, numLayers: number): LayerPlan | undefined {
  const pattern = reader.read("hybrid_override_pattern");
  if (pattern !== undefined && pattern.length === numLayers) {
    const count = (symbol: string): number => countSymbol(pattern, symbol);
    return {
      attention: { full: count("*"), sliding: 0, chunked: 0 },
      kindAt: (index) => {
        const symbol = pattern[index];
        return symbol === "*" ? "full" : symbol === "M" ? "stateSpace" : "mlp";
      },
      stateSpaceLayers: count("M"),
      denseMlpLayers: count("-"),
      hasDenseMlpAt: (index) => pattern[index] === "-",
      blockPattern: pattern,
    };
  }

  const attentionPeriod = reader.read("attn_layer_period");
  if (attentionPeriod !== undefined) {
    const offset = reader.read("attn_layer_offset") ?? 0;
    return attentionWhere(periodicLayers(numLayers, attentionPeriod, offset), numLayers);
  }

  const fullInterval = reader.read("full_attention_interval");
  if (fullInterval !== undefined) {
    return attentionWhere(periodicLayers(numLayers, fullInterval, fullInterval - 1), numLayers);
  }
  return undefined;
}

/**
 * A pure state-space model (Mamba, FalconMamba, Mamba-2): every layer is a mixer with a
 * constant state, none attends and none has an MLP.
 */
export function pureStateSpaceLayers(numLayers: number): LayerPlan {
  return {
    attention: { full: 0, sliding: 0, chunked: 0 },
    kindAt: () => "stateSpace",
    stateSpaceLayers: numLayers,
    denseMlpLayers: 0,
    hasDenseMlpAt: () => false,
  };
}

/** Full attention on the rule's layers, a state-space mixer on the others. */
function attentionWhere(rule: LayerRule, numLayers: number): LayerPlan {
  return {
    attention: { full: rule.count, sliding: 0, chunked: 0 },
    kindAt: (index) => (rule.includes(index) ? "full" : "stateSpace"),
    stateSpaceLayers: numLayers - rule.count,
  };
}

/**
 * Reads the constant-state mixers of a hybrid or state-space model: Jamba's Mamba-1,
 * Nemotron-H's and Granite-4's Mamba-2 (each with its own key names), Qwen3-Next's gated
 * delta-net, and the pure Mamba (`mamba`, `falcon_mamba`) and Mamba-2 (`mamba2`) models.
 *
 * @throws {UnsupportedArchitectureError} naming the fields missing for the mixer's shape.
 */
export function readStateSpaceLayers(
  reader: ConfigReader,
  numLayers: number,
  hiddenSize: number,
): StateSpaceLayers | undefined {
  if (numLayers === 0) return undefined;
  const shape = (kind: StateSpaceLayers["kind"], mixer: MixerShape): StateSpaceLayers => ({
    kind,
    numLayers,
    parametersPerLayer: mixer.parameters,
    convStateElements: mixer.convStateElements,
    recurrentStateElements: mixer.recurrentStateElements,
  });

  if (reader.read("linear_num_value_heads") !== undefined) {
    const d = dimensions(reader, [
      "linear_num_key_heads",
      "linear_key_head_dim",
      "linear_num_value_heads",
      "linear_value_head_dim",
      "linear_conv_kernel_dim",
    ]);
    return shape(
      "gated-deltanet",
      gatedDeltaNetMixer({
        hiddenSize,
        numKeyHeads: d.linear_num_key_heads,
        keyHeadDim: d.linear_key_head_dim,
        numValueHeads: d.linear_num_value_heads,
        valueHeadDim: d.linear_value_head_dim,
        convKernel: d.linear_conv_kernel_dim,
      }),
    );
  }
  if (reader.read("mamba_num_heads") !== undefined) {
    // Nemotron-H's spelling.
    const d = dimensions(reader, [
      "mamba_num_heads",
      "mamba_head_dim",
      "ssm_state_size",
      "n_groups",
      "conv_kernel",
    ]);
    return shape(
      "mamba2",
      mamba2Mixer({
        hiddenSize,
        numHeads: d.mamba_num_heads,
        headDim: d.mamba_head_dim,
        stateSize: d.ssm_state_size,
        numGroups: d.n_groups,
        convKernel: d.conv_kernel,
        convBias: reader.read("use_conv_bias") ?? true,
        projectionBias: reader.read("use_bias") ?? reader.read("mamba_proj_bias") ?? false,
      }),
    );
  }
  if (reader.read("mamba_n_heads") !== undefined) {
    // Granite-4's spelling.
    const d = dimensions(reader, [
      "mamba_n_heads",
      "mamba_d_head",
      "mamba_d_state",
      "mamba_n_groups",
      "mamba_d_conv",
    ]);
    return shape(
      "mamba2",
      mamba2Mixer({
        hiddenSize,
        numHeads: d.mamba_n_heads,
        headDim: d.mamba_d_head,
        stateSize: d.mamba_d_state,
        numGroups: d.mamba_n_groups,
        convKernel: d.mamba_d_conv,
        convBias: reader.read("mamba_conv_bias") ?? true,
        projectionBias: reader.read("mamba_proj_bias") ?? false,
      }),
    );
  }
  if (reader.modelType === "mamba2") {
    // Mamba2Config's spelling; the inner width is num_heads × head_dim.
    const d = dimensions(reader, [
      "num_heads",
      "head_dim",
      "state_size",
      "n_groups",
      "conv_kernel",
    ]);
    return shape(
      "mamba2",
      mamba2Mixer({
        hiddenSize,
        numHeads: d.num_heads,
        headDim: d.head_dim,
        stateSize: d.state_size,
        numGroups: d.n_groups,
        convKernel: d.conv_kernel,
        convBias: reader.read("use_conv_bias") ?? true,
        projectionBias: reader.read("use_bias") ?? false,
      }),
    );
  }
  if (reader.modelType === "mamba" || reader.modelType === "falcon_mamba") {
    // MambaConfig's spelling. MambaConfig sets intermediate_size = expand × hidden and then
    // lets a saved intermediate_size win: falcon-mamba-7b saves 8,192 beside an `expand` of 16.
    const d = dimensions(reader, ["state_size", "conv_kernel"]);
    const inner = reader.read("intermediate_size") ?? (reader.read("expand") ?? 2) * hiddenSize;
    const dtRank = reader.read("time_step_rank") ?? "auto";
    return shape(
      "mamba",
      mamba1Mixer({
        hiddenSize,
        innerSize: inner,
        stateSize: d.state_size,
        convKernel: d.conv_kernel,
        dtRank: dtRank === "auto" ? Math.ceil(hiddenSize / 16) : dtRank,
        convBias: reader.read("use_conv_bias") ?? true,
        projectionBias: reader.read("use_bias") ?? false,
        innerNorms: false,
      }),
    );
  }
  const d = dimensions(reader, ["mamba_d_state", "mamba_d_conv", "mamba_expand"]);
  const dtRank = reader.read("mamba_dt_rank") ?? "auto";
  return shape(
    "mamba",
    mamba1Mixer({
      hiddenSize,
      innerSize: d.mamba_expand * hiddenSize,
      stateSize: d.mamba_d_state,
      convKernel: d.mamba_d_conv,
      dtRank: dtRank === "auto" ? Math.ceil(hiddenSize / 16) : dtRank,
      convBias: reader.read("mamba_conv_bias") ?? true,
      projectionBias: reader.read("mamba_proj_bias") ?? false,
      innerNorms: reader.modelType === "jamba",
    }),
  );
}

/** The named numeric fields, all required. */
function dimensions<K extends NumericKey>(
  reader: ConfigReader,
  keys: readonly K[],
): Record<K, number> {
  const values: Partial<Record<K, number>> = {};
  const missing: string[] = [];
  for (const key of keys) {
    const value = reader.read(key);
    if (typeof value === "number") values[key] = value;
    else missing.push(`${reader.prefix}${key}`);
  }
  if (missing.length > 0) {
    throw new UnsupportedArchitectureError(
      reader.modelType,
      `Cannot size the state-space layers of ${reader.subject}: ${missing.join(", ")} missing.`,
      { hint: "Check that this is the model's full config.json." },
    );
  }
  return values as Record<K, number>;
}
