import { createServer } from "node:net";
import { describe, expect, it as base } from "vitest";
import { estimateInference, HubError } from "../../../src/index.js";
import { FakeHub, type RecordedRequest } from "../../helpers/fake-hub.js";
import {
  APPROVED_TOKEN,
  hubRepos,
  isolatedEnv,
  KNOWN_TOKENS,
  TINY_PARAMETERS,
} from "../../helpers/hub-fixtures.js";

// Each test gets its own fake Hub, so the slow ones (real retry backoffs) run concurrently.
const it = base.extend<{ hub: FakeHub }>({
  // eslint-disable-next-line no-empty-pattern -- vitest reads fixture dependencies from this pattern
  hub: async ({}, use) => {
    const hub = await FakeHub.start(hubRepos(), { tokens: KNOWN_TOKENS });
    await use(hub);
    await hub.close();
  },
});

function via(hub: FakeHub, extra: Record<string, string> = {}) {
  return { hubUrl: hub.url, env: isolatedEnv(extra) };
}

const modelInfo = (request: RecordedRequest) =>
  request.path.startsWith("/api/models/test-org/tiny");
const weights = (request: RecordedRequest) => request.path.endsWith("/model.safetensors");
const tooMany = (headers: Record<string, string>) =>
  ({ kind: "status", status: 429, headers, body: '{"error":"Too many requests"}' }) as const;

/** A port nothing listens on. */
async function deadEndpoint(): Promise<string> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as { port: number };
  await new Promise((resolve) => server.close(resolve));
  return `http://127.0.0.1:${port}`;
}

