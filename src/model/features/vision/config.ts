import type { ModelConfig, VisionConfig } from "../../config/model-config.js";
import type { VisionEncoder } from "../../model-spec.js";
import {
  clipVisionParameters,
  gemma3ProjectorParameters,
  gemma4ProjectorParameters,
  gemma4VisionParameters,
  llama4ProjectorParameters,
  llama4VisionParameters,
  llavaProjectorParameters,
  qwenVisionParameters,
  siglipVisionParameters,
  type VitDimensions,
} from "./parameters.js";

/**
 * Multimodal models (LLaVA, Gemma-3, Qwen2-VL, Qwen2.5-VL, Llama-4): the vision tower and
 * projector in front of the text model, read from `vision_config` into `ModelSpec.vision`.
 * See docs/methodology.md#multimodal-models.
 */

/**
 * Defaults of the vision config classes (CLIPVisionConfig, SiglipVisionConfig) for the tower
 * fields: configs saved with `save_pretrained` leave out every value equal to the class
 * default, so vramfit fills them as transformers does and notes each in `approximations`.
 */
export const VISION_CONFIG_DEFAULTS = {
  clip_vision_model: {
    source: "transformers CLIPVisionConfig",
    values: {
      hidden_size: 768,
      intermediate_size: 3072,
      num_hidden_layers: 12,
      num_attention_heads: 12,
      num_channels: 3,
      image_size: 224,
      patch_size: 32,
    },
  },
  siglip_vision_model: {
    source: "transformers SiglipVisionConfig",
    values: {
      hidden_size: 768,
      intermediate_size: 3072,
      num_hidden_layers: 12,
      num_attention_heads: 12,
      num_channels: 3,
      image_size: 224,
      patch_size: 16,
    },
  },
} as const satisfies Record<string, { source: string; values: Partial<VisionConfig> }>;

/**
 * Reads the vision encoder of a multimodal config (LLaVA, Gemma-3, Gemma-4, Qwen2-VL,
 * Qwen2.5-VL, Llama-4): tower and projector parameters, and how images become tokens. A
 * `vision_config` of a wrapper vramfit does not know is left uncounted and noted in
 * `approximations` rather than guessed.
 */
export function readVisionEncoder(
  config: ModelConfig,
  textHidden: number,
  approximations: string[],
): VisionEncoder | undefined {
  const vision = config.vision_config ?? undefined;
  if (vision === undefined) return undefined;
  const wrapper = config.model_type ?? undefined;
  const visionType = vision.model_type ?? wrapper ?? "unknown";

  const vit = (defaultsFor: keyof typeof VISION_CONFIG_DEFAULTS): VitDimensions => {
    const defaults = VISION_CONFIG_DEFAULTS[defaultsFor];
    const pick = (key: keyof typeof defaults.values): number => {
      const value = vision[key];
      if (typeof value === "number") return value;
      approximations.push(
        `vision_config.${key} absent: ${defaults.values[key]} from ${defaults.source}'s default`,
      );
      return defaults.values[key];
    };
    return {
      hiddenSize: pick("hidden_size"),
      intermediateSize: pick("intermediate_size"),
      numLayers: pick("num_hidden_layers"),
      imageSize: pick("image_size"),
      patchSize: pick("patch_size"),
      numChannels: pick("num_channels"),
    };
  };

  switch (wrapper) {
    case "llava": {
      const tower = vit("clip_vision_model");
      const patches = (tower.imageSize / tower.patchSize) ** 2;
      // "default" drops the CLS token; "full" keeps it (LlavaConfig.vision_feature_select_strategy).
      const keepsCls =
        (config as Record<string, unknown>).vision_feature_select_strategy === "full";
      return {
        modelType: visionType,
        towerParameters: clipVisionParameters(tower),
        projectorParameters: llavaProjectorParameters(tower.hiddenSize, textHidden),
        imageTokens: { kind: "fixed", tokensPerImage: patches + (keepsCls ? 1 : 0) },
      };
    }
    case "gemma3": {
      const tower = vit("siglip_vision_model");
      return {
        modelType: visionType,
        towerParameters: siglipVisionParameters(tower),
        projectorParameters: gemma3ProjectorParameters(tower.hiddenSize, textHidden),
        imageTokens: { kind: "fixed", tokensPerImage: config.mm_tokens_per_image ?? 256 },
      };
    }
    case "gemma4":
      return gemma4Vision(config, vision, textHidden, approximations);
    case "qwen2_vl":
    case "qwen2_5_vl":
      return qwenVision(vision, wrapper, textHidden, approximations);
    case "llama4": {
      const tower = vit("clip_vision_model");
      const projectorInputDim = vision.projector_input_dim ?? 4096;
      const projectorOutputDim = vision.projector_output_dim ?? 4096;
      const visionOutputDim = vision.vision_output_dim ?? 4096;
      const shuffle = vision.pixel_shuffle_ratio ?? 0.5;
      const patches = (tower.imageSize / tower.patchSize) ** 2;
      return {
        modelType: visionType,
        towerParameters: llama4VisionParameters({
          ...tower,
          projectorInputDim,
          projectorOutputDim,
          visionOutputDim,
        }),
        projectorParameters: llama4ProjectorParameters(visionOutputDim, textHidden),
        imageTokens: {
          kind: "tiles",
          tilePixels: tower.imageSize,
          tokensPerTile: Math.round(patches * shuffle * shuffle),
        },
      };
    }
    default:
      approximations.push(
        `vision_config (${visionType}) of "${wrapper ?? "unknown"}" is not a vision tower vramfit knows: its parameters and image tokens are not counted`,
      );
      return undefined;
  }
}

