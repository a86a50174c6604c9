import { defineConfig } from "tsup";

// `tsc -p tsconfig.build.json` compiles the library file by file (so bundlers drop what is not
// imported); tsup adds what tsc cannot:
export default defineConfig([
  {
    // One set of declarations per entry, holding only the types the entry exposes.
    entry: { index: "src/index.ts", deploy: "src/deploy.ts", charts: "src/charts.ts" },
    dts: { only: true },
    format: ["esm"],
    outDir: "dist",
  },
  {
    // The CLI, bundled: one minified file with a chunk per command (src/cli/commands/index.ts)
    // starts faster than the library's and zod's ~250 modules loaded one by one.
    // @huggingface/hub and p-retry stay external, loaded only when a command reaches the network.
    entry: { cli: "src/cli/bin.ts" },
    format: ["esm"],
    noExternal: ["zod"],
    splitting: true,
    minify: true,
    target: "node20",
    outDir: "dist/cli",
    banner: { js: "#!/usr/bin/env node" },
    esbuildOptions(options) {
      options.alias = { "#platform": "./src/io/platform/node.ts" };
    },
  },
]);
