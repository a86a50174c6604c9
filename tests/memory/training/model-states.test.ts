import { describe, expect, it } from "vitest";
import { estimateTrainingFromSpec } from "../../../src/index.js";
import {
  frozenBaseBytes,
  shardModelStates,
  trainableStateBytes,
  type ModelStateBytes,
} from "../../../src/memory/training/model-states.js";
import { parameterTensors } from "../../../src/memory/training/modules.js";
import { llama8b, mixtralSpec } from "../../helpers/training-specs.js";

const PSI = 8_030_261_248; // Llama-3-8B, truth.json
const GB = 1e9;

describe("model states per parameter (Llama-3-8B, full training)", () => {
  const tensors = parameterTensors(llama8b);

  it("mixed-precision AdamW: 2 + 2 + 8 + 4 = 16 bytes per parameter (ZeRO's 2 + 2 + K, K = 12)", () => {
    const states = trainableStateBytes(tensors, "mixed", "adamw");
    expect(states.weightsBytes).toBe(2 * PSI);
    expect(states.gradientsBytes).toBe(2 * PSI);
    expect(states.optimizerStatesBytes).toBe(8 * PSI);
    expect(states.masterWeightsBytes).toBe(4 * PSI);
    // formulas.md §4.1: 16 B/param × 8.03 B = 128.5 GB.
    const total = 16 * PSI;
    expect(total / GB).toBeCloseTo(128.48, 2);
  });

  it('"full AdamW needs about 8× the FP16 weight memory" falls out of the numbers', () => {
    const { bytesPerParameter, memory } = estimateTrainingFromSpec(llama8b);
    const fp16Weights = 2 * PSI;
    const modelStates =
      memory.perGpu.weightsBytes +
      memory.perGpu.gradientsBytes +
      memory.perGpu.optimizerStatesBytes +
      memory.perGpu.masterWeightsBytes;
    expect(modelStates / fp16Weights).toBe(8);
    expect(bytesPerParameter.total).toBe(16);
  });

  it("AMP keeps FP32 gradients beside the 16-bit copy: 18 bytes (ml-engineering's figure)", () => {
    const states = trainableStateBytes(tensors, "amp", "adamw");
    expect(
      states.weightsBytes +
        states.gradientsBytes +
        states.optimizerStatesBytes +
        states.masterWeightsBytes,
    ).toBe(18 * PSI);
  });

  it("pure FP32 AdamW is 4 + 4 + 8 = 16 with no master copy; pure BF16 is 2 + 2 + 4 = 8", () => {
    const fp32 = trainableStateBytes(tensors, "fp32", "adamw");
    expect(fp32.masterWeightsBytes).toBe(0);
    expect(fp32.weightsBytes + fp32.gradientsBytes + fp32.optimizerStatesBytes).toBe(16 * PSI);
    const bf16 = trainableStateBytes(tensors, "bf16", "adamw");
    expect(bf16.weightsBytes + bf16.gradientsBytes + bf16.optimizerStatesBytes).toBe(8 * PSI);
  });

  it("8-bit AdamW: two 1-byte states plus an FP32 absmax per 256 elements (≈ 12 B/param total)", () => {
    const states = trainableStateBytes(tensors, "mixed", "adamw-8bit");
    expect(states.optimizerStatesBytes).toBe(2 * PSI * (1 + 4 / 256));
    const total = estimateTrainingFromSpec(llama8b, { optimizer: "adamw-8bit" }).bytesPerParameter
      .total;
    expect(total).toBeCloseTo(2 + 2 + 4 + 2.03125, 10);
  });

  it("SGD keeps no state; with momentum one FP32 buffer (AMP + momentum = 14 B, ml-engineering)", () => {
    expect(trainableStateBytes(tensors, "mixed", "sgd").optimizerStatesBytes).toBe(0);
    expect(trainableStateBytes(tensors, "mixed", "sgd-momentum").optimizerStatesBytes).toBe(
      4 * PSI,
    );
    expect(
      estimateTrainingFromSpec(llama8b, { precision: "amp", optimizer: "sgd-momentum" })
        .bytesPerParameter.total,
    ).toBe(14);
  });

  it("Adafactor keeps a row and a column vector per matrix, a full vector per 1-D tensor", () => {
    // Per layer, rows + cols of q, k, v, o, gate, up, down:
    const perLayer =
      4096 + 4096 + 2 * (1024 + 4096) + (4096 + 4096) + 2 * (14336 + 4096) + (4096 + 14336);
    const embeddingAndHead = 2 * (128_256 + 4096);
    const norms = (32 * 2 + 1) * 4096;
    const elements = 32 * perLayer + embeddingAndHead + norms;
    expect(trainableStateBytes(tensors, "mixed", "adafactor").optimizerStatesBytes).toBe(
      4 * elements,
    );
  });

  it("Mixtral full training holds every expert's states: 16 × 46,702,792,704 bytes", () => {
    const states = trainableStateBytes(parameterTensors(mixtralSpec()), "mixed", "adamw");
    const total =
      states.weightsBytes +
      states.gradientsBytes +
      states.optimizerStatesBytes +
      states.masterWeightsBytes;
    expect(total).toBe(16 * 46_702_792_704);
  });
});

