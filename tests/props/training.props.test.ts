import fc from "fast-check";
import { describe, expect, it } from "vitest";
import {
  estimateTrainingFromSpec,
  parseModelConfig,
  type ModelSpec,
  type TrainingEstimate,
  type TrainingOptions,
} from "../../src/index.js";
import { ATTENTION_KERNELS, CROSS_ENTROPY_IDS } from "../../src/memory/training/activations.js";
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
    sequenceLength: fc.integer({ min: 1, max: 32_768 }),
    microBatchSize: fc.integer({ min: 1, max: 64 }),
    optimizer: fc.constantFrom(...OPTIMIZER_IDS),
    precision: fc.constantFrom(...TRAINING_PRECISION_IDS),
    gradientCheckpointing: fc.boolean(),
    attention: fc.constantFrom(...ATTENTION_KERNELS),
    dropout: fc.boolean(),
    crossEntropy: fc.constantFrom(...CROSS_ENTROPY_IDS),
    dataParallel: fc.integer({ min: 1, max: 16 }),
    zeroStage: fc.constantFrom<0 | 1 | 2 | 3>(0, 1, 2, 3),
    offloadOptimizer: fc.boolean(),
    rank: fc.integer({ min: 1, max: 256 }),
    targets: fc.constantFrom(...LORA_TARGET_PRESET_IDS),
  })
  .map(({ dataParallel, rank, targets, offloadOptimizer, ...rest }) => ({
    ...rest,
    gpuCount: dataParallel,
    offloadOptimizer: offloadOptimizer && rest.zeroStage > 0,
    ...(rest.method === "full" ? {} : { rank, targets }),
  }));

function figures(estimate: TrainingEstimate): number[] {
  return [
    ...Object.values(estimate.memory.perGpu),
    estimate.memory.totalBytes,
    estimate.memory.hostBytesPerGpu,
    estimate.memory.hostTotalBytes,
    ...Object.values(estimate.activations),
    ...Object.values(estimate.bytesPerParameter),
    estimate.parameters.total,
    estimate.parameters.trainable,
    estimate.parameters.active,
  ];
}

function modelStates(estimate: TrainingEstimate): number {
  const gpu = estimate.memory.perGpu;
  return (
    gpu.frozenWeightsBytes +
    gpu.weightsBytes +
    gpu.gradientsBytes +
    gpu.optimizerStatesBytes +
    gpu.masterWeightsBytes
  );
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

  it("the per-GPU total is the sum of its parts, and the all-GPU total is it × GPUs", () => {
    fc.assert(
      fc.property(specArbitrary, optionsArbitrary, (spec, options) => {
        const { memory, assumptions } = estimateTrainingFromSpec(spec, options);
        const { totalBytes, ...parts } = memory.perGpu;
        const sum = Object.values(parts).reduce((a, b) => a + b, 0);
        expect(Math.abs(totalBytes - sum)).toBeLessThanOrEqual(totalBytes * 1e-12);
        expect(memory.totalBytes).toBe(totalBytes * assumptions.gpuCount);
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

  it("ZeRO-3 per-GPU model states fall as 1/N over N data-parallel GPUs", () => {
    fc.assert(
      fc.property(
        specArbitrary,
        optionsArbitrary,
        fc.integer({ min: 2, max: 512 }),
        (spec, options, n) => {
          const one = estimateTrainingFromSpec(spec, { ...options, gpuCount: 1, zeroStage: 3 });
          const many = estimateTrainingFromSpec(spec, { ...options, gpuCount: n, zeroStage: 3 });
          // Each of the five state parts is rounded up to a whole byte per GPU: at most 5n over.
          expect(modelStates(many) * n).toBeGreaterThanOrEqual(modelStates(one));
          expect(modelStates(many) * n).toBeLessThanOrEqual(modelStates(one) + 5 * n);
          expect(many.memory.hostBytesPerGpu * n).toBeGreaterThanOrEqual(
            one.memory.hostBytesPerGpu,
          );
          expect(many.memory.hostBytesPerGpu * n).toBeLessThanOrEqual(
            one.memory.hostBytesPerGpu + 2 * n,
          );
        },
      ),
    );
  });

  it("LoRA never needs more per GPU than full training of the same run with AdamW", () => {
    fc.assert(
      fc.property(specArbitrary, optionsArbitrary, (spec, options) => {
        const { rank: _rank, targets: _targets, ...run } = options;
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
        expect(modelStates(lora)).toBeLessThanOrEqual(modelStates(full));
      }),
    );
  });
});
