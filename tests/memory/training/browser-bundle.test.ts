import { build } from "esbuild";
import { join } from "node:path";
import { describe, expect, it } from "vitest";

const SRC = join(import.meta.dirname, "..", "..", "..", "src");

describe("the training core bundles for a browser", () => {
  it("src/memory/training builds with platform: browser and no Node built-ins", async () => {
    const result = await build({
      stdin: {
        contents: `export * from ${JSON.stringify(join(SRC, "memory/training/trade-offs.ts"))};
export * from ${JSON.stringify(join(SRC, "memory/training/estimate-training.ts"))};`,
        resolveDir: SRC,
        loader: "ts",
      },
      bundle: true,
      platform: "browser",
      format: "esm",
      write: false,
      metafile: true,
      logLevel: "silent",
    });
    const inputs = Object.keys(result.metafile.inputs);
    expect(inputs.some((input) => input.startsWith("node:"))).toBe(false);
    expect(inputs.some((input) => /\/(hub|cli|local|api)\//.test(input))).toBe(false);
  });
});
