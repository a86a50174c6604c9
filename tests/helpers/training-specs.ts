import { parseModelConfig, type ModelSpec } from "../../src/index.js";
import { loadFixture } from "./fixtures.js";

/** Llama-3-8B parsed from its fixture config. */
export const llama8b: ModelSpec = parseModelConfig(
  loadFixture("meta-llama__Meta-Llama-3-8B").config,
);

/** Llama-3-70B parsed from its fixture config. */
export const llama70b: ModelSpec = parseModelConfig(
  loadFixture("meta-llama__Meta-Llama-3-70B").config,
);

/**
 * Mixtral-8x7B built by hand: the parser on this branch refuses MoE configs (the arch branch fills
 * `spec.moe` in). Every value is read from fixtures/models/mistralai__Mixtral-8x7B-v0.1/config.json:
 * hidden_size 4096, num_hidden_layers 32, num_attention_heads 32, num_key_value_heads 8,
 * intermediate_size 14336 (each expert's width), vocab_size 32000, tie_word_embeddings false,
 * num_local_experts 8, num_experts_per_tok 2; Mixtral's layout is Llama's (RMSNorm, no biases).
 */
export function mixtralSpec(): ModelSpec {
  const config = loadFixture("mistralai__Mixtral-8x7B-v0.1").config as Record<string, number>;
  return {
    architecture: "MixtralForCausalLM",
    modelType: "mixtral",
    numLayers: config.num_hidden_layers!,
    hiddenSize: config.hidden_size!,
    numAttentionHeads: config.num_attention_heads!,
    numKeyValueHeads: config.num_key_value_heads!,
    headDim: config.hidden_size! / config.num_attention_heads!,
    intermediateSize: config.intermediate_size!,
    vocabSize: config.vocab_size!,
    tieWordEmbeddings: false,
    maxPositionEmbeddings: config.max_position_embeddings!,
    torchDtype: "bfloat16",
    moe: {
      numExperts: config.num_local_experts!,
      expertsPerToken: config.num_experts_per_tok!,
      expertIntermediateSize: config.intermediate_size!,
      numSharedExperts: 0,
      sharedExpertIntermediateSize: 0,
      numMoeLayers: config.num_hidden_layers!,
    },
    layout: {
      mlp: "gated",
      norm: "rmsnorm",
      normsPerLayer: 2,
      qkvBias: false,
      outputBias: false,
      mlpBias: false,
      qkNorm: false,
      learnedPositionEmbeddings: 0,
    },
    approximations: [],
  };
}

/** Llama-3-8B as an AWQ checkpoint (4-bit, group 128) would describe itself in quantization_config. */
export function awqLlama8b(): ModelSpec {
  return { ...llama8b, quantization: { method: "awq", bits: 4, groupSize: 128 } };
}

/**
 * A GPT-3-style spec for checking Korthikanti et al.'s formulas: MHA, LayerNorm, a plain MLP of
 * 4h, head_dim = h / a. GPT-3 2.7B's shape (h 2560, a 32, 32 layers).
 */
export function gptStyleSpec(): ModelSpec {
  return parseModelConfig({
    model_type: "gpt2",
    n_layer: 32,
    n_embd: 2560,
    n_head: 32,
    vocab_size: 50257,
    n_positions: 2048,
  });
}
