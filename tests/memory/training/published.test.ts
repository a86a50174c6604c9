import { describe, expect, it } from "vitest";
import {
  estimateTrainingFromSpec,
  parseModelConfig,
  type TrainingOptions,
} from "../../../src/index.js";
import { llama8b } from "../../helpers/training-specs.js";

// DeepSpeed's ZeRO-2 and ZeRO-3 measured with torch.cuda.max_memory_allocated() in the gist
// chenyaofo/d4cd6a20ab4b95cb3a49491747e2139a (docs/accuracy.md#training). They are not in the
// replayed corpus (fixtures/measurements/training.json, corpus.test.ts): no quote of the gist was
// captured. The band is 20 %, the corpus's own.
const GIB = 2 ** 30;

describe("Unsloth README: Hugging Face + FA2, Llama-3.1-8B QLoRA r32 all-linear, batch 1", () => {
  // "Llama 3.1 (8B) max. context length", Hugging Face + FA2 column: 5,789 tokens fit 24 GB and
  // 28,454 fit 80 GB, so the real peak at those lengths is about the card (taken as GiB). Not
  // stated there, assumed: gradient checkpointing, 8-bit AdamW (Unsloth's notebooks). The card
  // is what nvidia-smi can show, so it is compared with totalBytes (docs/accuracy.md#training).
  const options: TrainingOptions = {
    framework: "hf",
    method: "qlora",
    rank: 32,
    gradientCheckpointing: true,
    optimizer: "adamw-8bit",
  };
  const spec = { ...llama8b, maxPositionEmbeddings: undefined };
  const total = (tokens: number): number =>
    estimateTrainingFromSpec(spec, { ...options, sequenceLength: tokens }).memory.perGpu.totalBytes;

  it("memory grows by the published (80 − 24) GiB / (28,454 − 5,789) tokens (within 5 %)", () => {
    const measuredPerToken = ((80 - 24) * GIB) / (28_454 - 5789);
    const oursPerToken = (total(28_454) - total(5789)) / (28_454 - 5789);
    expect(Math.abs(oursPerToken / measuredPerToken - 1)).toBeLessThan(0.05);
  });

  it("at the published 80 GB limit the estimate is within 7 % of 80 GiB (documented: −6.3 %)", () => {
    expect(Math.abs(total(28_454) / (80 * GIB) - 1)).toBeLessThan(0.07);
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
    ["ZeRO-3, batch 2", { zeroStage: 3, microBatchSize: 2 }, 75.7],
    [
      "ZeRO-3, checkpointing, offload, batch 2",
      { zeroStage: 3, microBatchSize: 2, gradientCheckpointing: true, offloadOptimizer: true },
      9.4,
    ],
  ])("%s (within 20 %)", (_label, options, measuredGiB) => {
    const estimate = estimateTrainingFromSpec(llama7b, {
      framework: "deepspeed",
      ...options,
      gpuCount: 8,
      sequenceLength: 4096,
    });
    const allocated = estimate.memory.perGpu.peakAllocatedBytes;
    expect(Math.abs(allocated / GIB / measuredGiB - 1)).toBeLessThan(0.2);
  });
});
