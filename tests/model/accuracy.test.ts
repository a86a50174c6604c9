import { describe, expect, it } from "vitest";
import { countParameters, parseModelConfig, type ModelSpec } from "../../src/index.js";
import { allFixtures, loadFixture } from "../helpers/fixtures.js";

/** A dense decoder: no experts, no vision tower, no state-space layers, not an encoder. */
function isDenseDecoder(spec: ModelSpec): boolean {
  return (
    spec.moe === undefined &&
    spec.vision === undefined &&
    spec.stateSpace === undefined &&
    spec.encoderOnly !== true
  );
}

// Published counts come from each fixture's truth.json (Hub totals, model cards, papers, engine logs).
const PUBLISHED = allFixtures().filter((fixture) => fixture.truth.params_total !== null);

describe("every fixture's parameter count against its published count", () => {
  it("covers at least twenty published counts", () => {
    expect(PUBLISHED.length).toBeGreaterThanOrEqual(20);
  });

  it.each(PUBLISHED.map((fixture) => [fixture.dir, fixture]))("%s", (_dir, fixture) => {
    const spec = parseModelConfig(fixture.config);
    // GPT-2's Hub total counts 12 causal-mask buffers; the nn.Parameter count excludes them.
    const published =
      fixture.truth.model_parameters_excluding_buffers ?? fixture.truth.params_total!;
    const tolerance = isDenseDecoder(spec) ? 0.005 : 0.01;
    const counted = countParameters(spec).total;
    expect(Math.abs(counted - published) / published).toBeLessThan(tolerance);
  });
});

describe("counts without a precise published figure, checked another way", () => {
  it("GPT-NeoX: RedPajama-3B with Pythia-2.8B's vocabulary is Pythia-2.8B's published 2,775,208,960", () => {
    // Pythia-2.8B has the same GPT-NeoX layout (32 × 2560, MLP 10240, untied embed_out) with a
    // 50,304-token vocabulary; EleutherAI publishes its exact total.
    const { config } = loadFixture("togethercomputer__RedPajama-INCITE-Base-3B-v1");
    const spec = parseModelConfig({ ...config, vocab_size: 50_304 });
    expect(countParameters(spec).total).toBe(2_775_208_960);
  });

  it("Kimi-K2 lands between its two published figures, 1T (model card) and 1.04T (report)", () => {
    const total = countParameters(
      parseModelConfig(loadFixture("moonshotai__Kimi-K2-Instruct").config),
    ).total;
    expect(total).toBeGreaterThan(1.0e12);
    expect(total).toBeLessThan(1.04e12);
  });
});

describe("active parameters per token, against published active counts", () => {
  // OpenAI, DeepSeek and NVIDIA publish active counts without the embedding table (a lookup,
  // not a matmul); Mistral's 12.9B for Mixtral includes it.
  it.each([
    // Mixtral: "uses only 12.9B parameters per token" (Mistral AI announcement) [recalled].
    ["mistralai__Mixtral-8x7B-v0.1", 12.9e9, "with"],
    ["openai__gpt-oss-120b", 5.13e9, "without"],
    ["deepseek-ai__DeepSeek-R1", 36.6e9, "without"],
    ["Qwen__Qwen3-30B-A3B", 3.3e9, "with"],
    ["nvidia__NVIDIA-Nemotron-3-Nano-30B-A3B-BF16", 3.2e9, "without"],
  ] as const)("%s: %d active (%s the embedding)", async (dir, published, embedding) => {
    const { estimateInferenceFromSpec } = await import("../../src/index.js");
    const estimate = estimateInferenceFromSpec(parseModelConfig(loadFixture(dir).config));
    const active =
      estimate.parameters.active -
      (embedding === "with" ? 0 : estimate.parameters.breakdown.embedding);
    expect(Math.abs(active - published) / published).toBeLessThan(0.02);
    expect(estimate.parameters.active).toBeLessThan(estimate.parameters.total / 3);
  });

  it("a dense model's active count is its total", async () => {
    const { estimateInferenceFromSpec } = await import("../../src/index.js");
    const estimate = estimateInferenceFromSpec(
      parseModelConfig(loadFixture("meta-llama__Meta-Llama-3-8B").config),
    );
    expect(estimate.parameters.active).toBe(estimate.parameters.total);
  });
});
