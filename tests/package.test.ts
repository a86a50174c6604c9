import { createRequire } from "node:module";
import { join } from "node:path";
import { pathToFileURL } from "node:url";
import { describe, expect, it } from "vitest";

const DIST = join(import.meta.dirname, "..", "dist");

describe("the built package", () => {
  it("works through require() (CommonJS) as well as import", async () => {
    const require = createRequire(import.meta.url);
    const cjs = require(join(DIST, "index.cjs"));
    const esm = await import(pathToFileURL(join(DIST, "index.js")).href);
    for (const library of [cjs, esm]) {
      const spec = library.parseModelConfig(
        library.findBundledModel("meta-llama/Meta-Llama-3-70B").config,
      );
      const { memory } = library.estimateInferenceFromSpec(spec, {
        contextLength: 4096,
        batchSize: 8,
      });
      expect(memory.kvCacheBytes).toBe(2 * 80 * 8 * 128 * 4096 * 8 * 2);
      const { argv } = library.renderVllmCommand({
        modelId: "org/m",
        maxModelLen: 4096,
        maxNumSeqs: 8,
      });
      expect(argv.slice(0, 3)).toEqual(["vllm", "serve", "org/m"]);
    }
  });
});
