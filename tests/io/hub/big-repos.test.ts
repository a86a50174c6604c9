import { setFlagsFromString } from "node:v8";
import { runInNewContext } from "node:vm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { estimateInference } from "../../../src/index.js";
import { MAX_WINDOWS, READ_AHEAD_BYTES } from "../../../src/io/hub/hub-fetch.js";
import { DEFAULT_RETRY_POLICY } from "../../../src/io/hub/transport.js";
import { FakeHub, type FakeRepo } from "../../helpers/fake-hub.js";
import { isolatedEnv, sha, TINY_CONFIG } from "../../helpers/hub-fixtures.js";
import { shardedSafetensors, textFile, type TensorSpec } from "../../helpers/safetensors.js";

// A repo with thousands of shards once started every shard's request at once and kept every
// 256 KiB read-ahead window: 3,000 shards took 1.09 GB, 10,000 failed with self-inflicted
// timeouts. Now at most DEFAULT_RETRY_POLICY.concurrency requests run at once (counted at the
// server), and a window is dropped as soon as its header has been read.

/**
 * `npm test` reads 1,000 small shards; `npm run fuzz` (VRAMFIT_FUZZ=long) reads the issue's
 * 10,000, and 400 large ones, which take minutes on a shared machine.
 */
const LONG = process.env.VRAMFIT_FUZZ === "long";
const SMALL_SHARDS = LONG ? 10_000 : 1_000;
const LARGE_SHARDS = 400;

/** A repo of `shards` shards, one tensor of `shape` (BF16) each. */
function repo(id: string, shards: number, shape: number[]): FakeRepo {
  const tensors = Object.fromEntries(
    Array.from({ length: shards }, (_, i) => [
      `model.layers.${i}.weight`,
      { dtype: "BF16", shape } satisfies TensorSpec,
    ]),
  );
  return {
    id,
    sha: sha(shards),
    files: {
      "config.json": textFile(JSON.stringify(TINY_CONFIG)),
      ...shardedSafetensors(tensors, shards),
    },
  };
}

/** A full garbage collection (V8's `gc`, exposed at run time), so samples count what is kept. */
const collect = ((): (() => void) => {
  setFlagsFromString("--expose-gc");
  return runInNewContext("gc") as () => void;
})();

/**
 * Runs `read` while sampling, after a full collection each time, how much more the process
 * keeps in buffers and heap than before: what the read holds on to, not garbage awaiting a GC.
 */
async function peakGrowth(read: () => Promise<void>): Promise<{ buffers: number; heap: number }> {
  collect();
  const before = process.memoryUsage();
  const peak = { buffers: 0, heap: 0 };
  const sample = (): void => {
    collect();
    const now = process.memoryUsage();
    peak.buffers = Math.max(peak.buffers, now.arrayBuffers - before.arrayBuffers);
    peak.heap = Math.max(peak.heap, now.heapUsed - before.heapUsed);
  };
  const sampler = setInterval(sample, 250);
  try {
    await read();
  } finally {
    clearInterval(sampler);
  }
  return peak;
}

const mb = (bytes: number): string => `${(bytes / 1e6).toFixed(0)} MB`;

let hub: FakeHub;
beforeAll(async () => {
  hub = await FakeHub.start(
    [
      repo("test-org/many-small-shards", SMALL_SHARDS, [16]),
      repo("test-org/big-shards", LARGE_SHARDS, [4096, 4096]),
    ],
    // A little latency, so requests overlap at the server as they would on a network.
    { latencyMs: 2 },
  );
});
afterAll(async () => {
  await hub.close();
});

describe("a repo with many shards", () => {
  it(`${SMALL_SHARDS} shards: sized with at most DEFAULT_RETRY_POLICY.concurrency requests in flight, in bounded memory`, async () => {
    hub.reset();
    const start = performance.now();
    const peak = await peakGrowth(async () => {
      const estimate = await estimateInference("test-org/many-small-shards", {
        hubUrl: hub.url,
        env: isolatedEnv(),
        cacheDir: false,
        timeoutMs: 600_000,
      });
      expect(estimate.parameters.total).toBe(SMALL_SHARDS * 16);
    });
    console.info(
      `${SMALL_SHARDS} shards: ${hub.requests.length} requests in ${((performance.now() - start) / 1000).toFixed(1)} s, at most ${hub.load.maxInFlight} at once; peak growth ${mb(peak.buffers)} of buffers, ${mb(peak.heap)} of heap`,
    );
    expect(hub.requests.length).toBeGreaterThanOrEqual(SMALL_SHARDS);
    expect(hub.load.maxInFlight).toBeLessThanOrEqual(DEFAULT_RETRY_POLICY.concurrency);
    expect(peak.buffers + peak.heap).toBeLessThan(500e6);
  }, 900_000);

  // Memory counted for the whole process (the fake Hub included) is only a clear signal at this
  // size: `npm run fuzz`. tests/io/hub/hub-fetch-windows.test.ts counts the windows themselves.
  it.runIf(LONG)(
    `${LARGE_SHARDS} shards larger than the read-ahead: windows are released as headers are parsed`,
    async () => {
      hub.reset();
      const peak = await peakGrowth(async () => {
        await estimateInference("test-org/big-shards", {
          hubUrl: hub.url,
          env: isolatedEnv(),
          cacheDir: false,
          timeoutMs: 600_000,
        });
      });
      const keptAll = LARGE_SHARDS * READ_AHEAD_BYTES;
      console.info(
        `${LARGE_SHARDS} × 32 MiB shards: peak buffer growth ${mb(peak.buffers)} (every window kept: ${mb(keptAll)}; at most ${MAX_WINDOWS} windows and ${DEFAULT_RETRY_POLICY.concurrency} reads: ${mb((MAX_WINDOWS + DEFAULT_RETRY_POLICY.concurrency) * READ_AHEAD_BYTES)})`,
      );
      expect(hub.load.maxInFlight).toBeLessThanOrEqual(DEFAULT_RETRY_POLICY.concurrency);
      expect(peak.buffers).toBeLessThan(keptAll / 2);
    },
    600_000,
  );
});
