import { readFileSync } from "node:fs";
import { resolve } from "node:path";
import { transformSync } from "esbuild";
import { defineConfig, type Plugin, type Rollup } from "vite";

// The CLI, bundled for a fast start (docs/benchmarks.md): src/cli/bin.ts and everything it
// reaches (zod, the parts of @huggingface/hub it calls, p-retry) as a few minified CommonJS
// chunks in dist/cli, run by src/cli/launcher.cts with V8's code cache. Rollup, unlike esbuild,
// lets us say which chunk each module goes in: a command loads 2 or 3 files, not 27.

const src = (path: string) => resolve("src", path);
const command = (name: string) => src(`cli/commands/${name}.ts`);

/**
 * The chunks, in order: a module goes in the first chunk whose entries reach it by static
 * imports. `estimate` holds the model, memory and file code every command needs; the later
 * chunks hold only what their commands add.
 */
const CHUNKS: [name: string, entries: string[]][] = [
  ["main", [src("cli/bin.ts")]],
  // The model-info request the CLI sends before the command's code loads (src/cli/run.ts).
  ["early", [src("cli/early-model-read.ts"), src("io/hub/early-reads.ts")]],
  // The transport it goes out on (node:http and its streams): a chunk of its own, so nothing else
  // loads before the request leaves, and an offline run never loads Node's http modules.
  ["transport", [src("io/platform/node-fetch.ts")]],
  ["estimate", [command("estimate")]],
  ["rank", [command("gpus"), command("fit"), command("train")]],
  ["hub", [src("io/hub/read-hub-model.ts"), src("io/platform/hub-client.ts")]],
  ["deploy", [command("plan"), command("check")]],
  ["charts", [src("charts.ts")]],
];

/** Which chunk each module goes in (modules no entry reaches: Rollup decides). */
function chunkOfModule(getModuleInfo: Rollup.GetModuleInfo): Map<string, string> {
  const chunkOf = new Map<string, string>();
  for (const [name, entries] of CHUNKS) {
    const pending = [...entries];
    for (let id = pending.pop(); id !== undefined; id = pending.pop()) {
      const info = getModuleInfo(id);
      if (chunkOf.has(id) || info === null) continue;
      chunkOf.set(id, name);
      pending.push(...info.importedIds);
    }
  }
  return chunkOf;
}

/** Emits dist/cli/cli.cjs: the launcher, told the entry chunk's hashed file name. */
function launcher(): Plugin {
  return {
    name: "vramfit-cli-launcher",
    generateBundle(_options, bundle) {
      const entry = Object.values(bundle).find((file) => file.type === "chunk" && file.isEntry);
      if (entry === undefined) throw new Error("the CLI build has no entry chunk");
      const { code } = transformSync(readFileSync(src("cli/launcher.cts"), "utf8"), {
        loader: "ts",
        format: "cjs",
        target: "node20",
        minifySyntax: true,
        define: { VRAMFIT_ENTRY_CHUNK: JSON.stringify(entry.fileName) },
      });
      this.emitFile({ type: "asset", fileName: "cli.cjs", source: `#!/usr/bin/env node\n${code}` });
    },
  };
}

/** Which chunk each module goes in: worked out once per build, Rollup asks module by module. */
let chunkOf: Map<string, string> | undefined;

export default defineConfig({
  logLevel: "warn",
  publicDir: false,
  resolve: { alias: { "#platform": src("io/platform/node.ts") } },
  ssr: { noExternal: true, target: "node" },
  plugins: [
    {
      name: "vramfit-cli-chunks",
      buildStart() {
        chunkOf = undefined;
      },
    },
    launcher(),
  ],
  build: {
    ssr: src("cli/bin.ts"),
    outDir: "dist/cli",
    emptyOutDir: true,
    minify: process.env.VRAMFIT_CLI_DEBUG ? false : "esbuild",
    target: "node20",
    rollupOptions: {
      // zod's sources carry comments Rollup cannot place (it drops them): not ours to fix.
      onwarn(warning, warn) {
        if (warning.code !== "INVALID_ANNOTATION") warn(warning);
      },
      // Node's modules load only where used; their own side effects are not ours to keep.
      treeshake: { moduleSideEffects: (_id, external) => !external },
      output: {
        format: "cjs",
        // The launcher runs every chunk through its own `require` (no import() in a vm.Script).
        dynamicImportInCjs: false,
        entryFileNames: "main-[hash].cjs",
        chunkFileNames: "[name]-[hash].cjs",
        manualChunks(id, { getModuleInfo }) {
          chunkOf ??= chunkOfModule(getModuleInfo);
          return chunkOf.get(id);
        },
      },
    },
  },
});