/**
 * Gemma-4's vision tower (gemma4_vision) and `embed_vision` projector; each image becomes
 * `vision_soft_tokens_per_image` tokens (280 by default: Gemma4VisionConfig's
 * `default_output_length`). An audio tower (E-series) is not counted, and says so.
 */
function gemma4Vision(
  config: ModelConfig,
  vision: VisionConfig,
  textHidden: number,
  approximations: string[],
): VisionEncoder | undefined {
  const audio = (config as Record<string, unknown>).audio_config;
  if (typeof audio === "object" && audio !== null) {
    approximations.push("audio_config (gemma4_audio): the audio tower is not counted");
  }
  const {
    hidden_size: hiddenSize,
    intermediate_size: intermediateSize,
    num_hidden_layers: numLayers,
    num_attention_heads: numHeads,
    patch_size: patchSize,
    position_embedding_size: positionEmbeddingSize,
  } = vision;
  if (
    typeof hiddenSize !== "number" ||
    typeof intermediateSize !== "number" ||
    typeof numLayers !== "number" ||
    typeof numHeads !== "number" ||
    typeof patchSize !== "number" ||
    typeof positionEmbeddingSize !== "number"
  ) {
    // vramfit does not guess a tower from class defaults it has not checked.
    approximations.push(
      "vision_config (gemma4_vision) lacks one of hidden_size, intermediate_size, num_hidden_layers, num_attention_heads, patch_size, position_embedding_size: its parameters are not counted",
    );
    return undefined;
  }
  return {
    modelType: vision.model_type ?? "gemma4_vision",
    towerParameters: gemma4VisionParameters({
      hiddenSize,
      intermediateSize,
      numLayers,
      numHeads,
      headDim: vision.head_dim ?? hiddenSize / numHeads,
      patchSize,
      positionEmbeddingSize,
      standardize: vision.standardize === true,
    }),
    projectorParameters: gemma4ProjectorParameters(hiddenSize, textHidden),
    imageTokens: {
      kind: "fixed",
      tokensPerImage: config.vision_soft_tokens_per_image ?? vision.default_output_length ?? 280,
    },
  };
}

function qwenVision(
  vision: VisionConfig,
  wrapper: "qwen2_vl" | "qwen2_5_vl",
  textHidden: number,
  approximations: string[],
): VisionEncoder {
  const gated = wrapper === "qwen2_5_vl";
  // Qwen2-VL names the tower width embed_dim and the merger output hidden_size; Qwen2.5-VL
  // names them hidden_size and out_hidden_size.
  const embedDim = (gated ? vision.hidden_size : vision.embed_dim) ?? 1280;
  const outHidden = (gated ? vision.out_hidden_size : vision.hidden_size) ?? textHidden;
  const depth = vision.depth ?? 32;
  const mlpWidth = gated
    ? (vision.intermediate_size ?? 3420)
    : Math.round(embedDim * (vision.mlp_ratio ?? 4));
  if (vision.depth === undefined || vision.depth === null) {
    approximations.push("vision_config.depth absent: 32 from the Qwen vision config's default");
  }
  const patchSize = vision.patch_size ?? 14;
  const spatialMergeSize = vision.spatial_merge_size ?? 2;
  return {
    modelType: vision.model_type ?? wrapper,
    towerParameters: qwenVisionParameters({
      depth,
      embedDim,
      mlpWidth,
      outHidden,
      patchSize,
      temporalPatchSize: vision.temporal_patch_size ?? 2,
      spatialMergeSize,
      numChannels: vision.in_chans ?? vision.in_channels ?? 3,
      gated,
    }),
    projectorParameters: 0,
    imageTokens: { kind: "patches", tokenPixels: patchSize * spatialMergeSize },
  };
}
