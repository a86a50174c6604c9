import { describe, expect, it } from "vitest";
import {
  estimateInferenceFromSpec,
  InvalidOptionError,
  parseModelConfig,
  type InferenceOptions,
  type ModelSpec,
} from "../../src/index.js";
import { loadFixture } from "../helpers/fixtures.js";

const GB = 1e9;
const llama70b = parseModelConfig(loadFixture("meta-llama__Meta-Llama-3-70B").config);
const llama8b = parseModelConfig(loadFixture("meta-llama__Meta-Llama-3-8B").config);
const WORKED: InferenceOptions = { contextLength: 4096, batchSize: 8, parameterCount: 70e9 };

describe("the worked example: Llama-3-70B, 4K context, batch 8", () => {
  it("BF16 with 70e9 parameters: 140 GB weights + 10.7 GB KV + 16.8 GB overhead ≈ 168 GB", () => {
    const { memory } = estimateInferenceFromSpec(llama70b, { ...WORKED, weights: "bf16" });
    expect(memory.weightsBytes).toBe(140 * GB);
    expect(memory.kvCacheBytes).toBe(2 * 80 * 8 * 128 * 4096 * 8 * 2);
    expect(memory.overheadBytes).toBeCloseTo(0.12 * 140 * GB, -3);
    expect(memory.totalBytes / GB).toBeCloseTo(140 + 10.737_418_24 + 16.8, 6);
    expect(Math.round(memory.totalBytes / GB)).toBe(168);
  });

  it("naive INT4: 35 GB weights, ≈ 50 GB total (one 80 GB GPU)", () => {
    const { memory } = estimateInferenceFromSpec(llama70b, { ...WORKED, weights: "int4" });
    expect(memory.weightsBytes).toBe(35 * GB);
    expect(memory.overheadBytes).toBeCloseTo(0.12 * 35 * GB, -3);
    // 35 + 10.74 + 4.2 = 49.94
    expect(memory.totalBytes / GB).toBeGreaterThan(49);
    expect(memory.totalBytes / GB).toBeLessThan(51);
  });

  it("with the real 70.55 B parameters from config.json, BF16 weights are 141.1 GB", () => {
    const estimate = estimateInferenceFromSpec(llama70b, {
      contextLength: 4096,
      batchSize: 8,
      weights: "bf16",
    });
    expect(estimate.parameters.source).toBe("config");
    expect(estimate.memory.weightsBytes).toBe(70_553_706_496 * 2);
  });

  it("keeps the seed's headline (141.11 + 10.74 + 16.93 = 168.78 GB) and says so, with vLLM's own per-GPU figure beside it", () => {
    const { memory } = estimateInferenceFromSpec(llama70b, {
      contextLength: 4096,
      batchSize: 8,
      weights: "bf16",
    });
    expect((memory.weightsBytes / GB).toFixed(2)).toBe("141.11");
    expect((memory.kvCacheBytes / GB).toFixed(2)).toBe("10.74");
    expect((memory.overheadBytes / GB).toFixed(2)).toBe("16.93");
    expect((memory.totalBytes / GB).toFixed(2)).toBe("168.78");
    expect(memory.headline).toContain("rule of thumb");
    // vLLM ≥ 0.21 at TP 1 on an 80 GiB GPU, max_num_seqs 8 (docs/methodology.md#serving-fit):
    // weights + rotary cache (8,192 × 128 × 2 B) + the forward of 8,192 batched tokens at
    // 2 × (3 × 8,192 + 3 × 28,672) B each + 0.10 GiB non-torch + 0.5 GiB CUDA graphs + the KV
    // cache in whole 16-token blocks (4,096 divides evenly).
    const g = memory.perGpu;
    expect(g.engine).toBe("vllm");
    expect(g.weightsBytes).toBe(70_553_706_496 * 2 + 8192 * 128 * 2);
    expect(g.activationPeakBytes).toBe(8192 * 2 * (3 * 8192 + 3 * 28_672));
    expect(g.nonTorchBytes).toBe(Math.round(0.1 * 1024 ** 3));
    expect(g.cudaGraphBytes).toBe(Math.round(0.5 * 1024 ** 3));
    expect(g.kvCacheBytes).toBe(memory.kvCacheBytes);
    expect(g.totalBytes).toBe(
      g.weightsBytes + g.activationPeakBytes + g.nonTorchBytes + g.cudaGraphBytes + g.kvCacheBytes,
    );
    expect((g.totalBytes / GB).toFixed(2)).toBe("154.30");
  });
});

