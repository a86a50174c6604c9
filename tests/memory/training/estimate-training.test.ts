import { describe, expect, it } from "vitest";
import {
  estimateTrainingFromSpec,
  InvalidOptionError,
  type TrainingOptions,
} from "../../../src/index.js";
import { DEFAULT_TRAINING_OPTIONS } from "../../../src/memory/training/training-options.js";
import { awqLlama8b, llama8b, mixtralSpec } from "../../helpers/training-specs.js";

const GB = 1e9;
const GIB = 2 ** 30;
const PSI = 8_030_261_248;

function expectInvalid(
  options: TrainingOptions,
  option: string,
  spec = llama8b,
): InvalidOptionError {
  let caught: unknown;
  try {
    estimateTrainingFromSpec(spec, options);
  } catch (error) {
    caught = error;
  }
  expect(caught).toBeInstanceOf(InvalidOptionError);
  const error = caught as InvalidOptionError;
  expect(error.code).toBe("OPTION_INVALID");
  expect(error.option).toBe(option);
  return error;
}

describe("estimateTrainingFromSpec on Llama-3-8B", () => {
  it("full AdamW at 2,048 tokens: every component, summed by hand", () => {
    const { memory, parameters } = estimateTrainingFromSpec(llama8b);
    const gpu = memory.perGpu;
    expect(parameters.trainable).toBe(PSI);
    expect(parameters.frozen).toBe(0);
    const activations = 32 * 2048 * 167_936; // activations.test.ts
    const logits = 16 * 2048 * 128_256;
    const allocated = 16 * PSI + activations + logits;
    expect(gpu.activationsBytes).toBe(activations);
    expect(gpu.logitsBytes).toBe(logits);
    expect(gpu.cudaContextBytes).toBe(GIB);
    expect(gpu.fragmentationBytes).toBeCloseTo(0.05 * allocated, 0);
    expect(gpu.totalBytes).toBeCloseTo(allocated * 1.05 + GIB, 0);
    // 128.5 GB of model states alone: does not fit one 80 GB GPU (formulas.md §4.1).
    expect(gpu.totalBytes).toBeGreaterThan(80 * GIB);
  });

  it('LoRA r16, BF16 base, short sequences lands near the "≈ 20 GB" rule of thumb', () => {
    const { memory } = estimateTrainingFromSpec(llama8b, { method: "lora", sequenceLength: 256 });
    const gpu = memory.perGpu;
    // 16.06 GB base + 41,943,040 × 16 B adapters (FP32 weights, gradients, Adam m and v) = 0.67 GB.
    expect(gpu.frozenWeightsBytes).toBe(2 * PSI);
    expect(gpu.weightsBytes + gpu.gradientsBytes + gpu.optimizerStatesBytes).toBe(16 * 41_943_040);
    expect(gpu.masterWeightsBytes).toBe(0);
    expect(gpu.totalBytes / GB).toBeGreaterThan(19);
    expect(gpu.totalBytes / GB).toBeLessThan(22);
  });

  it("QLoRA r16: the NF4 base (5.70 GB) replaces the 16.06 GB one; everything else is LoRA's", () => {
    const lora = estimateTrainingFromSpec(llama8b, { method: "lora" }).memory.perGpu;
    const qlora = estimateTrainingFromSpec(llama8b, { method: "qlora" }).memory.perGpu;
    expect(qlora.frozenWeightsBytes / GB).toBeCloseTo(5.7, 1);
    expect(qlora.activationsBytes).toBe(lora.activationsBytes);
    expect(qlora.optimizerStatesBytes).toBe(lora.optimizerStatesBytes);
    // While a projection runs it is dequantized to 16-bit: the largest, 4096 × 14336 × 2 bytes.
    expect(qlora.temporaryWeightsBytes).toBe(4096 * 14336 * 2);
  });

  it("ZeRO-3 gathers two layers' 16-bit weights; offload reports host memory separately", () => {
    const estimate = estimateTrainingFromSpec(llama8b, {
      gpuCount: 8,
      zeroStage: 3,
      offloadOptimizer: true,
    });
    const layerParameters = 4096 * (2 * 4096 + 2 * 1024) + 3 * 4096 * 14336 + 2 * 4096;
    // Norms include the final norm, spread over the 32 layers.
    expect(estimate.memory.perGpu.temporaryWeightsBytes).toBeCloseTo(
      (2 * 2 * (32 * layerParameters + 4096)) / 32,
      0,
    );
    expect(estimate.memory.perGpu.optimizerStatesBytes).toBe(0);
    expect(estimate.memory.hostBytesPerGpu).toBe((12 * PSI) / 8);
    expect(estimate.memory.hostTotalBytes).toBe(12 * PSI);
    expect(estimate.memory.totalBytes).toBe(8 * estimate.memory.perGpu.totalBytes);
  });

  it("echoes every default with a note", () => {
    const { assumptions } = estimateTrainingFromSpec(llama8b);
    expect(assumptions).toMatchObject({
      method: "full",
      sequenceLength: DEFAULT_TRAINING_OPTIONS.sequenceLength,
      microBatchSize: 1,
      optimizer: "adamw",
      precision: "mixed",
      zeroStage: 0,
      gpuCount: 1,
      dataParallel: 1,
      rank: undefined,
    });
    expect(assumptions.notes.length).toBeGreaterThanOrEqual(10);
    const given = estimateTrainingFromSpec(llama8b, {
      method: "full",
      sequenceLength: 1024,
      optimizer: "sgd",
    }).assumptions.notes;
    expect(given.some((note) => note.startsWith("sequenceLength"))).toBe(false);
    expect(given.some((note) => note.startsWith("optimizer"))).toBe(false);
  });
});

