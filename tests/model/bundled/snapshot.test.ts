import { readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { BUNDLED_MODELS } from "../../../src/index.js";
import { findBundledModel } from "../../../src/model/bundled/find-bundled-model.js";
// @ts-expect-error: a plain .mjs script without types
import { renderSnapshot } from "../../scripts/generate-snapshot.mjs";
import { allFixtures } from "../../helpers/fixtures.js";

describe("the bundled snapshot", () => {
  it("is generated from fixtures/models (run `npm run snapshot` when this fails)", async () => {
    const onDisk = readFileSync(
      join(import.meta.dirname, "..", "..", "..", "src", "model", "bundled", "snapshot.ts"),
      "utf8",
    );
    expect(onDisk).toBe(await renderSnapshot());
  });

  it("holds every fixture with its repo id, date and origin", () => {
    const repos = allFixtures().map((fixture) => fixture.truth.repo);
    expect(BUNDLED_MODELS.map((model) => model.repo)).toEqual(repos);
    for (const model of BUNDLED_MODELS) {
      expect(model.retrieved).toMatch(/^\d{4}-\d{2}-\d{2}$/);
      expect(model.origin.length).toBeGreaterThan(10);
    }
  });

  it("finds repo ids case-insensitively", () => {
    expect(findBundledModel("META-LLAMA/meta-llama-3-8b")?.repo).toBe("meta-llama/Meta-Llama-3-8B");
    expect(findBundledModel("meta-llama/Llama-4")).toBeUndefined();
  });
});
