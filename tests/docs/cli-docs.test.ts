import { readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
// @ts-expect-error: a plain .mjs script without types
import { updatedCliDoc } from "../scripts/generate-cli-docs.mjs";

describe("docs/cli.md", () => {
  // One child process per command's --help: slow on a busy machine, so a generous time-out.
  it(
    "holds every command's current --help (run `npm run docs:cli` when this fails)",
    {
      timeout: 60_000,
    },
    () => {
      const onDisk = readFileSync(join(import.meta.dirname, "..", "..", "docs", "cli.md"), "utf8");
      expect(onDisk).toBe(updatedCliDoc());
    },
  );
});