describe("the quick-sizing table (weights + 12 % overhead, no KV, GB = 10^9)", () => {
  // The table users check first: size → [FP16, INT8, INT4] in GB.
  const TABLE: [number, [number, number, number]][] = [
    [8e9, [18, 9, 5]],
    [13e9, [29, 14, 8]],
    [34e9, [76, 38, 19]],
    [70e9, [157, 78, 40]],
  ];
  it.each(TABLE)("%d parameters → %j GB, each within 1 GB", (parameterCount, expected) => {
    const precisions = ["fp16", "int8", "int4"] as const;
    precisions.forEach((weights, index) => {
      const { memory } = estimateInferenceFromSpec(llama8b, { parameterCount, weights });
      const weightsAndOverheadGB = (memory.weightsBytes + memory.overheadBytes) / GB;
      expect(Math.abs(weightsAndOverheadGB - expected[index]!)).toBeLessThanOrEqual(1);
    });
  });
});

describe("realistic INT4 (group 128, 16-bit embeddings and head)", () => {
  // formulas.md §1.2: linear params × 4.156 / 8 + embedding and head × 2.
  it("Llama-3-8B lands near 5.73 GB, not the naive 4.0 GB", () => {
    const linear = 6_979_321_856;
    const rest = 8_030_261_248 - linear;
    const expected = (linear * (4 + 16 / 128 + 4 / 128)) / 8 + rest * 2;
    const { memory } = estimateInferenceFromSpec(llama8b, { weights: "int4-g128" });
    expect(expected / GB).toBeCloseTo(5.73, 2);
    expect(Math.abs(memory.weightsBytes - expected) / expected).toBeLessThan(0.001);
  });

  it("Llama-3-70B lands near 39.8 GB", () => {
    const { memory } = estimateInferenceFromSpec(llama70b, { weights: "int4-g128" });
    expect(memory.weightsBytes / GB).toBeCloseTo(39.8, 0);
  });
});

describe("defaults and assumptions", () => {
  it("auto weights follow torch_dtype and every default is noted", () => {
    const { assumptions } = estimateInferenceFromSpec(llama70b);
    expect(assumptions).toMatchObject({
      contextLength: 4096,
      batchSize: 1,
      weights: "bf16",
      kvCacheDtype: "bf16",
      overheadFraction: 0.12,
    });
    expect(assumptions.notes.join("\n")).toMatch(/contextLength: default 4096/);
    expect(assumptions.notes.join("\n")).toMatch(/weights: auto → bf16 \(torch_dtype bfloat16\)/);
  });

  it("the default context is capped at the model's max_position_embeddings (GPT-2: 1024)", () => {
    const gpt2 = parseModelConfig(loadFixture("openai-community__gpt2").config);
    expect(estimateInferenceFromSpec(gpt2).assumptions.contextLength).toBe(1024);
  });

  it("warns when the context exceeds the model's limit", () => {
    const { warnings } = estimateInferenceFromSpec(llama8b, { contextLength: 16_384 });
    expect(warnings.join("\n")).toMatch(/exceeds the model's max_position_embeddings \(8192\)/);
  });

  it("FP32 weights get an FP32 KV cache; FP8 KV halves the BF16 cache", () => {
    const fp32 = estimateInferenceFromSpec(llama8b, { weights: "fp32" });
    expect(fp32.assumptions.kvCacheDtype).toBe("fp32");
    const bf16 = estimateInferenceFromSpec(llama8b, { kvCacheDtype: "bf16" }).memory.kvCacheBytes;
    const fp8 = estimateInferenceFromSpec(llama8b, { kvCacheDtype: "fp8" }).memory.kvCacheBytes;
    expect(fp8 * 2).toBe(bf16);
  });
});

describe("bad options get InvalidOptionError with a stable code", () => {
  const cases: [string, InferenceOptions][] = [
    ["batchSize", { batchSize: 0 }],
    ["batchSize", { batchSize: -8 }],
    ["contextLength", { contextLength: 4096.5 }],
    ["contextLength", { contextLength: Number.NaN }],
    ["overheadFraction", { overheadFraction: 1.5 }],
    ["overheadFraction", { overheadFraction: -0.1 }],
    ["parameterCount", { parameterCount: 0 }],
    ["weights", { weights: "int3" as never }],
    ["kvCacheDtype", { kvCacheDtype: "int8" as never }],
  ];
  it.each(cases)("%s %j", (option, options) => {
    const attempt = (): unknown => estimateInferenceFromSpec(llama8b, options);
    expect(attempt).toThrow(InvalidOptionError);
    try {
      attempt();
    } catch (error) {
      expect((error as InvalidOptionError).code).toBe("OPTION_INVALID");
      expect((error as InvalidOptionError).option).toBe(option);
    }
  });

  it("a hand-built spec works without any config", () => {
    const spec: ModelSpec = { ...llama8b, numLayers: 1 };
    expect(estimateInferenceFromSpec(spec).memory.kvCacheBytesPerToken).toBe(2 * 1 * 8 * 128 * 2);
  });
});