describe("Mixtral-8x7B (hand-built MoE spec)", () => {
  it("full training: 16 bytes × all 46.7 B parameters, about 747 GB of model states", () => {
    const { memory, parameters } = estimateTrainingFromSpec(mixtralSpec(), {
      gpuCount: 16,
      zeroStage: 3,
    });
    expect(parameters.total).toBe(46_702_792_704);
    const gpu = memory.perGpu;
    const states =
      gpu.weightsBytes + gpu.gradientsBytes + gpu.optimizerStatesBytes + gpu.masterWeightsBytes;
    expect(states * 16).toBeCloseTo(16 * 46_702_792_704, 0);
  });

  it("QLoRA all-linear: 242,225,152 adapters over an NF4 base of every expert", () => {
    const { parameters, memory } = estimateTrainingFromSpec(mixtralSpec(), { method: "qlora" });
    expect(parameters.trainable).toBe(242_225_152);
    const linear = 32 * (4096 * (2 * 4096 + 2 * 1024) + 8 * 3 * 4096 * 14336 + 4096 * 8);
    const other = 46_702_792_704 - linear;
    const bits = 4 + 8 / 64 + 32 / (64 * 256);
    expect(memory.perGpu.frozenWeightsBytes).toBeCloseTo((linear * bits) / 8 + 2 * other, 0);
  });
});

describe("a pre-quantized (AWQ) checkpoint", () => {
  it("LoRA trains over the stored 4-bit weights: 4 + 16/128 + 4/128 bits on projections", () => {
    const { memory, assumptions } = estimateTrainingFromSpec(awqLlama8b(), { method: "lora" });
    expect(assumptions.basePrecision).toBe("checkpoint");
    const linear = 6_979_321_856;
    expect(memory.perGpu.frozenWeightsBytes).toBeCloseTo(
      (linear * (4 + 16 / 128 + 4 / 128)) / 8 + 2 * (PSI - linear),
      0,
    );
  });

  it("QLoRA, full training or another base precision on it are typed errors with a hint", () => {
    const qlora = expectInvalid({ method: "qlora" }, "method", awqLlama8b());
    expect(qlora.message).toMatch(/already awq 4-bit/);
    expect(qlora.hint).toMatch(/lora/);
    expectInvalid({ method: "full" }, "method", awqLlama8b());
    expectInvalid({ method: "lora", basePrecision: "nf4" }, "basePrecision", awqLlama8b());
  });

  it("QLoRA on a bitsandbytes 4-bit checkpoint is the intended path", () => {
    const spec = { ...llama8b, quantization: { method: "bitsandbytes", bits: 4 } };
    const { assumptions } = estimateTrainingFromSpec(spec, { method: "qlora" });
    expect(assumptions.basePrecision).toBe("nf4");
  });
});

describe("bad options are InvalidOptionError with the option named", () => {
  it.each<[TrainingOptions, string]>([
    [{ method: "lora", rank: 0 }, "rank"],
    [{ method: "lora", rank: 1.5 }, "rank"],
    [{ microBatchSize: -1 }, "microBatchSize"],
    [{ sequenceLength: 0 }, "sequenceLength"],
    [{ zeroStage: 4 as 0 }, "zeroStage"],
    [{ zeroStage: -1 as 0 }, "zeroStage"],
    [{ optimizer: "lamb" as "adamw" }, "optimizer"],
    [{ method: "dora" as "lora" }, "method"],
    [{ precision: "fp8" as "mixed" }, "precision"],
    [{ gpuCount: 0 }, "gpuCount"],
    [{ gpuCount: 4, tensorParallel: 3 }, "tensorParallel"],
    [{ gpuCount: 3, tensorParallel: 3 }, "tensorParallel"], // 32 heads are not divisible by 3
    [{ offloadOptimizer: true }, "offloadOptimizer"],
    [{ rank: 16 }, "rank"], // LoRA options on full training
    [{ method: "lora", targets: ["q", "attn"] }, "targets"],
    [{ method: "lora", targets: [] }, "targets"],
    [{ method: "lora", targets: ["router"] }, "targets"], // a dense model has no router
    [{ method: "qlora", basePrecision: "bf16" }, "basePrecision"],
    [{ fragmentationFraction: 2 }, "fragmentationFraction"],
    [{ cudaContextBytes: -1 }, "cudaContextBytes"],
  ])("%j → %s", (options, option) => {
    expectInvalid(options, option);
  });
});

describe("warnings", () => {
  it("ZeRO on one GPU saves nothing; a sequence past the model's limit is flagged", () => {
    const { warnings } = estimateTrainingFromSpec(llama8b, {
      zeroStage: 2,
      sequenceLength: 16_384,
    });
    expect(warnings.join("\n")).toMatch(/only one/);
    expect(warnings.join("\n")).toMatch(/max_position_embeddings \(8192\)/);
  });
});
