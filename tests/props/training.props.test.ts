import fc from "fast-check";
import { describe, expect, it } from "vitest";
import {
  estimateTrainingFromSpec,
  parseModelConfig,
  type ModelSpec,
  type TrainingEstimate,
  type TrainingOptions,
} from "../../src/index.js";
import { ATTENTION_KERNELS } from "../../src/memory/training/activations.js";
import { TRAINING_FRAMEWORKS } from "../../src/memory/training/frameworks.js";
import { CROSS_ENTROPY_IDS, LOSS_PRECISIONS } from "../../src/memory/training/loss.js";
import { LORA_TARGET_PRESET_IDS } from "../../src/memory/training/lora.js";
import { OPTIMIZER_IDS } from "../../src/memory/training/optimizers.js";
import { TRAINING_PRECISION_IDS } from "../../src/memory/training/precision.js";
import { TRAINING_METHODS } from "../../src/memory/training/training-options.js";

/** Random valid decoders, a third of them mixtures of experts (the `moe` section set by hand). */
const specArbitrary: fc.Arbitrary<ModelSpec> = fc
  .record({
    layers: fc.integer({ min: 1, max: 96 }),
    kvHeads: fc.integer({ min: 1, max: 16 }),
    groups: fc.integer({ min: 1, max: 8 }),
    headDim: fc.constantFrom(32, 64, 96, 128),
    mlpRatio: fc.double({ min: 1, max: 6, noNaN: true }),
    vocab: fc.integer({ min: 256, max: 260_000 }),
    tie: fc.boolean(),
    family: fc.constantFrom("llama", "qwen2", "qwen3", "gemma2", "gpt2", "phi3", "unknown"),
    moe: fc.option(
      fc.record({
        experts: fc.integer({ min: 2, max: 64 }),
        perToken: fc.integer({ min: 1, max: 8 }),
        expertRatio: fc.double({ min: 0.1, max: 4, noNaN: true }),
        shared: fc.integer({ min: 0, max: 2 }),
        moeShare: fc.double({ min: 0, max: 1, noNaN: true }),
      }),
      { freq: 3 },
    ),
  })
  .map((r) => {
    const heads = r.kvHeads * r.groups;
    const hidden = heads * r.headDim;
    const spec = parseModelConfig({
      model_type: r.family,
      num_hidden_layers: r.layers,
      hidden_size: hidden,
      num_attention_heads: heads,
      num_key_value_heads: r.kvHeads,
      intermediate_size: Math.round(hidden * r.mlpRatio),
      vocab_size: r.vocab,
      max_position_embeddings: 1_048_576,
      tie_word_embeddings: r.tie,
    });
    if (r.moe === null) return spec;
    const width = Math.max(1, Math.round(hidden * r.moe.expertRatio));
    return {
      ...spec,
      moe: {
        numExperts: r.moe.experts,
        expertsPerToken: Math.min(r.moe.perToken, r.moe.experts),
        expertIntermediateSize: width,
        numSharedExperts: r.moe.shared,
        sharedExpertIntermediateSize: r.moe.shared === 0 ? 0 : width,
        numMoeLayers: Math.max(1, Math.round(r.layers * r.moe.moeShare)),
      },
    };
  });

