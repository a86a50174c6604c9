import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { estimateMany, type EstimateManyItem } from "../../src/index.js";
import { FakeHub } from "../helpers/fake-hub.js";
import { runCli } from "../helpers/cli.js";
import { hubRepos, isolatedEnv, TINY_PARAMETERS } from "../helpers/hub-fixtures.js";

// Many models at once, against the imitation Hub: bounded concurrency, per-model errors
// collected, items in input order and reported as they finish.

let hub: FakeHub;
beforeAll(async () => {
  hub = await FakeHub.start(hubRepos(), { latencyMs: 20 });
});
afterAll(async () => {
  await hub.close();
});

const MODELS = ["test-org/tiny", "nobody/no-such-model", "test-org/sharded", "test-org/gptq"];

describe("estimateMany", () => {
  it("estimates each model, collects a missing one's error, keeps the input order", async () => {
    const seen: EstimateManyItem[] = [];
    const items = await estimateMany(MODELS, {
      hubUrl: hub.url,
      env: isolatedEnv(),
      cacheDir: false,
      concurrency: 2,
      onItem: (item) => seen.push(item),
    });
    expect(items.map((item) => item.model)).toEqual(MODELS);
    expect(items.map((item) => item.index)).toEqual([0, 1, 2, 3]);
    const [tiny, missing, sharded] = items;
    expect(tiny && "estimate" in tiny && tiny.estimate.parameters.total).toBe(TINY_PARAMETERS);
    expect(sharded && "estimate" in sharded && sharded.estimate.parameters.total).toBe(
      TINY_PARAMETERS,
    );
    expect(missing && "error" in missing && missing.error.code).toBe("HUB_REPO_NOT_FOUND");
    expect(seen).toHaveLength(4);
  });

  it("never has more than `concurrency` models in flight", async () => {
    hub.reset();
    const many = Array.from({ length: 6 }, () => "test-org/tiny");
    await estimateMany(many, {
      hubUrl: hub.url,
      env: isolatedEnv(),
      cacheDir: false,
      concurrency: 2,
    });
    // Each cold estimate starts with one model-info request: at most two of them overlap.
    const infos = hub.hubRequests().filter((request) => request.path.startsWith("/api/models/"));
    expect(infos).toHaveLength(6);
    const starts = infos.map((request) => request.atMs).sort((a, b) => a - b);
    // With 20 ms per request and 2 workers, the 3rd model-info request cannot start before the
    // 1st model's reads are done (3 round trips ≥ 60 ms after it).
    expect((starts[2] ?? 0) - (starts[0] ?? 0)).toBeGreaterThanOrEqual(40);
  });

  it("refuses an unknown option before any request", async () => {
    await expect(estimateMany(["test-org/tiny"], { concurency: 2 } as never)).rejects.toMatchObject(
      {
        code: "OPTION_INVALID",
        hint: 'Did you mean "concurrency"?',
      },
    );
  });
});

describe("vramfit estimate --from", () => {
  it("reads ids from standard input and prints JSON Lines; exit 1 when one failed", async () => {
    const env = { ...isolatedEnv(), HF_ENDPOINT: hub.url };
    const lines: string[] = [];
    const result = await runCli(["estimate", "--from", "-", "--json"], {
      env,
      stdin: "test-org/tiny\n# a comment\nnobody/no-such-model\n",
    });
    lines.push(...result.stdout.trim().split("\n"));
    expect(result.code).toBe(1);
    expect(lines).toHaveLength(2);
    const parsed = lines.map(
      (line) => JSON.parse(line) as { model: string; schemaVersion: number },
    );
    expect(parsed.map((item) => item.model).sort()).toEqual([
      "nobody/no-such-model",
      "test-org/tiny",
    ]);
    expect(parsed.every((item) => item.schemaVersion === 1)).toBe(true);
  });

  it("prints a table in the list's order from a file, offline on the bundled models", async () => {
    const result = await runCli(["estimate", "--from", "-"], {
      stdin: "meta-llama/Meta-Llama-3-8B\nmeta-llama/Meta-Llama-3-70B\n",
    });
    expect(result.code).toBe(0);
    const rows = result.stdout.split("\n").filter((line) => line.includes("meta-llama/"));
    expect(rows.map((row) => row.trim().split(/\s+/)[0])).toEqual([
      "meta-llama/Meta-Llama-3-8B",
      "meta-llama/Meta-Llama-3-70B",
    ]);
    expect(result.stdout).toContain("2 models, 0 failed");
  });
});
