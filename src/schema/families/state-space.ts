import { UnsupportedArchitectureError } from "../../errors.js";
import type { StateSpaceLayers } from "../../model/model-spec.js";
import {
  gatedDeltaNetMixer,
  mamba1Mixer,
  mamba2Mixer,
  type MixerShape,
} from "../../model/state-space.js";
import type { ConfigReader } from "../config-reader.js";
import type { TextConfig } from "../model-config.js";

/**
 * Reads the constant-state mixers of a hybrid model: Jamba's Mamba-1, Nemotron-H's and
 * Granite-4's Mamba-2 (each with its own key names), Qwen3-Next's gated delta-net.
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
  const need = <K extends keyof TextConfig>(keys: readonly K[]): NonNullable<TextConfig[K]>[] => {
    const missing = keys.filter((key) => reader.read(key) === undefined);
    if (missing.length > 0) {
      throw new UnsupportedArchitectureError(
        reader.modelType,
        `Cannot size the state-space layers of ${reader.subject}: ${missing.map((key) => `${reader.prefix}${String(key)}`).join(", ")} missing.`,
        { hint: "Check that this is the model's full config.json." },
      );
    }
    return keys.map((key) => reader.read(key) as NonNullable<TextConfig[K]>);
  };

  if (reader.read("linear_num_value_heads") !== undefined) {
    const [numKeyHeads, keyHeadDim, numValueHeads, valueHeadDim, convKernel] = need([
      "linear_num_key_heads",
      "linear_key_head_dim",
      "linear_num_value_heads",
      "linear_value_head_dim",
      "linear_conv_kernel_dim",
    ]) as number[];
    return shape(
      "gated-deltanet",
      gatedDeltaNetMixer({
        hiddenSize,
        numKeyHeads: numKeyHeads!,
        keyHeadDim: keyHeadDim!,
        numValueHeads: numValueHeads!,
        valueHeadDim: valueHeadDim!,
        convKernel: convKernel!,
      }),
    );
  }
  if (reader.read("mamba_num_heads") !== undefined) {
    // Nemotron-H's spelling.
    const [numHeads, headDim, stateSize, numGroups, convKernel] = need([
      "mamba_num_heads",
      "mamba_head_dim",
      "ssm_state_size",
      "n_groups",
      "conv_kernel",
    ]) as number[];
    return shape(
      "mamba2",
      mamba2Mixer({
        hiddenSize,
        numHeads: numHeads!,
        headDim: headDim!,
        stateSize: stateSize!,
        numGroups: numGroups!,
        convKernel: convKernel!,
        convBias: reader.read("use_conv_bias") ?? true,
        projectionBias: reader.read("use_bias") ?? false,
      }),
    );
  }
  if (reader.read("mamba_n_heads") !== undefined) {
    // Granite-4's spelling.
    const [numHeads, headDim, stateSize, numGroups, convKernel] = need([
      "mamba_n_heads",
      "mamba_d_head",
      "mamba_d_state",
      "mamba_n_groups",
      "mamba_d_conv",
    ]) as number[];
    return shape(
      "mamba2",
      mamba2Mixer({
        hiddenSize,
        numHeads: numHeads!,
        headDim: headDim!,
        stateSize: stateSize!,
        numGroups: numGroups!,
        convKernel: convKernel!,
        convBias: reader.read("mamba_conv_bias") ?? true,
        projectionBias: reader.read("mamba_proj_bias") ?? false,
      }),
    );
  }
  const [stateSize, convKernel, expand] = need(["mamba_d_state", "mamba_d_conv", "mamba_expand"]);
  const dtRank = reader.read("mamba_dt_rank") ?? "auto";
  return shape(
    "mamba",
    mamba1Mixer({
      hiddenSize,
      innerSize: expand! * hiddenSize,
      stateSize: stateSize!,
      convKernel: convKernel!,
      dtRank: dtRank === "auto" ? Math.ceil(hiddenSize / 16) : dtRank,
      convBias: reader.read("mamba_conv_bias") ?? true,
      projectionBias: reader.read("mamba_proj_bias") ?? false,
      innerNorms: reader.modelType === "jamba",
    }),
  );
}
