// Deployment search: the whole catalog × TP 1, 2, 4, 8 (fewest pipeline stages that fit, up to
// 16 GPUs) × 4 weight precisions × 2 KV dtypes × 9 batch sizes, for Llama-3-70B. Each search is
// long enough to time alone: median of 15 after 3 warm-up runs, wall clock and CPU time.
import { performance } from "node:perf_hooks";
import { findBundledModel } from "../../../dist/model/bundled/find-bundled-model.js";
import { parseModelConfig, searchDeployments } from "../../../dist/index.js";

const median = (values) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)];

/** Prints the search figures. */
export function run() {
  const spec = parseModelConfig(findBundledModel("meta-llama/Meta-Llama-3-70B").config);
  const cases = [
    ["batch, 10,000 tokens/s target", { workload: "batch", targetTokensPerSecond: 10_000 }],
    ["realtime, TTFT ≤ 350 ms", { workload: "realtime" }],
  ];
  for (const [label, options] of cases) {
    for (let i = 0; i < 3; i++) searchDeployments(spec, options);
    const wall = [];
    const cpu = [];
    let search;
    for (let i = 0; i < 15; i++) {
      const startCpu = process.cpuUsage();
      const start = performance.now();
      search = searchDeployments(spec, options);
      wall.push(performance.now() - start);
      const used = process.cpuUsage(startCpu);
      cpu.push((used.user + used.system) / 1000);
    }
    console.log(
      `searchDeployments (Llama-3-70B, ${label}): ${median(wall).toFixed(1)} ms wall, ${median(cpu).toFixed(1)} ms CPU (median of 15; ${search.counts.fitting} configurations kept, ${search.counts.feasible} meet the targets)`,
    );
  }
}
