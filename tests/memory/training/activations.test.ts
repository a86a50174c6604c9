import { describe, expect, it } from "vitest";
import { estimateTrainingFromSpec } from "../../../src/index.js";
import {
  activationBytes,
  activationBytesPerLayer,
  logitsBytes,
  type ActivationOptions,
} from "../../../src/memory/training/activations.js";
import { gptStyleSpec, llama8b, mixtralSpec } from "../../helpers/training-specs.js";

const base: ActivationOptions = {
  sequenceLength: 2048,
  microBatchSize: 1,
  tensorParallel: 1,
  attention: "flash",
  dropout: false,
  bytesPerElement: 2,
  loraRank: 0,
  loraTargets: [],
};

describe("Korthikanti et al. 2022 (arXiv 2205.05198) Table 2, on a GPT-style layer", () => {
  const gpt = gptStyleSpec(); // h 2560, a 32, plain 4h MLP, LayerNorm
  const s = 2048;
  const b = 2;
  const h = 2560;
  const a = 32;
  const paper = { ...base, microBatchSize: b, dropout: true };

  it.each([1, 2, 4, 8])("no recomputation, t = %i: sbh(10 + 24/t + 5as/(ht))", (t) => {
    const bytes = activationBytesPerLayer(gpt, { ...paper, attention: "eager", tensorParallel: t });
    expect(bytes).toBeCloseTo(s * b * h * (10 + 24 / t + (5 * a * s) / (h * t)), 0);
  });

  it("t = 1 is the paper's sbh(34 + 5as/h)", () => {
    const bytes = activationBytesPerLayer(gpt, { ...paper, attention: "eager" });
    expect(bytes).toBe(s * b * h * (34 + (5 * a * s) / h));
  });

  it.each([1, 2, 4])("selective recomputation / flash attention, t = %i: sbh(10 + 24/t)", (t) => {
    const bytes = activationBytesPerLayer(gpt, { ...paper, tensorParallel: t });
    expect(bytes).toBeCloseTo(s * b * h * (10 + 24 / t), 0);
  });

  it("full recomputation stores 2sbh per layer, plus one layer rebuilt during backward", () => {
    const result = activationBytes(gpt, { ...paper, gradientCheckpointing: true });
    expect(result.storedBytes).toBe(32 * 2 * s * b * h);
    expect(result.recomputeBytes).toBe(34 * s * b * h);
    expect(result.totalBytes).toBe(result.storedBytes + result.recomputeBytes);
  });
});

describe("the same count on Llama-3-8B's real shapes (SwiGLU 14336, GQA 8 × 128, no dropout)", () => {
  // Bytes per token per layer, BF16:
  //   inputs of 2 RMSNorms, of attention and of the MLP: 4 × 2 × 4096 = 32,768
  //   q and the o-projection input 2 × 2 × 4096; k and v 2 × 2 × 1024: 20,480
  //   SwiGLU gate, up, silu(gate), product: 4 × 2 × 14336 = 114,688
  const perToken = 32_768 + 20_480 + 114_688;

  it("167,936 bytes per token per layer: 11.0 GB for 2,048 tokens × 32 layers", () => {
    expect(activationBytesPerLayer(llama8b, base)).toBe(2048 * perToken);
    const { activations, memory } = estimateTrainingFromSpec(llama8b, { sequenceLength: 2048 });
    expect(memory.perGpu.activationsBytes).toBe(32 * 2048 * perToken);
    expect(activations.perLayerBytes).toBe(2048 * perToken);
  });

  it("eager attention adds the softmax output, 2 × 32 heads × s bytes per token", () => {
    const eager = activationBytesPerLayer(llama8b, { ...base, attention: "eager" });
    expect(eager - activationBytesPerLayer(llama8b, base)).toBe(2048 * 2 * 32 * 2048);
  });

  it("gradient checkpointing: 32 layer inputs of 2·s·h plus one layer", () => {
    const { memory } = estimateTrainingFromSpec(llama8b, { gradientCheckpointing: true });
    expect(memory.perGpu.activationsBytes).toBe(32 * 2 * 2048 * 4096 + 2048 * perToken);
  });

  it("LoRA adds each adapter's rank-wide intermediate: 7 modules × 2 bytes × r per token", () => {
    const withLora = activationBytesPerLayer(llama8b, {
      ...base,
      loraRank: 16,
      loraTargets: ["q", "k", "v", "o", "gate", "up", "down"],
    });
    expect(withLora - activationBytesPerLayer(llama8b, base)).toBe(2048 * 7 * 2 * 16);
  });
});

describe("a mixture-of-experts layer (Mixtral: 2 of 8 experts per token)", () => {
  it("keeps the router's FP32 probabilities and, per visited expert, its input, internals and output", () => {
    // Per token: shared inputs 32,768 + attention 20,480 + router 4 × 8
    //   + 2 experts × (gathered input and output 2 × 2 × 4096 + SwiGLU 4 × 2 × 14336)
    const perToken = 32_768 + 20_480 + 32 + 2 * (16_384 + 114_688);
    expect(activationBytesPerLayer(mixtralSpec(), base, true)).toBe(2048 * perToken);
  });
});

describe("logits at the loss", () => {
  it("one FP32 copy is ml-engineering's 4 × seq × vocab: 1.05 GB for Llama-3 at 2,048 tokens", () => {
    expect((2048 * 128_256 * 4) / 1e9).toBeCloseTo(1.05, 2);
    // standard keeps four such copies at its backward peak; chunked the 16-bit logits; fused none.
    expect(logitsBytes(2048, 128_256, "standard")).toBe(4 * 2048 * 128_256 * 4);
    expect(logitsBytes(2048, 128_256, "chunked")).toBe(2048 * 128_256 * 2);
    expect(logitsBytes(2048, 128_256, "fused")).toBe(0);
    expect(logitsBytes(2048, 128_256, "standard", 4)).toBe((16 * 2048 * 128_256) / 4);
  });
});
