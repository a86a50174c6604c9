// npm run bench: measures the pure estimate's throughput and the CLI's cold start.
// Prints figures; docs/benchmarks.md records them with the machine and date. No thresholds here.
import { execFileSync } from "node:child_process";
import { mkdtempSync } from "node:fs";
import { cpus, tmpdir } from "node:os";
import { join } from "node:path";
import { performance } from "node:perf_hooks";
import { build } from "esbuild";
import {
  estimateInference,
  estimateInferenceFromSpec,
  findBundledModel,
  parseModelConfig,
} from "../dist/index.js";

const root = new URL("..", import.meta.url).pathname;

/** Runs `fn` repeatedly for about `seconds` and returns calls per second. */
function throughput(fn, seconds = 1) {
  for (let i = 0; i < 10_000; i++) fn(i); // warm up the JIT
  let calls = 0;
  const start = performance.now();
  const end = start + seconds * 1000;
  while (performance.now() < end) {
    for (let i = 0; i < 1000; i++) fn(i);
    calls += 1000;
  }
  return calls / ((performance.now() - start) / 1000);
}

function median(values) {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)];
}

/** Median wall time of `runs` fresh processes. */
function coldStartMs(args, runs = 15, env = process.env) {
  const times = [];
  for (let i = 0; i < runs; i++) {
    const start = performance.now();
    execFileSync(process.execPath, args, { stdio: "ignore", env });
    times.push(performance.now() - start);
  }
  return median(times);
}

const spec = parseModelConfig(findBundledModel("meta-llama/Meta-Llama-3-70B").config);
const contexts = [1024, 2048, 4096, 8192];
const perSecond = throughput((i) =>
  estimateInferenceFromSpec(spec, { contextLength: contexts[i & 3], batchSize: 8 }),
);

const bareMs = coldStartMs(["-e", "0"]);
// Offline, with a temporary home: the bundled snapshot answers, no Hub code is loaded.
const cliMs = coldStartMs(
  [join(root, "dist", "cli.js"), "estimate", "meta-llama/Meta-Llama-3-70B", "--json", "--offline"],
  15,
  { PATH: process.env.PATH ?? "", HOME: mkdtempSync(join(tmpdir(), "vramfit-bench-")) },
);

console.log(
  `machine: ${cpus()[0]?.model ?? "unknown"} × ${cpus().length}, node ${process.version}`,
);
console.log(
  `pure estimateInferenceFromSpec: ${Math.round(perSecond).toLocaleString("en-US")} estimates/s`,
);
console.log(`cold start, bare node -e 0:     ${bareMs.toFixed(1)} ms (median of 15)`);
console.log(
  `cold start, vramfit estimate:   ${cliMs.toFixed(1)} ms (median of 15), ${(cliMs / bareMs).toFixed(2)}× bare node`,
);

// Hub client: requests, round trips and wall time of an estimate against the tests' fake
// Hub (a real HTTP server on 127.0.0.1) with 50 ms of latency added to every request.
const helpers = join(tmpdir(), `vramfit-bench-hub-${process.pid}.mjs`);
await build({
  entryPoints: [join(root, "tests", "helpers", "bench-hub.ts")],
  bundle: true,
  platform: "node",
  format: "esm",
  outfile: helpers,
  define: { "import.meta.dirname": JSON.stringify(join(root, "tests", "helpers")) },
  logLevel: "warning",
});
const { APPROVED_TOKEN, FakeHub, hubRepos, sha } = await import(helpers);
const LATENCY_MS = 50;
const hub = await FakeHub.start(hubRepos(), { latencyMs: LATENCY_MS });

/** Requests that arrive within a latency of each other form one round trip. */
function roundTrips(requests) {
  let trips = 0;
  let last = Number.NEGATIVE_INFINITY;
  for (const { atMs } of [...requests].sort((a, b) => a.atMs - b.atMs)) {
    if (atMs - last > LATENCY_MS / 2) trips++;
    last = atMs;
  }
  return trips;
}

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
    trips: roundTrips(hub.requests),
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
report("cold, single file (test-org/tiny):", await hubRun("test-org/tiny", { cacheDir: fresh() }));
await hub.close();
