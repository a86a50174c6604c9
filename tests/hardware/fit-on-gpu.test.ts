import { describe, expect, it } from "vitest";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { fitOnGpuFromSpec, InvalidOptionError, parseModelConfig } from "../../src/index.js";
import { findBundledModel } from "../../src/model/bundled/find-bundled-model.js";

// The issue's headline case, vllm#10517 (vLLM 0.6.4, one RTX 3090, util 0.9, Llama-3.1-8B):
// 20,000 tokens start with 1,952 blocks, 29,000 are refused (23,648 tokens), 35,000 start.
const GIB = 1024 ** 3;
const llama31 = parseModelConfig(
  JSON.parse(
    readFileSync(
      join(
        import.meta.dirname,
        "../../fixtures/measurements/configs/meta-llama__Llama-3.1-8B-Instruct.json",
      ),
      "utf8",
    ),
  ) as object,
);
const rtx3090 = { gpu: "nvidia-rtx-3090", gpuMemoryUtilization: 0.9, engineVersion: "0.6.4" };

describe("fitOnGpuFromSpec: Llama-3.1-8B on one RTX 3090 under vLLM 0.6.4", () => {
  it("itemizes vLLM's budget: 23.58 GiB × 0.9 − weights − activation − non-torch = the KV cache", () => {
    const fit = fitOnGpuFromSpec(llama31, { ...rtx3090, contextLength: 20_000 });
    const b = fit.budget;
    expect(fit.kind).toBe("fit");
    expect(b.total.bytes).toBe(Math.round(23.58 * GIB));
    expect(b.utilizationCap.bytes).toBe(Math.floor(b.total.bytes * 0.9));
    // 8,030,261,248 × 2 B + the rotary cache 131,072 × 128 × 2 B: "Loading model weights took 14.9888 GB".
    expect(b.weights.bytes).toBe(8_030_261_248 * 2 + 131_072 * 128 * 2);
    // Profile run without chunked prefill: a 20,000-token prompt at 2 × (3 × 4,096 + 3 × 14,336) B.
    expect(b.activationPeak.bytes).toBe(20_000 * 2 * (3 * 4096 + 3 * 14_336));
    expect(b.nonTorch.bytes).toBe(Math.round(0.35 * GIB));
    expect(b.cudaGraphs.bytes).toBe(0);
    expect(b.kvCache.bytes).toBe(
      b.utilizationCap.bytes - b.weights.bytes - b.activationPeak.bytes - b.nonTorch.bytes,
    );
    // 16 tokens × 32 layers × 2 × 8 KV heads × 128 × 2 B = 2 MiB per block.
    expect(fit.kvCache.blocks).toBe(Math.floor(b.kvCache.bytes / (2 * 1024 ** 2)));
    expect(fit.kvCache.tokens).toBe(fit.kvCache.blocks * 16);
    expect(Math.abs(fit.kvCache.blocks / 1952 - 1)).toBeLessThan(0.01); // vLLM: 1,952 blocks
    expect(fit.maxConcurrency).toBeCloseTo((fit.kvCache.blocks * 16) / 20_000, 10); // vLLM: 1.56x
    expect(fit.fits).toBe(true);
    for (const term of Object.values(b)) {
      expect(term.rule.length).toBeGreaterThan(10);
      expect(term.source.length).toBeGreaterThan(10);
    }
  });

  it("refuses 29,000 tokens the way vLLM worded it, and says 35,000 start again (chunked prefill)", () => {
    const refused = fitOnGpuFromSpec(llama31, { ...rtx3090, contextLength: 29_000 });
    expect(refused.fits).toBe(false);
    expect(refused.starts).toBe(false);
    expect(refused.refusal).toMatch(
      /^The model's max seq len \(29000\) is larger than the maximum number of tokens that can be stored in KV cache \(\d+\)/,
    );
    expect(Math.abs(refused.kvCache.tokens / 23_648 - 1)).toBeLessThan(0.01);
    expect(refused.verdict).toContain("refuses to start");
    const long = fitOnGpuFromSpec(llama31, { ...rtx3090, contextLength: 35_000 });
    expect(long.starts).toBe(true);
    expect(long.assumptions.chunkedPrefill).toBe(true);
    expect(long.assumptions.maxNumBatchedTokens).toBe(512);
    // The longest max_model_len that starts is past 32K, where the profile batch is small.
    expect(refused.maxContextLength).toBe(long.maxContextLength);
    expect(long.maxContextLength).toBeGreaterThan(35_000);
  });
});

