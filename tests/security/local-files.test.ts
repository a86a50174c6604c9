import { execFileSync } from "node:child_process";
import { existsSync, mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { runCli } from "../helpers/cli.js";

// On main `estimate /dev/zero` threw an untyped RangeError after reading 616 MB, a FIFO blocked
// forever, /proc files (which report a size of 0) skipped the size cap, a deployment file whose
// model was /dev/zero crashed `check`, and a JSON parse error quoted the start of the file: the
// token file's first characters. Only regular files are read, capped as the bytes arrive, and a
// parse error names a line and column.

const noStack = /at .*\.(?:ts|js):\d+/;

function folder(): string {
  return mkdtempSync(join(tmpdir(), "vramfit-local-"));
}

/** A FIFO nobody writes to (opening it for reading would wait for a writer forever). */
function fifo(): string {
  const path = join(folder(), "config.json");
  execFileSync("mkfifo", [path]);
  return path;
}

describe.skipIf(process.platform === "win32")(
  "files that are not regular files",
  { timeout: 30_000 },
  () => {
    it("estimate /dev/zero: CONFIG_INVALID at once, not a RangeError after 616 MB", async () => {
      const result = await runCli(["estimate", "/dev/zero", "--json"]);
      expect(result.code).not.toBe(0);
      expect(JSON.parse(result.stdout || result.stderr)).toMatchObject({
        error: { code: "CONFIG_INVALID" },
      });
      expect(result.stdout + result.stderr).toContain("not a regular file");
    });

    it("estimate <a FIFO>: refused without waiting for a writer", async () => {
      const result = await runCli(["estimate", fifo()]);
      expect(result.code).not.toBe(0);
      expect(result.stderr).toMatch(/^error: .*not a regular file/);
      expect(result.stderr).not.toMatch(noStack);
    });

    it.skipIf(!existsSync("/proc/self/status"))(
      "a /proc file (size 0 on disk) is read under the cap and refused as JSON, typed",
      async () => {
        const result = await runCli(["estimate", "/proc/self/status"]);
        expect(result.code).not.toBe(0);
        expect(result.stderr).toMatch(/^error: .*not valid JSON/);
        expect(result.stderr).not.toMatch(noStack);
      },
    );

    it("check with a deployment whose model is /dev/zero: a typed error, not a crash", async () => {
      const deployment = join(folder(), "deployment.json");
      writeFileSync(
        deployment,
        JSON.stringify({
          model: "/dev/zero",
          workload: "realtime",
          gpu: "nvidia-h100-sxm",
          gpuCount: 1,
        }),
      );
      const result = await runCli(["check", deployment]);
      expect([1, 2]).toContain(result.code);
      expect(result.stderr).toMatch(/^error: /);
      expect(result.stderr).toContain("not a regular file");
      expect(result.stderr).not.toMatch(noStack);
    });
  },
);

describe("JSON parse errors quote a position, never the content", { timeout: 30_000 }, () => {
  it("vramfit estimate <the token file>: line and column, not the token", async () => {
    const token = `hf_${"Q".repeat(34)}`;
    const path = join(folder(), "token");
    writeFileSync(path, `${token}\n`);
    const result = await runCli(["estimate", path]);
    expect(result.code).not.toBe(0);
    expect(result.stderr).toContain("not valid JSON (line 1, column 1)");
    expect(result.stderr).not.toContain("hf_");
    expect(result.stderr).not.toContain("QQQQ");
  });

  it("a deployment file with a syntax error on line 3: line 3", async () => {
    const path = join(folder(), "deployment.json");
    writeFileSync(path, '{\n  "model": "x",\n  "gpu": secret-value\n}\n');
    const result = await runCli(["check", path]);
    expect(result.code).not.toBe(0);
    expect(result.stderr).toContain("not valid JSON (line 3, column 10)");
    expect(result.stderr).not.toContain("secret-value");
  });
});
