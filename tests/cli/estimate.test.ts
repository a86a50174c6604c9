import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { FIXTURES_DIR } from "../helpers/fixtures.js";
import { runCli } from "../helpers/cli.js";

const LLAMA_70B = "meta-llama/Meta-Llama-3-70B";

describe("vramfit estimate (in-process)", () => {
  it("prints the worked example with every figure labelled GB (10^9)", async () => {
    const { code, stdout, stderr } = await runCli([
      "estimate",
      LLAMA_70B,
      "--context",
      "4k",
      "--batch",
      "8",
      "--weights",
      "bf16",
    ]);
    expect(stderr).toBe("");
    expect(code).toBe(0);
    expect(stdout).toContain("GB (10^9)");
    expect(stdout).toContain("bundled snapshot");
    expect(stdout).toMatch(/KV cache \(BF16\)\s+10\.74\s+10,737,418,240/);
    expect(stdout).toMatch(/Total \(headline rule\)\s+168\.78/); // 141.11 + 10.74 + 16.93 with the real 70.55 B parameters
  });

  it("--units gib labels every figure GiB (2^30): the KV cache is exactly 10.00 GiB", async () => {
    const { stdout } = await runCli([
      "estimate",
      LLAMA_70B,
      "--context",
      "4096",
      "--batch",
      "8",
      "--units",
      "gib",
    ]);
    expect(stdout).toContain("GiB (2^30)");
    expect(stdout).not.toContain("GB (10^9)");
    expect(stdout).toMatch(/KV cache \(BF16\)\s+10\.00/);
  });

  it("--json prints the documented fields in bytes", async () => {
    const { code, stdout } = await runCli([
      "estimate",
      LLAMA_70B,
      "--context",
      "4096",
      "--batch",
      "8",
      "--params",
      "70e9",
      "--json",
    ]);
    expect(code).toBe(0);
    const estimate = JSON.parse(stdout);
    expect(estimate.parameters.total).toBe(70e9);
    expect(estimate.parameters.source).toBe("override");
    expect(estimate.memory.weightsBytes).toBe(140e9);
    expect(estimate.memory.kvCacheBytes).toBe(10_737_418_240);
    expect(estimate.memory.kvCacheBytesPerToken).toBe(327_680);
    expect(estimate.memory.totalBytes).toBe(
      estimate.memory.weightsBytes + estimate.memory.kvCacheBytes + estimate.memory.overheadBytes,
    );
    expect(estimate.assumptions).toMatchObject({
      contextLength: 4096,
      batchSize: 8,
      overheadFraction: 0.12,
    });
    expect(estimate.model.source.kind).toBe("bundled");
  });

  it("reads a config.json path and a folder holding one", async () => {
    const folder = join(FIXTURES_DIR, "models", "meta-llama__Meta-Llama-3-8B");
    const fromFile = await runCli(["estimate", join(folder, "config.json"), "--json"]);
    const fromFolder = await runCli(["estimate", folder, "--json"]);
    expect(JSON.parse(fromFile.stdout).parameters.total).toBe(8_030_261_248);
    expect(JSON.parse(fromFolder.stdout).model.source).toEqual({
      kind: "file",
      path: join(folder, "config.json"),
    });
  });

  it("resolves a relative path against the working directory", async () => {
    const { stdout } = await runCli(["estimate", "models/openai-community__gpt2", "--json"], {
      cwd: FIXTURES_DIR,
    });
    expect(JSON.parse(stdout).spec.numLayers).toBe(12);
  });

  it("exits 1 with message and hint for an unknown model, without a stack trace", async () => {
    const { code, stdout, stderr } = await runCli(["estimate", "nobody/nothing"]);
    expect(code).toBe(1);
    expect(stdout).toBe("");
    expect(stderr).toMatch(
      /^error: Model "nobody\/nothing" is neither a local path nor in vramfit's bundled snapshot, and offline there is no cached copy of it \(revision main\)\.\nhint: /,
    );
    expect(stderr).not.toMatch(/at .*\.ts:\d+/);
  });

  it("exits 1 for an invalid config file, naming the file and the field", async () => {
    const dir = mkdtempSync(join(tmpdir(), "vramfit-"));
    writeFileSync(
      join(dir, "config.json"),
      JSON.stringify({ model_type: "llama", hidden_size: "4096" }),
    );
    const { code, stderr } = await runCli(["estimate", dir]);
    expect(code).toBe(1);
    expect(stderr).toContain(
      `Invalid config.json for ${join(dir, "config.json")} at "hidden_size"`,
    );
  });

  it("exits 1 for a folder without config.json", async () => {
    const dir = mkdtempSync(join(tmpdir(), "vramfit-"));
    const { code, stderr } = await runCli(["estimate", dir]);
    expect(code).toBe(1);
    expect(stderr).toMatch(/No config.json in the folder/);
  });

  it.each([
    [["estimate"], /estimate needs a model/],
    [["estimate", LLAMA_70B, "--batch", "0"], /--batch expects a positive whole number, got "0"/],
    [["estimate", LLAMA_70B, "--context", "lots"], /--context expects a positive whole number/],
    [["estimate", LLAMA_70B, "--weights", "int3"], /--weights expects one of auto, fp32/],
    [["estimate", LLAMA_70B, "--overhead", "2"], /--overhead expects a fraction/],
    [["estimate", LLAMA_70B, "--frobnicate"], /unknown option --frobnicate/],
    [["frobnicate"], /unknown command "frobnicate"/],
  ])("exits 2 on a usage error: %j", async (argv, message) => {
    const { code, stderr } = await runCli(argv);
    expect(code).toBe(2);
    expect(stderr).toMatch(message);
  });

  it("--help for the program and for each command", async () => {
    const top = await runCli(["--help"]);
    expect(top.code).toBe(0);
    expect(top.stdout).toMatch(/estimate\s+GPU memory to serve a model/);
    const command = await runCli(["estimate", "--help"]);
    expect(command.code).toBe(0);
    expect(command.stdout).toMatch(/^Usage: vramfit estimate <model>/);
    expect((await runCli(["help", "estimate"])).stdout).toBe(command.stdout);
  });
});

