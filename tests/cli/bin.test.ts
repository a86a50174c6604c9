import { existsSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { BUILT_CLI, offlineEnv, runBuiltCli } from "../helpers/cli.js";

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

  it("prints an offline estimate without loading Node's streams, fs/promises or tty", async () => {
    // Each costs milliseconds of a 40 ms start (docs/benchmarks.md): process.stdout and
    // process.stderr are streams, made only when touched; src/io/files/fs-calls.ts stands in
    // for node:fs/promises.
    const env = offlineEnv();
    const modules = join(env.HOME ?? "", "modules.json");
    const preload = join(env.HOME ?? "", "record-modules.cjs");
    writeFileSync(
      preload,
      `process.on("exit", () => require("node:fs").writeFileSync(${JSON.stringify(modules)}, JSON.stringify(process.moduleLoadList)));\n`,
    );
    const result = await runBuiltCli(["estimate", "meta-llama/Meta-Llama-3-70B", "--batch", "8"], {
      env,
      nodeArgs: ["--require", preload],
    });
    expect(result.stdout).toContain("10,737,418,240");
    const loaded = JSON.parse(readFileSync(modules, "utf8")) as string[];
    expect(loaded).toContain("NativeModule fs"); // the list is the real one
    for (const module of ["fs/promises", "stream", "tty", "net"])
      expect(loaded).not.toContain(`NativeModule ${module}`);
  });
});
