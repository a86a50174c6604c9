import { describe, expect, it } from "vitest";
import { estimateTrainingFromSpec } from "../../../src/index.js";
import {
  activationBytes,
  activationBytesPerLayer,
  type ActivationOptions,
} from "../../../src/memory/training/activations.js";
import { bytesPerLogit, logitsBytes } from "../../../src/memory/training/loss.js";
import { gptStyleSpec, llama8b, mixtralSpec } from "../../helpers/training-specs.js";

/** Full training in 16-bit, flash attention, no dropout, no LoRA. */
const base: ActivationOptions = {
  sequenceLength: 2048,
  microBatchSize: 1,
  tensorParallel: 1,
  attention: "flash",
  softmaxBytes: 2,
  dropout: false,
  bytesPerElement: 2,
  autocast: false,
  trainableWeights: true,
  loraRank: 0,
  loraTargets: [],
  loraDropout: 0,
  quantizedInputsKept: false,
  compile: false,
};

describe("Korthikanti et al. 2022 (arXiv 2205.05198) Table 2, on a GPT-style layer", () => {
  // Megatron's layer: LayerNorm, a plain 4h MLP, dropout, a 16-bit softmax; every weight trained.
  const gpt = gptStyleSpec(); // h 2560, a 32
  const s = 2048;
  const b = 2;
  const h = 2560;
  const a = 32;
  const paper = { ...base, microBatchSize: b, dropout: true };

  it.each([1, 2, 4, 8])("no recomputation, t = %i: sbh(10 + 24/t + 5as/(ht))", (t) => {
    const bytes = activationBytesPerLayer(gpt, { ...paper, attention: "eager", tensorParallel: t });
    expect(bytes).toBeCloseTo(s * b * h * (10 + 24 / t + (5 * a * s) / (h * t)), -1);
  });

  it("t = 1 is the paper's sbh(34 + 5as/h)", () => {
    const bytes = activationBytesPerLayer(gpt, { ...paper, attention: "eager" });
    expect(bytes).toBe(s * b * h * (34 + (5 * a * s) / h));
  });

  it.each([1, 2, 4])("flash attention (no scores kept), t = %i: sbh(10 + 24/t)", (t) => {
    const bytes = activationBytesPerLayer(gpt, { ...paper, tensorParallel: t });
    expect(bytes).toBeCloseTo(s * b * h * (10 + 24 / t), -1);
  });

  it("full recomputation stores 2sbh per layer, plus one layer rebuilt during backward", () => {
    const result = activationBytes(gpt, { ...paper, checkpointing: "full" });
    // The final LayerNorm's input (2sbh) and the LM head's input (2sbh) are kept too.
    expect(result.storedBytes).toBe(32 * 2 * s * b * h + 4 * s * b * h);
    expect(result.recomputeBytes).toBe(34 * s * b * h);
    expect(result.totalBytes).toBe(result.storedBytes + result.recomputeBytes);
  });
});

describe("Llama-3-8B's real shapes (SwiGLU 14336, GQA 8 × 128, RMSNorm, no dropout)", () => {
  // Bytes per token per layer, BF16, full training:
  //   2 RMSNorms: the FP32 input 4h and the BF16 normalized output 2h each: 2 × 6 × 4096 = 49,152
  //   inputs of the attention and MLP projections: 2 × 2 × 4096 = 16,384
  //   flash attention keeps q 2 × 4096, k and v 2 × 1024 each, the output 2 × 4096: 20,480
  //   SwiGLU gate, up, silu(gate), product: 4 × 2 × 14336 = 114,688
  const perToken = 49_152 + 16_384 + 20_480 + 114_688;

  it("200,704 bytes per token per layer", () => {
    expect(activationBytesPerLayer(llama8b, base)).toBe(2048 * perToken);
    const { activations } = estimateTrainingFromSpec(llama8b, { sequenceLength: 2048 });
    expect(activations.perLayerBytes).toBe(2048 * perToken);
  });

  it("SDPA repeats k and v to the 32 query heads and copies the output for o_proj", () => {
    const sdpa = activationBytesPerLayer(llama8b, { ...base, attention: "sdpa" });
    // k and v grow from 1024 to 4096 wide; the transposed output copy adds 4096: (2·3072 + 4096) × 2.
    expect(sdpa - activationBytesPerLayer(llama8b, base)).toBe(2048 * (2 * 3072 + 4096) * 2);
  });

  it("eager attention keeps the FP32 softmax output and its BF16 copy: 6 bytes × 32 heads × s", () => {
    const sdpa = activationBytesPerLayer(llama8b, { ...base, attention: "sdpa" });
    const eager = activationBytesPerLayer(llama8b, {
      ...base,
      attention: "eager",
      softmaxBytes: 4,
    });
    // Eager drops the kernel's output (2 × 4096) and adds the scores.
    expect(eager - sdpa).toBe(2048 * (6 * 32 * 2048 - 2 * 4096));
  });

  it("gradient checkpointing keeps 32 layer inputs of 2·s·h, the head's inputs, and one layer", () => {
    const result = activationBytes(llama8b, { ...base, checkpointing: "full" });
    const head = 2048 * (4 + 2) * 4096 + 2048 * 2 * 4096; // final RMSNorm + LM head input
    expect(result.storedBytes).toBe(32 * 2 * 2048 * 4096 + head);
    expect(result.recomputeBytes).toBe(2048 * perToken);
  });

  it("selective checkpointing (torchtitan op-level) keeps the input, the attention output and half the projection outputs", () => {
    const result = activationBytes(llama8b, { ...base, checkpointing: "selective" });
    const outputs = 4096 + 2 * 1024 + 4096 + 2 * 14336 + 4096; // q, k, v, o, gate, up, down
    const perLayer = 2 * (4096 + 4096 + outputs / 2);
    const head = 2048 * (4 + 2) * 4096 + 2048 * 2 * 4096;
    expect(result.storedBytes).toBe(32 * 2048 * perLayer + head);
  });

  it("torch.compile recomputes element-wise results: norms keep their BF16 input, the MLP gate and up", () => {
    const compiled = activationBytesPerLayer(llama8b, { ...base, compile: true });
    // Norms 2 × 2 × 4096 instead of 49,152; the MLP 2 × 2 × 14336 instead of 114,688.
    expect(compiled).toBe(2048 * (16_384 + 16_384 + 20_480 + 57_344));
  });
});

