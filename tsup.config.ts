import { defineConfig } from "tsup";

// Two entries so that importing the library never loads CLI code.
export default defineConfig([
  {
    entry: { index: "src/index.ts" },
    format: ["esm", "cjs"],
    dts: true,
    sourcemap: true,
    clean: true,
    target: "node20",
  },
  {
    entry: { cli: "src/cli/bin.ts" },
    format: ["esm"],
    // zod is ~100 small ES modules; resolving and evaluating them one by one costs ~110 ms of
    // cold start. Bundled (and tree-shaken) into the CLI they cost a fraction. The library
    // keeps zod as a normal dependency. @huggingface/hub and p-retry stay external and lazy.
    noExternal: ["zod"],
    // Each command is its own chunk, loaded when it runs (src/cli/commands/index.ts).
    splitting: true,
    sourcemap: true,
    target: "node20",
    banner: { js: "#!/usr/bin/env node" },
  },
]);
