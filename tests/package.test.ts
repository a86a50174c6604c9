import { createRequire } from "node:module";
import { describe, expect, it } from "vitest";

describe("the built package", () => {
  it("works through require() (CommonJS) as well as import", async () => {
    const require = createRequire(import.meta.url);
    const cjs = require("../dist/index.cjs");
    const esm = await import("../dist/index.js");
    for (const library of [cjs, esm]) {
      const spec = library.parseModelConfig(
        library.findBundledModel("meta-llama/Meta-Llama-3-70B").config,
      );
      const { memory } = library.estimateInferenceFromSpec(spec, {
        contextLength: 4096,
        batchSize: 8,
      });
      expect(memory.kvCacheBytes).toBe(2 * 80 * 8 * 128 * 4096 * 8 * 2);
    }
  });
});
