// `vramfit <command> <org/name>` sends the model-info request before the command's code loads
// (src/cli/early-model-read.ts); the command's read takes that answer instead of asking again.
// In-process, the command's code is already loaded, so these tests check what is sent and
// when it is not, not the time saved (docs/benchmarks.md measures that).
import { mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { startEarlyModelRead } from "../../src/cli/early-model-read.js";
import { abandonEarlyReads } from "../../src/io/hub/early-reads.js";
import { runBuiltCli, runCli } from "../helpers/cli.js";
import { FakeHub } from "../helpers/fake-hub.js";
import { APPROVED_TOKEN, hubRepos, isolatedEnv, sha, tempDir } from "../helpers/hub-fixtures.js";

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

const env = () => ({ ...isolatedEnv(), HF_ENDPOINT: hub.url, HF_TOKEN: APPROVED_TOKEN });
const infoRequests = () => hub.hubRequests().filter((r) => r.path.startsWith("/api/models/"));

describe("the early model-info request", () => {
  it("leaves before the command runs, and the command takes its answer (7 requests, not 8)", async () => {
    const io = { env: env(), cwd: tempDir() };
    await startEarlyModelRead(["estimate", "meta-llama/Meta-Llama-3-8B", "--revision", "main"], {
      ...io,
      stdout: () => undefined,
      stderr: () => undefined,
      stderrIsTerminal: false,
      readStdin: () => Promise.resolve(""),
    });
    await expect.poll(() => infoRequests().length).toBe(1);
    expect(infoRequests()[0]?.authorization).toBe(`Bearer ${APPROVED_TOKEN}`);
    abandonEarlyReads();
    hub.reset();

    const { code, stdout } = await runCli(["estimate", "meta-llama/Meta-Llama-3-8B", "--json"], {
      env: io.env,
      cwd: io.cwd,
    });
    expect(code).toBe(0);
    expect(JSON.parse(stdout).parameters.source).toBe("safetensors");
    // model info, then config.json, the index and the 4 shard headers: each asked for once.
    expect(hub.hubRequests()).toHaveLength(7);
    expect(infoRequests()).toHaveLength(1);
  });

  it.each([
    ["train", []],
    ["fit", ["--gpu", "nvidia-h100-sxm"]],
    ["gpus", ["--top", "1"]],
    ["plan", ["--workload", "realtime"]],
  ])("%s takes the early answer too: one model-info request", async (command, flags) => {
    const { code, stderr } = await runCli([command, "meta-llama/Meta-Llama-3-8B", ...flags], {
      env: env(),
    });
    expect(stderr).not.toContain("Error");
    expect(code).toBe(0);
    expect(infoRequests()).toHaveLength(1);
  });

  it("follows --revision and --hub-url as the command reads them", async () => {
    const { code } = await runCli(
      ["gpus", "test-org/tiny", "--revision", "v1.0", "--hub-url", hub.url, "--top", "1"],
      { env: { ...isolatedEnv(), HF_ENDPOINT: "http://127.0.0.1:1" } },
    );
    expect(code).toBe(0);
    expect(infoRequests().map((r) => r.path)).toEqual(["/api/models/test-org/tiny/revision/v1.0"]);
  });

  it("sends nothing offline, for --help, or when the model is a local folder", async () => {
    const cwd = tempDir();
    mkdirSync(join(cwd, "org", "local"), { recursive: true });
    writeFileSync(
      join(cwd, "org", "local", "config.json"),
      JSON.stringify({
        model_type: "llama",
        hidden_size: 64,
        num_hidden_layers: 2,
        num_attention_heads: 4,
        intermediate_size: 128,
        vocab_size: 100,
      }),
    );
    expect(
      (await runCli(["estimate", "meta-llama/Meta-Llama-3-8B", "--offline"], { env: env() })).code,
    ).toBe(0);
    expect(
      (await runCli(["estimate", "meta-llama/Meta-Llama-3-8B", "--help"], { env: env() })).code,
    ).toBe(0);
    expect((await runCli(["estimate", "org/local"], { env: env(), cwd })).code).toBe(0);
    expect(
      (
        await runCli(["estimate", "meta-llama/Meta-Llama-3-8B"], {
          env: { ...env(), HF_HUB_OFFLINE: "1" },
        })
      ).code,
    ).toBe(0);
    expect(hub.requests).toHaveLength(0);
  });

  it("a pinned commit read once is read from the cache again: no request at all", async () => {
    const pinned = { ...env() };
    const argv = ["estimate", "meta-llama/Meta-Llama-3-8B", "--revision", sha(3)];
    expect((await runCli(argv, { env: pinned })).code).toBe(0);
    expect(hub.hubRequests().length).toBeGreaterThan(0);
    hub.reset();
    expect((await runCli(argv, { env: pinned })).code).toBe(0);
    expect(hub.requests).toHaveLength(0);
  });

  it(
    "a command that fails before reading its model ends without waiting for the answer",
    { timeout: 20_000 },
    async () => {
      // The built CLI, a process of its own: one that waited for the model info, held for 60 s
      // here, or for the 30 s budget, would run into this test's 20 s timeout.
      hub.inject((r) => r.path.startsWith("/api/models/"), { kind: "delay", ms: 60_000 });
      const { code, stderr } = await runBuiltCli(
        ["estimate", "meta-llama/Meta-Llama-3-8B", "--context", "banana"],
        { env: env() },
      );
      expect(code).toBe(2);
      expect(stderr).toContain("--context");
      // Sent, then abandoned; with the command's code loaded from the compile cache the usage
      // error can even come before the request reaches the Hub.
      expect(infoRequests().length).toBeLessThanOrEqual(1);
    },
  );
});
