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
