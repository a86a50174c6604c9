import { mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { runBuiltCli, runCli } from "../helpers/cli.js";
import { FakeHub } from "../helpers/fake-hub.js";
import {
  APPROVED_TOKEN,
  hubRepos,
  isolatedEnv,
  KNOWN_TOKENS,
  sha,
  TINY_PARAMETERS,
} from "../helpers/hub-fixtures.js";

let hub: FakeHub;
beforeAll(async () => {
  hub = await FakeHub.start(hubRepos(), { tokens: KNOWN_TOKENS });
});
afterAll(async () => {
  await hub.close();
});
beforeEach(() => {
  hub.reset();
});

const online = (extra: Record<string, string> = {}) => ({
  ...isolatedEnv(extra),
  HF_ENDPOINT: hub.url,
});

// Each test starts the built CLI, a fresh Node process, once or more: allow for a loaded machine.
describe("the built CLI against a Hub (HF_ENDPOINT)", { timeout: 30_000 }, () => {
  it("reads the safetensors headers and says where the numbers come from", async () => {
    const { code, stdout, stderr } = await runBuiltCli(["estimate", "test-org/tiny"], {
      env: online(),
    });
    expect(stderr).toBe("");
    expect(code).toBe(0);
    expect(stdout).toContain(
      `test-org/tiny on ${hub.url}, revision main (commit ${sha(1).slice(0, 12)}), read just now`,
    );
    expect(stdout).toMatch(/parameters {2}1,692,928 \(read from the safetensors headers, exact\)/);
    expect(TINY_PARAMETERS).toBe(1_692_928);
  });

  it("reads an http endpoint without loading node:https, node:http2 or tls (https only)", async () => {
    const folder = mkdtempSync(join(tmpdir(), "vramfit-modules-"));
    const modules = join(folder, "modules.json");
    const preload = join(folder, "record-modules.cjs");
    writeFileSync(
      preload,
      `process.on("exit", () => require("node:fs").writeFileSync(${JSON.stringify(modules)}, JSON.stringify(process.moduleLoadList)));\n`,
    );
    const { code, stdout } = await runBuiltCli(["estimate", "test-org/tiny", "--json"], {
      env: online(),
      nodeArgs: ["--require", preload],
    });
    expect(code).toBe(0);
    expect(JSON.parse(stdout).parameters.total).toBe(TINY_PARAMETERS);
    const loaded = JSON.parse(readFileSync(modules, "utf8")) as string[];
    expect(loaded).toContain("NativeModule http"); // the list is the real one
    for (const module of ["https", "http2", "tls", "_tls_wrap"])
      expect(loaded).not.toContain(`NativeModule ${module}`);
  });

  it("--revision pins a tag; --json reports the commit it resolved to", async () => {
    const { stdout } = await runBuiltCli(
      ["estimate", "test-org/tiny", "--revision", "v1.0", "--json"],
      {
        env: online(),
      },
    );
    expect(JSON.parse(stdout).model.source).toMatchObject({
      kind: "hub",
      revision: "v1.0",
      sha: sha(101),
    });
  });

  it("--hub-url wins over HF_ENDPOINT, with or without a trailing slash", async () => {
    const env = { ...isolatedEnv(), HF_ENDPOINT: "http://127.0.0.1:1" };
    const { code } = await runBuiltCli(["estimate", "test-org/tiny", "--hub-url", `${hub.url}/`], {
      env,
    });
    expect(code).toBe(0);
    for (const request of hub.requests) expect(request.path).not.toContain("//");
  });

  it("a gated repo without HF_TOKEN: exit 1, the message and what to do, no stack trace", async () => {
    const { code, stdout, stderr } = await runBuiltCli(["estimate", "test-org/gated"], {
      env: online(),
    });
    expect(code).toBe(1);
    expect(stdout).toBe("");
    expect(stderr).toMatch(
      /^error: test-org\/gated is a gated model: reading its files needs an access token \(HTTP 401, request id Root=1-test-\d+\)\./,
    );
    expect(stderr).toMatch(/\nhint: Request access at .*\/test-org\/gated, then set HF_TOKEN/);
    expect(stderr).not.toMatch(/at .*\.(?:js|ts):\d+/);
  });

  it("HF_TOKEN from the environment opens it", async () => {
    const { code, stdout } = await runBuiltCli(["estimate", "test-org/gated", "--json"], {
      env: online({ HF_TOKEN: APPROVED_TOKEN }),
    });
    expect(code).toBe(0);
    expect(JSON.parse(stdout).parameters.source).toBe("safetensors");
  });

  it("--offline makes no request: the cache a previous run filled, then the bundled snapshot", async () => {
    const env = online();
    await runBuiltCli(["estimate", "test-org/tiny"], { env });
    hub.reset();
    const cached = await runBuiltCli(["estimate", "test-org/tiny", "--offline", "--json"], { env });
    expect(JSON.parse(cached.stdout).model.source.kind).toBe("cache");
    const bundled = await runBuiltCli(["estimate", "meta-llama/Meta-Llama-3-70B", "--offline"], {
      env,
    });
    expect(bundled.stdout).toContain("bundled snapshot");
    expect(hub.requests).toHaveLength(0);
  });

  it("a second run within 10 minutes sends nothing, not even the early request; --refresh asks once", async () => {
    const env = online();
    await runBuiltCli(["estimate", "test-org/tiny", "--json"], { env });
    hub.reset();
    const warm = await runBuiltCli(["estimate", "test-org/tiny", "--json"], { env });
    expect(JSON.parse(warm.stdout).model.source).toMatchObject({ kind: "cache", sha: sha(1) });
    expect(hub.requests).toHaveLength(0);
    const refreshed = await runBuiltCli(["estimate", "test-org/tiny", "--json", "--refresh"], {
      env,
    });
    expect(JSON.parse(refreshed.stdout).model.source.kind).toBe("cache"); // main has not moved
    expect(hub.requests.map((request) => request.path)).toEqual([
      "/api/models/test-org/tiny/revision/main",
    ]);
  });

  it("documents --revision, --offline, --hub-url and why there is no --token", async () => {
    const { stdout } = await runCli(["estimate", "--help"]);
    expect(stdout).toMatch(/--revision R/);
    expect(stdout).toMatch(/--offline/);
    expect(stdout).toMatch(/--hub-url URL/);
    expect(stdout).toMatch(/there is no --token flag/);
    const token = await runCli(["estimate", "test-org/tiny", "--token", "hf_x"]);
    expect(token.code).toBe(2);
  });

  it("a bad --hub-url is a usage error (exit 2)", async () => {
    const { code, stderr } = await runCli(["estimate", "test-org/tiny", "--hub-url", "ftp://x"], {
      env: online(),
    });
    expect(code).toBe(2);
    expect(stderr).toMatch(/Invalid --hub-url: expected an http\(s\) URL/);
  });
});
