import { describe, expect, it } from "vitest";
import { runBuiltCli } from "../helpers/cli.js";

const env = { HF_HUB_OFFLINE: "1" };

describe("vramfit train through the built binary", () => {
  it("full AdamW on Llama-3-8B does not fit one 80 GB GPU; QLoRA fits a 24 GB one", async () => {
    const full = await runBuiltCli(["train", "meta-llama/Meta-Llama-3-8B", "--json"], { env });
    expect(full.code).toBe(0);
    const fullEstimate = JSON.parse(full.stdout);
    // 16 bytes × 8,030,261,248 parameters of model states alone.
    expect(fullEstimate.memory.perGpu.totalBytes).toBeGreaterThan(16 * 8_030_261_248);
    const qlora = await runBuiltCli(
      ["train", "meta-llama/Meta-Llama-3-8B", "--method", "qlora", "--seq", "1024", "--json"],
      { env },
    );
    expect(JSON.parse(qlora.stdout).memory.perGpu.totalBytes).toBeLessThan(24 * 2 ** 30);
  });

  it("is listed in vramfit --help and exits 2 on ZeRO 4", async () => {
    expect((await runBuiltCli(["--help"], { env })).stdout).toMatch(/train\s+GPU memory to train/);
    expect(
      (await runBuiltCli(["train", "openai-community/gpt2", "--zero", "4"], { env })).code,
    ).toBe(2);
  });
});
