import { describe, expect, it } from "vitest";
import { runBuiltCli, runCli } from "../helpers/cli.js";

// Offline, with a temporary home (runCli's default): the bundled snapshot or a fixture file, never a Hub.
const LLAMA_31 = "fixtures/measurements/configs/meta-llama__Llama-3.1-8B-Instruct.json";
// vllm#10517: vLLM 0.6.4, one RTX 3090, gpu_memory_utilization 0.9.
const RTX_3090 = ["--gpu", "nvidia-rtx-3090", "--gpu-util", "0.9", "--engine-version", "0.6.4"];

describe("vramfit fit (in-process)", () => {
  it("prints vLLM's own memory-profiling lines and exits 1 when vLLM would refuse (29,000 tokens)", async () => {
    const { code, stdout, stderr } = await runCli([
      "fit",
      LLAMA_31,
      ...RTX_3090,
      "--context",
      "29000",
    ]);
    expect(stderr).toBe("");
    expect(code).toBe(1);
    // The log reads "total_gpu_memory=23.58GiB ... gpu_memory_utilization=0.90", 0.9 × 23.58 = 21.22.
    expect(stdout).toContain(
      "the current vLLM instance can use total_gpu_memory (23.58GiB) x gpu_memory_utilization (0.90) = 21.22GiB",
    );
    expect(stdout).toMatch(
      /model weights take 14\.99GiB; non_torch_memory takes 0\.35GiB; PyTorch activation peak memory takes 2\.99GiB/,
    );
    expect(stdout).toContain(
      "The model's max seq len (29000) is larger than the maximum number of tokens that can be stored in KV cache",
    );
    expect(stdout).toMatch(/REFUSED {2}vLLM 0\.6\.4 refuses to start on 1 × GeForce RTX 3090 24GB/);
    for (const term of [
      "Total (driver)",
      "Utilization cap",
      "− Weights",
      "− Activation peak",
      "− Non-torch",
      "− CUDA graphs",
      "= KV cache",
    ]) {
      expect(stdout).toContain(term);
    }
    expect(stdout).toContain("https://github.com/vllm-project/vllm/issues/10517");
    // vllm#10517 itself: 35,000 tokens started where 29,000 did not (chunked prefill above 32K).
    expect(stdout).toMatch(/a longer max_model_len \(up to [\d,]+\) fits where 29,000 does not/);
  });

  it("exits 0 at 20,000 tokens; --json is the GpuFit with whole bytes", async () => {
    const { code, stdout } = await runCli([
      "fit",
      LLAMA_31,
      ...RTX_3090,
      "--context",
      "20000",
      "--json",
    ]);
    expect(code).toBe(0);
    const fit = JSON.parse(stdout);
    expect(fit.kind).toBe("fit");
    expect(fit.fits).toBe(true);
    expect(fit.kvCache.tokens).toBe(fit.kvCache.blocks * 16);
    expect(fit.budget.total.bytes).toBe(Math.round(23.58 * 1024 ** 3));
    expect(Number.isSafeInteger(fit.weightsBytesPerGpu)).toBe(true);
  });

  it("a GPU id that is not in the catalog is a usage error listing the close ones", async () => {
    const { code, stderr } = await runCli([
      "fit",
      "meta-llama/Meta-Llama-3-8B",
      "--gpu",
      "nvidia-h100",
      "--offline",
    ]);
    expect(code).toBe(2);
    expect(stderr).toContain('error: Invalid --gpu: no accelerator "nvidia-h100" in the catalog');
    expect(stderr).toContain(
      "hint: Close matches: nvidia-h100-pcie, nvidia-h100-sxm, nvidia-h100-nvl.",
    );
    const missing = await runCli(["fit", "meta-llama/Meta-Llama-3-8B"]);
    expect(missing.code).toBe(2);
    expect(missing.stderr).toContain("--gpu is required");
  });

  it("SGLang prints its pool lines", async () => {
    const { stdout } = await runCli([
      "fit",
      LLAMA_31,
      "--gpu",
      "nvidia-h100-sxm",
      "--engine",
      "sglang",
      "--engine-version",
      "0.4.1",
    ]);
    expect(stdout).toMatch(
      /KV Cache is allocated\. #tokens: \d+, K size: [\d.]+ GB, V size: [\d.]+ GB/,
    );
    expect(stdout).toContain("mem_fraction_static 0.88");
  });
});

describe("vramfit fit (built binary)", () => {
  it("is listed in vramfit --help and runs", async () => {
    expect((await runBuiltCli(["--help"])).stdout).toMatch(/\bfit\b.*vLLM or SGLang/);
    const { code } = await runBuiltCli(["fit", LLAMA_31, ...RTX_3090, "--context", "35000"]);
    expect(code).toBe(0);
  });
});
