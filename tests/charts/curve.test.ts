import { describe, expect, it } from "vitest";
import { memoryCurveChart, renderChart } from "../../src/charts.js";
import {
  ACCELERATORS,
  BUNDLED_MODELS,
  estimateInferenceFromSpec,
  parseModelConfig,
} from "../../src/index.js";

const H100 = ACCELERATORS["nvidia-h100-sxm"];

function bundled(repo: string) {
  const model = BUNDLED_MODELS.find((entry) => entry.repo === repo)!;
  return parseModelConfig(model.config);
}

describe("memoryCurveChart: the crossing is the longest context", () => {
  it("Llama-3-70B at BF16, batch 8, on 2 × H100 SXM: 4,970 tokens, worked by hand", () => {
    // Parameters from config.json: 80 layers × (q, o 8192² + k, v 1024 × 8192 + gate, up, down
    // 8192 × 28672 + 2 norms of 8192) + embeddings and LM head 2 × 128,256 × 8192 + final norm.
    const layer = 2 * 8192 * 8192 + 2 * 1024 * 8192 + 3 * 8192 * 28_672 + 2 * 8192;
    const parameters = 80 * layer + 2 * 128_256 * 8192 + 8192;
    expect(parameters).toBe(70_553_706_496);
    const weightsBytes = 2 * parameters;
    // KV per token: K and V × 80 layers × 8 KV heads × head_dim 128 × 2 bytes; × 8 sequences.
    const kvBytesPerToken = 2 * 80 * 8 * 128 * 2 * 8;
    // One card: floor(0.92 × 81,559 MiB) less the 1.5 GiB runtime reserve.
    const perCard = Math.floor(0.92 * 81_559 * 2 ** 20) - 1.5 * 2 ** 30;
    expect(perCard).toBe(77_068_532_449);
    const expected = Math.floor((2 * perCard - weightsBytes) / kvBytesPerToken);
    expect(expected).toBe(4970);

    const estimate = estimateInferenceFromSpec(bundled("meta-llama/Meta-Llama-3-70B"), {
      contextLength: 4096,
      batchSize: 8,
    });
    const chart = memoryCurveChart(estimate, { accelerator: H100 });
    const [one, two, four, eight] = chart.lines;
    expect(one).toMatchObject({ gpuCount: 1, usableBytes: perCard, crossing: null });
    expect(two).toMatchObject({ gpuCount: 2, usableBytes: 2 * perCard });
    expect(two!.crossing).toEqual({
      x: expected,
      bytes: weightsBytes + expected * kvBytesPerToken,
      wholeRange: false,
    });
    // Four and eight cards hold the model's whole context (max_position_embeddings 8,192).
    expect(four!.crossing).toMatchObject({ x: 8192, wholeRange: true });
    expect(eight!.crossing).toMatchObject({ x: 8192, wholeRange: true });
    expect(chart.current).toBe(4096);
    expect(chart.limit).toBe(8192);

    const svg = renderChart(chart);
    expect(svg).toContain('class="crossing" data-gpus="2" data-max-x="4970"');
    expect(svg).toContain("2 × H100 SXM 80GB: at most 4,970 tokens per sequence");
  });

  it("on the batch axis, Llama-3-70B at 4,096 tokens on 2 × H100 holds 9 sequences, not 10", () => {
    // (2 × 77,068,532,449 − 141,107,412,992) / (327,680 × 4,096) = 9.7
    const estimate = estimateInferenceFromSpec(bundled("meta-llama/Meta-Llama-3-70B"), {
      contextLength: 4096,
      batchSize: 8,
    });
    const chart = memoryCurveChart(estimate, { accelerator: H100, axis: "batch" });
    expect(chart.lines[1]!.crossing).toMatchObject({ x: 9, wholeRange: false });
  });

  it("draws no line for cards the heads cannot split, and says why", () => {
    // Qwen2.5-0.5B: 14 query heads, 2 KV heads; TP 4 and 8 do not divide 14.
    const estimate = estimateInferenceFromSpec(bundled("Qwen/Qwen2.5-0.5B"), {});
    const chart = memoryCurveChart(estimate, { accelerator: ACCELERATORS["nvidia-l4"] });
    expect(chart.lines.map((line) => line.usableBytes === null)).toEqual([
      false,
      false,
      true,
      true,
    ]);
    expect(chart.lines[2]!.problem).toBe("TP 4 does not divide the 14 attention heads");
    expect(renderChart(chart)).toContain(
      "4 × L4 24GB: cannot split the model (TP 4 does not divide the 14 attention heads)",
    );
  });
});
