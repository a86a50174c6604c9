import { mkdirSync, readFileSync, readdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { inspect } from "node:util";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { estimateInference, type HubError } from "../../../src/index.js";
import { runBuiltCli, runCli } from "../../helpers/cli.js";
import { FakeHub, type Fault } from "../../helpers/fake-hub.js";
import {
  hubRepos,
  isolatedEnv,
  KNOWN_TOKENS,
  tempDir,
  TINY_CONFIG,
} from "../../helpers/hub-fixtures.js";
import { textFile } from "../../helpers/safetensors.js";

/** A token the Hub knows, approved for nothing; what must never be printed. */
const SECRET = "hf_TopSecretTokenThatMustNeverBePrinted42";
/** A token the Hub does not know. */
const UNKNOWN_SECRET = "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7";

let hub: FakeHub;
beforeAll(async () => {
  hub = await FakeHub.start(hubRepos(), { tokens: [...KNOWN_TOKENS, SECRET] });
});
afterAll(async () => {
  await hub.close();
});
beforeEach(() => {
  hub.reset();
});

/** Everything an error could show: message, hint, stack, own fields, the cause chain. */
function everything(error: unknown): string {
  return [
    inspect(error, { depth: 20, showHidden: true }),
    JSON.stringify(error),
    String(error),
    (error as Error).stack ?? "",
  ].join("\n");
}

function filesUnder(folder: string): string[] {
  return readdirSync(folder, { recursive: true, withFileTypes: true })
    .filter((entry) => entry.isFile())
    .map((entry) => join(entry.parentPath, entry.name));
}

const all = () => true;
const SCENARIOS: [string, string, Fault | undefined, string][] = [
  ["a gated repo the token is not approved for", "test-org/gated", undefined, "HUB_ACCESS_DENIED"],
  [
    "a server that echoes the Authorization header",
    "test-org/tiny",
    { kind: "echo-token" },
    "HUB_ACCESS_DENIED",
  ],
  ["a missing repo", "test-org/missing", undefined, "HUB_REPO_NOT_FOUND"],
  [
    "a rate limit",
    "test-org/tiny",
    { kind: "status", status: 429, headers: { "Retry-After": "0" } },
    "HUB_RATE_LIMITED",
  ],
  ["a broken config.json", "test-org/bad-config", undefined, "CONFIG_INVALID"],
  ["a broken safetensors header", "test-org/bad-header", undefined, "WEIGHTS_INVALID"],
  ["a truncated range", "test-org/tiny", { kind: "short-range" }, "HUB_BAD_RESPONSE"],
];

describe("the token never appears", () => {
  it.each(SCENARIOS)(
    "in the error for %s",
    async (_name, repo, fault, code) => {
      if (fault !== undefined) hub.inject(all, fault, 100);
      const error = await estimateInference(repo, {
        hubUrl: hub.url,
        env: isolatedEnv({ HF_TOKEN: SECRET }),
      }).catch((e: unknown) => e);
      expect(error).toMatchObject({ code });
      expect(hub.requests.some((request) => request.authorization === `Bearer ${SECRET}`)).toBe(
        true,
      );
      expect(everything(error)).not.toContain(SECRET);
    },
    15_000,
  );

  it("even when the server repeats it: the message shows it redacted", async () => {
    hub.inject(all, { kind: "echo-token" }, 100);
    const error = await estimateInference("test-org/tiny", {
      hubUrl: hub.url,
      env: isolatedEnv({ HF_TOKEN: SECRET }),
    }).catch((e: unknown) => e);
    expect((error as Error).message).toContain("Bearer hf_***");
  });

  it("in the error for a token the Hub rejects, or a Hub that cannot be reached", async () => {
    const rejected = await estimateInference("test-org/tiny", {
      hubUrl: hub.url,
      env: isolatedEnv({ HF_TOKEN: UNKNOWN_SECRET }),
    }).catch((e: unknown) => e);
    expect(rejected).toMatchObject({ code: "HUB_INVALID_TOKEN" });
    expect(everything(rejected)).not.toContain(UNKNOWN_SECRET);

    const unreachable = await estimateInference("test-org/tiny", {
      hubUrl: "http://127.0.0.1:1",
      env: isolatedEnv({ HF_TOKEN: SECRET }),
    }).catch((e: unknown) => e);
    expect(unreachable).toMatchObject({ code: "HUB_UNREACHABLE" });
    expect(everything(unreachable)).not.toContain(SECRET);
  }, 15_000);

  it("in the cache files or the estimate of a successful read", async () => {
    hub.add({
      ...hubRepos()[0]!,
      id: "test-org/secretly-readable",
      private: true,
      approvedTokens: [SECRET],
    });
    const cacheDir = tempDir();
    const estimate = await estimateInference("test-org/secretly-readable", {
      hubUrl: hub.url,
      env: isolatedEnv({ HF_TOKEN: SECRET }),
      cacheDir,
    });
    expect(estimate.parameters.source).toBe("safetensors");
    expect(JSON.stringify(estimate)).not.toContain(SECRET);
    const files = filesUnder(cacheDir);
    expect(files.length).toBeGreaterThan(0);
    for (const file of files) expect(readFileSync(file, "utf8")).not.toContain(SECRET);
  });

  it("in the CLI's output, success or failure", async () => {
    const env = { ...isolatedEnv({ HF_TOKEN: SECRET }), HF_ENDPOINT: hub.url };
    const ok = await runBuiltCli(["estimate", "test-org/tiny"], { env });
    expect(ok.code).toBe(0);
    hub.inject(all, { kind: "echo-token" }, 100);
    // --refresh: ask the Hub (which now echoes the token), then fall back to the cache with a warning.
    const fellBack = await runBuiltCli(["estimate", "test-org/tiny", "--refresh"], { env });
    expect(fellBack.stdout).toContain("hf_***");
    const failed = await runBuiltCli(["estimate", "test-org/tiny"], {
      env: { ...isolatedEnv({ HF_TOKEN: SECRET }), HF_ENDPOINT: hub.url },
    });
    expect(failed.code).toBe(1);
    expect(failed.stderr).toContain("hf_***");
    for (const output of [ok, fellBack, failed].flatMap((run) => [run.stdout, run.stderr])) {
      expect(output).not.toContain(SECRET);
    }
  }, 30_000);
});

/** Requests for files (not model info). */
const files = (request: { path: string }) => request.path.includes("/resolve/");

/** The five places a token can come from, as the CLI or the library is given them. */
const TOKEN_SOURCES: [string, () => { env: Record<string, string>; accessToken?: string }][] = [
  ["HF_TOKEN", () => ({ env: isolatedEnv({ HF_TOKEN: SECRET }) })],
  ["HUGGING_FACE_HUB_TOKEN", () => ({ env: isolatedEnv({ HUGGING_FACE_HUB_TOKEN: SECRET }) })],
  [
    "HF_TOKEN_PATH",
    () => {
      const path = join(tempDir(), "token");
      writeFileSync(path, `${SECRET}\n`);
      return { env: isolatedEnv({ HF_TOKEN_PATH: path }) };
    },
  ],
  [
    "$HF_HOME/token",
    () => {
      const env = isolatedEnv();
      mkdirSync(env.HF_HOME!, { recursive: true });
      writeFileSync(join(env.HF_HOME!, "token"), SECRET);
      return { env };
    },
  ],
  ["the accessToken option", () => ({ env: isolatedEnv(), accessToken: SECRET })],
];

describe("a server that ignores Range and echoes the Authorization header in X-Request-Id", () => {
  it.each(TOKEN_SOURCES)("never shows the token from %s", async (_source, given) => {
    hub.inject(files, { kind: "ignore-range", echoToken: true }, 100);
    const { env, accessToken } = given();
    const error = await estimateInference("test-org/tiny", {
      hubUrl: hub.url,
      env,
      ...(accessToken === undefined ? {} : { accessToken }),
    }).catch((e: unknown) => e);
    expect(error).toMatchObject({ code: "HUB_BAD_RESPONSE" });
    expect(hub.requests.some((request) => request.authorization === `Bearer ${SECRET}`)).toBe(true);
    expect((error as HubError).requestId).toBe("Root=1-Bearer hf_***");
    expect((error as Error).message).toContain("request id Root=1-Bearer hf_***");
    expect(everything(error)).not.toContain(SECRET);
  });

  it.each(TOKEN_SOURCES.slice(0, 4))(
    "never prints the token from %s in estimate or plan, text or --json",
    async (_source, given) => {
      const { env } = given();
      const outputs: string[] = [];
      for (const argv of [
        ["estimate", "test-org/tiny"],
        ["estimate", "test-org/tiny", "--json"],
        ["plan", "test-org/tiny", "--workload", "realtime"],
        ["plan", "test-org/tiny", "--workload", "realtime", "--json"],
      ]) {
        hub.reset();
        hub.inject(files, { kind: "ignore-range", echoToken: true }, 100);
        const result = await runCli(argv, { env: { ...env, HF_ENDPOINT: hub.url } });
        expect(result.code, argv.join(" ")).toBe(1);
        expect(result.stderr).toContain("hf_***");
        outputs.push(result.stdout, result.stderr);
      }
      for (const output of outputs) expect(output).not.toContain(SECRET);
    },
    30_000,
  );
});

describe("anything token-shaped from a server is redacted, not only the token in use", () => {
  const OTHER = "hf_SomebodyElsesTokenEchoedBack0123456";

  it("in a request id and the Hub's message", async () => {
    hub.inject(all, {
      kind: "status",
      status: 403,
      headers: {
        "X-Request-Id": `Bearer ${OTHER}`,
        "X-Error-Message": `token ${OTHER} or api_org_AbcdefghijklmnopqrstU is not allowed`,
      },
    });
    const error = await estimateInference("test-org/tiny", {
      hubUrl: hub.url,
      env: isolatedEnv(),
    }).catch((e: unknown) => e);
    expect(error).toMatchObject({ code: "HUB_ACCESS_DENIED", requestId: "Bearer hf_***" });
    expect(everything(error)).not.toContain(OTHER);
    expect(everything(error)).not.toContain("api_org_Abcdefghij");
  });

  it("in file names and config.json: the estimate, its JSON and the cache hold none", async () => {
    hub.add({
      id: "test-org/echoing",
      sha: "e".repeat(40),
      files: {
        "config.json": textFile(JSON.stringify({ ...TINY_CONFIG, _name_or_path: OTHER })),
        [`pytorch_model-${OTHER}.bin`]: textFile("weights"),
      },
    });
    const cacheDir = tempDir();
    const env = { ...isolatedEnv({ HF_TOKEN: SECRET }), HF_ENDPOINT: hub.url };
    const estimate = await estimateInference("test-org/echoing", {
      hubUrl: hub.url,
      env,
      cacheDir,
    });
    expect(estimate.warnings.join("\n")).toContain("pytorch_model-hf_***.bin");
    const cli = await runCli(["estimate", "test-org/echoing", "--json"], { env });
    expect(cli.code).toBe(0);
    const texts = [JSON.stringify(estimate), cli.stdout, cli.stderr];
    texts.push(...filesUnder(cacheDir).map((file) => readFileSync(file, "utf8")));
    expect(filesUnder(cacheDir).length).toBeGreaterThan(0);
    for (const text of texts) {
      expect(text).not.toContain(OTHER);
      expect(text).not.toContain(SECRET);
    }
  });
});
