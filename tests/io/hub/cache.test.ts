import { mkdirSync, readdirSync, readFileSync, writeFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { estimateInference } from "../../../src/index.js";
import { FakeHub } from "../../helpers/fake-hub.js";
import {
  hubRepos,
  isolatedEnv,
  sha,
  TINY_CONFIG,
  TINY_PARAMETERS,
  tempDir,
} from "../../helpers/hub-fixtures.js";

let hub: FakeHub;
beforeAll(async () => {
  hub = await FakeHub.start(hubRepos());
});
afterAll(async () => {
  await hub.close();
});
beforeEach(() => {
  hub.reset();
});

/** Every file under a folder, recursively. */
function filesUnder(folder: string): string[] {
  return readdirSync(folder, { recursive: true, withFileTypes: true })
    .filter((entry) => entry.isFile())
    .map((entry) => join(entry.parentPath, entry.name));
}

function entryOf(cacheDir: string): string {
  const [entry] = filesUnder(cacheDir).filter((file) => file.includes("/snapshots/"));
  return entry!;
}

describe("vramfit's metadata cache", () => {
  it("one entry per commit and one ref per branch, under <cacheDir>/hub/<host>/models--org--name", async () => {
    const cacheDir = tempDir();
    const before = Date.now();
    await estimateInference("test-org/tiny", { hubUrl: hub.url, env: isolatedEnv(), cacheDir });
    const after = Date.now();
    const host = new URL(hub.url).host.replace(":", "_");
    const folder = join(cacheDir, "hub", host, "models--test-org--tiny");
    expect(filesUnder(cacheDir).sort()).toEqual([
      join(folder, "refs", "main"),
      join(folder, "snapshots", `${sha(1)}.json`),
    ]);
    // The commit main was at, and when the Hub said so.
    const [commit, checkedAt, end] = readFileSync(join(folder, "refs", "main"), "utf8").split("\n");
    expect(commit).toBe(sha(1));
    expect(Date.parse(checkedAt!)).toBeGreaterThanOrEqual(before);
    expect(Date.parse(checkedAt!)).toBeLessThanOrEqual(after);
    expect(end).toBe("");
    const entry = JSON.parse(readFileSync(join(folder, "snapshots", `${sha(1)}.json`), "utf8"));
    expect(JSON.parse(entry.configText)).toEqual(TINY_CONFIG);
    expect(entry.weights).toMatchObject({ kind: "safetensors", parameterCount: TINY_PARAMETERS });
  });

  it("a corrupt entry (a write cut short) is detected, fetched again and replaced", async () => {
    const options = { hubUrl: hub.url, env: isolatedEnv(), cacheDir: tempDir() };
    await estimateInference("test-org/tiny", options);
    const entry = entryOf(options.cacheDir);
    const whole = readFileSync(entry, "utf8");
    writeFileSync(entry, whole.slice(0, whole.length / 2));

    hub.reset();
    const again = await estimateInference("test-org/tiny", options);
    expect(again.model.source.kind).toBe("hub");
    expect(hub.requests).toHaveLength(3);
    const replaced = JSON.parse(readFileSync(entry, "utf8"));
    expect(replaced.weights.parameterCount).toBe(TINY_PARAMETERS);
  });

  it("an entry of the wrong shape, or for another commit, is a miss too", async () => {
    const options = { hubUrl: hub.url, env: isolatedEnv(), cacheDir: tempDir(), revision: sha(1) };
    await estimateInference("test-org/tiny", options);
    const entry = entryOf(options.cacheDir);
    const valid = JSON.parse(readFileSync(entry, "utf8"));
    for (const broken of [
      { ...valid, weights: { kind: "mystery" } },
      { ...valid, sha: sha(99) },
      [1, 2],
    ]) {
      writeFileSync(entry, JSON.stringify(broken));
      hub.reset();
      await estimateInference("test-org/tiny", options);
      expect(hub.requests.length).toBeGreaterThan(0);
    }
  });

  it("writes through a temporary file and a rename: no temporary file is left behind", async () => {
    const cacheDir = tempDir();
    await estimateInference("test-org/sharded", { hubUrl: hub.url, env: isolatedEnv(), cacheDir });
    expect(filesUnder(cacheDir).filter((file) => file.endsWith(".tmp"))).toEqual([]);
  });

  it("a leftover temporary file from a killed write does not count as an entry", async () => {
    const options = { hubUrl: hub.url, env: isolatedEnv(), cacheDir: tempDir(), revision: sha(1) };
    await estimateInference("test-org/tiny", options);
    const entry = entryOf(options.cacheDir);
    writeFileSync(`${entry}.0000.tmp`, "{ half a");
    hub.reset();
    await estimateInference("test-org/tiny", options);
    expect(hub.requests).toHaveLength(0);
  });

  it("a cache that cannot be written: the estimate still works, and a warning says so", async () => {
    const blocker = join(tempDir(), "a-file");
    writeFileSync(blocker, "not a folder");
    const estimate = await estimateInference("test-org/tiny", {
      hubUrl: hub.url,
      env: isolatedEnv(),
      cacheDir: blocker,
    });
    expect(estimate.parameters.total).toBe(TINY_PARAMETERS);
    expect(estimate.warnings.join("\n")).toMatch(/could not write vramfit's cache in .*ENOTDIR/);
  });

  it("cacheDir: false caches nothing: the repeat asks the Hub again", async () => {
    const options = {
      hubUrl: hub.url,
      env: isolatedEnv(),
      cacheDir: false as const,
      revision: sha(1),
    };
    await estimateInference("test-org/tiny", options);
    hub.reset();
    await estimateInference("test-org/tiny", options);
    expect(hub.requests).toHaveLength(3);
  });
});

describe("offline: vramfit's cache, then the Hugging Face cache, then the bundled snapshot", () => {
  /** A Python-style HF cache holding a config.json for `repo` at `commit`, with refs/main. */
  function hfCache(hfHome: string, repo: string, commit: string, config: object): string {
    const folder = join(hfHome, "hub", `models--${repo.replace("/", "--")}`);
    mkdirSync(join(folder, "refs"), { recursive: true });
    mkdirSync(join(folder, "snapshots", commit), { recursive: true });
    writeFileSync(join(folder, "refs", "main"), commit);
    const path = join(folder, "snapshots", commit, "config.json");
    writeFileSync(path, JSON.stringify(config));
    return path;
  }

  it("the Hugging Face cache, read-only, when vramfit's has nothing", async () => {
    const env = isolatedEnv({ HF_HUB_OFFLINE: "1" });
    const path = hfCache(env.HF_HOME!, "test-org/elsewhere", sha(42), TINY_CONFIG);
    const estimate = await estimateInference("test-org/elsewhere", { env });
    expect(estimate.model.source).toEqual({
      kind: "hf-cache",
      repo: "test-org/elsewhere",
      revision: "main",
      sha: sha(42),
      path,
    });
    expect(estimate.parameters).toMatchObject({ total: TINY_PARAMETERS, source: "config" });
    expect(filesUnder(env.HF_HOME!)).toEqual([join(path, "..", "..", "..", "refs", "main"), path]);
  });

  it("vramfit's cache first (it has the exact count), even when the HF cache has the repo", async () => {
    const env = isolatedEnv();
    await estimateInference("test-org/tiny", { hubUrl: hub.url, env });
    hfCache(env.HF_HOME!, "test-org/tiny", sha(1), { ...TINY_CONFIG, num_hidden_layers: 40 });
    hub.reset();
    const estimate = await estimateInference("test-org/tiny", {
      hubUrl: hub.url,
      env,
      offline: true,
    });
    expect(estimate.model.source.kind).toBe("cache");
    expect(estimate.parameters.source).toBe("safetensors");
    expect(hub.requests).toHaveLength(0);
  });

  it("the bundled snapshot last, and a pinned revision it cannot honour is a warning", async () => {
    const estimate = await estimateInference("meta-llama/Meta-Llama-3-70B", {
      env: isolatedEnv(),
      offline: true,
      revision: "v2",
    });
    expect(estimate.model.source.kind).toBe("bundled");
    expect(estimate.warnings).toContain(
      "the bundled snapshot of meta-llama/Meta-Llama-3-70B is not pinned to revision v2",
    );
  });

  it("nothing anywhere: MODEL_NOT_FOUND saying how to fill the cache", async () => {
    const error = await estimateInference("test-org/nowhere", {
      env: isolatedEnv(),
      offline: true,
    }).catch((e: unknown) => e);
    expect(error).toMatchObject({ code: "MODEL_NOT_FOUND" });
    expect((error as Error).message).toContain("offline there is no cached copy");
  });

  it("a branch the Hub confirmed less than branchMaxAgeMs ago is read with no request", async () => {
    const options = { hubUrl: hub.url, env: isolatedEnv(), cacheDir: tempDir() };
    await estimateInference("test-org/tiny", options);
    const refFile = join(dirname(dirname(entryOf(options.cacheDir))), "refs", "main");
    const confirmed = (msAgo: number) =>
      `${sha(1)}\n${new Date(Date.now() - msAgo).toISOString()}\n`;
    // [the ref file, the requests a read then makes: 1 is the model info]
    const cases: [string, number][] = [
      [confirmed(60_000), 0], // a minute ago: within the default 10 minutes
      [confirmed(11 * 60_000), 1], // eleven minutes ago: asked again
      [confirmed(-60_000), 1], // in the future (a clock moved back): not trusted
      [`${sha(1)}\n`, 1], // written before vramfit kept the time
    ];
    for (const [text, requests] of cases) {
      writeFileSync(refFile, text);
      hub.reset();
      const estimate = await estimateInference("test-org/tiny", options);
      expect(estimate.model.source.kind).toBe("cache");
      expect(hub.requests, text).toHaveLength(requests);
    }
    writeFileSync(refFile, confirmed(60_000));
    hub.reset();
    await estimateInference("test-org/tiny", { ...options, branchMaxAgeMs: 30_000 });
    expect(hub.requests).toHaveLength(1); // older than the 30 s asked for
  });

  it("when the Hub is down, the cached copy stands in, with a warning", async () => {
    const env = isolatedEnv();
    await estimateInference("test-org/tiny", { hubUrl: hub.url, env });
    hub.inject(() => true, { kind: "status", status: 503 }, 100);
    // branchMaxAgeMs 0: ask the Hub whether main moved (else the fresh cache answers alone).
    const estimate = await estimateInference("test-org/tiny", {
      hubUrl: hub.url,
      env,
      branchMaxAgeMs: 0,
    });
    expect(estimate.model.source.kind).toBe("cache");
    expect(estimate.parameters.source).toBe("safetensors");
    expect(estimate.warnings[0]).toMatch(
      /failed to answer .* Used vramfit's cached copy \(commit 0{7}1/,
    );
  }, 15_000);
});
