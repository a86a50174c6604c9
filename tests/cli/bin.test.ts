import { existsSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { BUILT_CLI, runBuiltCli } from "../helpers/cli.js";

describe("the built binary", () => {
  it("exists (npm test builds first)", () => {
    expect(existsSync(BUILT_CLI)).toBe(true);
  });

  it("runs the worked example offline: BF16 needs two 80 GB GPUs, INT4 one", async () => {
    const bf16 = await runBuiltCli([
      "estimate",
      "meta-llama/Meta-Llama-3-70B",
      "--context",
      "4096",
      "--batch",
      "8",
      "--weights",
      "bf16",
      "--json",
    ]);
    const int4 = await runBuiltCli([
      "estimate",
      "meta-llama/Meta-Llama-3-70B",
      "--context",
      "4096",
      "--batch",
      "8",
      "--weights",
      "int4",
      "--json",
    ]);
    expect(bf16.code).toBe(0);
    const bf16Total = JSON.parse(bf16.stdout).memory.totalBytes;
    const int4Total = JSON.parse(int4.stdout).memory.totalBytes;
    expect(bf16Total).toBeGreaterThan(80e9);
    expect(bf16Total).toBeLessThan(2 * 80e9 * 1.1); // ≈ 168.8 GB
    expect(int4Total).toBeLessThan(80e9);
  });

  it("prints --version and exits 2 with usage when given nothing", async () => {
    expect((await runBuiltCli(["--version"])).stdout).toMatch(/^\d+\.\d+\.\d+\n$/);
    const none = await runBuiltCli([]);
    expect(none.code).toBe(2);
    expect(none.stdout).toMatch(/Usage: vramfit <command>/);
  });

  it("exits 1 on a known error and 2 on a usage error", async () => {
    expect((await runBuiltCli(["estimate", "nobody/nothing"])).code).toBe(1);
    expect((await runBuiltCli(["estimate", "--batch", "x", "gpt2"])).code).toBe(2);
  });
});
