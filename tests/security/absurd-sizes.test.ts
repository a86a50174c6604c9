import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { runCli } from "../helpers/cli.js";

// `num_hidden_layers: 1e12` once spun forever in the pipeline-parallel search of `gpus` and
// `plan` (one iteration per layer). Each command must now answer within seconds.

function hugeConfig(): string {
  const folder = mkdtempSync(join(tmpdir(), "vramfit-huge-"));
  const path = join(folder, "config.json");
  writeFileSync(
    path,
    JSON.stringify({
      model_type: "llama",
      num_hidden_layers: 1e12,
      hidden_size: 4096,
      num_attention_heads: 32,
      num_key_value_heads: 8,
      intermediate_size: 14336,
      vocab_size: 128256,
      max_position_embeddings: 8192,
    }),
  );
  return path;
}

describe("a config with 10^12 layers", () => {
  it.each([
    ["gpus", []],
    ["plan", ["--workload", "realtime"]],
    ["plan", ["--workload", "batch", "--gpu", "nvidia-h100-sxm"]],
  ])(
    "vramfit %s %j answers in seconds",
    async (command, flags) => {
      const start = performance.now();
      const result = await runCli([command, hugeConfig(), ...flags]);
      expect(performance.now() - start).toBeLessThan(10_000);
      // A ranking that says nothing fits, or a typed refusal ("no accelerator fits": exit 2).
      expect([0, 1, 2]).toContain(result.code);
      if (result.code !== 0) expect(result.stderr).toMatch(/^error: .*\nhint: /);
      expect(result.stderr).not.toMatch(/at .*\.(?:ts|js):\d+/); // no stack trace
    },
    30_000,
  );
});

describe("every dimension has a bound far past any real model", { timeout: 30_000 }, () => {
  const base = {
    model_type: "llama",
    num_hidden_layers: 32,
    hidden_size: 4096,
    num_attention_heads: 32,
    num_key_value_heads: 8,
    intermediate_size: 14336,
    vocab_size: 128256,
  };
  const mixtral = { ...base, model_type: "mixtral", num_experts_per_tok: 2 };

  it.each([
    ["num_hidden_layers", { ...base, num_hidden_layers: 1e12 }, "got 1000000000000"],
    ["hidden_size", { ...base, hidden_size: 2 ** 21 }, "got 2097152"],
    ["num_attention_heads", { ...base, num_attention_heads: 2 ** 17 }, "got 131072"],
    ["vocab_size", { ...base, vocab_size: 2 ** 25 }, "got 33554432"],
    ["num_local_experts", { ...mixtral, num_local_experts: 1e9 }, "got 1000000000"],
  ])("%s past its bound: CONFIG_INVALID naming the field", async (field, config, problem) => {
    const folder = mkdtempSync(join(tmpdir(), "vramfit-bound-"));
    writeFileSync(join(folder, "config.json"), JSON.stringify(config));
    const result = await runCli(["estimate", folder, "--json"]);
    expect(result.code).not.toBe(0);
    const { error } = JSON.parse(result.stdout || result.stderr) as {
      error: { code: string; message: string };
    };
    expect(error.code).toBe("CONFIG_INVALID");
    expect(error.message).toContain(field);
    expect(error.message).toContain(problem);
    expect(error.message).toContain("vramfit's bound on");
  });

  it("Llama-3.1-405B's 126 layers, 16,384 hidden, 128 heads pass", async () => {
    const folder = mkdtempSync(join(tmpdir(), "vramfit-bound-"));
    const config = {
      ...base,
      num_hidden_layers: 126,
      hidden_size: 16384,
      num_attention_heads: 128,
      intermediate_size: 53248,
    };
    writeFileSync(join(folder, "config.json"), JSON.stringify(config));
    const result = await runCli(["estimate", folder]);
    expect(result.code).toBe(0);
  });
});
