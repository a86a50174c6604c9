// Hub estimates as a user runs them: whole `vramfit estimate` processes against the tests'
// fake Hub (a real HTTP server on 127.0.0.1, in this process) at 0, 50 and 150 ms per request.
// For each: requests, sequential round trips, wall and CPU time of the process, peak memory;
// beside it the same estimate through the library with Node's built-in fetch, and bare node.
import { execFile } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { performance } from "node:perf_hooks";
import { promisify } from "node:util";
import { bundleBenchHub, roundTrips } from "./bench-hub.mjs";
import { CLI, median, ROOT } from "./measure.mjs";

const execFileAsync = promisify(execFile);
const RUSAGE = join(ROOT, "tests", "scripts", "bench", "rusage.cjs");
const FLOOR_CLIENT = join(ROOT, "tests", "scripts", "bench", "floor-client.cjs");
const RUNS = 5;
const REPO = "meta-llama/Meta-Llama-3-8B"; // 4 shards, gated (the token is approved)

/** One whole process: wall ms, CPU ms and peak MiB from the preload, requests and round trips. */
async function measure(hub, args, env, latencyMs) {
  const usageFile = join(mkdtempSync(join(tmpdir(), "vramfit-bench-")), "usage.json");
  hub?.reset();
  const start = performance.now();
  await execFileAsync(process.execPath, ["--require", RUSAGE, ...args], {
    env: { ...env, VRAMFIT_BENCH_RUSAGE: usageFile },
  });
  const wallMs = performance.now() - start;
  const usage = JSON.parse(readFileSync(usageFile, "utf8"));
  return {
    wallMs,
    cpuMs: usage.cpuUs / 1000,
    peakMiB: usage.maxRssKb / 1024,
    requests: hub?.requests.length ?? 0,
    trips: hub === undefined ? 0 : roundTrips(hub.requests, Math.max(latencyMs, 10)),
    connections: new Set(hub?.requests.map((r) => `${r.server} ${r.connection}`)).size,
  };
}

/** The median of each figure over `RUNS` runs (requests and trips are the same every run). */
async function medianOf(make) {
  const runs = [];
  for (let i = 0; i < RUNS; i++) runs.push(await make());
  return {
    ...runs[0],
    wallMs: median(runs.map((r) => r.wallMs)),
    cpuMs: median(runs.map((r) => r.cpuMs)),
    peakMiB: median(runs.map((r) => r.peakMiB)),
  };
}

function print(label, figures, bare) {
  console.log(
    `${label.padEnd(58)} ${String(figures.requests).padStart(2)} req ${figures.trips} trips ` +
      `${figures.connections} conn ` +
      `${figures.wallMs.toFixed(0).padStart(5)} ms wall ${figures.cpuMs.toFixed(0).padStart(4)} ms CPU` +
      (bare === undefined ? "" : ` (+${(figures.cpuMs - bare.cpuMs).toFixed(0)} over bare)`) +
      ` ${figures.peakMiB.toFixed(0)} MiB peak`,
  );
}

