import { build } from "esbuild";
import { join } from "node:path";
import { describe, expect, it } from "vitest";

const SRC = join(import.meta.dirname, "..", "..", "src");

describe("the GPU ranking bundles for a browser", () => {
  it("catalog, ranking and catalog schema build with platform: browser and no Node built-ins", async () => {
    const entry = [
      "gpus/rank-gpus.ts",
      "gpus/rank-instances.ts",
      "gpus/capacity.ts",
      "schema/gpu-catalog.ts",
    ]
      .map((file) => `export * from ${JSON.stringify(join(SRC, file))};`)
      .join("\n");
    const result = await build({
      stdin: { contents: entry, resolveDir: SRC, loader: "ts" },
      bundle: true,
      platform: "browser",
      format: "esm",
      write: false,
      metafile: true,
      logLevel: "silent",
    });
    const inputs = Object.keys(result.metafile.inputs);
    expect(inputs.some((input) => input.includes("src/gpus/accelerators.ts"))).toBe(true);
    expect(inputs.some((input) => input.startsWith("node:"))).toBe(false);
    expect(inputs.some((input) => /\/(hub|cli|local)\//.test(input))).toBe(false);
  });
});