describe("fitOnGpuFromSpec: options", () => {
  const llama8b = parseModelConfig(findBundledModel("meta-llama/Meta-Llama-3-8B")!.config);

  it("a bad GPU id is a usage error naming the closest ids", () => {
    expect(() => fitOnGpuFromSpec(llama8b, { gpu: "nvidia-rtx-309" })).toThrow(InvalidOptionError);
    try {
      fitOnGpuFromSpec(llama8b, { gpu: "nvidia-rtx-309" });
    } catch (error) {
      expect((error as InvalidOptionError).hint).toBe('Did you mean "nvidia-rtx-3090"?');
    }
    expect(() => fitOnGpuFromSpec(llama8b, {})).toThrow(/gpu: a GPU catalog id is required/);
  });

  it("refuses a TP that cannot split the heads, and unknown option keys", () => {
    expect(() => fitOnGpuFromSpec(llama8b, { gpu: "nvidia-l4", tensorParallel: 3 })).toThrow(
      /TP 3 does not divide the 32 attention heads/,
    );
    const typo: Record<string, unknown> = { gpu: "nvidia-l4", contextLenght: 10 };
    const misspelt = () => fitOnGpuFromSpec(llama8b, typo);
    expect(misspelt).toThrow(/has no option "contextLenght"/);
    try {
      misspelt();
    } catch (error) {
      expect((error as InvalidOptionError).hint).toBe('Did you mean "contextLength"?');
    }
  });

  it("defaults max_model_len to the model's max_position_embeddings, as vLLM does", () => {
    const fit = fitOnGpuFromSpec(llama8b, { gpu: "nvidia-h100-sxm" });
    expect(fit.assumptions.contextLength).toBe(8192);
    expect(fit.assumptions.notes.join(" ")).toContain("max_position_embeddings");
    expect(fit.engine.version).toBe("0.21.0");
    // V1 ≥ 0.21 on an H100: 8,192 batched tokens, 1,024 sequences, 0.5 GiB of CUDA graphs.
    expect(fit.assumptions.maxNumBatchedTokens).toBe(8192);
    expect(fit.assumptions.maxNumSeqs).toBe(1024);
    expect(fit.budget.cudaGraphs.bytes).toBe(Math.round(0.5 * GIB));
    expect(fit.budget.activationPeak.bytes).toBe(1024 * 128_256 * 40);
  });

  it("SGLang: free at start × mem_fraction_static − weights, and no refusal below one request", () => {
    const fit = fitOnGpuFromSpec(llama8b, {
      gpu: "nvidia-rtx-3090",
      engine: "sglang",
      engineVersion: "0.4.2",
      contextLength: 8192,
      batchSize: 64,
    });
    const free = Math.round(23.58 * GIB) - Math.round(0.42 * GIB);
    const cap = Math.floor(free * 0.88);
    expect(fit.budget.utilizationCap.bytes).toBe(cap);
    expect(fit.budget.kvCache.bytes).toBe(cap - fit.budget.weights.bytes);
    // 32 layers × 2 × 8 KV heads × 128 × 2 B = 131,072 B per token.
    expect(fit.kvCache.tokens).toBe(Math.floor(fit.budget.kvCache.bytes / 131_072));
    expect(fit.starts).toBe(true);
    expect(fit.fits).toBe(fit.kvCache.tokens >= 64 * 8192);
  });
});
