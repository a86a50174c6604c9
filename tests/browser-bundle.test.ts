import { build } from "esbuild";
import { readdirSync } from "node:fs";
import { join, relative } from "node:path";
import { describe, expect, it } from "vitest";

const SRC = join(import.meta.dirname, "..", "src");

/** The pure core: every file the lint rules keep free of I/O, plus the schema layer. */
const PURE_FOLDERS = ["options", "model", "memory", "hardware", "deploy"];
const PURE_FILES = ["units.ts", "errors.ts"];

function typescriptFiles(folder: string): string[] {
  return readdirSync(join(SRC, folder), { recursive: true, encoding: "utf8" })
    .filter((file) => file.endsWith(".ts"))
    .map((file) => join(folder, file));
}

describe("the pure core bundles for a browser", () => {
  const files = [...PURE_FOLDERS.flatMap(typescriptFiles), ...PURE_FILES];

  it(`all ${PURE_FOLDERS.join(", ")} files build with platform: browser and no Node built-ins`, async () => {
    expect(files.length).toBeGreaterThan(50);
    const entry = files
      .map((file) => `export * as m${files.indexOf(file)} from ${JSON.stringify(join(SRC, file))};`)
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
    const inputs = Object.keys(result.metafile.inputs).map((input) =>
      input.startsWith("node:") ? input : relative(SRC, input),
    );
    expect(inputs.filter((input) => input.startsWith("node:"))).toEqual([]);
    expect(inputs.filter((input) => /^(io|cli|api)\//.test(input))).toEqual([]);
  });
});
