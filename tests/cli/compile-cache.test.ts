// The launcher's code cache (src/cli/launcher.cts): written on the first run, taken on the next,
// never in the way when it is off, refused by V8 or cannot be written.
import {
  existsSync,
  mkdirSync,
  readdirSync,
  readFileSync,
  statSync,
  utimesSync,
  writeFileSync,
} from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { offlineEnv, runBuiltCli } from "../helpers/cli.js";

const ESTIMATE = ["estimate", "meta-llama/Meta-Llama-3-70B", "--context", "4096", "--batch", "8"];

/** Every cache file under the compile-cache folder of this environment, by path. */
function cacheFiles(env: Record<string, string>): Map<string, Buffer> {
  const root = join(env.XDG_CACHE_HOME ?? "", "vramfit", "compile-cache");
  const files = new Map<string, Buffer>();
  if (!existsSync(root)) return files;
  for (const entry of readdirSync(root, { recursive: true, withFileTypes: true }))
    if (entry.isFile())
      files.set(
        join(entry.parentPath, entry.name),
        readFileSync(join(entry.parentPath, entry.name)),
      );
  return files;
}

describe("the CLI's compile cache", () => {
  it("is written by the first run, per Node version, and taken as it is by the next", async () => {
    const env = offlineEnv();
    const first = await runBuiltCli(ESTIMATE, { env });
    expect(first.code).toBe(0);
    expect(first.stdout).toContain("10,737,418,240"); // the worked example's KV cache
    const written = cacheFiles(env);
    // The entry chunk and the estimate's chunks, each in a folder named for this Node.
    expect(written.size).toBeGreaterThanOrEqual(2);
    for (const path of written.keys()) {
      expect(path).toContain(`${process.version}-${process.arch}`);
      expect(path).toMatch(/\.cjs\.v8$/);
      expect(statSync(path).mode & 0o077).toBe(0); // readable by its owner only
    }

    const second = await runBuiltCli(ESTIMATE, { env });
    expect(second.stdout).toBe(first.stdout);
    // V8 took every file: a refused one would have been written again.
    expect(cacheFiles(env)).toEqual(written);
  });

  it("gives the same answer when V8 refuses a damaged file, and replaces that file", async () => {
    const env = offlineEnv();
    const first = await runBuiltCli(ESTIMATE, { env });
    const [damaged] = [...cacheFiles(env).keys()];
    if (damaged === undefined) throw new Error("the first run wrote no cache");
    writeFileSync(damaged, Buffer.alloc(statSync(damaged).size, 0x5a));

    const second = await runBuiltCli(ESTIMATE, { env });
    expect(second.code).toBe(0);
    expect(second.stdout).toBe(first.stdout);
    expect(readFileSync(damaged).every((byte) => byte === 0x5a)).toBe(false);
  });

  it("writes nothing with NODE_DISABLE_COMPILE_CACHE=1", async () => {
    const env = { ...offlineEnv(), NODE_DISABLE_COMPILE_CACHE: "1" };
    expect((await runBuiltCli(ESTIMATE, { env })).code).toBe(0);
    expect(cacheFiles(env).size).toBe(0);
  });

  it("still runs when the cache folder cannot be made", async () => {
    const env = offlineEnv();
    writeFileSync(join(env.HOME ?? "", "not-a-folder"), "");
    const blocked = { ...env, XDG_CACHE_HOME: join(env.HOME ?? "", "not-a-folder") };
    const result = await runBuiltCli(ESTIMATE, { env: blocked });
    expect(result.code).toBe(0);
    expect(result.stderr).toBe("");
    expect(result.stdout).toContain("10,737,418,240");
  });

  it("removes other builds' folders last written over 30 days ago, and keeps newer ones", async () => {
    const env = offlineEnv();
    const nodeFolder = join(
      env.XDG_CACHE_HOME ?? "",
      "vramfit",
      "compile-cache",
      `${process.version}-${process.arch}`,
    );
    const old = join(nodeFolder, "main-0ld0ld00");
    const recent = join(nodeFolder, "main-rec3nt00");
    for (const folder of [old, recent]) {
      mkdirSync(folder, { recursive: true });
      writeFileSync(join(folder, "main-x.cjs.v8"), "");
    }
    const daysAgo = (days: number) => new Date(Date.now() - days * 24 * 3600 * 1000);
    utimesSync(old, daysAgo(31), daysAgo(31));
    utimesSync(recent, daysAgo(29), daysAgo(29));

    expect((await runBuiltCli(ESTIMATE, { env })).code).toBe(0);
    const builds = readdirSync(nodeFolder);
    expect(builds).not.toContain("main-0ld0ld00");
    expect(builds).toContain("main-rec3nt00");
    expect(builds).toHaveLength(2); // this build's own folder and the recent one
  });
});
