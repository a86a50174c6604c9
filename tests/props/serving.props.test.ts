import fc from "fast-check";
import { describe, expect, it } from "vitest";
import {
  ACCELERATORS,
  BUNDLED_MODELS,
  fitOnGpuFromSpec,
  parseModelConfig,
} from "../../src/index.js";

// Properties of the engine budget over the bundled models, every catalog GPU and both engines.

const SPECS = BUNDLED_MODELS.filter((model) => model.repo !== "google-bert/bert-base-uncased")
  .map((model) => parseModelConfig(model.config))
  .filter((spec) => spec.quantization === undefined);
const GPUS = Object.keys(ACCELERATORS);
const VERSIONS = ["0.2.0", "0.2.5", "0.6.4", "0.7.3", "0.10.1", "latest"];

const fitArbitrary = fc.record({
  spec: fc.constantFrom(...SPECS),
  gpu: fc.constantFrom(...GPUS),
  engine: fc.constantFrom("vllm" as const, "sglang" as const),
  engineVersion: fc.constantFrom(...VERSIONS),
  contextLength: fc.integer({ min: 16, max: 65_536 }),
  batchSize: fc.integer({ min: 1, max: 64 }),
  gpuMemoryUtilization: fc.double({ min: 0.3, max: 0.98, noNaN: true }),
});

function fit(r: {
  spec: (typeof SPECS)[number];
  gpu: string;
  engine: "vllm" | "sglang";
  engineVersion: string;
  contextLength: number;
  batchSize: number;
  gpuMemoryUtilization: number;
}) {
  return fitOnGpuFromSpec(r.spec, {
    gpu: r.gpu,
    engine: r.engine,
    engineVersion:
      r.engine === "sglang" && r.engineVersion !== "latest" ? "0.4.3" : r.engineVersion,
    contextLength: r.contextLength,
    batchSize: r.batchSize,
    gpuMemoryUtilization: r.gpuMemoryUtilization,
  });
}

describe("serving budget properties", () => {
  it("the KV room is the cap less every other term, in whole bytes", () => {
    fc.assert(
      fc.property(fitArbitrary, (r) => {
        const result = fit(r);
        const b = result.budget;
        for (const term of Object.values(b)) {
          expect(Number.isSafeInteger(term.bytes) && term.bytes >= 0).toBe(true);
        }
        const rest =
          b.utilizationCap.bytes -
          b.weights.bytes -
          b.activationPeak.bytes -
          b.nonTorch.bytes -
          b.cudaGraphs.bytes;
        expect(b.kvCache.bytes).toBe(Math.max(0, rest));
        expect(result.shortfallBytes).toBe(Math.max(0, -rest));
        if (result.fits) expect(result.starts).toBe(true);
      }),
      { numRuns: 150 },
    );
  });

  it("more utilization never leaves less KV room (same GPU, engine and release)", () => {
    fc.assert(
      fc.property(fitArbitrary, fc.double({ min: 0, max: 0.3, noNaN: true }), (r, more) => {
        const low = fit(r);
        const high = fit({
          ...r,
          gpuMemoryUtilization: Math.min(0.99, r.gpuMemoryUtilization + more),
        });
        expect(high.kvCache.bytesPerGpu).toBeGreaterThanOrEqual(low.kvCache.bytesPerGpu);
        if (low.fits) expect(high.fits).toBe(true);
      }),
      { numRuns: 100 },
    );
  });

  it("the longest context fits, and one more token does not (V1 and SGLang, where the budget does not move with it)", () => {
    fc.assert(
      fc.property(fitArbitrary, (r) => {
        const v1 = { ...r, engineVersion: "latest" };
        const result = fit(v1);
        const longest = result.maxContextLength;
        if (longest === 0) return;
        expect(fit({ ...v1, contextLength: longest }).fits).toBe(true);
        const limit = r.spec.maxPositionEmbeddings ?? 1 << 20;
        if (longest < limit) expect(fit({ ...v1, contextLength: longest + 1 }).fits).toBe(false);
      }),
      { numRuns: 60 },
    );
  });
});
