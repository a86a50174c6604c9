// The tests' fake Hub for the benchmark sections: bundled from TypeScript with esbuild.
import { tmpdir } from "node:os";
import { join } from "node:path";
import { build } from "esbuild";
import { ROOT } from "./measure.mjs";

/** Imports tests/helpers/bench-hub.ts (FakeHub, hubRepos, APPROVED_TOKEN, sha). */
export async function bundleBenchHub() {
  const outfile = join(tmpdir(), `vramfit-bench-hub-${process.pid}.mjs`);
  await build({
    entryPoints: [join(ROOT, "tests", "helpers", "bench-hub.ts")],
    bundle: true,
    platform: "node",
    format: "esm",
    outfile,
    define: { "import.meta.dirname": JSON.stringify(join(ROOT, "tests", "helpers")) },
    logLevel: "warning",
  });
  return import(outfile);
}

/** Requests that arrive within half a latency of each other form one sequential round trip. */
export function roundTrips(requests, latencyMs) {
  let trips = 0;
  let last = Number.NEGATIVE_INFINITY;
  for (const { atMs } of [...requests].sort((a, b) => a.atMs - b.atMs)) {
    if (atMs - last > latencyMs / 2) trips++;
    last = atMs;
  }
  return trips;
}
