import { describe, expect, it } from "vitest";
import {
  InvalidOptionError,
  parseModelConfig,
  estimateInferenceFromSpec,
} from "../../../src/index.js";
import {
  atLeast,
  parseEngineRelease,
  sglangEra,
  vllmEra,
} from "../../../src/memory/serving/engine-version.js";
import {
  cdiv,
  kvBlocks,
  kvBytesPerLayerPerToken,
  stageLayers,
} from "../../../src/memory/serving/kv-pages.js";
import { forwardPeakBytes, samplerPeakBytes } from "../../../src/memory/serving/profile-run.js";
import { servingModelFromSpec } from "../../../src/memory/serving/serving-model.js";
import {
  sglangChunkedPrefillSize,
  sglangDefaultMemFraction,
} from "../../../src/memory/serving/sglang-budget.js";
import {
  mxfp4ExpertsAsLoadedBytes,
  rotaryCacheBytes,
  weightsAsLoaded,
} from "../../../src/memory/serving/weights-as-loaded.js";
import { MXFP4_EXPERT_PADDING } from "../../../src/memory/serving/engine-rules.js";
import { findBundledModel } from "../../../src/model/bundled/find-bundled-model.js";
import { readFileSync } from "node:fs";
import { join } from "node:path";

// Every expected figure is a log line's (URL in the test name or comment) or arithmetic worked
// here from the model's published shapes.
const GIB = 1024 ** 3;
const MIB = 1024 ** 2;

function servingModel(repoOrFile: string) {
  const config = repoOrFile.endsWith(".json")
    ? (JSON.parse(
        readFileSync(join(import.meta.dirname, "../../..", repoOrFile), "utf8"),
      ) as object)
    : findBundledModel(repoOrFile)!.config;
  const spec = parseModelConfig(config);
  const estimate = estimateInferenceFromSpec(spec);
  return servingModelFromSpec(spec, {
    weightsBytes: estimate.memory.weightsBytes,
    activationBytes: 2,
    breakdown: estimate.parameters.breakdown,
  });
}

const llama31 = servingModel(
  "fixtures/measurements/configs/meta-llama__Llama-3.1-8B-Instruct.json",
);
const gemma3 = servingModel("google/gemma-3-4b-it");
const gptOss120 = servingModel("openai/gpt-oss-120b");
const gptOss20 = servingModel("fixtures/measurements/configs/openai__gpt-oss-20b.json");
const v2Lite = servingModel("deepseek-ai/DeepSeek-V2-Lite");

describe("engine releases", () => {
  it("reads the versions engines print, and 'latest'", () => {
    expect(parseEngineRelease("vllm", "0.6.4")).toEqual({ major: 0, minor: 6, patch: 4 });
    expect(parseEngineRelease("vllm", "v0.10.1")).toEqual({ major: 0, minor: 10, patch: 1 });
    expect(parseEngineRelease("vllm", "0.15.2rc1.dev93+g11a4c9d30")).toEqual({
      major: 0,
      minor: 15,
      patch: 2,
    });
    expect(atLeast(parseEngineRelease("vllm", "latest"), 0, 21)).toBe(true);
    expect(() => parseEngineRelease("vllm", "newest")).toThrow(InvalidOptionError);
  });

  it("maps releases to the eras of vLLM's accounting (PR #2031, #10517's 0.6.4, PR #10511, V1, v0.21)", () => {
    const era = (text: string) => vllmEra(parseEngineRelease("vllm", text));
    expect(era("0.2.0")).toBe("torch-peak");
    expect(era("0.2.5")).toBe("device-peak");
    expect(era("0.6.4")).toBe("torch-and-non-torch");
    expect(era("0.7.3")).toBe("profiled");
    expect(era("0.8.0")).toBe("v1");
    expect(era("0.20.2")).toBe("v1");
    expect(era("0.21.0")).toBe("v1-graphs");
    expect(sglangEra(parseEngineRelease("sglang", "0.4.3"))).toBe("tp-table");
    expect(sglangEra(parseEngineRelease("sglang", "latest"))).toBe("reserve-heuristic");
  });
});

