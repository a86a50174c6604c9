import { readdirSync, readFileSync, rmSync, utimesSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { estimateInference } from "../../src/index.js";
import { STALE_TEMPORARY_MS } from "../../src/io/files/text-files.js";
import { FakeHub } from "../helpers/fake-hub.js";
import { hubRepos, isolatedEnv, sha, TINY_PARAMETERS, tempDir } from "../helpers/hub-fixtures.js";

// On main a process killed mid-write left its `.tmp` file in the cache for good, and an entry
// that was valid JSON around a damaged config.json was read (and failed) on every run.

let hub: FakeHub;
beforeAll(async () => {
  hub = await FakeHub.start(hubRepos());
});
afterAll(async () => {
  await hub.close();
});

function snapshotsOf(cacheDir: string): string {
  const [entry] = readdirSync(cacheDir, { recursive: true, withFileTypes: true })
    .filter((file) => file.isFile() && file.parentPath.endsWith("snapshots"))
    .map((file) => file.parentPath);
  return entry!;
}

describe("the cache after a killed write", () => {
  it("an old temporary file is removed by the next write; a recent one is left alone", async () => {
    const cacheDir = tempDir();
    const options = { hubUrl: hub.url, env: isolatedEnv(), cacheDir };
    await estimateInference("test-org/tiny", options);
    const folder = snapshotsOf(cacheDir);
    const old = join(folder, `${sha(7)}.json.0000.tmp`);
    const recent = join(folder, `${sha(8)}.json.1111.tmp`);
    writeFileSync(old, "{ half a");
    writeFileSync(recent, "{ half a");
    const longAgo = (Date.now() - STALE_TEMPORARY_MS - 60_000) / 1000;
    utimesSync(old, longAgo, longAgo);

    // The next write to this folder (the entry removed, so it is written again).
    rmSync(join(folder, `${sha(1)}.json`));
    await estimateInference("test-org/tiny", options);
    const left = readdirSync(folder);
    expect(left).not.toContain(`${sha(7)}.json.0000.tmp`);
    expect(left).toContain(`${sha(8)}.json.1111.tmp`); // another process may be writing it
  });
});

describe("an entry that is valid JSON around a damaged config.json", () => {
  it("is a miss: read from the Hub again and replaced", async () => {
    const options = { hubUrl: hub.url, env: isolatedEnv(), cacheDir: tempDir(), revision: sha(1) };
    await estimateInference("test-org/tiny", options);
    const entry = join(snapshotsOf(options.cacheDir), `${sha(1)}.json`);
    const valid = JSON.parse(readFileSync(entry, "utf8"));
    writeFileSync(entry, JSON.stringify({ ...valid, configText: '{"model_type": "lla' }));

    hub.reset();
    const again = await estimateInference("test-org/tiny", options);
    expect(again.parameters.total).toBe(TINY_PARAMETERS);
    expect(hub.requests.length).toBeGreaterThan(0);
    expect(JSON.parse(JSON.parse(readFileSync(entry, "utf8")).configText)).toMatchObject({
      model_type: expect.any(String),
    });
  });
});
