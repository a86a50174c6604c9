// A Vite plugin that measures what a first visit downloads (index.html, the entry chunk and
// every chunk it imports statically, and their CSS), gzipped, prints it, and fails the build
// past the budget. Chunks loaded on demand (the deployment planner, the Hub client) are listed
// apart: they cost nothing until used.
import { gzipSync } from "node:zlib";
import type { Plugin, Rollup } from "vite";

/** Options of {@link firstLoadBudget}. */
export interface FirstLoadBudgetOptions {
  /** Most gzipped bytes the first load may cost. */
  readonly maxGzipBytes: number;
}

/** The Vite plugin: measures the first load at the end of `vite build`. */
export function firstLoadBudget(options: FirstLoadBudgetOptions): Plugin {
  return {
    name: "vramfit-first-load-budget",
    apply: "build",
    enforce: "post",
    generateBundle(_output, bundle) {
      const sizes = new Map<string, number>();
      for (const [name, file] of Object.entries(bundle)) {
        const text = file.type === "chunk" ? file.code : file.source;
        sizes.set(name, gzipSync(typeof text === "string" ? Buffer.from(text) : text).length);
      }
      const chunks = Object.values(bundle).filter(
        (file): file is Rollup.OutputChunk => file.type === "chunk",
      );
      const first = new Set<string>(["index.html"]);
      const visit = (chunk: Rollup.OutputChunk) => {
        if (first.has(chunk.fileName)) return;
        first.add(chunk.fileName);
        for (const css of chunk.viteMetadata?.importedCss ?? []) first.add(css);
        for (const name of chunk.imports) {
          const imported = bundle[name];
          if (imported?.type === "chunk") visit(imported);
        }
      };
      for (const chunk of chunks.filter((c) => c.isEntry)) visit(chunk);
      const kb = (bytes: number) => `${(bytes / 1024).toFixed(1)} KB`;
      const total = [...first].reduce((sum, name) => sum + (sizes.get(name) ?? 0), 0);
      const lines = [...sizes]
        .sort(([a], [b]) => a.localeCompare(b))
        .map(
          ([name, bytes]) =>
            `  ${first.has(name) ? "first load" : "on demand "}  ${kb(bytes).padStart(9)}  ${name}`,
        );
      console.log(
        `\ngzipped sizes:\n${lines.join("\n")}\nfirst load: ${kb(total)} gzipped (budget ${kb(options.maxGzipBytes)})`,
      );
      if (total > options.maxGzipBytes) {
        this.error(
          `first load is ${kb(total)} gzipped, over the ${kb(options.maxGzipBytes)} budget`,
        );
      }
    },
  };
}