describe("the profile run's activation peak", () => {
  it("Llama-3.1-8B forward: 2 × (3 × 4,096 + 3 × 14,336) B per token; vllm#10517 logs 2.07 and 2.99 GiB", () => {
    expect(forwardPeakBytes(llama31, 20_000, 1)).toBe(20_000 * 2 * (3 * 4096 + 3 * 14_336));
    expect(forwardPeakBytes(llama31, 20_000, 1) / GIB).toBeCloseTo(2.07, 1);
    expect(forwardPeakBytes(llama31, 29_000, 1) / GIB).toBeCloseTo(2.99, 1);
    // Tensor parallelism splits the MLP width, not the hidden copies.
    expect(forwardPeakBytes(llama31, 2048, 2)).toBe(2048 * 2 * (3 * 4096 + (3 * 14_336) / 2));
  });

  it("the sampler at 1,024 rows of gemma-3-4b's 262,208 logits: 10.0 GiB (vllm PR #21489 logs 9.96 GiB)", () => {
    expect(samplerPeakBytes(gemma3, 1024)).toBe(1024 * 262_208 * 40);
    expect(Math.abs(samplerPeakBytes(gemma3, 1024) / GIB - 9.96)).toBeLessThan(0.1);
  });
});

describe("weights as vLLM loads them", () => {
  const gpuWith = (computeCapability: number | null) => ({
    name: "GPU",
    family: "GPU",
    memoryBytes: 81_559 * MIB,
    cudaMemoryBytes: Math.round(79.22 * GIB),
    cudaMemorySource: "test",
    computeCapability,
  });
  const h100 = gpuWith(9.0);
  const tp1 = { tensorParallel: 1, pipelineParallel: 1, extraWeightsBytes: 0 };
  const loadedGiB = (model: typeof llama31, gpu = h100) =>
    weightsAsLoaded(model, gpu, tp1).bytes / GIB;

  it("the rotary cache: Llama-3-8B 8,192 and Llama-3.1-8B 131,072 rows of 128 (vllm#12330 14.9595, #10517 14.9888 GiB)", () => {
    const llama3 = servingModel("meta-llama/Meta-Llama-3-8B");
    expect(rotaryCacheBytes(llama3)).toBe(8192 * 128 * 2);
    expect(rotaryCacheBytes(llama31)).toBe(131_072 * 128 * 2);
    expect(rotaryCacheBytes(llama31)).toBe(32 * MIB);
    // Both load 8,030,261,248 BF16 parameters; the table is the whole difference.
    expect(loadedGiB(llama3)).toBeCloseTo(14.9595, 3);
    expect(loadedGiB(llama31)).toBeCloseTo(14.9888, 3);
  });

  it("Gemma-3-4B: two 256-wide tables, the global one linear × 8 (vllm PR #21489 on B200: 8.58 GiB of weights)", () => {
    // (131,072 × 8 + 131,072) rows × 256 × 2 B = 576 MiB: not the 64 MiB of positions × head_dim.
    expect(rotaryCacheBytes(gemma3)).toBe((131_072 * 8 + 131_072) * 256 * 2);
    expect(rotaryCacheBytes(gemma3)).toBe(576 * MIB);
    // "Actual usage is 8.58 GiB for weight": within 1 %.
    expect(Math.abs(loadedGiB(gemma3, gpuWith(10.0)) / 8.58 - 1)).toBeLessThan(0.01);
  });

  // gpt-oss experts: H = 2,880 hidden, N = 2,880 wide; per expert vLLM creates gate_up [2N, H] and
  // down [H, N] at 4 bits + one 8-bit scale per 32 (17/32 B per value), and BF16 biases [2N], [H].
  const expertBytes = (n: number, h: number) => (3 * n * h * 17) / 32 + 2 * (2 * n + h);
  // The estimate's bytes for them: every expert parameter, biases included, at 4.25 bits.
  const sizedBytes = (experts: number) => (experts * (3 * 2880 * 2880 + 3 * 2880) * 4.25) / 8;

  it("gpt-oss-120b on an H100: Marlin pads N to 2,944 and H to 3,072, biases in BF16; vllm#23278 logs 65.9651 GiB", () => {
    const experts = 36 * 128;
    expect(mxfp4ExpertsAsLoadedBytes(gptOss120, MXFP4_EXPERT_PADDING.marlin, 1)).toBe(
      experts * expertBytes(2944, 3072),
    );
    const loaded = weightsAsLoaded(gptOss120, h100, tp1);
    expect(loaded.mxfp4ExtraBytes).toBe(
      Math.ceil(experts * expertBytes(2944, 3072) - sizedBytes(experts)),
    );
    expect(Math.abs(loaded.bytes / GIB / 65.9651 - 1)).toBeLessThan(0.002);
  });

  it("gpt-oss-20b on an A100 (Marlin, compute capability 8.0): 13.72 GiB logged (myoceane.fr, vLLM 0.19)", () => {
    const experts = 24 * 32;
    const loaded = weightsAsLoaded(gptOss20, gpuWith(8.0), tp1);
    expect(loaded.mxfp4ExtraBytes).toBe(
      Math.ceil(experts * expertBytes(2944, 3072) - sizedBytes(experts)),
    );
    expect(Math.abs(loaded.bytes / GIB / 13.72 - 1)).toBeLessThan(0.005);
  });

  it("B200 (10.0) runs FlashInfer's SM100 path, which pads both widths to 256 although FP4 is native", () => {
    const experts = 36 * 128;
    const b200 = weightsAsLoaded(gptOss120, gpuWith(10.0), tp1);
    expect(b200.mxfp4Kernel).toBe(MXFP4_EXPERT_PADDING.flashinferSm100);
    expect(b200.mxfp4ExtraBytes).toBe(
      Math.ceil(experts * expertBytes(3072, 3072) - sizedBytes(experts)),
    );
    // 3,072² / 2,880² − 1 = 13.8 % larger experts than stored, against Marlin's 9.0 %.
    expect(b200.bytes).toBeGreaterThan(weightsAsLoaded(gptOss120, h100, tp1).bytes);
    // Consumer Blackwell (12.0) is outside FlashInfer's SM100 family: Marlin.
    expect(weightsAsLoaded(gptOss120, gpuWith(12.0), tp1).mxfp4Kernel).toBe(
      MXFP4_EXPERT_PADDING.marlin,
    );
  });

  it("tensor parallelism pads each rank's slice: 2,880 / 2 = 1,440 → 1,536 on Marlin", () => {
    const experts = 36 * 128;
    expect(mxfp4ExpertsAsLoadedBytes(gptOss120, MXFP4_EXPERT_PADDING.marlin, 2)).toBe(
      experts * expertBytes(1536, 3072),
    );
    const tp2 = weightsAsLoaded(gptOss120, h100, { ...tp1, tensorParallel: 2 });
    expect(tp2.mxfp4ExtraBytes).toBe(
      Math.ceil(2 * experts * expertBytes(1536, 3072) - sizedBytes(experts)),
    );
  });

  it("models without MXFP4 experts or RoPE load as stored", () => {
    const plain = weightsAsLoaded({ ...llama31, rotaryCacheValues: 0 }, h100, tp1);
    expect(plain.mxfp4ExtraBytes).toBe(0);
    expect(plain.mxfp4Kernel).toBeNull();
    expect(plain.bytes).toBe(llama31.weightsBytes);
  });
});