const optionsArbitrary: fc.Arbitrary<TrainingOptions> = fc
  .record({
    method: fc.constantFrom(...TRAINING_METHODS),
    framework: fc.option(fc.constantFrom(...TRAINING_FRAMEWORKS), { nil: undefined }),
    sequenceLength: fc.integer({ min: 1, max: 32_768 }),
    microBatchSize: fc.integer({ min: 1, max: 64 }),
    gradientAccumulationSteps: fc.integer({ min: 1, max: 8 }),
    optimizer: fc.constantFrom(...OPTIMIZER_IDS),
    fusedOptimizer: fc.boolean(),
    optimizerInBackward: fc.boolean(),
    precision: fc.constantFrom(...TRAINING_PRECISION_IDS),
    checkpointing: fc.constantFrom("none", "full", "selective"),
    offloadActivations: fc.boolean(),
    compile: fc.boolean(),
    attention: fc.constantFrom(...ATTENTION_KERNELS),
    dropout: fc.boolean(),
    loraDropout: fc.constantFrom(0, 0.05, 0.1),
    crossEntropy: fc.constantFrom(...CROSS_ENTROPY_IDS),
    lossPrecision: fc.constantFrom(...LOSS_PRECISIONS),
    dataParallel: fc.integer({ min: 1, max: 16 }),
    zeroStage: fc.constantFrom<0 | 1 | 2 | 3>(0, 1, 2, 3),
    fsdp: fc.boolean(),
    reshardAfterForward: fc.boolean(),
    offloadOptimizer: fc.boolean(),
    offloadParameters: fc.boolean(),
    frozenGradientBuffers: fc.boolean(),
    keepQuantizedInputs: fc.boolean(),
    rank: fc.integer({ min: 1, max: 256 }),
    targets: fc.constantFrom(...LORA_TARGET_PRESET_IDS),
  })
  .map(
    ({
      dataParallel,
      rank,
      targets,
      loraDropout,
      checkpointing,
      offloadActivations,
      offloadOptimizer,
      offloadParameters,
      fsdp,
      zeroStage,
      ...rest
    }) => {
      const stage = fsdp && (zeroStage === 1 || zeroStage === 2) ? 3 : zeroStage;
      return {
        ...rest,
        gpuCount: dataParallel,
        zeroStage: stage,
        shardingEngine: fsdp ? ("fsdp" as const) : ("deepspeed" as const),
        gradientCheckpointing: checkpointing === "full",
        selectiveCheckpointing: checkpointing === "selective",
        offloadActivations: offloadActivations && checkpointing !== "none",
        offloadOptimizer: offloadOptimizer && stage > 0,
        offloadParameters: offloadParameters && stage === 3,
        ...(rest.method === "full" ? {} : { rank, targets, loraDropout }),
      };
    },
  );

function figures(estimate: TrainingEstimate): number[] {
  const numbers = (record: object): number[] =>
    Object.values(record).filter((value): value is number => typeof value === "number");
  return [
    ...numbers(estimate.memory.perGpu),
    ...estimate.timeline.flatMap(numbers),
    estimate.memory.totalBytes,
    estimate.memory.hostBytesPerGpu,
    estimate.memory.hostTotalBytes,
    estimate.modelStates.perGpuBytes,
    estimate.modelStates.unshardedBytes,
    ...Object.values(estimate.activations),
    ...Object.values(estimate.bytesPerParameter),
    estimate.parameters.total,
    estimate.parameters.trainable,
    estimate.parameters.active,
  ];
}

