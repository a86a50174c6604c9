// Progress on standard error: on a terminal only; never with --json, piped, under NO_COLOR or CI.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { describeProgress } from "../../src/cli/progress.js";
import { runBuiltCli, runCli } from "../helpers/cli.js";
import { FakeHub } from "../helpers/fake-hub.js";
import { APPROVED_TOKEN, hubRepos, isolatedEnv, sha } from "../helpers/hub-fixtures.js";

let hub: FakeHub;
beforeAll(async () => {
  hub = await FakeHub.start(hubRepos());
});
afterAll(async () => {
  await hub.close();
});

const online = (extra: Record<string, string> = {}) => ({
  ...isolatedEnv({ HF_TOKEN: APPROVED_TOKEN, ...extra }),
  HF_ENDPOINT: hub.url,
});
const LLAMA = "meta-llama/Meta-Llama-3-8B";

describe("Hub progress in the CLI", { timeout: 30_000 }, () => {
  it("on a terminal: the revision being resolved, then the files being read", async () => {
    const { code, stderr } = await runCli(["estimate", LLAMA], {
      env: online(),
      stderrIsTerminal: true,
    });
    expect(code).toBe(0);
    expect(stderr).toBe(
      `vramfit: resolving ${LLAMA}@main on the Hub…\n` +
        `vramfit: reading config.json and 4 safetensors headers at ${sha(3).slice(0, 12)}…\n`,
    );
  });

  it.each([
    ["--json", ["--json"], {}],
    ["NO_COLOR", [], { NO_COLOR: "1" }],
    ["CI", [], { CI: "true" }],
  ])("silent with %s", async (_, flags, env) => {
    const { code, stderr } = await runCli(["estimate", LLAMA, ...flags], {
      env: online(env),
      stderrIsTerminal: true,
    });
    expect(code).toBe(0);
    expect(stderr).toBe("");
  });

  it("silent when standard error is a pipe (the built CLI, a real process)", async () => {
    const { code, stderr } = await runBuiltCli(["estimate", LLAMA], { env: online() });
    expect(code).toBe(0);
    expect(stderr).toBe("");
  });

  it("a retry wait says the reason, the try and the delay", () => {
    expect(
      describeProgress({
        kind: "retry-wait",
        repo: LLAMA,
        reason: "HTTP 429 (rate limited)",
        delayMs: 2350,
        nextTry: 2,
        tries: 4,
      }),
    ).toBe(`HTTP 429 (rate limited) from the Hub for ${LLAMA}: try 2 of 4 in 2.4 s`);
  });
});