describe("KV pages and blocks", () => {
  it("MLA in vLLM 0.7 (V0) pads each 1,152-byte entry to 1,280: 14.96 GiB hold 29,055 blocks (vllm#15196)", () => {
    const release = parseEngineRelease("vllm", "0.7.2");
    expect(kvBytesPerLayerPerToken(v2Lite, 2, 1, "profiled", release)).toBe(1280);
    expect((29_055 * 16 * 27 * 1280) / GIB).toBeCloseTo(14.96, 2);
    expect((29_055 * 16 * 27 * 1152) / GIB).toBeCloseTo(13.47, 2); // unpadded: not what was logged
  });

  it("MLA in V1 caches the unpadded latent: 32,768 tokens × 27 × 576 × 2 B = 0.95 GiB (vllm#15871)", () => {
    const release = parseEngineRelease("vllm", "0.8.3");
    expect(kvBytesPerLayerPerToken(v2Lite, 2, 1, "v1", release)).toBe(576 * 2);
    expect((32_768 * 27 * 576 * 2) / GIB).toBeCloseTo(0.95, 2);
  });

  it("MLA before 0.7.1 was per-head K and V padded to 256: 14.2× the latent for V2-Lite", () => {
    const release = parseEngineRelease("vllm", "0.5.0");
    expect(kvBytesPerLayerPerToken(v2Lite, 2, 1, "device-peak", release)).toBe(16 * 256 * 2 * 2);
    expect((16 * 256 * 2) / 576).toBeCloseTo(14.2, 1);
  });

  it("FP8 pages: 10.55 GiB hold 230,528 tokens of 48 layers × 4 KV heads × 128 (vllm#25350)", () => {
    // One block: 16 tokens × 48 × 2 × 4 × 128 × 1 B = 786,432 B; 10.55 GiB is rounded to ±0.005.
    const blocks = Math.floor((10.55 * GIB) / 786_432);
    expect(Math.abs(blocks * 16 - 230_528)).toBeLessThan(((0.005 * GIB) / 786_432) * 16);
  });

  it("Qwen3-14B: 6.51 GiB → 2,666 blocks → 42,656 tokens (LMCache#1739)", () => {
    expect(Math.floor((6.51 * GIB) / (16 * 40 * 2 * 8 * 128 * 2))).toBe(2666);
  });

  it("the hybrid allocator: gpt-oss at 131,072 tokens needs its 18 full layers' 8,192 blocks each (4.5 GiB)", () => {
    const layers = stageLayers(gptOss120, 1);
    expect(layers).toEqual({ full: 18, sliding: 18, chunked: 0 });
    const page = 16 * 2 * 8 * 64 * 2; // 32,768 B per layer per block
    const kv = kvBlocks(layers, gptOss120, 10 * GIB, {
      bytesPerLayerPerToken: 2 * 8 * 64 * 2,
      blockSize: 16,
      contextLength: 131_072,
      maxNumBatchedTokens: 1024,
      hybridAllocator: true,
    });
    // A sliding layer keeps window − 1 + 1,024 = 1,151 tokens: 72 + 1 blocks.
    expect(kv.neededBytesPerRequest).toBe(18 * 8192 * page + 18 * (cdiv(1151, 16) + 1) * page);
    expect(18 * 8192 * page).toBe(4.5 * GIB);
    expect(kv.blocks).toBe(Math.floor((10 * GIB) / (page * 18)));
    expect(kv.maxConcurrency).toBeCloseTo(kv.blocks / (8192 + 73), 10);
  });
});

