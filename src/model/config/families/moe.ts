import { InvalidConfigError } from "../../../errors.js";
import type { MixtureOfExperts } from "../../model-spec.js";
import type { ConfigReader } from "../config-reader.js";
import { countSymbol } from "./layers.js";

/** What the MoE reader needs besides the config fields. */
export interface MoeContext {
  readonly numLayers: number;
  readonly intermediateSize: number;
  /** Nemotron-H's `hybrid_override_pattern`, where `E` marks an MoE block. */
  readonly blockPattern?: string | undefined;
}

/**
 * Reads a mixture-of-experts section in any of the dialects on the Hub. Returns
 * `undefined` for dense models (no expert count, or a single expert as in Jamba's dense
 * variants). Which layers are MoE follows each family's rule:
 *
 * - DeepSeek (`first_k_dense_replace`, `moe_layer_freq`): layer i is MoE when i ≥ k and i % freq = 0;
 * - Qwen-MoE (`decoder_sparse_step`, `mlp_only_layers`): when i is not listed and (i + 1) % step = 0;
 * - Llama-4 (`interleave_moe_layer_step`): layers step−1, 2·step−1, …;
 * - Jamba (`expert_layer_period`, `expert_layer_offset`): when i % period = offset;
 * - Nemotron-H: the `E` blocks of its pattern; otherwise every layer.
 *
 * Shared experts: DeepSeek's `n_shared_experts` of `moe_intermediate_size` (Nemotron-H:
 * `moe_shared_expert_intermediate_size`); Qwen's one
 * `shared_expert_intermediate_size` expert; Llama-4's one expert of `intermediate_size`;
 * Granite-4's `shared_intermediate_size` MLP.
 *
 * @throws {InvalidConfigError} when the experts per token are missing.
 */
export function readMixtureOfExperts(
  reader: ConfigReader,
  context: MoeContext,
): MixtureOfExperts | undefined {
  const numExperts =
    reader.read("num_local_experts") ??
    reader.read("n_routed_experts") ??
    reader.read("num_experts");
  if (numExperts === undefined || numExperts <= 1) return undefined;

  const expertsPerToken = reader.read("num_experts_per_tok") ?? reader.read("experts_per_token");
  if (expertsPerToken === undefined || expertsPerToken < 1) {
    throw new InvalidConfigError({
      subject: reader.subject,
      path: `${reader.prefix}num_experts_per_tok`,
      problem: `${numExperts} experts but no positive count of experts per token`,
      aliases: ["num_experts_per_tok", "experts_per_token"],
    });
  }

  const modelType = reader.modelType;
  const moeWidth = reader.read("moe_intermediate_size");
  const expertIntermediateSize =
    moeWidth ?? reader.read("intermediate_size") ?? context.intermediateSize;

  let numSharedExperts = 0;
  let sharedExpertIntermediateSize = 0;
  const deepseekShared = reader.read("n_shared_experts");
  const qwenShared = reader.read("shared_expert_intermediate_size");
  const graniteShared = reader.read("shared_intermediate_size");
  if (deepseekShared !== undefined && deepseekShared > 0) {
    numSharedExperts = deepseekShared;
    // Nemotron-H names the shared expert's width; DeepSeek's shared experts are expert-wide.
    sharedExpertIntermediateSize =
      reader.read("moe_shared_expert_intermediate_size") ?? moeWidth ?? expertIntermediateSize;
  } else if (qwenShared !== undefined && qwenShared > 0) {
    numSharedExperts = 1;
    sharedExpertIntermediateSize = qwenShared;
  } else if (graniteShared !== undefined && graniteShared > 0) {
    numSharedExperts = 1;
    sharedExpertIntermediateSize = graniteShared;
  } else if (modelType === "llama4_text") {
    numSharedExperts = 1;
    sharedExpertIntermediateSize = expertIntermediateSize;
  }

  const isDeepseekStyle = reader.read("n_routed_experts") !== undefined;
  return {
    numExperts,
    expertsPerToken,
    expertIntermediateSize,
    numSharedExperts,
    sharedExpertIntermediateSize,
    numMoeLayers: countMoeLayers(reader, context),
    expertBias: modelType === "gpt_oss",
    routerBias: modelType === "gpt_oss",
    // DeepSeek-V3's noaux_tc routing and Nemotron-H keep a per-expert e_score_correction_bias.
    routerCorrectionBias:
      (isDeepseekStyle && reader.read("topk_method") === "noaux_tc") || modelType === "nemotron_h",
    sharedExpertGate: qwenShared !== undefined && qwenShared > 0,
  };
}

function countMoeLayers(reader: ConfigReader, context: MoeContext): number {
  const layers = context.numLayers;
  if (context.blockPattern !== undefined) return countSymbol(context.blockPattern, "E");

  const firstDense = reader.read("first_k_dense_replace");
  const frequency = reader.read("moe_layer_freq");
  if (firstDense !== undefined || frequency !== undefined) {
    return countLayers(layers, (i) => i >= (firstDense ?? 0) && i % (frequency ?? 1) === 0);
  }
  const sparseStep = reader.read("decoder_sparse_step");
  const mlpOnly = reader.read("mlp_only_layers");
  if (sparseStep !== undefined || mlpOnly !== undefined) {
    const dense = new Set(mlpOnly ?? []);
    return countLayers(layers, (i) => !dense.has(i) && (i + 1) % (sparseStep ?? 1) === 0);
  }
  const interleave = reader.read("interleave_moe_layer_step");
  if (interleave !== undefined) return countLayers(layers, (i) => (i + 1) % interleave === 0);
  const period = reader.read("expert_layer_period");
  if (period !== undefined) {
    const offset = reader.read("expert_layer_offset") ?? 0;
    return countLayers(layers, (i) => i % period === offset);
  }
  return layers;
}

function countLayers(layers: number, isMoe: (index: number) => boolean): number {
  let count = 0;
  for (let i = 0; i < layers; i++) if (isMoe(i)) count++;
  return count;
}
