import { describe, expect, it } from "vitest";
import {
  estimateTrainingFromSpec,
  parseModelConfig,
  type TrainingEstimate,
  type TrainingOptions,
} from "../../../src/index.js";
import { llama8b } from "../../helpers/training-specs.js";

// Published measurements (docs/accuracy.md#training lists them with their sources). The bands are
// the documented differences rounded up: they catch a formula drifting, not calibrate it.
const GIB = 2 ** 30;
const allocated = (estimate: TrainingEstimate): number =>
  estimate.memory.perGpu.totalBytes -
  estimate.memory.perGpu.cudaContextBytes -
  estimate.memory.perGpu.fragmentationBytes;

describe("Unsloth README: Hugging Face + FA2, Llama-3.1-8B QLoRA r32 all-linear, batch 1", () => {
  // Max context that fits: 24 GB → 5,789 tokens; 80 GB → 28,454 tokens.
  const options: TrainingOptions = {
    method: "qlora",
    rank: 32,
    gradientCheckpointing: true,
    optimizer: "adamw-8bit",
  };
  const spec = { ...llama8b, maxPositionEmbeddings: undefined };

  it("memory grows by the published ≈ 2.65 MB per token (within 5 %)", () => {
    const measuredPerToken = ((80 - 24) * GIB) / (28_454 - 5789);
    const total = (tokens: number): number =>
      estimateTrainingFromSpec(spec, { ...options, sequenceLength: tokens }).memory.perGpu
        .totalBytes;
    const oursPerToken = (total(28_454) - total(5789)) / (28_454 - 5789);
    expect(Math.abs(oursPerToken / measuredPerToken - 1)).toBeLessThan(0.05);
  });

  it("at the published 80 GB limit the estimate is within 5 % of 80 GiB", () => {
    const total = estimateTrainingFromSpec(spec, { ...options, sequenceLength: 28_454 }).memory
      .perGpu.totalBytes;
    expect(Math.abs(total / (80 * GIB) - 1)).toBeLessThan(0.05);
  });
});

describe("torchtune README: Llama-3.1-8B, batch 2, packed 2,048 tokens, activation checkpointing", () => {
  const run: TrainingOptions = {
    sequenceLength: 2048,
    microBatchSize: 2,
    gradientCheckpointing: true,
    precision: "bf16",
    crossEntropy: "chunked",
    rank: 8,
  };
  it.each<[string, TrainingOptions, number]>([
    [
      "LoRA r8 on q, v, o and the MLP: 16.2 GiB",
      { method: "lora", targets: ["q", "v", "o", "gate", "up", "down"] },
      16.2,
    ],
    ["QLoRA r8 on all linear layers: 7.4 GiB", { method: "qlora", targets: "all-linear" }, 7.4],
  ])("%s (within 15 %)", (_label, options, measuredGiB) => {
    const ours = allocated(estimateTrainingFromSpec(llama8b, { ...run, ...options })) / GIB;
    expect(Math.abs(ours / measuredGiB - 1)).toBeLessThan(0.15);
  });
});

describe("DeepSpeed ZeRO on 8 GPUs, LLaMA-7B, 4,096 tokens (gist chenyaofo/d4cd6a20…, max_memory_allocated)", () => {
  const llama7b = parseModelConfig({
    model_type: "llama",
    hidden_size: 4096,
    num_hidden_layers: 32,
    num_attention_heads: 32,
    intermediate_size: 11008,
    vocab_size: 32000,
    max_position_embeddings: 4096,
  });
  it.each<[string, TrainingOptions, number]>([
    ["ZeRO-2, batch 1", { zeroStage: 2, microBatchSize: 1 }, 44.8],
    [
      "ZeRO-2, checkpointing, batch 1",
      { zeroStage: 2, microBatchSize: 1, gradientCheckpointing: true },
      23.5,
    ],
    [
      "ZeRO-2, checkpointing, batch 4",
      { zeroStage: 2, microBatchSize: 4, gradientCheckpointing: true },
      38.6,
    ],
    [
      "ZeRO-3, checkpointing, batch 2",
      { zeroStage: 3, microBatchSize: 2, gradientCheckpointing: true },
      20.4,
    ],
    [
      "ZeRO-3, checkpointing, batch 8",
      { zeroStage: 3, microBatchSize: 8, gradientCheckpointing: true },
      39.1,
    ],
    [
      "ZeRO-2, checkpointing, offload",
      { zeroStage: 2, gradientCheckpointing: true, offloadOptimizer: true },
      16.9,
    ],
  ])("%s (within 20 %)", (_label, options, measuredGiB) => {
    const estimate = estimateTrainingFromSpec(llama7b, {
      ...options,
      gpuCount: 8,
      sequenceLength: 4096,
    });
    expect(Math.abs(allocated(estimate) / GIB / measuredGiB - 1)).toBeLessThan(0.2);
  });
});
