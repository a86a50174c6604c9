import { describe, expect, it } from "vitest";
import {
  countParameters,
  estimateInferenceFromSpec,
  InvalidOptionError,
  parseModelConfig,
} from "../../src/index.js";
import { imageTokensPerImage } from "../../src/model/features/vision/cache.js";
import { loadFixture } from "../helpers/fixtures.js";

const llava = parseModelConfig(loadFixture("llava-hf__llava-1.5-7b-hf").config);
const gemma3 = parseModelConfig(loadFixture("google__gemma-3-4b-it").config);
const qwenVl = parseModelConfig(loadFixture("Qwen__Qwen2.5-VL-3B-Instruct").config);
const scout = parseModelConfig(loadFixture("meta-llama__Llama-4-Scout-17B-16E-Instruct").config);

describe("the early llava-hf format: text_config relies on LlamaConfig defaults", () => {
  it("fills hidden 4096, 32 layers, 32 heads, MLP 11008 from LlamaConfig and says so", () => {
    expect(llava).toMatchObject({
      modelType: "llama",
      hiddenSize: 4096,
      numLayers: 32,
      numAttentionHeads: 32,
      numKeyValueHeads: 32,
      intermediateSize: 11_008,
      vocabSize: 32_064, // from the file, not the default 32000
      maxPositionEmbeddings: 4096, // from the file, not the default 2048
    });
    const notes = llava.approximations.join("\n");
    expect(notes).toMatch(/text_config\.hidden_size absent: 4096 from transformers LlamaConfig/);
    expect(notes).toMatch(
      /text_config\.num_hidden_layers absent: 32 from transformers LlamaConfig/,
    );
    expect(notes).not.toMatch(/vocab_size/);
  });

  it("counts CLIP ViT-L/14-336 and the two-layer projector, worked by hand", () => {
    // CLIP: class token + bias-free 14×14 patch conv + 577 positions + pre/post LayerNorm + 24 layers.
    const clipLayer =
      4 * (1024 * 1024 + 1024) + 4 * 1024 + (1024 * 4096 + 4096) + (4096 * 1024 + 1024);
    const clip = 1024 + 3 * 14 * 14 * 1024 + 577 * 1024 + 2 * 2048 + 24 * clipLayer;
    const projector = 1024 * 4096 + 4096 + 4096 * 4096 + 4096;
    expect(llava.vision?.towerParameters).toBe(clip);
    expect(llava.vision?.projectorParameters).toBe(projector);
    // Llama-2-7B with a 32,064-token vocabulary, untied.
    const text = 2 * 32_064 * 4096 + 32 * (4 * 4096 * 4096 + 3 * 4096 * 11_008 + 2 * 4096) + 4096;
    expect(countParameters(llava).total).toBe(text + clip + projector);
  });

  it("an image is 576 tokens: (336 / 14)² patches, the CLS token dropped", () => {
    expect(llava.vision?.imageTokens).toEqual({ kind: "fixed", tokensPerImage: 576 });
  });
});

describe("Gemma-3: SigLIP tower, sparse text_config, 256 tokens per image", () => {
  it("counts SigLIP-400M (no head) and the projector, worked by hand, to the published 4.30B", () => {
    const layer = 4 * (1152 * 1152 + 1152) + 4 * 1152 + (1152 * 4304 + 4304) + (4304 * 1152 + 1152);
    const siglip = 3 * 14 * 14 * 1152 + 1152 + (896 / 14) ** 2 * 1152 + 27 * layer + 2 * 1152;
    const projector = 1152 * 2560 + 1152;
    expect(gemma3.vision?.towerParameters).toBe(siglip);
    expect(gemma3.vision?.projectorParameters).toBe(projector);
    expect(gemma3.vision?.imageTokens).toEqual({ kind: "fixed", tokensPerImage: 256 });
  });

  it("takes heads, KV heads, head_dim and the vocabulary from Gemma3TextConfig", () => {
    expect(gemma3).toMatchObject({
      numAttentionHeads: 8,
      numKeyValueHeads: 4,
      headDim: 256,
      vocabSize: 262_208,
    });
  });
});

describe("image tokens join the sequence before the KV cache is sized", () => {
  it("LLaVA: 2 images add 1,152 tokens to a 4,096-token context", () => {
    const { assumptions, memory } = estimateInferenceFromSpec(llava, {
      contextLength: 4096,
      imagesPerRequest: 2,
    });
    expect(assumptions.imageTokensPerSequence).toBe(1152);
    expect(assumptions.sequenceLength).toBe(5248);
    expect(memory.kvCacheBytes).toBe(32 * 2 * 32 * 128 * 2 * 5248);
  });

  it("Qwen2.5-VL: one token per 28 × 28 pixels of the resized image", () => {
    const vision = qwenVl.vision!;
    expect(imageTokensPerImage(vision, { width: 1024, height: 1024 })).toBe(37 * 37);
    expect(imageTokensPerImage(vision, { width: 448, height: 448 })).toBe(16 * 16);
    // The processor's max_pixels (12,845,056 = 16,384 × 28²) caps a huge image at 16,384
    // tokens: the per-image reservation of vllm#20123.
    expect(imageTokensPerImage(vision, { width: 8192, height: 8192 })).toBeLessThanOrEqual(16_384);
    expect(imageTokensPerImage(vision, { width: 8192, height: 8192 })).toBeGreaterThan(16_000);
  });

  it("Llama-4: 144 tokens per 336-pixel tile, plus a global tile for a tiled image", () => {
    const vision = scout.vision!;
    expect(imageTokensPerImage(vision, { width: 336, height: 336 })).toBe(144);
    expect(imageTokensPerImage(vision, { width: 672, height: 336 })).toBe(3 * 144);
    expect(imageTokensPerImage(vision, { width: 4096, height: 4096 })).toBe(17 * 144);
  });

  it("images for a model without a vision encoder are refused", () => {
    const text = parseModelConfig(loadFixture("meta-llama__Meta-Llama-3-8B").config);
    expect(() => estimateInferenceFromSpec(text, { imagesPerRequest: 1 })).toThrow(
      InvalidOptionError,
    );
  });

  it("the vision encoder's weights are counted even for text-only requests", () => {
    const { parameters, assumptions } = estimateInferenceFromSpec(gemma3);
    expect(parameters.breakdown.vision).toBeGreaterThan(400e6);
    expect(assumptions.imagesPerRequest).toBe(0);
    expect(assumptions.notes.join("\n")).toMatch(/imagesPerRequest: default 0/);
  });
});