describe("LoRA and QLoRA keep far less: frozen projections save no input", () => {
  const lora: ActivationOptions = { ...base, trainableWeights: false, loraRank: 16 };
  // Frozen RMSNorm weights: only the FP32 input (4 × 4096) per norm. SwiGLU gate, up, silu(gate).
  const frozen = 2 * 4 * 4096 + 20_480 + 3 * 2 * 14336;

  it("adapters on q and v without dropout: the attention input and two rank-wide intermediates", () => {
    const bytes = activationBytesPerLayer(llama8b, { ...lora, loraTargets: ["q", "v"] });
    expect(bytes).toBe(2048 * (frozen + 2 * 4096 + 2 * 2 * 16));
  });

  it("LoRA dropout gives each adapter its own dropped copy and a 1-byte mask", () => {
    const bytes = activationBytesPerLayer(llama8b, {
      ...lora,
      loraTargets: ["q", "v"],
      loraDropout: 0.05,
    });
    expect(bytes).toBe(2048 * (frozen + 2 * (2 * 16 + 3 * 4096)));
  });

  it("bitsandbytes before 0.43.2 kept every 4-bit projection's input (QLoRA)", () => {
    const kept = activationBytesPerLayer(llama8b, {
      ...lora,
      loraTargets: ["q", "v"],
      loraDropout: 0.05,
      quantizedInputsKept: true,
    });
    const dropped = activationBytesPerLayer(llama8b, {
      ...lora,
      loraTargets: ["q", "v"],
      loraDropout: 0.05,
    });
    // The attention input, the MLP input, the down projection's input: 2 × (4096 + 4096 + 14336).
    expect(kept - dropped).toBe(2048 * 2 * (4096 + 4096 + 14336));
  });
});

describe("a mixture-of-experts layer (Mixtral: 2 of 8 experts per token)", () => {
  it("keeps the router's FP32 probabilities and, per visited expert, its input, internals and output", () => {
    // Per token: norms 49,152 + projection inputs 16,384 + attention 20,480 + router 4 × 8
    //   + 2 experts × (gathered input and output 2 × 2 × 4096 + SwiGLU 4 × 2 × 14336)
    const perToken = 49_152 + 16_384 + 20_480 + 32 + 2 * (16_384 + 114_688);
    expect(activationBytesPerLayer(mixtralSpec(), base, true)).toBe(2048 * perToken);
  });
});

describe("logits at the loss", () => {
  it("one FP32 copy is ml-engineering's 4 × seq × vocab: 1.05 GB for Llama-3 at 2,048 tokens", () => {
    expect((2048 * 128_256 * 4) / 1e9).toBeCloseTo(1.05, 2);
  });

  it("a standard FP32 loss holds four FP32 copies in its backward (Liger's benchmark: 20 B with the input)", () => {
    expect(bytesPerLogit("standard", "fp32", 2)).toEqual({ forward: 2 + 4 + 4, backward: 16 });
    expect(bytesPerLogit("standard", "bf16", 2)).toEqual({ forward: 2 + 2, backward: 8 });
  });

  it("chunked keeps the 16-bit logits and each chunk's log-softmax; compiled, only the logits; fused none", () => {
    expect(bytesPerLogit("chunked", "fp32", 2)).toEqual({ forward: 6, backward: 6 });
    expect(bytesPerLogit("chunked", "bf16", 2)).toEqual({ forward: 4, backward: 4 });
    expect(bytesPerLogit("chunked", "fp32", 2, true)).toEqual({ forward: 2, backward: 2 });
    expect(bytesPerLogit("fused", "fp32", 2)).toEqual({ forward: 0, backward: 0 });
  });

  it("bytes = positions × vocab × bytes per logit / t", () => {
    const workload = {
      positions: 2048,
      vocabSize: 128_256,
      crossEntropy: "standard",
      lossPrecision: "fp32",
      logitBytes: 2,
      tensorParallel: 4,
    } as const;
    expect(logitsBytes(workload)).toEqual({
      forwardBytes: (10 * 2048 * 128_256) / 4,
      backwardBytes: (16 * 2048 * 128_256) / 4,
    });
  });
});
