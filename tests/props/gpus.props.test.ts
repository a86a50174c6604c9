import fc from "fast-check";
import { describe, expect, it } from "vitest";
import {
  ACCELERATORS,
  rankGpusForEstimate,
  estimateInferenceFromSpec,
  parseModelConfig,
} from "../../src/index.js";
import {
  DEFAULT_SERVING_ENGINE_SETTINGS,
  requirementFromInference,
} from "../../src/hardware/inference-requirement.js";
import type { GpuRequirement } from "../../src/hardware/requirement.js";
import {
  budgetTrial,
  findTopology,
  perGpuBytes,
  TENSOR_PARALLEL_DEGREES,
  tensorParallelProblem,
} from "../../src/hardware/topology.js";
import { WORKLOAD_IDS } from "../../src/hardware/workloads.js";
import { WEIGHT_PRECISION_IDS } from "../../src/memory/precision.js";

/** Random but valid decoder configs (heads divisible by KV heads) and workloads. */
const estimateArbitrary = fc
  .record({
    layers: fc.integer({ min: 1, max: 128 }),
    kvHeads: fc.constantFrom(1, 2, 4, 8, 16),
    groups: fc.integer({ min: 1, max: 8 }),
    headDim: fc.constantFrom(64, 128),
    mlpRatio: fc.double({ min: 1, max: 6, noNaN: true }),
    vocab: fc.integer({ min: 1000, max: 200_000 }),
    context: fc.integer({ min: 2, max: 131_072 }),
    batch: fc.integer({ min: 1, max: 256 }),
    weights: fc.constantFrom(...WEIGHT_PRECISION_IDS),
  })
  .map((r) => {
    const heads = r.kvHeads * r.groups;
    const spec = parseModelConfig({
      model_type: "llama",
      num_hidden_layers: r.layers,
      hidden_size: heads * r.headDim,
      num_attention_heads: heads,
      num_key_value_heads: r.kvHeads,
      intermediate_size: Math.round(heads * r.headDim * r.mlpRatio),
      vocab_size: r.vocab,
      max_position_embeddings: 131_072,
    });
    return estimateInferenceFromSpec(spec, {
      contextLength: r.context,
      batchSize: r.batch,
      weights: r.weights,
    });
  });

// The topology machinery on its own: requirements with a flat per-GPU reserve and no serving
// shapes (the serving budget has its own properties in serving.props.test.ts).
const requirementArbitrary: fc.Arbitrary<GpuRequirement> = fc
  .tuple(estimateArbitrary, fc.double({ min: 0, max: 4e9, noNaN: true }))
  .map(([estimate, reserve]) => ({
    ...requirementFromInference(estimate, {
      promptTokens: Math.max(1, Math.floor(estimate.assumptions.contextLength / 2)),
      engine: DEFAULT_SERVING_ENGINE_SETTINGS,
    }),
    perGpuBytes: reserve,
    serving: undefined,
  }));

const finiteNonNegative = (value: number | null | undefined): boolean =>
  value === null || value === undefined || (Number.isFinite(value) && value >= 0);

describe("fit properties", () => {
  it("per-GPU bytes never increase with the tensor-parallel degree", () => {
    fc.assert(
      fc.property(requirementArbitrary, (requirement) => {
        const valid = [...TENSOR_PARALLEL_DEGREES, 16, 32].filter(
          (tp) => tensorParallelProblem(requirement, tp) === undefined,
        );
        const totals = valid.map((tp) => perGpuBytes(requirement, tp).totalBytes);
        for (let i = 1; i < totals.length; i++)
          expect(totals[i]).toBeLessThanOrEqual(totals[i - 1]! * (1 + 1e-12));
      }),
    );
  });

  it("more memory never makes a fit worse: the chosen GPU count never grows", () => {
    fc.assert(
      fc.property(
        requirementArbitrary,
        fc.double({ min: 1e9, max: 300e9, noNaN: true }),
        fc.double({ min: 1, max: 4, noNaN: true }),
        (requirement, budget, factor) => {
          const maxGpus = Number.POSITIVE_INFINITY;
          const small = findTopology(requirement, {
            maxGpus,
            trial: budgetTrial(requirement, budget, 0),
          });
          const large = findTopology(requirement, {
            maxGpus,
            trial: budgetTrial(requirement, budget * factor, 0),
          });
          if (small.fits) {
            expect(large.fits).toBe(true);
            expect(large.tp! * large.pp).toBeLessThanOrEqual(small.tp! * small.pp);
          }
        },
      ),
    );
  });

  it("every figure of a ranking is finite and non-negative, whatever the workload", () => {
    fc.assert(
      fc.property(estimateArbitrary, fc.constantFrom(...WORKLOAD_IDS), (estimate, workload) => {
        const ranking = rankGpusForEstimate(estimate, { workload });
        expect(ranking.matches).toHaveLength(Object.keys(ACCELERATORS).length);
        for (const match of ranking.matches) {
          for (const value of [
            match.budgetBytesPerGpu,
            match.perGpu?.totalBytes,
            match.ttftSeconds,
            match.interTokenLatencySeconds,
            match.tokensPerSecond,
            match.usdPerMillionOutputTokens,
            match.price?.usdPerHour,
            match.capacity?.maxBatchSize,
            match.capacity?.maxContextLength,
          ]) {
            expect(finiteNonNegative(value)).toBe(true);
          }
          if (match.fits)
            expect(match.perGpu!.totalBytes).toBeLessThanOrEqual(match.budgetBytesPerGpu);
        }
      }),
      { numRuns: 60 },
    );
  });
});
