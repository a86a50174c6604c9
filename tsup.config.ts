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
    // So are the parts of @huggingface/hub it calls (src/io/platform/hub-client.ts) and p-retry,
    // in chunks loaded only when a command reaches the network: resolving and compiling the
    // packages from node_modules cost a cold Hub estimate about 90 ms of CPU (docs/benchmarks.md).
    entry: { cli: "src/cli/bin.ts" },
    format: ["esm"],
    noExternal: ["zod", "@huggingface/hub", "p-retry"],
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