describe("frozen base weights", () => {
  // Llama-3-8B: 6,979,321,856 parameters in projections; embeddings, LM head and norms: the rest.
  const LINEAR = 6_979_321_856;
  const OTHER = PSI - LINEAR;

  it("NF4 with double quantization: 4 + 8/64 + 32/(64·256) bits on projections, BF16 elsewhere ≈ 5.70 GB", () => {
    const bits = 4 + 8 / 64 + 32 / (64 * 256);
    const bytes = frozenBaseBytes(llama8b, {
      linearBitsPerParameter: bits,
      bytesPerOutputRow: 0,
      otherBytesPerParameter: 2,
    });
    expect(bytes).toBeCloseTo((LINEAR * bits) / 8 + OTHER * 2, 0);
    expect(bytes / GB).toBeCloseTo(5.7, 1);
    expect(
      estimateTrainingFromSpec(llama8b, { method: "qlora" }).memory.perGpu.frozenWeightsBytes,
    ).toBeCloseTo(bytes, 0);
  });

  it("NF4 without double quantization is 4.5 bits: 6.03 GB (formulas.md §1.2)", () => {
    const { memory } = estimateTrainingFromSpec(llama8b, {
      method: "qlora",
      doubleQuantization: false,
    });
    expect(memory.perGpu.frozenWeightsBytes / GB).toBeCloseTo(
      (LINEAR * 4.5) / 8 / GB + (OTHER * 2) / GB,
      6,
    );
    expect(memory.perGpu.frozenWeightsBytes / GB).toBeCloseTo(6.03, 2);
  });

  it("LLM.int8: one byte per weight plus an FP32 scale per output row", () => {
    const rows = 32 * (4096 + 1024 + 1024 + 4096 + 14336 + 14336 + 4096);
    const { memory } = estimateTrainingFromSpec(llama8b, { method: "lora", basePrecision: "int8" });
    expect(memory.perGpu.frozenWeightsBytes).toBe(LINEAR + 4 * rows + 2 * OTHER);
  });

  it("BF16 base: 2 bytes per parameter", () => {
    const { memory } = estimateTrainingFromSpec(llama8b, { method: "lora" });
    expect(memory.perGpu.frozenWeightsBytes).toBe(2 * PSI);
  });
});

describe("ZeRO sharding (ZeRO paper Fig. 1: Ψ = 7.5 B, N_d = 64, K = 12)", () => {
  const psi = 7.5e9;
  const states: ModelStateBytes = {
    frozenWeightsBytes: 0,
    weightsBytes: 2 * psi,
    gradientsBytes: 2 * psi,
    optimizerStatesBytes: 8 * psi,
    masterWeightsBytes: 4 * psi,
  };
  const perGpu = (zeroStage: 0 | 1 | 2 | 3): number => {
    const { perGpu: gpu } = shardModelStates(states, {
      tensorParallel: 1,
      dataParallel: 64,
      zeroStage,
      offloadOptimizer: false,
    });
    return (
      gpu.weightsBytes + gpu.gradientsBytes + gpu.optimizerStatesBytes + gpu.masterWeightsBytes
    );
  };

  it("DDP 120 GB, ZeRO-1 31.4 GB, ZeRO-2 16.6 GB, ZeRO-3 1.9 GB per GPU", () => {
    expect(perGpu(0) / GB).toBe(120);
    expect(perGpu(1) / GB).toBeCloseTo(4 * 7.5 + (12 * 7.5) / 64, 10); // 31.4
    expect(perGpu(2) / GB).toBeCloseTo(2 * 7.5 + (14 * 7.5) / 64, 10); // 16.6
    expect(perGpu(3) / GB).toBeCloseTo((16 * 7.5) / 64, 10); // 1.9
  });

  it("offload moves the sharded optimizer states and master weights to host memory", () => {
    const sharded = shardModelStates(states, {
      tensorParallel: 1,
      dataParallel: 64,
      zeroStage: 2,
      offloadOptimizer: true,
    });
    expect(sharded.perGpu.optimizerStatesBytes).toBe(0);
    expect(sharded.perGpu.masterWeightsBytes).toBe(0);
    expect(sharded.hostBytes).toBe((12 * psi) / 64);
  });

  it("Llama-3-8B, ZeRO-3 over 8 GPUs: 16.1 GB of model states per GPU (formulas.md §4.1)", () => {
    const { memory } = estimateTrainingFromSpec(llama8b, { gpuCount: 8, zeroStage: 3 });
    const gpu = memory.perGpu;
    const states =
      gpu.weightsBytes + gpu.gradientsBytes + gpu.optimizerStatesBytes + gpu.masterWeightsBytes;
    expect(states).toBe((16 * PSI) / 8);
    expect(states / GB).toBeCloseTo(16.06, 2);
  });

  it("tensor parallelism divides every model state by t", () => {
    const tp = estimateTrainingFromSpec(llama8b, { gpuCount: 4, tensorParallel: 4 }).memory.perGpu;
    expect(tp.weightsBytes).toBe((2 * PSI) / 4);
    expect(tp.optimizerStatesBytes).toBe((8 * PSI) / 4);
  });
});
