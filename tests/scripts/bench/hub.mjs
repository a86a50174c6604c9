// Hub client: requests, round trips and wall time of an estimate against the tests' fake
// Hub (a real HTTP server on 127.0.0.1) with 50 ms of latency added to every request.
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { performance } from "node:perf_hooks";
import { estimateInference } from "../../../dist/index.js";
import { bundleBenchHub, roundTrips } from "./bench-hub.mjs";
import { median } from "./measure.mjs";

const LATENCY_MS = 50;

/** Prints the Hub figures. */
export async function run() {
  const { APPROVED_TOKEN, FakeHub, hubRepos, sha } = await bundleBenchHub();
  const hub = await FakeHub.start(hubRepos(), { latencyMs: LATENCY_MS });

  async function hubRun(repo, options) {
    hub.reset();
    const start = performance.now();
    const estimate = await estimateInference(repo, {
      hubUrl: hub.url,
      env: { HOME: mkdtempSync(join(tmpdir(), "vramfit-bench-")), HF_TOKEN: APPROVED_TOKEN },
      ...options,
    });
    return {
      ms: performance.now() - start,
      requests: hub.requests.length,
      trips: roundTrips(hub.requests, LATENCY_MS),
      source: `${estimate.model.source.kind}/${estimate.parameters.source}`,
    };
  }

  const fresh = () => mkdtempSync(join(tmpdir(), "vramfit-bench-cache-"));
  const llama = "meta-llama/Meta-Llama-3-8B"; // 4 shards, gated (the token is approved)
  const report = (label, run) =>
    console.log(
      `hub ${label.padEnd(44)} ${String(run.requests).padStart(2)} requests, ${run.trips} round trips, ${run.ms.toFixed(1)} ms (${run.source})`,
    );
  report("cold, first call (loads @huggingface/hub):", await hubRun(llama, { cacheDir: fresh() }));
  const colds = [];
  for (let i = 0; i < 5; i++) colds.push(await hubRun(llama, { cacheDir: fresh() }));
  report("cold, Llama-3-8B 4 shards (median of 5):", {
    ...colds[0],
    ms: median(colds.map((run) => run.ms)),
  });
  const cacheDir = fresh();
  await hubRun(llama, { cacheDir });
  report("warm, revision main (revalidates):", await hubRun(llama, { cacheDir }));
  report("warm, pinned commit:", await hubRun(llama, { cacheDir, revision: sha(3) }));
  report("offline, from the cache:", await hubRun(llama, { cacheDir, offline: true }));
  report(
    "cold, two shards (test-org/sharded):",
    await hubRun("test-org/sharded", { cacheDir: fresh() }),
  );
  report(
    "cold, single file (test-org/tiny):",
    await hubRun("test-org/tiny", { cacheDir: fresh() }),
  );
  await hub.close();
}
