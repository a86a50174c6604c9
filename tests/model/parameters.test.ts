import { readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import { countParameters, parseModelConfig } from "../../src/index.js";
import { loadFixture } from "../helpers/fixtures.js";

// Published counts come from each fixture's truth.json (Hub safetensors totals, engine logs).
const DENSE_FIXTURES = [
  "meta-llama__Meta-Llama-3-8B",
  "meta-llama__Meta-Llama-3-70B",
  "Qwen__Qwen2.5-0.5B",
  "google__gemma-2-9b",
  "microsoft__Phi-3-mini-4k-instruct",
  "mistralai__Mistral-7B-v0.1",
  "openai-community__gpt2",
];

describe("countParameters against published counts", () => {
  it.each(DENSE_FIXTURES)("%s is within 0.5 % of its published count", (dir) => {
    const { config, truth } = loadFixture(dir);
    // GPT-2's Hub total counts 12 causal-mask buffers; the nn.Parameter count excludes them.
    const published = truth.model_parameters_excluding_buffers ?? truth.params_total;
    expect(published).toBeTypeOf("number");
    const counted = countParameters(parseModelConfig(config)).total;
    expect(Math.abs(counted - published!) / published!).toBeLessThan(0.005);
  });
});

describe("countParameters by component, worked by hand", () => {
  it("Llama-3-8B: untied 128256 × 4096 embedding and head, GQA k/v of 8 × 128", () => {
    const parameters = countParameters(
      parseModelConfig(loadFixture("meta-llama__Meta-Llama-3-8B").config),
    );
    const embedding = 128_256 * 4096;
    const attentionPerLayer = 4096 * 4096 * 2 + 4096 * 1024 * 2; // q, o full width; k, v 8 heads × 128
    const mlpPerLayer = 3 * 4096 * 14_336;
    expect(parameters.embedding).toBe(embedding);
    expect(parameters.lmHead).toBe(embedding);
    expect(parameters.attention).toBe(32 * attentionPerLayer);
    expect(parameters.mlp).toBe(32 * mlpPerLayer);
    expect(parameters.norms).toBe((32 * 2 + 1) * 4096);
    expect(parameters.total).toBe(8_030_261_248);
  });

  it("Qwen2.5-0.5B ties its head: the 151936 × 896 embedding is counted once", () => {
    const parameters = countParameters(parseModelConfig(loadFixture("Qwen__Qwen2.5-0.5B").config));
    expect(parameters.lmHead).toBe(0);
    expect(parameters.embedding).toBe(136_134_656);
    expect(parameters.total).toBe(494_032_768);
  });

  it("GPT-2 counts the learned 1024-row position table and LayerNorm biases", () => {
    const parameters = countParameters(
      parseModelConfig(loadFixture("openai-community__gpt2").config),
    );
    expect(parameters.positionEmbedding).toBe(1024 * 768);
    expect(parameters.norms).toBe((12 * 2 + 1) * 2 * 768);
    expect(parameters.total).toBe(124_439_808);
  });
});

describe("phi (PhiForCausalLM): parallel attention and MLP, biases everywhere, lm_head bias", () => {
  // Configs and published counts: fixtures/measurements/training-models.json (Hub config.json of
  // microsoft/phi-1_5, safetensors total; microsoft/phi-2, LitGPT's log of its frozen parameters).
  const models = JSON.parse(
    readFileSync(
      fileURLToPath(new URL("../../fixtures/measurements/training-models.json", import.meta.url)),
      "utf8",
    ),
  ) as Record<string, { config: Record<string, unknown>; published: { parameters: number } }>;

  it("phi-1.5 worked by hand: 1,418,270,720, its safetensors total", () => {
    const phi = models["microsoft/phi-1_5"]!;
    const parameters = countParameters(parseModelConfig(phi.config, { subject: "phi-1_5" }));
    const h = 2048;
    const attentionPerLayer = 4 * (h * h + h); // q, k, v, dense, each with a bias (MHA)
    const mlpPerLayer = h * 8192 + 8192 + 8192 * h + h; // fc1, fc2 with biases
    expect(parameters.attention).toBe(24 * attentionPerLayer);
    expect(parameters.mlp).toBe(24 * mlpPerLayer);
    expect(parameters.norms).toBe((24 * 1 + 1) * 2 * h); // one LayerNorm per layer + final
    expect(parameters.lmHead).toBe(51_200 * h + 51_200); // untied, with a bias
    expect(parameters.total).toBe(phi.published.parameters);
    expect(parameters.total).toBe(1_418_270_720);
  });

  it("phi-2: 2,779,683,840, LitGPT's count of its frozen parameters", () => {
    const phi2 = models["microsoft/phi-2"]!;
    expect(countParameters(parseModelConfig(phi2.config, { subject: "phi-2" })).total).toBe(
      phi2.published.parameters,
    );
  });
});