describe.concurrent("retries", () => {
  it("429 twice, then OK: 2 extra requests, and the estimate is the same", async ({ hub }) => {
    hub.inject(modelInfo, tooMany({ "Retry-After": "0" }), 2);
    const estimate = await estimateInference("test-org/tiny", via(hub));
    expect(estimate.parameters.total).toBe(TINY_PARAMETERS);
    expect(hub.requests.filter(modelInfo)).toHaveLength(3);
    expect(hub.requests).toHaveLength(5);
  });

  it("waits as long as Retry-After says before the next try", async ({ hub }) => {
    hub.inject(modelInfo, tooMany({ "Retry-After": "1" }), 1);
    await estimateInference("test-org/tiny", via(hub));
    const [first, second] = hub.requests.filter(modelInfo);
    expect(second!.atMs - first!.atMs).toBeGreaterThanOrEqual(1000);
  }, 10_000);

  it("honours the Hub's RateLimit header (r=0 means wait t seconds)", async ({ hub }) => {
    hub.inject(modelInfo, tooMany({ RateLimit: '"api";r=0;t=1', "Retry-After": "0" }), 1);
    await estimateInference("test-org/tiny", via(hub));
    const [first, second] = hub.requests.filter(modelInfo);
    expect(second!.atMs - first!.atMs).toBeGreaterThanOrEqual(1000);
  }, 10_000);

  it("429 on every try: HUB_RATE_LIMITED after 4 tries, with the wait and the request id", async ({
    hub,
  }) => {
    hub.inject(modelInfo, tooMany({ "Retry-After": "0" }), 10);
    const error = (await estimateInference("test-org/tiny", via(hub)).catch(
      (e: unknown) => e,
    )) as HubError;
    expect(error).toBeInstanceOf(HubError);
    expect(error.code).toBe("HUB_RATE_LIMITED");
    expect(error.retryAfterSeconds).toBe(0);
    expect(error.message).toMatch(/HTTP 429, request id Root=1-test-\d+, 4 tries/);
    expect(hub.requests).toHaveLength(4);
  }, 15_000);

  it("a Retry-After longer than 30 s is not waited for: one request, and the error says how long", async ({
    hub,
  }) => {
    hub.inject(modelInfo, tooMany({ "Retry-After": "300" }), 10);
    const error = (await estimateInference("test-org/tiny", via(hub)).catch(
      (e: unknown) => e,
    )) as HubError;
    expect(error).toMatchObject({ code: "HUB_RATE_LIMITED", retryAfterSeconds: 300 });
    expect(error.message).toContain("it asks to wait 300 s");
    expect(hub.requests).toHaveLength(1);
  });

  it("503 once, then OK", async ({ hub }) => {
    hub.inject(weights, { kind: "status", status: 503, body: "Service Unavailable" }, 1);
    const estimate = await estimateInference("test-org/tiny", via(hub));
    expect(estimate.parameters.source).toBe("safetensors");
    expect(hub.requests.filter(weights)).toHaveLength(2);
  });

  it("5xx on every try: HUB_UNREACHABLE after 4 tries, suggesting --offline", async ({ hub }) => {
    hub.inject(modelInfo, { kind: "status", status: 500 }, 10);
    const error = (await estimateInference("test-org/tiny", via(hub)).catch(
      (e: unknown) => e,
    )) as HubError;
    expect(error.code).toBe("HUB_UNREACHABLE");
    expect(error.message).toContain("after 4 tries");
    expect(error.hint).toContain("--offline");
    // Once in three CI runs (2026-12-07) 6 requests arrived here, the error still saying 4 tries;
    // never reproduced since: the message lists them, should it happen again.
    const seen = hub.requests.map((r) => `${r.server} ${r.method} ${r.path} +${r.atMs}ms`);
    expect(hub.requests, seen.join("; ")).toHaveLength(4);
  }, 15_000);

  it.for([
    [401, "HUB_REPO_NOT_FOUND"],
    [403, "HUB_ACCESS_DENIED"],
    [404, "HUB_REPO_NOT_FOUND"],
  ] as const)("no retry for %i", async ([status, code], { hub }) => {
    hub.inject(modelInfo, { kind: "status", status }, 10);
    await expect(estimateInference("test-org/tiny", via(hub))).rejects.toMatchObject({
      code,
      status,
    });
    expect(hub.requests).toHaveLength(1);
  });

  it("a dropped connection is retried", async ({ hub }) => {
    hub.inject(weights, { kind: "drop" }, 1);
    const estimate = await estimateInference("test-org/tiny", via(hub));
    expect(estimate.parameters.source).toBe("safetensors");
    expect(hub.requests.filter(weights)).toHaveLength(2);
  });

  it("a connection dropped on every try: HUB_UNREACHABLE", async ({ hub }) => {
    hub.inject(weights, { kind: "drop" }, 10);
    const error = (await estimateInference("test-org/tiny", via(hub)).catch(
      (e: unknown) => e,
    )) as HubError;
    expect(error.code).toBe("HUB_UNREACHABLE");
    expect(error.message).toMatch(/the connection failed|cut short/);
  }, 15_000);

  it("a try slower than its share of the timeout: abandoned and retried", async ({ hub }) => {
    // timeoutMs is the whole read's budget; each try gets a quarter of it (500 ms here).
    hub.inject(modelInfo, { kind: "delay", ms: 3000 }, 1);
    const estimate = await estimateInference("test-org/tiny", { ...via(hub), timeoutMs: 2000 });
    expect(estimate.parameters.total).toBe(TINY_PARAMETERS);
    expect(hub.requests.filter(modelInfo)).toHaveLength(2);
  });

  it("slower than the timeout every time: HUB_UNREACHABLE within the timeout, no hang", async ({
    hub,
  }) => {
    hub.inject(modelInfo, { kind: "delay", ms: 10_000 }, 10);
    const start = performance.now();
    const error = (await estimateInference("test-org/tiny", { ...via(hub), timeoutMs: 200 }).catch(
      (e: unknown) => e,
    )) as HubError;
    expect(performance.now() - start).toBeLessThan(3000); // not 4 × 10 s
    expect(error.code).toBe("HUB_UNREACHABLE");
    expect(error.message).toMatch(/no answer within (50 ms, 4 tries|the 200 ms timeout, \d tries)/);
    expect(error.hint).toContain("--timeout");
  }, 15_000);

  it("the caller's signal cancels at once, without retrying", async ({ hub }) => {
    hub.inject(modelInfo, { kind: "delay", ms: 10_000 }, 10);
    const controller = new AbortController();
    setTimeout(() => {
      controller.abort();
    }, 100);
    await expect(
      estimateInference("test-org/tiny", { ...via(hub), signal: controller.signal }),
    ).rejects.toMatchObject({ name: "AbortError" });
    expect(hub.requests).toHaveLength(1);
  });
});