/** Prints the whole-process Hub figures. */
export async function run() {
  const { APPROVED_TOKEN, FakeHub, hubRepos, TEST_CA_FILE } = await bundleBenchHub();
  const home = () => mkdtempSync(join(tmpdir(), "vramfit-bench-home-"));
  const baseEnv = { PATH: process.env.PATH ?? "", HF_TOKEN: APPROVED_TOKEN };
  const bare = await medianOf(() => measure(undefined, ["-e", "0"], baseEnv, 0));
  print("bare node -e 0", bare);
  const builtIn = join(mkdtempSync(join(tmpdir(), "vramfit-bench-")), "built-in-fetch.mjs");
  const { writeFileSync } = await import("node:fs");
  writeFileSync(
    builtIn,
    `import { estimateInference } from ${JSON.stringify(join(ROOT, "dist", "index.js"))};\n` +
      `const e = await estimateInference(${JSON.stringify(REPO)}, { fetch: globalThis.fetch });\n` +
      `console.log(JSON.stringify(e.totalBytes));\n`,
  );
  for (const latencyMs of [0, 50, 150]) {
    const hub = await FakeHub.start(hubRepos(), { latencyMs });
    const env = () => ({ ...baseEnv, HOME: home(), HF_ENDPOINT: hub.url });
    console.log(`\n${latencyMs} ms per request (${REPO}, 4 shards):`);
    // Cold Hub cache, with the CLI's compile cache (src/cli/launcher.cts) from an earlier run,
    // as on any run but a fresh install's first.
    const compiled = mkdtempSync(join(tmpdir(), "vramfit-bench-xdg-"));
    const coldHubEnv = () => {
      rmSync(join(compiled, "vramfit", "hub"), { recursive: true, force: true });
      rmSync(join(compiled, "huggingface"), { recursive: true, force: true });
      return { ...env(), XDG_CACHE_HOME: compiled };
    };
    await measure(hub, [CLI, "estimate", REPO, "--json"], coldHubEnv(), latencyMs);
    const cold = await medianOf(() =>
      measure(hub, [CLI, "estimate", REPO, "--json"], coldHubEnv(), latencyMs),
    );
    print("  vramfit estimate, cold cache", cold, bare);
    const first = await medianOf(() =>
      measure(hub, [CLI, "estimate", REPO, "--json"], env(), latencyMs),
    );
    print("  same, first run (no compile cache either)", first, bare);
    // The model id after a flag: the CLI cannot be sure of it, so it sends no early request.
    const late = await medianOf(() =>
      measure(hub, [CLI, "estimate", "--json", REPO], coldHubEnv(), latencyMs),
    );
    print("  same, no early model-info request", late, bare);
    const warmEnv = env();
    await measure(hub, [CLI, "estimate", REPO, "--json"], warmEnv, latencyMs);
    const pinned = await medianOf(() =>
      measure(hub, [CLI, "estimate", REPO, "--json", "--offline"], warmEnv, latencyMs),
    );
    print("  vramfit estimate, warm cache, --offline", pinned, bare);
    const warm = await medianOf(() =>
      measure(hub, [CLI, "estimate", REPO, "--json"], warmEnv, latencyMs),
    );
    print("  vramfit estimate, warm cache (main checked < 10 min ago)", warm, bare);
    const revalidate = await medianOf(() =>
      measure(hub, [CLI, "estimate", REPO, "--json", "--refresh"], warmEnv, latencyMs),
    );
    print("  vramfit estimate, warm cache, --refresh (asks for main)", revalidate, bare);
    const floor = await medianOf(() => measure(hub, [FLOOR_CLIENT, REPO], env(), latencyMs));
    print("  floor: 7 bare node:http requests, no library", floor, bare);
    const library = await medianOf(() => measure(hub, [builtIn], env(), latencyMs));
    print("  library, Node's built-in fetch, cold cache", library, bare);
    await hub.close();
  }

  // https, as huggingface.co is. A new connection pays the TCP and TLS 1.3 handshakes, 2 round
  // trips that the fake Hub imitates by holding the first answer on each connection 100 ms more.
  console.log(`\nhttps, 50 ms per request and 100 ms more per new connection (${REPO}):`);
  // Node loads NODE_EXTRA_CA_CERTS (the test certificate) at start: compare with a bare node
  // that loads it too.
  const bareTrusting = await medianOf(() =>
    measure(undefined, ["-e", "0"], { ...baseEnv, NODE_EXTRA_CA_CERTS: TEST_CA_FILE }, 0),
  );
  print("  bare node -e 0, with NODE_EXTRA_CA_CERTS", bareTrusting);
  for (const tls of ["h2", "http1"]) {
    const hub = await FakeHub.start(hubRepos(), { latencyMs: 50, connectLatencyMs: 100, tls });
    const compiled = mkdtempSync(join(tmpdir(), "vramfit-bench-xdg-"));
    const httpsEnv = () => {
      rmSync(join(compiled, "vramfit", "hub"), { recursive: true, force: true });
      return {
        ...baseEnv,
        HOME: home(),
        HF_ENDPOINT: hub.url,
        XDG_CACHE_HOME: compiled,
        NODE_EXTRA_CA_CERTS: TEST_CA_FILE,
      };
    };
    await measure(hub, [CLI, "estimate", REPO, "--json"], httpsEnv(), 50);
    const cold = await medianOf(() =>
      measure(hub, [CLI, "estimate", REPO, "--json"], httpsEnv(), 50),
    );
    const server = tls === "h2" ? "HTTP/2" : "HTTP/1.1 only";
    print(`  cold cache, server offers ${server}`, cold, bareTrusting);
    await hub.close();
  }
  // As huggingface.co serves weights: the Hub redirects each shard to its CDN, another origin.
  // The cold read drops the model's cache entry but keeps the CDN origin an earlier read learned.
  const cdnHub = await FakeHub.start(hubRepos(), {
    latencyMs: 50,
    connectLatencyMs: 100,
    tls: "h2",
    cdn: true,
  });
  const cdnXdg = mkdtempSync(join(tmpdir(), "vramfit-bench-xdg-"));
  const cdnEnv = () => {
    const host = new URL(cdnHub.url).host.replace(/[^\w.-]/g, "_");
    rmSync(join(cdnXdg, "vramfit", "hub", host, `models--${REPO.replace("/", "--")}`), {
      recursive: true,
      force: true,
    });
    return {
      ...baseEnv,
      HOME: home(),
      HF_ENDPOINT: cdnHub.url,
      XDG_CACHE_HOME: cdnXdg,
      NODE_EXTRA_CA_CERTS: TEST_CA_FILE,
    };
  };
  await measure(cdnHub, [CLI, "estimate", REPO, "--json"], cdnEnv(), 50);
  const viaCdn = await medianOf(() =>
    measure(cdnHub, [CLI, "estimate", REPO, "--json"], cdnEnv(), 50),
  );
  print("  cold cache, HTTP/2, shards on a CDN it remembers", viaCdn, bareTrusting);
  await cdnHub.close();
}
