// The `vramfit` command's first file (dist/cli/cli.cjs). It runs the CLI's bundled chunks the way
// Node's `require` would, but hands V8 the bytecode it kept from an earlier run (V8's code cache),
// so a warm start compiles almost nothing: an offline estimate starts 9–14 ms sooner, a cold
// Hub estimate spends 11–13 ms less CPU (docs/benchmarks.md). It is CommonJS because Node's
// ES module loader alone costs about 7 ms at start, and Node 20 can only cache scripts.
//
// The cache lives in $XDG_CACHE_HOME/vramfit/compile-cache (else ~/.cache/...), in a folder per
// Node version and build; NODE_DISABLE_COMPILE_CACHE=1 turns it off. Every cache error is
// ignored: the cache only ever makes a start faster.
import fs = require("node:fs");
import path = require("node:path");
import vm = require("node:vm");

/** The entry chunk's file name, content-hashed (set by vite.cli.config.ts). */
declare const VRAMFIT_ENTRY_CHUNK: string;

/** Other builds' folders last written longer ago than this go when a new build writes its own. */
const STALE_BUILD_MS = 30 * 24 * 3600 * 1000;

interface LoadedChunk {
  exports: unknown;
}

const chunks = new Map<string, LoadedChunk>();
const uncached: { script: vm.Script; cacheFile: string }[] = [];
const cacheFolder = compileCacheFolder(process.env);

/** Where this build's code cache lives, or undefined when it is off or there is no home. */
function compileCacheFolder(env: NodeJS.ProcessEnv): string | undefined {
  if (env.NODE_DISABLE_COMPILE_CACHE !== undefined && env.NODE_DISABLE_COMPILE_CACHE !== "")
    return undefined;
  const xdg = env.XDG_CACHE_HOME;
  const home = env.HOME ?? env.USERPROFILE;
  const root =
    xdg !== undefined && xdg !== ""
      ? xdg
      : home !== undefined && home !== ""
        ? path.join(home, ".cache")
        : undefined;
  if (root === undefined) return undefined;
  // One folder per Node build (V8 rejects another version's bytecode anyway) and per vramfit build:
  // the entry chunk's name carries the hash of every chunk it loads.
  const build = VRAMFIT_ENTRY_CHUNK.replace(/\.cjs$/, "");
  return path.join(root, "vramfit", "compile-cache", `${process.version}-${process.arch}`, build);
}

/** Runs a chunk of dist/cli once (as `require` would) and returns its exports. */
function loadChunk(fileName: string): unknown {
  const loaded = chunks.get(fileName);
  if (loaded !== undefined) return loaded.exports;
  const filename = path.join(__dirname, fileName);
  const source = fs.readFileSync(filename, "utf8");
  const cacheFile =
    cacheFolder === undefined ? undefined : path.join(cacheFolder, `${fileName}.v8`);
  const cachedData = cacheFile === undefined ? undefined : readCache(cacheFile);
  const script = new vm.Script(
    `(function (exports, require, module, __filename, __dirname) {${source}\n})`,
    cachedData === undefined ? { filename } : { filename, cachedData },
  );
  if (cacheFile !== undefined && (cachedData === undefined || script.cachedDataRejected === true))
    uncached.push({ script, cacheFile });
  const chunk: LoadedChunk = { exports: {} };
  chunks.set(fileName, chunk);
  const wrapper = script.runInThisContext() as (...args: unknown[]) => void;
  wrapper.call(chunk.exports, chunk.exports, requireFromChunk, chunk, filename, __dirname);
  return chunk.exports;
}

/** A chunk's `require`: its sibling chunks through {@link loadChunk}, Node's modules as usual. */
function requireFromChunk(id: string): unknown {
  return id.startsWith("./") ? loadChunk(id.slice(2)) : require(id);
}

function readCache(cacheFile: string): Buffer | undefined {
  try {
    return fs.readFileSync(cacheFile);
  } catch {
    return undefined;
  }
}

/**
 * At exit, after the run compiled what it used: writes the bytecode of each chunk that had none
 * (or had one V8 refused), atomically; a new build's first write also removes other builds' folders
 * last written over 30 days ago.
 */
function writeCaches(): void {
  if (cacheFolder === undefined || uncached.length === 0) return;
  try {
    const created = fs.mkdirSync(cacheFolder, { recursive: true, mode: 0o700 }) !== undefined;
    for (const { script, cacheFile } of uncached) {
      const temporary = `${cacheFile}.${process.pid}.tmp`;
      fs.writeFileSync(temporary, script.createCachedData(), { mode: 0o600 });
      fs.renameSync(temporary, cacheFile);
    }
    if (created) removeStaleBuilds(path.dirname(cacheFolder), path.basename(cacheFolder));
  } catch {
    // A read-only or full disk: the next run compiles again.
  }
}

function removeStaleBuilds(nodeFolder: string, current: string): void {
  for (const entry of fs.readdirSync(nodeFolder)) {
    const folder = path.join(nodeFolder, entry);
    if (entry !== current && Date.now() - fs.statSync(folder).mtimeMs > STALE_BUILD_MS)
      fs.rmSync(folder, { recursive: true, force: true });
  }
}

process.once("exit", writeCaches);
loadChunk(VRAMFIT_ENTRY_CHUNK);
