import { spawn } from "node:child_process";
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { BUILT_CLI, offlineEnv, runCli } from "../helpers/cli.js";

// How the command line meets people: a closed pipe, typos, bad values, --json errors, paths.

const LLAMA_70B = "meta-llama/Meta-Llama-3-70B";

describe("a reader that closes the pipe early", () => {
  it("vramfit gpus --json | head -c 100 ends quietly with exit 0 (a real pipe)", async () => {
    // bash runs the pipeline and reports vramfit's own status (PIPESTATUS).
    const child = spawn(
      "bash",
      [
        "-c",
        `set -o pipefail; node "${BUILT_CLI}" gpus ${LLAMA_70B} --json | head -c 100 > /dev/null; echo "status \${PIPESTATUS[0]}"`,
      ],
      {
        env: { PATH: process.env.PATH ?? "", ...offlineEnv() },
      },
    );
    let stdout = "";
    let stderr = "";
    child.stdout.on("data", (chunk: Buffer) => (stdout += chunk.toString()));
    child.stderr.on("data", (chunk: Buffer) => (stderr += chunk.toString()));
    await new Promise((resolve) => child.on("close", resolve));
    expect(stderr).toBe("");
    expect(stdout.trim()).toBe("status 0");
  });
});

describe("usage errors: the message, one hint, and where the help is", () => {
  it("a misspelt flag names the closest one, without the whole help", async () => {
    const result = await runCli(["estimate", LLAMA_70B, "--contxt", "4096"]);
    expect(result.code).toBe(2);
    expect(result.stderr).toBe(
      'error: unknown option --contxt\nhint: Did you mean "--context"?\nRun "vramfit estimate --help" for the options.\n',
    );
  });

  it("a misspelt command names the closest one", async () => {
    const result = await runCli(["estimat", LLAMA_70B]);
    expect(result.code).toBe(2);
    expect(result.stderr).toContain('unknown command "estimat"');
    expect(result.stderr).toContain('Did you mean "estimate"?');
  });

  it("a negative count says what is wrong with it, not that it is ambiguous", async () => {
    const result = await runCli(["estimate", LLAMA_70B, "--batch", "-1"]);
    expect(result.code).toBe(2);
    expect(result.stderr).toContain('--batch expects a positive whole number, got "-1".');
  });

  it("counts take 1e6 as they take 70e9 (--context 1e9 is a number, sized with a warning)", async () => {
    const result = await runCli(["estimate", LLAMA_70B, "--context", "1e6", "--json"]);
    expect(result.code).toBe(0);
    expect(JSON.parse(result.stdout).assumptions.contextLength).toBe(1_000_000);
  });

  it("catalog values are checked: --family h10 and --cloud awz name the closest known value", async () => {
    const family = await runCli(["gpus", LLAMA_70B, "--family", "h10"]);
    expect(family.code).toBe(2);
    expect(family.stderr).toContain(
      'Invalid --family: no accelerator in the catalog has the family, vendor or architecture "h10".',
    );
    expect(family.stderr).toContain('Did you mean "h100"?');
    const cloud = await runCli(["gpus", LLAMA_70B, "--cloud", "awz"]);
    expect(cloud.code).toBe(2);
    expect(cloud.stderr).toContain('Did you mean "aws"?');
    const emit = await runCli(["plan", LLAMA_70B, "--workload", "batch", "--emit", "vlm"]);
    expect(emit.code).toBe(2);
    expect(emit.stderr).toContain('Did you mean "vllm"?');
  });

  it("says which workloads emit which files", async () => {
    const result = await runCli([
      "plan",
      "meta-llama/Meta-Llama-3-8B",
      "--workload",
      "qlora",
      "--emit",
      "vllm",
    ]);
    expect(result.code).toBe(2);
    expect(result.stderr).toContain("--emit vllm: a qlora plan emits axolotl, peft");
    expect(result.stderr).not.toContain("plans.serving");
  });
});

describe("--json errors", () => {
  it("go to stderr as one JSON object with code, message, hint and exit code", async () => {
    const result = await runCli(["estimate", LLAMA_70B, "--batch", "0", "--json"]);
    expect(result.code).toBe(2);
    expect(result.stdout).toBe("");
    expect(JSON.parse(result.stderr)).toEqual({
      error: {
        code: "USAGE",
        message: '--batch expects a positive whole number, got "0".',
        hint: null,
        exitCode: 2,
      },
    });
    const notFound = await runCli(["estimate", "nobody/nothing-here", "--json"]);
    expect(notFound.code).toBe(1);
    expect(JSON.parse(notFound.stderr).error.code).toBe("MODEL_NOT_FOUND");
  });
});

describe("versions, paths and files", () => {
  it("--version and -V print the version", async () => {
    for (const flag of ["--version", "-V"]) {
      const result = await runCli([flag]);
      expect(result.code).toBe(0);
      expect(result.stdout).toMatch(/^\d+\.\d+\.\d+\n$/);
    }
  });

  it("a missing path says no such file", async () => {
    const result = await runCli(["estimate", "./models/missing/config.json"]);
    expect(result.code).toBe(1);
    expect(result.stderr).toContain("No such file or folder: ./models/missing/config.json.");
  });

  it("a config.json with a UTF-8 byte-order mark is read; a broken one names line and column", async () => {
    const folder = mkdtempSync(join(tmpdir(), "vramfit-bom-"));
    const config = { model_type: "gpt2", n_layer: 12, n_embd: 768, n_head: 12, vocab_size: 50257 };
    writeFileSync(join(folder, "bom.json"), `\uFEFF${JSON.stringify(config)}`);
    const bom = await runCli(["estimate", join(folder, "bom.json"), "--json"]);
    expect(bom.code).toBe(0);
    writeFileSync(join(folder, "broken.json"), '{\n  "n_layer": 12,\n  "n_embd" 768\n}');
    const broken = await runCli(["estimate", join(folder, "broken.json")]);
    expect(broken.code).toBe(1);
    expect(broken.stderr).toContain("line 3, column 12");
    expect(broken.stderr).not.toContain("768");
  });
});
