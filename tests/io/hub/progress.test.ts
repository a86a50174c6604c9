// Hub progress events and the backoff shared by many estimates, against the fake Hub.
import { describe, expect, it } from "vitest";
import {
  createHubBackoff,
  estimateInference,
  estimateMany,
  type HubProgress,
} from "../../../src/index.js";
import { FakeHub, type RecordedRequest } from "../../helpers/fake-hub.js";
import { APPROVED_TOKEN, hubRepos, isolatedEnv } from "../../helpers/hub-fixtures.js";

const tooMany = (retryAfterSeconds: number) =>
  ({
    kind: "status",
    status: 429,
    headers: { "Retry-After": String(retryAfterSeconds) },
    body: '{"error":"Too many requests"}',
  }) as const;
const modelInfoOf = (repo: string) => (request: RecordedRequest) =>
  request.path.startsWith(`/api/models/${repo}`);

async function withHub<T>(run: (hub: FakeHub) => Promise<T>): Promise<T> {
  const hub = await FakeHub.start(hubRepos());
  try {
    return await run(hub);
  } finally {
    await hub.close();
  }
}

describe("Hub progress events", () => {
  it("a cold read of Llama-3-8B: resolving main, then config.json and its 4 shard headers", async () => {
    await withHub(async (hub) => {
      const events: HubProgress[] = [];
      await estimateInference("meta-llama/Meta-Llama-3-8B", {
        hubUrl: hub.url,
        env: isolatedEnv({ HF_TOKEN: APPROVED_TOKEN }),
        onProgress: (event) => events.push(event),
      });
      expect(events.map((event) => event.kind)).toEqual(["resolving", "reading-files"]);
      expect(events[0]).toEqual({
        kind: "resolving",
        repo: "meta-llama/Meta-Llama-3-8B",
        revision: "main",
      });
      expect(events[1]).toMatchObject({ kind: "reading-files", weightFiles: 4 });
    });
  });

  it("a rate limit says why and how long before the next try", async () => {
    await withHub(async (hub) => {
      hub.inject(modelInfoOf("test-org/tiny"), tooMany(1), 1);
      const events: HubProgress[] = [];
      await estimateInference("test-org/tiny", {
        hubUrl: hub.url,
        env: isolatedEnv(),
        onProgress: (event) => events.push(event),
      });
      const wait = events.find((event) => event.kind === "retry-wait");
      expect(wait).toMatchObject({
        kind: "retry-wait",
        repo: "test-org/tiny",
        reason: "HTTP 429 (rate limited)",
        nextTry: 2,
        tries: 4,
      });
      // Retry-After: 1 s, plus a backoff of 200–400 ms (minBackoffMs 200, randomized ×1–2).
      expect(wait?.kind === "retry-wait" && wait.delayMs).toBeGreaterThanOrEqual(1200);
      expect(wait?.kind === "retry-wait" && wait.delayMs).toBeLessThanOrEqual(1400);
    });
  }, 10_000);

  it("a cached commit reads nothing and reports nothing", async () => {
    await withHub(async (hub) => {
      const env = isolatedEnv();
      const first = await estimateInference("test-org/tiny", { hubUrl: hub.url, env });
      const events: HubProgress[] = [];
      await estimateInference("test-org/tiny", {
        hubUrl: hub.url,
        env,
        revision: first.model.source.sha ?? "main",
        onProgress: (event) => events.push(event),
      });
      expect(events).toEqual([]);
    });
  });
});

describe("a backoff shared by several estimates", () => {
  it("when the Hub rate-limits one read, the others send nothing until the pause is over", async () => {
    await withHub(async (hub) => {
      hub.inject(modelInfoOf("test-org/tiny"), tooMany(1), 1);
      const backoff = createHubBackoff();
      const env = isolatedEnv();
      const tiny = estimateInference("test-org/tiny", { hubUrl: hub.url, env, backoff });
      // The second estimate starts once the 429 has been answered.
      await until(() => hub.requests.some(modelInfoOf("test-org/tiny")));
      await new Promise((resolve) => setTimeout(resolve, 100));
      const sharded = estimateInference("test-org/sharded", { hubUrl: hub.url, env, backoff });
      await Promise.all([tiny, sharded]);
      const limitedAt = hub.requests.find(modelInfoOf("test-org/tiny"))?.atMs ?? 0;
      const others = hub.requests.filter((request) => request.path.includes("test-org/sharded"));
      expect(others.length).toBeGreaterThan(0);
      for (const request of others) expect(request.atMs - limitedAt).toBeGreaterThanOrEqual(1000);
    });
  }, 10_000);

  it("estimateMany shares one backoff across its models by default", async () => {
    await withHub(async (hub) => {
      hub.inject(modelInfoOf("test-org/tiny"), tooMany(1), 1);
      // The second model's model info answers in 300 ms, inside the first one's 1 s pause.
      hub.inject(modelInfoOf("test-org/sharded"), { kind: "delay", ms: 300 }, 1);
      const events: HubProgress[] = [];
      const items = await estimateMany(["test-org/tiny", "test-org/sharded"], {
        hubUrl: hub.url,
        env: isolatedEnv(),
        concurrency: 2,
        onProgress: (event) => events.push(event),
      });
      expect(items.every((item) => "estimate" in item)).toBe(true);
      const limitedAt = hub.requests.find(modelInfoOf("test-org/tiny"))?.atMs ?? 0;
      const later = hub.requests.filter(
        (request) =>
          request.path.includes("test-org/sharded") && !modelInfoOf("test-org/sharded")(request),
      );
      expect(later.length).toBeGreaterThan(0);
      for (const request of later) expect(request.atMs - limitedAt).toBeGreaterThanOrEqual(1000);
      // Both models' progress reaches one onProgress (in whichever order they start).
      expect(
        events
          .filter((event) => event.kind === "resolving")
          .map((event) => event.repo)
          .sort(),
      ).toEqual(["test-org/sharded", "test-org/tiny"]);
    });
  }, 10_000);
});

async function until(condition: () => boolean): Promise<void> {
  while (!condition()) await new Promise((resolve) => setTimeout(resolve, 5));
}
