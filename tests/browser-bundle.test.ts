import { build } from "esbuild";
import { join } from "node:path";
import { describe, expect, it } from "vitest";

const SRC = join(import.meta.dirname, "..", "src");

describe("the pure core bundles for a browser", () => {
  it("schema, model, memory and units build with platform: browser and no Node built-ins", async () => {
    const entry = [
      "schema/parse.ts",
      "memory/estimate-inference.ts",
      "model/parameters.ts",
      "units.ts",
      "errors.ts",
      "bundled/find-bundled-model.ts",
      "plan/templates/render-templates.ts",
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
    expect(inputs.some((input) => input.startsWith("node:"))).toBe(false);
    expect(inputs.some((input) => /\/(hub|cli|local)\//.test(input))).toBe(false);
  });
});
