import { describe, expect, it } from "vitest";
import {
  estimateInferenceFromSpec,
  InvalidOptionError,
  parseModelConfig,
} from "../../src/index.js";
import type { CheckpointFacts } from "../../src/memory/checkpoint.js";
import { loadFixture } from "../helpers/fixtures.js";

const llama8b = parseModelConfig(loadFixture("meta-llama__Meta-Llama-3-8B").config);
const gpt2 = parseModelConfig(loadFixture("openai-community__gpt2").config);
// Llama-3-8B: 8,030,261,248 parameters (truth.json), of which the projections are
// 32 × (2·4096² + 2·1024·4096 + 3·14336·4096) = 6,979,321,856.
const LLAMA_8B = 8_030_261_248;
const LLAMA_8B_PROJECTIONS = 32 * (2 * 4096 * 4096 + 2 * 1024 * 4096 + 3 * 14336 * 4096);

const safetensors = (facts: Partial<CheckpointFacts> = {}): CheckpointFacts => ({
  parameterCount: LLAMA_8B,
  parameterSource: "safetensors",
  storedWeightsBytes: 2 * LLAMA_8B,
  parametersByDtype: { BF16: LLAMA_8B },
  ...facts,
});

describe("the checkpoint option", () => {
  it("weights auto: the bytes stored, exactly (e.g. an AWQ checkpoint's 5.73 GB)", () => {
    const estimate = estimateInferenceFromSpec(llama8b, {
      checkpoint: safetensors({ storedWeightsBytes: 5_734_568_960 }),
    });
    expect(estimate.memory.weightsBytes).toBe(5_734_568_960);
    expect(estimate.memory.overheadBytes).toBe(Math.ceil(0.12 * 5_734_568_960)); // whole bytes, rounded up
    expect(estimate.parameters).toMatchObject({ total: LLAMA_8B, source: "safetensors" });
    expect(estimate.assumptions.notes).toContain(
      "weights: 5734568960 bytes as stored in the checkpoint's safetensors files",
    );
  });

  it("an explicit precision: the checkpoint's count at that precision (INT4 g128 by hand)", () => {
    const estimate = estimateInferenceFromSpec(llama8b, {
      weights: "int4-g128",
      checkpoint: safetensors(),
    });
    const expected =
      (LLAMA_8B_PROJECTIONS * (4 + 16 / 128 + 4 / 128)) / 8 + (LLAMA_8B - LLAMA_8B_PROJECTIONS) * 2;
    expect(estimate.memory.weightsBytes).toBeCloseTo(expected, 0);
  });

  it("a count that differs from the config's scales every component in proportion", () => {
    const estimate = estimateInferenceFromSpec(llama8b, {
      weights: "fp8",
      checkpoint: safetensors({ parameterCount: 8e9 }),
    });
    expect(estimate.parameters.total).toBe(8e9);
    expect(estimate.memory.weightsBytes).toBeCloseTo(8e9, 0);
  });

  it("an FP32 checkpoint served by auto at 16 bits: count × 2, not the 4-byte stored size", () => {
    const count = 124_439_808; // GPT-2's parameters without buffers (truth.json)
    const estimate = estimateInferenceFromSpec(gpt2, {
      checkpoint: {
        parameterCount: count,
        parameterSource: "safetensors",
        storedWeightsBytes: 4 * count,
        parametersByDtype: { F32: count },
      },
    });
    expect(estimate.assumptions.weights).toBe("bf16");
    expect(estimate.memory.weightsBytes).toBeCloseTo(2 * count, 0);
  });

  it("the Hub's summary (no stored bytes): the count at the auto precision", () => {
    const estimate = estimateInferenceFromSpec(llama8b, {
      checkpoint: { parameterCount: 8e9, parameterSource: "hub-summary" },
    });
    expect(estimate.parameters.source).toBe("hub-summary");
    expect(estimate.memory.weightsBytes).toBeCloseTo(16e9, 0);
  });

  it("parameterCount overrides the checkpoint", () => {
    const estimate = estimateInferenceFromSpec(llama8b, {
      parameterCount: 7e9,
      checkpoint: safetensors(),
    });
    expect(estimate.parameters).toMatchObject({ total: 7e9, source: "override" });
    expect(estimate.memory.weightsBytes).toBe(14e9);
  });

  it.each([Number.NaN, 0, -1, Number.POSITIVE_INFINITY])(
    "rejects a count of %d",
    (parameterCount) => {
      expect(() =>
        estimateInferenceFromSpec(llama8b, { checkpoint: safetensors({ parameterCount }) }),
      ).toThrow(InvalidOptionError);
    },
  );
});
