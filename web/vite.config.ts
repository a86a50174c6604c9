// The web page: static files built from the library's own source, served by `npm run web`
// (Vite's dev server) and built into web/dist by `npm run build:web`. The library is imported
// from src/ under its package names, with `#platform` pointed at the browser platform (as
// package.json "imports" does for bundlers without the `node` condition), so the page runs the
// same code a browser bundle of the package runs, Hub client included.
import { fileURLToPath } from "node:url";
import { defineConfig } from "vite";
import { firstLoadBudget } from "./first-load-budget.js";

const source = (path: string) => fileURLToPath(new URL(`../src/${path}`, import.meta.url));

export default defineConfig({
  root: fileURLToPath(new URL(".", import.meta.url)),
  base: "./",
  resolve: {
    alias: [
      { find: /^vramfit$/, replacement: source("index.ts") },
      { find: /^vramfit\/deploy$/, replacement: source("deploy.ts") },
      { find: /^vramfit\/charts$/, replacement: source("charts.ts") },
      { find: /^#platform$/, replacement: source("io/platform/browser.ts") },
    ],
  },
  server: { fs: { allow: [fileURLToPath(new URL("..", import.meta.url))] } },
  build: {
    outDir: "dist",
    emptyOutDir: true,
    target: "es2022",
    reportCompressedSize: false,
  },
  plugins: [firstLoadBudget({ maxGzipBytes: 150 * 1024 })],
});