describe("training estimate properties", () => {
  it("every figure is finite and non-negative", () => {
    fc.assert(
      fc.property(specArbitrary, optionsArbitrary, (spec, options) => {
        for (const value of figures(estimateTrainingFromSpec(spec, options))) {
          expect(Number.isFinite(value)).toBe(true);
          expect(value).toBeGreaterThanOrEqual(0);
        }
      }),
    );
  });

  it("the peak is the largest moment, its parts sum to it, and the statistics nest", () => {
    fc.assert(
      fc.property(specArbitrary, optionsArbitrary, (spec, options) => {
        const { memory, assumptions, timeline } = estimateTrainingFromSpec(spec, options);
        const gpu = memory.perGpu;
        const parts =
          gpu.frozenWeightsBytes +
          gpu.weightsBytes +
          gpu.gradientsBytes +
          gpu.optimizerStatesBytes +
          gpu.masterWeightsBytes +
          gpu.activationsBytes +
          gpu.logitsBytes +
          gpu.temporaryWeightsBytes +
          gpu.optimizerStepBytes;
        expect(gpu.peakAllocatedBytes).toBe(parts);
        expect(gpu.peakAllocatedBytes).toBe(
          Math.max(...timeline.map((moment) => moment.allocatedBytes)),
        );
        expect(gpu.peakReservedBytes).toBe(
          gpu.peakAllocatedBytes + gpu.fragmentationBytes + gpu.staleCacheBytes,
        );
        // The stale cache of variable-length batches is freed before an out-of-memory error:
        // reserved, but not part of what the GPU must hold.
        expect(gpu.staleCacheBytes).toBeGreaterThanOrEqual(0);
        expect(gpu.totalBytes).toBe(
          gpu.peakReservedBytes - gpu.staleCacheBytes + gpu.pagedBytes + gpu.cudaContextBytes,
        );
        expect(memory.totalBytes).toBe(gpu.totalBytes * assumptions.gpuCount);
        expect(memory.hostTotalBytes).toBe(memory.hostBytesPerGpu * assumptions.gpuCount);
      }),
    );
  });

  it("memory never falls as the sequence, the micro-batch or the LoRA rank grows", () => {
    fc.assert(
      fc.property(
        specArbitrary,
        optionsArbitrary,
        fc.integer({ min: 1, max: 4096 }),
        (spec, options, more) => {
          const total = (changes: TrainingOptions): number =>
            estimateTrainingFromSpec(spec, { ...options, ...changes }).memory.perGpu.totalBytes;
          const base = total({});
          expect(
            total({ sequenceLength: (options.sequenceLength ?? 1) + more }),
          ).toBeGreaterThanOrEqual(base);
          expect(
            total({ microBatchSize: (options.microBatchSize ?? 1) + more }),
          ).toBeGreaterThanOrEqual(base);
          if (options.method !== "full") {
            expect(total({ rank: (options.rank ?? 1) + more })).toBeGreaterThanOrEqual(base);
          }
        },
      ),
    );
  });

  it("ZeRO-3 shards the same whole-model states; host shards fall as 1/N", () => {
    fc.assert(
      fc.property(
        specArbitrary,
        optionsArbitrary,
        fc.integer({ min: 2, max: 512 }),
        (spec, options, n) => {
          const one = estimateTrainingFromSpec(spec, { ...options, gpuCount: 1, zeroStage: 3 });
          const many = estimateTrainingFromSpec(spec, { ...options, gpuCount: n, zeroStage: 3 });
          expect(many.modelStates.unshardedBytes).toBe(one.modelStates.unshardedBytes);
          // Host shards (up to five kinds) are truncated to whole bytes: under 6 bytes per GPU.
          expect(many.memory.hostBytesPerGpu * n).toBeLessThanOrEqual(one.memory.hostBytesPerGpu);
          expect(many.memory.hostBytesPerGpu * n).toBeGreaterThanOrEqual(
            one.memory.hostBytesPerGpu - 6 * n,
          );
        },
      ),
    );
  });

  it("LoRA's model states never exceed full training's of the same run with AdamW", () => {
    fc.assert(
      fc.property(specArbitrary, optionsArbitrary, (spec, options) => {
        // Without FSDP1's frozen gradient buffers, which keep an unsharded 16-bit gradient for every
        // frozen weight and can exceed sharded full training.
        const { rank: _rank, targets: _targets, loraDropout: _dropout, ...rest } = options;
        const run = { ...rest, frozenGradientBuffers: false };
        const full = estimateTrainingFromSpec(spec, {
          ...run,
          method: "full",
          precision: "mixed",
          optimizer: "adamw",
        });
        const lora = estimateTrainingFromSpec(spec, {
          ...run,
          method: "qlora",
          precision: "mixed",
          optimizer: "adamw",
          rank: 8,
          targets: "qv",
        });
        expect(lora.modelStates.perGpuBytes).toBeLessThanOrEqual(full.modelStates.perGpuBytes);
      }),
    );
  });
});
