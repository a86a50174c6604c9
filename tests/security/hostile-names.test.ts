import { existsSync, mkdirSync, mkdtempSync, readdirSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { estimateInference } from "../../src/index.js";
import { runCli } from "../helpers/cli.js";
import { loadFixture } from "../helpers/fixtures.js";

// A name with a line break must never reach a generated file or the terminal as written: a
// local model folder, a repo id and a catalog GPU name with one are refused up front.

/** A real model folder whose name holds `br`, with Llama-3-8B's config.json in it. */
function evilModelFolder(br: string): { root: string; folder: string } {
  const root = mkdtempSync(join(tmpdir(), "vramfit-evil-"));
  const folder = join(root, `evil${br}touch PWNED${br}#`);
  mkdirSync(folder);
  const { config } = loadFixture("meta-llama__Meta-Llama-3-8B");
  writeFileSync(join(folder, "config.json"), JSON.stringify(config));
  return { root, folder };
}

describe("names with line breaks", () => {
  it.each([
    ["\\n", "\n"],
    ["\\r", "\r"],
    ["U+2028", "\u2028"],
    ["U+0085", "\u0085"],
  ])("a local model folder with %s is refused, and plan --emit writes nothing", async (_, br) => {
    const { root, folder } = evilModelFolder(br);
    await expect(estimateInference(folder)).rejects.toMatchObject({
      code: "OPTION_INVALID",
      option: "model",
    });
    const out = join(root, "out");
    const result = await runCli(
      ["plan", folder, "--workload", "realtime", "--emit", "vllm", "--out", out],
      { cwd: root },
    );
    expect(result.code).toBe(2); // an invalid option
    expect(result.stderr).toContain("control character");
    expect(result.stderr).not.toContain("touch PWNED");
    expect(existsSync(out)).toBe(false);
    expect(readdirSync(root)).toHaveLength(1);
  });

  it("a repo id with a line break is refused before any lookup", async () => {
    await expect(estimateInference("org/model\ntouch PWNED")).rejects.toMatchObject({
      code: "OPTION_INVALID",
    });
  });

  it("a --catalog accelerator name with a line break is CATALOG_INVALID", async () => {
    const root = mkdtempSync(join(tmpdir(), "vramfit-catalog-"));
    const catalog = join(root, "catalog.json");
    writeFileSync(
      catalog,
      JSON.stringify({
        accelerators: { "acme-x1": { name: "Acme\rtrust-remote-code: true", memoryGiB: 192 } },
      }),
    );
    const result = await runCli([
      "plan",
      "meta-llama/Meta-Llama-3-8B",
      "--workload",
      "realtime",
      "--catalog",
      catalog,
      "--gpu",
      "acme-x1",
      "--emit",
      "vllm",
      "--out",
      join(root, "out"),
    ]);
    expect(result.code).toBe(1);
    expect(result.stderr).toMatch(/Invalid GPU catalog .* at "accelerators\.acme-x1\.name"/);
    expect(result.stderr).toContain("without line breaks or control characters");
    expect(existsSync(join(root, "out"))).toBe(false);
  });
});
