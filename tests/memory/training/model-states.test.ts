import { describe, expect, it } from "vitest";
import { estimateTrainingFromSpec, type TrainingOptions } from "../../../src/index.js";
import {
  deepSpeedZero2ModelStates,
  deepSpeedZero3ModelStates,
  frozenBaseBytes,
  largestLayerParameters,
  placeModelStates,
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

describe("DeepSpeed's own estimators (deepspeed/runtime/zero, @38327e07), worked by hand", () => {
  // t5-3b, the example of DeepSpeed's docs/code-docs/source/memory.rst: 2,851 M parameters.
  const P = 2_851_000_000;
  const L = 32_900_000;

  it("ZeRO-2 since v0.14.3: 2Ψ + int(18Ψ / gpus) on each GPU, 2Ψ with the optimizer offloaded", () => {
    expect(
      deepSpeedZero2ModelStates({ totalParameters: P, gpusPerNode: 8, cpuOffload: false }),
    ).toEqual({ gpuBytes: 2 * P + Math.trunc((18 * P) / 8), cpuBytes: P * 4 * 8 * 1.5 });
    // 11.28 GiB: the old 4Ψ + 16Ψ/N that memory.rst still prints gave 15.93.
    expect((2 * P + (18 * P) / 8) / 2 ** 30).toBeCloseTo(11.28, 2);
    expect(deepSpeedZero2ModelStates({ totalParameters: P, gpusPerNode: 8 })).toEqual({
      gpuBytes: 2 * P,
      cpuBytes: P * Math.max(4 * 8, 16) * 1.5,
    });
  });

  it("ZeRO-3: 4·L + int(18Ψ / gpus); 4·L + int(2Ψ / gpus) offloading the optimizer; 4·L offloading both", () => {
    const none = deepSpeedZero3ModelStates({
      totalParameters: P,
      largestLayerParameters: L,
      gpusPerNode: 8,
      cpuOffload: false,
    });
    expect(none.gpuBytes).toBe(4 * L + Math.trunc((18 * P) / 8));
    expect(none.cpuBytes).toBe(Math.trunc(L * 4 * 8 * 1.5)); // zero_init: the largest layer, × 1.5 on the CPU only
    expect(none.largestLayerBytes).toBe(4 * L);
    const optimizer = deepSpeedZero3ModelStates({
      totalParameters: P,
      largestLayerParameters: L,
      gpusPerNode: 8,
      cpuOffloadParams: false,
    });
    expect(optimizer.gpuBytes).toBe(4 * L + Math.trunc((2 * P) / 8));
    expect(optimizer.cpuBytes).toBe(Math.trunc(P * 16 * 1.5));
    const both = deepSpeedZero3ModelStates({
      totalParameters: P,
      largestLayerParameters: L,
      gpusPerNode: 8,
      zeroInit: false,
    });
    expect(both.gpuBytes).toBe(4 * L);
    expect(both.cpuBytes).toBe(Math.trunc(P * Math.max(4 * 8, 18) * 1.5));
  });

  it("the largest layer of Llama-3-8B is its embedding (and LM head): 128,256 × 4096", () => {
    expect(largestLayerParameters(parameterTensors(llama8b))).toBe(128_256 * 4096);
  });
});

describe("a training estimate's model states equal DeepSpeed's estimators (Llama-3-8B, mixed AdamW)", () => {
  const L = 128_256 * 4096;
  const deepspeed = (options: TrainingOptions) =>
    estimateTrainingFromSpec(llama8b, { framework: "deepspeed", gpuCount: 8, ...options })
      .modelStates.perGpuBytes;

  it("ZeRO-2 on 8 GPUs: 2Ψ + int(18Ψ / 8)", () => {
    expect(deepspeed({ zeroStage: 2 })).toBe(2 * PSI + Math.trunc((18 * PSI) / 8));
    expect(deepspeed({ zeroStage: 2 })).toBe(
      deepSpeedZero2ModelStates({ totalParameters: PSI, gpusPerNode: 8, cpuOffload: false })
        .gpuBytes,
    );
  });

  it("ZeRO-2 with the optimizer offloaded: 2Ψ", () => {
    expect(deepspeed({ zeroStage: 2, offloadOptimizer: true })).toBe(2 * PSI);
  });

  it("ZeRO-3 on 8 GPUs: 4·L + int(18Ψ / 8)", () => {
    expect(deepspeed({ zeroStage: 3 })).toBe(4 * L + Math.trunc((18 * PSI) / 8));
    expect(deepspeed({ zeroStage: 3 })).toBe(
      deepSpeedZero3ModelStates({
        totalParameters: PSI,
        largestLayerParameters: L,
        gpusPerNode: 8,
        cpuOffload: false,
      }).gpuBytes,
    );
  });

  it("ZeRO-3 offloading the optimizer: 4·L + int(2Ψ / 8); offloading parameters too: 4·L", () => {
    expect(deepspeed({ zeroStage: 3, offloadOptimizer: true })).toBe(
      4 * L + Math.trunc((2 * PSI) / 8),
    );
    expect(deepspeed({ zeroStage: 3, offloadOptimizer: true, offloadParameters: true })).toBe(
      4 * L,
    );
  });

  it("ZeRO-1, which has no estimator, keeps the 16-bit gradients whole: 4Ψ + int(16Ψ / 8)", () => {
    expect(deepspeed({ zeroStage: 1 })).toBe(4 * PSI + Math.trunc((16 * PSI) / 8));
  });
});

describe("placing model states (ZeRO paper Fig. 1: Ψ = 7.5 B, N_d = 64, K = 12)", () => {
  const psi = 7.5e9;
  const states: ModelStateBytes = {
    frozenWeightsBytes: 0,
    weightsBytes: 2 * psi,
    gradientsBytes: 2 * psi,
    optimizerStatesBytes: 8 * psi,
    masterWeightsBytes: 4 * psi,
  };
  const input = {
    states,
    trainableParameters: psi,
    frozenParameters: 0,
    frozenGradientBytesPerParameter: 0,
    pagedOptimizer: false,
    autocastWeights: false,
    autocastFrozenBytes: 0,
    mixedPrecision: true,
  };
  const parallelism = {
    tensorParallel: 1,
    dataParallel: 64,
    offloadOptimizer: false,
    offloadParameters: false,
  } as const;
  const atStep = (placed: ReturnType<typeof placeModelStates>): number =>
    placed.frozenWeightsBytes +
    placed.weightsBytes +
    placed.masterWeightsBytes +
    placed.optimizerStatesBytes +
    placed.stepGradientsBytes;

  it("FSDP full shard keeps the paper's (2 + 2 + K)Ψ / N = 1.9 GB: FP32 shards, no 16-bit copy", () => {
    const placed = placeModelStates(input, {
      ...parallelism,
      zeroStage: 3,
      shardingEngine: "fsdp",
    });
    expect(placed.weightsBytes).toBe(0);
    expect(atStep(placed) / GB).toBeCloseTo((16 * 7.5) / 64, 6);
  });

  it("DDP keeps 16Ψ = 120 GB plus its bucket copy of the gradients (gradient_as_bucket_view=False)", () => {
    const placed = placeModelStates(input, {
      ...parallelism,
      zeroStage: 0,
      shardingEngine: "deepspeed",
    });
    expect(atStep(placed) / GB).toBe(120 + 15);
  });

  it("offload moves optimizer states and master weights to host memory, and DeepSpeed the gradients", () => {
    const placed = placeModelStates(input, {
      ...parallelism,
      zeroStage: 2,
      shardingEngine: "deepspeed",
      offloadOptimizer: true,
    });
    expect(placed.optimizerStatesBytes).toBe(0);
    expect(placed.masterWeightsBytes).toBe(0);
    expect(placed.backwardGradientsBytes).toBe(0);
    expect(placed.hostBytes).toBe((12 * psi) / 64);
  });

  it("paged optimizer states stay on the GPU, outside PyTorch's allocator", () => {
    const placed = placeModelStates(
      { ...input, pagedOptimizer: true },
      { ...parallelism, dataParallel: 1, zeroStage: 0, shardingEngine: "deepspeed" },
    );
    expect(placed.optimizerStatesBytes).toBe(0);
    expect(placed.pagedOptimizerStatesBytes).toBe(8 * psi);
  });

  it("tensor parallelism divides every model state by t", () => {
    const tp = estimateTrainingFromSpec(llama8b, { gpuCount: 4, tensorParallel: 4 });
    expect(tp.modelStates.perGpuBytes).toBe((16 * PSI) / 4);
  });
});