describe.concurrent("untrusted answers", () => {
  it("a body cut short mid-way is retried", async ({ hub }) => {
    hub.inject(weights, { kind: "truncate" }, 1);
    const estimate = await estimateInference("test-org/tiny", via(hub));
    expect(estimate.parameters.source).toBe("safetensors");
    expect(hub.requests.filter(weights)).toHaveLength(2);
  });

  it("cut short on every try: HUB_UNREACHABLE saying so", async ({ hub }) => {
    hub.inject(weights, { kind: "truncate" }, 10);
    await expect(estimateInference("test-org/tiny", via(hub))).rejects.toThrow(/cut short/);
  }, 15_000);

  it("fewer bytes than the Content-Range promised: HUB_BAD_RESPONSE, not retried", async ({
    hub,
  }) => {
    hub.inject(weights, { kind: "short-range" }, 10);
    const error = (await estimateInference("test-org/tiny", via(hub)).catch(
      (e: unknown) => e,
    )) as HubError;
    expect(error.code).toBe("HUB_BAD_RESPONSE");
    expect(error.message).toContain("model.safetensors");
    expect(error.message).toContain("truncated");
    expect(hub.requests.filter(weights)).toHaveLength(1);
  });

  it("a server that ignores Range on a weights file: HUB_BAD_RESPONSE at once, nothing downloaded", async ({
    hub,
  }) => {
    hub.inject(weights, { kind: "ignore-range" }, 10);
    const error = (await estimateInference("test-org/tiny", via(hub)).catch(
      (e: unknown) => e,
    )) as HubError;
    expect(error.code).toBe("HUB_BAD_RESPONSE");
    expect(error.message).toContain("ignored the Range header");
  });

  it("a server that ignores Range on a small file is fine: the whole file is the answer", async ({
    hub,
  }) => {
    hub.inject((request) => request.path.endsWith("config.json"), { kind: "ignore-range" }, 10);
    const estimate = await estimateInference("test-org/tiny", via(hub));
    expect(estimate.parameters.total).toBe(TINY_PARAMETERS);
  });

  it("a trailing slash on the endpoint is dropped (no // in any path)", async ({ hub }) => {
    await estimateInference("test-org/tiny", { ...via(hub), hubUrl: `${hub.url}/` });
    expect(hub.requests.length).toBeGreaterThan(0);
    for (const request of hub.requests) expect(request.path).not.toContain("//");
  });
});

describe.concurrent("redirects", () => {
  it("a redirect to another host (the CDN) gets Range but never the token", async () => {
    const cdnHub = await FakeHub.start(hubRepos(), { tokens: KNOWN_TOKENS, cdn: true });
    try {
      const estimate = await estimateInference("test-org/gated", {
        hubUrl: cdnHub.url,
        env: isolatedEnv({ HF_TOKEN: APPROVED_TOKEN }),
      });
      expect(estimate.parameters.source).toBe("safetensors");
      const cdn = cdnHub.requests.filter((request) => request.server === "cdn");
      expect(cdn.map((request) => request.path)).toEqual([
        expect.stringMatching(/^\/cdn\/test-org\/gated\/[0-9a-f]{40}\/model\.safetensors$/),
      ]);
      expect(cdn[0]!.authorization).toBeUndefined();
      expect(cdn[0]!.range).toBe("bytes=0-99999"); // a safetensors file: the first 100,000 bytes
      for (const request of cdnHub.hubRequests()) {
        expect(request.authorization).toBe(`Bearer ${APPROVED_TOKEN}`);
      }
      // model info, config.json, the weights' redirect, the CDN read.
      expect(cdnHub.requests).toHaveLength(4);
    } finally {
      await cdnHub.close();
    }
  });
});

describe.concurrent("falling back when the Hub cannot help", () => {
  it("unreachable, bundled model: the bundled snapshot, with a warning that says why", async () => {
    const estimate = await estimateInference("meta-llama/Meta-Llama-3-70B", {
      hubUrl: await deadEndpoint(),
      env: isolatedEnv(),
    });
    expect(estimate.model.source.kind).toBe("bundled");
    expect(estimate.warnings[0]).toMatch(
      /^Could not reach the Hub at .* the connection failed \(ECONNREFUSED\).*Used vramfit's bundled snapshot/,
    );
  }, 15_000);

  it("unreachable, nothing to fall back on: HUB_UNREACHABLE suggesting --offline", async () => {
    const error = (await estimateInference("test-org/tiny", {
      hubUrl: await deadEndpoint(),
      env: isolatedEnv(),
    }).catch((e: unknown) => e)) as HubError;
    expect(error.code).toBe("HUB_UNREACHABLE");
    expect(error.hint).toContain("--offline");
  }, 15_000);

  it("gated without a token, bundled model: the bundled snapshot, with the gating hint as a warning", async ({
    hub,
  }) => {
    const estimate = await estimateInference("meta-llama/Meta-Llama-3-8B", via(hub));
    expect(estimate.model.source.kind).toBe("bundled");
    expect(estimate.warnings[0]).toMatch(
      /is a gated model.*Request access at .*HF_TOKEN.*Used vramfit's bundled snapshot/,
    );
  });
});
