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

describe("estimateTrainingFromSpec on Llama-3-8B: the peak is a moment of the step", () => {
  // Worked by hand: Ψ = 8,030,261,248; mixed-precision AdamW keeps 2 (weights) + 4 (master) +
  // 8 (Adam) bytes per parameter for the whole step, gradients 2 from backward to the step.
  // Activations: 32 layers × 2,048 tokens × 200,704 B (activations.test.ts), plus the final norm's
  // FP32 input and the LM head's BF16 input (2,048 × 6 × 4096 + 2,048 × 2 × 4096).
  const activations = 32 * 2048 * 200_704 + 2048 * 8 * 4096;
  const logits = 16 * 2048 * 128_256; // four FP32 copies in the loss's backward
  const MIB = 2 ** 20;

  it("full AdamW (torch's foreach step): the optimizer step peaks at 20 bytes per parameter", () => {
    const { memory, parameters, timeline } = estimateTrainingFromSpec(llama8b);
    const gpu = memory.perGpu;
    expect(parameters.trainable).toBe(PSI);
    expect(parameters.frozen).toBe(0);
    expect(gpu.phase).toBe("optimizer");
    // Weights, gradients, master, Adam, and foreach's exp_avg_sq_sqrt buffer (one FP32 state).
    expect(gpu.weightsBytes + gpu.gradientsBytes).toBe(4 * PSI);
    expect(gpu.masterWeightsBytes + gpu.optimizerStatesBytes).toBe(12 * PSI);
    expect(gpu.optimizerStepBytes).toBe(4 * PSI);
    expect(gpu.activationsBytes + gpu.logitsBytes).toBe(0);
    expect(gpu.peakAllocatedBytes).toBe(20 * PSI);
    expect(gpu.fragmentationBytes).toBe(Math.ceil(0.1 * 20 * PSI));
    expect(gpu.peakReservedBytes).toBe(20 * PSI + Math.ceil(2 * PSI));
    expect(gpu.cudaContextBytes).toBe(512 * MIB);
    expect(gpu.totalBytes).toBe(gpu.peakReservedBytes + 512 * MIB);
    // The loss's backward holds no gradient yet: 14 bytes per parameter + activations + logits.
    const loss = timeline.find((moment) => moment.moment === "the loss's backward");
    expect(loss?.allocatedBytes).toBe(14 * PSI + activations + logits);
  });

  it("a fused step has no foreach buffer, so the loss's backward peaks", () => {
    const gpu = estimateTrainingFromSpec(llama8b, { fusedOptimizer: true }).memory.perGpu;
    expect(gpu.phase).toBe("backward");
    expect(gpu.moment).toBe("the loss's backward");
    expect(gpu.gradientsBytes).toBe(0);
    expect(gpu.activationsBytes).toBe(activations);
    expect(gpu.logitsBytes).toBe(logits);
    expect(gpu.peakAllocatedBytes).toBe(14 * PSI + activations + logits);
    // 128.5 GB of model states alone: does not fit one 80 GB GPU (formulas.md §4.1).
    expect(gpu.totalBytes).toBeGreaterThan(80 * GIB);
  });

  it('the seed\'s "≈ 20 GB" LoRA example: framework hf, r16 all-linear, one GPU, allocated', () => {
    // transformers + PEFT + TRL defaults: SDPA, FP32 logits in the loss, FP32 adapters, no LoRA
    // dropout; TRL's SFTConfig: gradient checkpointing on, max_length 1024. Batch 1.
    const { memory } = estimateTrainingFromSpec(llama8b, {
      framework: "hf",
      method: "lora",
      rank: 16,
      sequenceLength: 1024,
      gradientCheckpointing: true,
    });
    const gpu = memory.perGpu;
    // 16.06 GB base + 41,943,040 × 12 B adapters (FP32 weights and Adam m, v; no gradient yet at
    // the loss's backward).
    expect(gpu.frozenWeightsBytes).toBe(2 * PSI);
    expect(gpu.weightsBytes + gpu.optimizerStatesBytes).toBe(12 * 41_943_040);
    expect(gpu.logitsBytes).toBe(16 * 1024 * 128_256);
    // At the loss's backward: 16.06 + 0.50 (adapter weights and Adam states) + 2.10 (logits)
    // + 0.28 (32 checkpointed layer inputs and the head's inputs) = 18.95 GB.
    expect(gpu.moment).toBe("the loss's backward");
    // torch.cuda.max_memory_allocated() is the seed's ≈ 20 GB (−5.3 %, within 6 %); nvidia-smi adds the
    // allocator's reserve (10 %) and the CUDA context: 21.4 GB.
    expect(Math.abs(gpu.peakAllocatedBytes / (20 * GB) - 1)).toBeLessThan(0.06);
    expect(gpu.totalBytes / GB).toBeGreaterThan(20);
    expect(gpu.totalBytes / GB).toBeLessThan(22);
  });

  it("QLoRA r16: the NF4 base (5.70 GB) replaces the 16.06 GB one; activations are LoRA's", () => {
    const lora = estimateTrainingFromSpec(llama8b, { method: "lora" }).memory.perGpu;
    const qlora = estimateTrainingFromSpec(llama8b, { method: "qlora" }).memory.perGpu;
    expect(qlora.frozenWeightsBytes / GB).toBeCloseTo(5.7, 1);
    expect(qlora.activationsBytes).toBe(lora.activationsBytes);
    expect(qlora.optimizerStatesBytes).toBe(lora.optimizerStatesBytes);
    // While a projection runs it is dequantized to 16-bit: the largest, 4096 × 14336 × 2 bytes.
    expect(qlora.temporaryWeightsBytes).toBe(4096 * 14336 * 2);
  });

  it("bitsandbytes before 0.43.2: the 4-bit projections keep their inputs", () => {
    const kept = estimateTrainingFromSpec(llama8b, { method: "qlora", keepQuantizedInputs: true });
    const dropped = estimateTrainingFromSpec(llama8b, { method: "qlora" });
    // All-linear adapters without dropout already keep every projection input: nothing changes.
    expect(kept.activations.storedBytes).toBe(dropped.activations.storedBytes);
    const qv = { method: "qlora", targets: ["q", "v"], keepQuantizedInputs: true } as const;
    const keptQv = estimateTrainingFromSpec(llama8b, qv).activations.storedBytes;
    const droppedQv = estimateTrainingFromSpec(llama8b, { ...qv, keepQuantizedInputs: false })
      .activations.storedBytes;
    // The MLP input (2 × 4096) and down's input (2 × 14336) per layer and token; o's input is the
    // flash kernel's output, kept already.
    expect(keptQv - droppedQv).toBe(32 * 2048 * 2 * (4096 + 14336));
  });

  it("ZeRO-3 (DeepSpeed) gathers the largest layer; offload reports host memory separately", () => {
    const estimate = estimateTrainingFromSpec(llama8b, {
      gpuCount: 8,
      zeroStage: 3,
      offloadOptimizer: true,
    });
    // The embedding, 128,256 × 4096, gathered in 16-bit with its 16-bit gradient in backward.
    const largest = 128_256 * 4096;
    const backward = estimate.timeline.find((moment) => moment.moment === "the loss's backward");
    expect(backward?.temporaryWeightsBytes).toBe(4 * largest);
    expect(estimate.memory.perGpu.optimizerStatesBytes).toBe(0);
    expect(estimate.memory.hostBytesPerGpu).toBe((12 * PSI) / 8);
    expect(estimate.memory.hostTotalBytes).toBe(12 * PSI);
    expect(estimate.memory.totalBytes).toBe(8 * estimate.memory.perGpu.totalBytes);
  });

  it("paged optimizer states count in nvidia-smi's figure, not in the allocator's", () => {
    const paged = estimateTrainingFromSpec(llama8b, {
      optimizer: "paged-adamw-8bit",
      precision: "bf16",
    }).memory.perGpu;
    // 8-bit Adam: two 1-byte states and an FP32 absmax per 256 elements.
    expect(paged.pagedBytes).toBe(2 * PSI * (1 + 4 / 256));
    expect(paged.optimizerStatesBytes).toBe(0);
    expect(paged.totalBytes).toBe(
      paged.peakReservedBytes + paged.pagedBytes + paged.cudaContextBytes,
    );
  });

  it("the optimizer in backward frees each gradient at once: no step phase", () => {
    const { timeline, memory } = estimateTrainingFromSpec(llama8b, {
      optimizerInBackward: true,
      precision: "bf16",
    });
    expect(timeline.some((moment) => moment.phase === "optimizer")).toBe(false);
    // One gradient at a time, the largest: the embedding (or LM head) in BF16.
    const last = timeline.find((moment) => moment.moment.startsWith("the last layer"));
    expect(last?.gradientsBytes).toBe(2 * 128_256 * 4096);
    expect(memory.perGpu.phase).not.toBe("optimizer");
  });

  it("gradient accumulation keeps the gradients through the next forward pass", () => {
    const once = estimateTrainingFromSpec(llama8b, { precision: "bf16" }).timeline[0];
    const accumulated = estimateTrainingFromSpec(llama8b, {
      precision: "bf16",
      gradientAccumulationSteps: 4,
    }).timeline[0];
    expect((accumulated?.allocatedBytes ?? 0) - (once?.allocatedBytes ?? 0)).toBe(2 * PSI);
  });

  it("typed warnings: every message has a code in the same position", () => {
    const { warnings, warningCodes } = estimateTrainingFromSpec(llama8b, {
      zeroStage: 2,
      sequenceLength: 16_384,
    });
    expect(warningCodes).toEqual(["SEQUENCE_TOO_LONG", "ZERO_ON_ONE_RANK"]);
    expect(warnings).toHaveLength(2);
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
    expect(assumptions.framework).toBeUndefined();
    const given = estimateTrainingFromSpec(llama8b, {
      method: "full",
      sequenceLength: 1024,
      optimizer: "sgd",
    }).assumptions.notes;
    expect(given.some((note) => note.startsWith("sequenceLength"))).toBe(false);
    expect(given.some((note) => note.startsWith("optimizer:"))).toBe(false);
  });
});

describe("Mixtral-8x7B (hand-built MoE spec)", () => {
  it("full training: 16 bytes × all 46.7 B parameters, about 747 GB of model states", () => {
    const { modelStates, parameters } = estimateTrainingFromSpec(mixtralSpec(), {
      gpuCount: 16,
      zeroStage: 3,
    });
    expect(parameters.total).toBe(46_702_792_704);
    expect(modelStates.unshardedBytes).toBe(16 * 46_702_792_704);
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
    [{ framework: "megatron" as "hf" }, "framework"],
    [{ method: "lora", loraDropout: 1 }, "loraDropout"],
    [{ loraDropout: 0.1 }, "loraDropout"], // LoRA options on full training
    [{ gradientCheckpointing: true, selectiveCheckpointing: true }, "selectiveCheckpointing"],
    [{ offloadActivations: true }, "offloadActivations"], // needs checkpointing
    [{ gpuCount: 2, zeroStage: 2, shardingEngine: "fsdp" }, "zeroStage"],
    [{ gpuCount: 2, zeroStage: 2, offloadParameters: true }, "offloadParameters"],
    [{ logitsToKeep: 0 }, "logitsToKeep"],
    [{ attention: "paged" as "sdpa" }, "attention"],
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
