import { describe, expect, it } from "vitest";
import {
  estimateInferenceFromSpec,
  kvCacheBytes,
  kvCacheBytesPerToken,
  parseModelConfig,
  type ModelSpec,
} from "../../src/index.js";
import { loadFixture } from "../helpers/fixtures.js";

// Wrong estimates other tools published (../shared/reference/peers.md §3.1), and what
// vramfit says for the same model. Expected values are worked by hand or taken from the
// issue threads, never from vramfit's output.
const GB = 1e9;
const GIB = 2 ** 30;
const spec = (dir: string): ModelSpec => parseModelConfig(loadFixture(dir).config);

describe("MoE sized by active parameters (llmfit#497: DeepSeek-V3 'min_vram ≈ 22 GB', not ≈ 390 GB)", () => {
  const deepseek = spec("deepseek-ai__DeepSeek-R1");

  it("the FP8 checkpoint as stored holds all 671B parameters: ≈ 673 GB of weights, 30× the 22 GB claimed", () => {
    const { memory } = estimateInferenceFromSpec(deepseek, { contextLength: 4096 });
    expect(memory.weightsBytes / GB).toBeGreaterThan(670);
    expect(memory.weightsBytes / (22 * GB)).toBeGreaterThan(30);
  });

  it("even at 4-bit (group 128) the BF16 weights need ≈ 350 GB: every expert stays resident", () => {
    const bf16 = { ...deepseek, quantization: undefined };
    const { memory } = estimateInferenceFromSpec(bf16, {
      weights: "int4-g128",
      contextLength: 4096,
    });
    // 4.156 bits on the 669B projections, 16 bits on the rest.
    expect(memory.weightsBytes / GB).toBeGreaterThan(345);
    expect(memory.weightsBytes / GB).toBeLessThan(360);
    expect(memory.totalBytes / GB).toBeGreaterThan(390);
  });

  it("Qwen3-30B-A3B: 61 GB of BF16 weights, not the 6.6 GB its 3.3B active parameters would say", () => {
    const { memory, parameters } = estimateInferenceFromSpec(spec("Qwen__Qwen3-30B-A3B"));
    expect(memory.weightsBytes).toBe(parameters.total * 2);
    expect(memory.weightsBytes / GB).toBeGreaterThan(61);
    expect(memory.weightsBytes / (parameters.active * 2)).toBeGreaterThan(9);
  });
});

describe("KV heads and head_dim (vx-lang/Vx#303, LMCache#688)", () => {
  it("Llama-3.1-70B at 32K: 10 GiB of KV with its 8 KV heads, not the 80 GiB of 64 query heads", () => {
    const bytes = kvCacheBytes(spec("meta-llama__Meta-Llama-3-70B"), {
      contextLength: 32_768,
      batchSize: 1,
      kvCacheDtype: "bf16",
    });
    expect(bytes / GIB).toBe(10);
    expect((2 * 80 * 64 * 128 * 2 * 32_768) / GIB).toBe(80);
  });

  it("Qwen3-30B-A3B's explicit head_dim 128 (hidden / heads would be 64): 98,304 B/token, not half", () => {
    expect(kvCacheBytesPerToken(spec("Qwen__Qwen3-30B-A3B"), "bf16")).toBe(48 * 2 * 4 * 128 * 2);
  });
});

describe("MLA agrees with the closest TypeScript peer (hf-mem-ts README, peers.md)", () => {
  it("DeepSeek-V3 layout at 32,768 tokens, BF16, compressed latent: 2,302,672,896 B per sequence", () => {
    // DeepSeek-R1 has DeepSeek-V3's attention: 61 layers × (512 latent + 64 rope) × 2 B per token.
    expect(61 * (512 + 64) * 2 * 32_768).toBe(2_302_672_896);
    const bytes = kvCacheBytes(spec("deepseek-ai__DeepSeek-R1"), {
      contextLength: 32_768,
      batchSize: 1,
      kvCacheDtype: "bf16",
    });
    expect(bytes).toBe(2_302_672_896);
  });
});

describe("sliding windows, by engine (hf-mem#60, hf-mem#70, ollama#16958)", () => {
  it("gpt-oss-120b: vLLM's 73,728 B/token, not the 36,864 of counting full-attention layers only", () => {
    expect(kvCacheBytesPerToken(spec("openai__gpt-oss-120b"), "bf16")).toBe(73_728);
  });

  it("llama.cpp caps Gemma-3's 29 sliding layers at 1,024 tokens: 5.8× less than all-global at 32K", () => {
    const gemma = spec("google__gemma-3-4b-it");
    const options = {
      contextLength: 32_768,
      batchSize: 1,
      kvCacheDtype: "bf16",
      engine: "llamacpp",
    } as const;
    const allGlobal = 34 * 2 * 4 * 256 * 2 * 32_768;
    expect(allGlobal / kvCacheBytes(gemma, options)).toBeCloseTo(1_114_112 / 193_536, 6);
  });
});

describe("pre-quantized repos (huggingface.js#1770, llmfit#1045)", () => {
  it("a GPTQ repo's parameters are counted unpacked (14.3B), and its weights at 4.156 bits, not 16 or 4", () => {
    const { parameters, memory } = estimateInferenceFromSpec(
      spec("Qwen__Qwen1.5-MoE-A2.7B-Chat-GPTQ-Int4"),
    );
    expect(parameters.total / 1e9).toBeCloseTo(14.3, 1);
    expect(memory.weightsBytes).toBeGreaterThan(parameters.total * 0.5);
    expect(memory.weightsBytes).toBeLessThan(parameters.total * 2 * 0.35);
  });
});

describe("state caches (kaito#2302) and image tokens (vllm#20123)", () => {
  it("a hybrid Mamba model's per-sequence state is counted and does not grow with context", () => {
    const nemotron = spec("nvidia__NVIDIA-Nemotron-3-Nano-30B-A3B-BF16");
    const short = estimateInferenceFromSpec(nemotron, { contextLength: 1024, batchSize: 8 });
    const long = estimateInferenceFromSpec(nemotron, { contextLength: 131_072, batchSize: 8 });
    expect(short.memory.stateCacheBytes).toBeGreaterThan(0);
    expect(long.memory.stateCacheBytes).toBe(short.memory.stateCacheBytes);
  });

  it("a huge image costs Qwen2.5-VL up to 16,384 tokens of KV per image", () => {
    const { assumptions } = estimateInferenceFromSpec(spec("Qwen__Qwen2.5-VL-3B-Instruct"), {
      imagesPerRequest: 1,
      imageSize: { width: 3584, height: 3584 },
    });
    // 3584 / 28 = 128 tokens a side: 16,384, the processor's cap.
    expect(assumptions.imageTokensPerSequence).toBe(16_384);
  });
});
