import { defineConfig } from "tsup";

// `tsc -p tsconfig.build.json` compiles the library file by file (so bundlers drop what is not
// imported); tsup adds what tsc cannot. The CLI is bundled by vite.cli.config.ts.
export default defineConfig([
  {
    // One set of declarations per entry, holding only the types the entry exposes.
    entry: { index: "src/index.ts", deploy: "src/deploy.ts", charts: "src/charts.ts" },
    dts: { only: true },
    format: ["esm"],
    outDir: "dist",
  },
]);