describe("vramfit estimate: the accounting beyond dense decoders", () => {
  it("DeepSeek-R1 shows experts total vs active, the MLA latent and the FP8 checkpoint", async () => {
    const { code, stdout } = await runCli([
      "estimate",
      "deepseek-ai/DeepSeek-R1",
      "--context",
      "8k",
    ]);
    expect(code).toBe(0);
    expect(stdout).toMatch(/256 routed .* in 58 of 61 layers; 8 routed per token/);
    expect(stdout).toMatch(/active 37\.6 B of 671\.0 B parameters per token/);
    expect(stdout).toMatch(/512 latent \+ 64 rope = 576 values per token per layer/);
    expect(stdout).toMatch(/pre-quantized FP8, 128×128 blocks/);
    // 61 × 576 × 2 = 70,272 B/token (hand-worked in tests/memory/kv-architectures.test.ts).
    expect(stdout).toMatch(/70,272 B\/token × 8,192 tokens × 1 seq/);
  });

  it("--engine llamacpp caps gpt-oss' sliding layers at the 128-token window", async () => {
    const vllm = await runCli(["estimate", "openai/gpt-oss-120b", "--context", "8k", "--json"]);
    const llamacpp = await runCli([
      "estimate",
      "openai/gpt-oss-120b",
      "--context",
      "8k",
      "--engine",
      "llamacpp",
      "--json",
    ]);
    const perLayer = 2 * 8 * 64 * 2;
    expect(JSON.parse(vllm.stdout).memory.kvCacheBytes).toBe(36 * perLayer * 8192);
    expect(JSON.parse(llamacpp.stdout).memory.kvCacheBytes).toBe(
      18 * perLayer * 8192 + 18 * perLayer * 128,
    );
    const text = await runCli(["estimate", "openai/gpt-oss-120b", "--engine", "llamacpp"]);
    expect(text.stdout).toMatch(
      /18 sliding \(window 128, 128 tokens kept\) \+ 18 full, as llama\.cpp allocates/,
    );
  });

  it("--images adds 576 tokens per image to LLaVA's sequences", async () => {
    const { stdout } = await runCli([
      "estimate",
      "llava-hf/llava-1.5-7b-hf",
      "--context",
      "2048",
      "--images",
      "3",
      "--json",
    ]);
    const estimate = JSON.parse(stdout);
    expect(estimate.assumptions.imageTokensPerSequence).toBe(3 * 576);
    expect(estimate.memory.kvCacheBytes).toBe(32 * 2 * 32 * 128 * 2 * (2048 + 1728));
  });

  it("--image-size sets Qwen2.5-VL's tokens per image", async () => {
    const { stdout } = await runCli([
      "estimate",
      "Qwen/Qwen2.5-VL-3B-Instruct",
      "--images",
      "1",
      "--image-size",
      "448x448",
    ]);
    expect(stdout).toMatch(/1 per request → 256 tokens added to each sequence/);
  });

  it("Jamba shows its constant Mamba state as its own row", async () => {
    const { stdout } = await runCli(["estimate", "ai21labs/AI21-Jamba-1.5-Mini", "--batch", "2"]);
    // 28 × (3 × 8,192 × 2 + 8,192 × 16 × 4) = 16,056,320 bytes per sequence.
    expect(stdout).toMatch(/State cache \(Mamba\)\s+0\.03\s+32,112,640/);
    expect(stdout).toMatch(/28 mamba layers keep 16,056,320 bytes per sequence/);
  });

  it("a what-if precision on a quantized checkpoint exits 1 with the typed error", async () => {
    const { code, stderr } = await runCli([
      "estimate",
      "Qwen/Qwen1.5-MoE-A2.7B-Chat-GPTQ-Int4",
      "--weights",
      "int4",
    ]);
    expect(code).toBe(1);
    expect(stderr).toMatch(/already quantized as GPTQ 4-bit, group 128/);
  });

  it.each([
    [
      ["estimate", LLAMA_70B, "--engine", "tgi"],
      /--engine expects one of vllm, sglang, llamacpp, transformers/,
    ],
    [["estimate", LLAMA_70B, "--images", "many"], /--images expects a positive whole number/],
    [["estimate", LLAMA_70B, "--image-size", "big"], /--image-size expects WIDTHxHEIGHT/],
  ])("exits 2 on a bad architecture flag: %j", async (argv, message) => {
    const { code, stderr } = await runCli(argv);
    expect(code).toBe(2);
    expect(stderr).toMatch(message);
  });
});