describe("SGLang's defaults", () => {
  const gpu = (memoryMiB: number) => ({
    name: "GPU",
    family: "GPU",
    memoryBytes: memoryMiB * MIB,
    cudaMemoryBytes: (memoryMiB - 512) * MIB,
    cudaMemorySource: "test",
    computeCapability: 9.0,
  });
  const tp = (n: number) => ({ tensorParallel: n, pipelineParallel: 1, extraWeightsBytes: 0 });
  it("≤ 0.4: mem_fraction_static by TP (0.88 at TP 1, 0.85 at TP 4: the docs run and the 4 × L4 run)", () => {
    expect(sglangDefaultMemFraction("tp-table", gpu(81_559), tp(1), 8192)).toBe(0.88);
    expect(sglangDefaultMemFraction("tp-table", gpu(23_034), tp(4), 2048)).toBe(0.85);
    expect(sglangDefaultMemFraction("tp-table", gpu(143_771), tp(8), 8192)).toBe(0.81);
    expect(sglangChunkedPrefillSize("tp-table", 23_034)).toBe(2048);
  });

  it("≥ 0.5.4 (PR #10975): an H100 at TP 1 reserves 512 + 1.5 × 8,192 + 2 × 160 + 128 MiB", () => {
    const reserve = 512 + 1.5 * 8192 + 2 * 160 + 1024 / 8; // 13,248 MiB
    const expected = Math.round(((81_559 - reserve) / 81_559) * 1000) / 1000; // 0.838
    expect(sglangChunkedPrefillSize("reserve-heuristic", 81_559)).toBe(8192);
    expect(sglangDefaultMemFraction("reserve-heuristic", gpu(81_559), tp(1), 8192)).toBe(expected);
  });
});
