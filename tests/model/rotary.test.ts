import { describe, expect, it } from "vitest";
import { countParameters, parseModelConfig } from "../../src/index.js";
import { rotaryCacheValues, rotaryTableRows } from "../../src/model/features/rotary.js";
import { loadFixture } from "../helpers/fixtures.js";

const GIB = 2 ** 30;
const MIB = 2 ** 20;
/** BF16: two bytes per cos/sin value. */
const BF16 = 2;

const LLAMA_8B = loadFixture("meta-llama__Meta-Llama-3-8B").config;
// Llama-3.1-8B is Llama-3-8B's shape with 128K positions and llama3 RoPE scaling (its config.json).
const LLAMA_31_8B = {
  ...LLAMA_8B,
  max_position_embeddings: 131_072,
  rope_scaling: {
    factor: 8.0,
    low_freq_factor: 1.0,
    high_freq_factor: 4.0,
    original_max_position_embeddings: 8192,
    rope_type: "llama3",
  },
};

const bytesOf = (config: Record<string, unknown>) =>
  rotaryCacheValues(parseModelConfig(config)) * BF16;

describe("the rotary cos/sin tables vLLM precomputes at load", () => {
  it("Llama-3-8B 2 MiB and Llama-3.1-8B 32 MiB: the gap between their logged weights", () => {
    expect(bytesOf(LLAMA_8B)).toBe(8192 * 128 * 2);
    expect(bytesOf(LLAMA_31_8B)).toBe(131_072 * 128 * 2);
    expect(bytesOf(LLAMA_31_8B) / MIB).toBe(32);
    const stored = 8_030_261_248 * 2;
    // vllm#12330 (Llama-3-8B): "Loading model weights took 14.9595 GB" (vLLM's GB are GiB).
    expect((stored + bytesOf(LLAMA_8B)) / GIB).toBeCloseTo(14.9595, 3);
    // vllm#10517 (Llama-3.1-8B): "Loading model weights took 14.9888 GB".
    expect((stored + bytesOf(LLAMA_31_8B)) / GIB).toBeCloseTo(14.9888, 3);
  });

  it("Gemma-3-4B builds two 256-wide tables, the global one linear × 8: 8.57 GiB loaded against the logged 8.58", () => {
    const spec = parseModelConfig(loadFixture("google__gemma-3-4b-it").config);
    expect(spec.rotary?.map((rope) => rotaryTableRows(rope))).toEqual([131_072 * 8, 131_072]);
    const rotary = rotaryCacheValues(spec) * BF16;
    expect(rotary).toBe((131_072 * 8 + 131_072) * 256 * 2); // 576 MiB
    // vllm PR 21489 (B200): "Actual usage is 8.58 GiB for weight"; the checkpoint is
    // 4,300,079,472 BF16 parameters (8.01 GiB), so the tables are most of the 0.57 GiB gap.
    const loaded = (countParameters(spec).total * 2 + rotary) / GIB;
    expect(Math.abs(loaded - 8.58) / 8.58).toBeLessThan(0.01);
  });

  it("scaling decides the rows: linear × factor, YaRN original × factor, LongRoPE short + long", () => {
    const rows = (rope_scaling: Record<string, unknown>, max = 32_768) =>
      rotaryCacheValues(
        parseModelConfig({ ...LLAMA_8B, max_position_embeddings: max, rope_scaling }),
      ) / 128;
    expect(rows({ type: "linear", factor: 4 })).toBe(32_768 * 4);
    expect(rows({ type: "dynamic", factor: 2 })).toBe(32_768 * 2);
    expect(rows({ rope_type: "yarn", factor: 4, original_max_position_embeddings: 8192 })).toBe(
      8192 * 4,
    );
    expect(
      rows({
        type: "longrope",
        short_factor: [1],
        long_factor: [1],
        original_max_position_embeddings: 4096,
      }),
    ).toBe(4096 + 32_768);
  });

  it("a partial rotary factor narrows the table: 25 % of 128 channels rotate", () => {
    const partial = { ...LLAMA_8B, partial_rotary_factor: 0.25 };
    expect(bytesOf(partial)).toBe(8192 * 32 * 2);
    expect(bytesOf({ ...LLAMA_8B, rotary_pct: 0.5 })).toBe(8192 * 64 * 2);
  });

  it("models without RoPE have none: learned positions, ALiBi, Jamba, Mamba", () => {
    for (const dir of [
      "openai-community__gpt2",
      "bigscience__bloom-560m",
      "ai21labs__AI21-Jamba-1.5-Mini",
      "tiiuae__falcon-mamba-7b",
    ]) {
      const spec = parseModelConfig(loadFixture(dir).config);
      expect(spec.rotary).toBeUndefined();
      expect(rotaryCacheValues(spec)).toBe(0);
    }
  });

  it("MLA rotates qk_rope_head_dim only: DeepSeek-R1's YaRN table is 4,096 × 40 rows of 64", () => {
    const spec = parseModelConfig(loadFixture("deepseek-ai__DeepSeek-R1").config);
    expect(rotaryCacheValues(spec)).toBe(4096 * 40 * 64);
  });

  it("gpt-oss-120b's YaRN table: 4,096 × 32 rows of its 64-wide heads", () => {
    const spec = parseModelConfig(loadFixture("openai__gpt-oss-120b").config);
    expect(rotaryCacheValues(spec)).toBe(4096 * 32 * 64);
  });

  it("Gemma-4 builds two: sliding layers' 256 wide, full layers' 512 × 0.25", () => {
    const spec = parseModelConfig(loadFixture("google__gemma-4-31B-it").config);
    expect(spec.rotary?.map((rope) => rope.rotaryDim)).toEqual([256, 128]);
    expect(rotaryCacheValues(spec)).toBe(262_144 * (256 + 128));
  });
});
