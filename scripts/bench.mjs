// npm run bench: measures the pure estimate's throughput and the CLI's cold start.
// Prints figures; docs/benchmarks.md records them with the machine and date. No thresholds here.
import { execFileSync } from "node:child_process";
import { mkdtempSync } from "node:fs";
import { cpus, loadavg, tmpdir } from "node:os";
import { join } from "node:path";
import { performance } from "node:perf_hooks";
import { build } from "esbuild";
import {
  BUNDLED_MODELS,
  estimateInference,
  estimateInferenceFromSpec,
  estimateTrainingFromSpec,
  findBundledModel,
  parseModelConfig,
  rankGpusForEstimate,
  rankInstancesForEstimate,
  renderTemplates,
  renderVllmCommand,
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

// GPU ranking: one estimate over the whole catalog (every accelerator × TP 1, 2, 4, 8, with
// pipeline stages where TP 8 is not enough), for each of 4 precisions.
const precisions = ["bf16", "fp8", "int8", "int4"];
const rankingEstimates = precisions.map((weights) =>
  estimateInferenceFromSpec(spec, { contextLength: 4096, batchSize: 8, weights }),
);
const gpuRankings = throughput((i) => rankGpusForEstimate(rankingEstimates[i & 3]), 2);
const instanceRankings = throughput((i) => rankInstancesForEstimate(rankingEstimates[i & 3]), 2);

// Parse + estimate over a mixed set of 20 bundled configs: dense, MoE (the 671B DeepSeek-R1,
// the 1T Kimi-K2), MLA, sliding-window, hybrid Mamba, multimodal and pre-quantized.
const MIXED = [
  "deepseek-ai/DeepSeek-R1",
  "moonshotai/Kimi-K2-Instruct",
  "meta-llama/Meta-Llama-3-8B",
  "meta-llama/Meta-Llama-3-70B",
  "mistralai/Mixtral-8x7B-v0.1",
  "Qwen/Qwen3-30B-A3B",
  "Qwen/Qwen1.5-MoE-A2.7B-Chat-GPTQ-Int4",
  "Qwen/Qwen3-Next-80B-A3B-Thinking",
  "openai/gpt-oss-120b",
  "meta-llama/Llama-4-Scout-17B-16E-Instruct",
  "google/gemma-3-4b-it",
  "google/gemma-2-9b",
  "Qwen/Qwen2.5-VL-3B-Instruct",
  "llava-hf/llava-1.5-7b-hf",
  "ai21labs/AI21-Jamba-1.5-Mini",
  "nvidia/NVIDIA-Nemotron-3-Nano-30B-A3B-BF16",
  "tiiuae/falcon-7b-instruct",
  "google-bert/bert-base-uncased",
  "facebook/opt-6.7b",
  "bigscience/bloom-560m",
].map((repo) => findBundledModel(repo).config);
/**
 * Calls per second of `fn`, by wall clock and per CPU-second of this process: on a shared
 * 2-core machine the wall-clock rate drops when other processes run, the CPU-time rate
 * (what one core does) does not.
 */
function throughputWithCpu(fn, seconds = 2) {
  for (let i = 0; i < 20_000; i++) fn(i); // warm up the JIT
  let calls = 0;
  const cpuStart = process.cpuUsage();
  const start = performance.now();
  const end = start + seconds * 1000;
  while (performance.now() < end) {
    for (let i = 0; i < 1000; i++) fn(i);
    calls += 1000;
  }
  const cpu = process.cpuUsage(cpuStart);
  return {
    wall: calls / ((performance.now() - start) / 1000),
    cpu: calls / ((cpu.user + cpu.system) / 1e6),
  };
}

const mixed = throughputWithCpu((i) =>
  estimateInferenceFromSpec(parseModelConfig(MIXED[i % MIXED.length]), {
    contextLength: contexts[i & 3],
    batchSize: 8,
  }),
);
const deepseek = findBundledModel("deepseek-ai/DeepSeek-R1").config;
const llama8b = findBundledModel("meta-llama/Meta-Llama-3-8B").config;
const deepseekRate = throughputWithCpu(() => estimateInferenceFromSpec(parseModelConfig(deepseek)));
const llama8bRate = throughputWithCpu(() => estimateInferenceFromSpec(parseModelConfig(llama8b)));

const bareMs = coldStartMs(["-e", "0"]);
// Offline, with a temporary home: the bundled snapshot answers, no Hub code is loaded.
const offlineEnv = {
  PATH: process.env.PATH ?? "",
  HOME: mkdtempSync(join(tmpdir(), "vramfit-bench-")),
};
const cliMs = coldStartMs(
  [join(root, "dist", "cli.js"), "estimate", "meta-llama/Meta-Llama-3-70B", "--json", "--offline"],
  15,
  offlineEnv,
);
const gpusCliMs = coldStartMs(
  [join(root, "dist", "cli.js"), "gpus", "meta-llama/Meta-Llama-3-70B", "--json", "--offline"],
  15,
  offlineEnv,
);

console.log(
  `machine: ${cpus()[0]?.model ?? "unknown"} × ${cpus().length}, node ${process.version}`,
);
console.log(
  `pure estimateInferenceFromSpec: ${Math.round(perSecond).toLocaleString("en-US")} estimates/s`,
);
console.log(
  `rankGpusForEstimate (Llama-3-70B, ${precisions.length} precisions round-robin): ${(1000 / gpuRankings).toFixed(3)} ms per ranking (${Math.round(gpuRankings).toLocaleString("en-US")}/s)`,
);
console.log(
  `rankInstancesForEstimate (same):                   ${(1000 / instanceRankings).toFixed(3)} ms per ranking (${Math.round(instanceRankings).toLocaleString("en-US")}/s)`,
);
const rate = (value) => Math.round(value).toLocaleString("en-US");
const both = ({ wall, cpu }) => `${rate(cpu)}/s per CPU-second (${rate(wall)}/s wall clock)`;
console.log(
  `parse + estimate, ${MIXED.length} mixed configs (of ${BUNDLED_MODELS.length} bundled): ${both(mixed)}`,
);
console.log(`parse + estimate, DeepSeek-R1 (671B MoE):   ${both(deepseekRate)}`);
console.log(`parse + estimate, Llama-3-8B (dense):       ${both(llama8bRate)}`);
console.log(
  `load average while measuring: ${loadavg()
    .map((load) => load.toFixed(2))
    .join(" ")}`,
);
console.log(`cold start, bare node -e 0:     ${bareMs.toFixed(1)} ms (median of 15)`);
console.log(
  `cold start, vramfit estimate:   ${cliMs.toFixed(1)} ms (median of 15), ${(cliMs / bareMs).toFixed(2)}× bare node`,
);
console.log(
  `cold start, vramfit gpus:       ${gpusCliMs.toFixed(1)} ms (median of 15), ${(gpusCliMs / bareMs).toFixed(2)}× bare node`,
);

// Deployment templates: one vLLM command, and every target (vLLM, TGI, k8s, axolotl, PEFT,
// Terraform HCL + JSON, CloudFormation) for the worked example.
const servingPlan = {
  modelId: "meta-llama/Meta-Llama-3-70B-Instruct",
  tensorParallelSize: 2,
  maxModelLen: 4096,
  maxNumSeqs: 8,
  numAttentionHeads: 64,
  numKeyValueHeads: 8,
};
const allPlans = {
  serving: servingPlan,
  training: { baseModel: "meta-llama/Meta-Llama-3-8B", method: "qlora" },
  infra: {
    region: "us-east-1",
    instanceTypes: ["p4de.24xlarge", "p5.48xlarge"],
    gpusPerInstance: 8,
  },
};
const allTargets = ["vllm", "tgi", "k8s", "axolotl", "peft", "terraform", "cloudformation"];
const commandsPerSecond = throughput(() => renderVllmCommand(servingPlan));
const allPerSecond = throughput(() => renderTemplates(allPlans, allTargets));
console.log(
  `renderVllmCommand:              ${Math.round(commandsPerSecond).toLocaleString("en-US")} commands/s`,
);
console.log(
  `renderTemplates, all 7 targets: ${Math.round(allPerSecond).toLocaleString("en-US")} sets/s (12 files each)`,
);

// Training estimates: Llama-3-8B, the three methods round-robin at four sequence lengths.
const llama8bSpec = parseModelConfig(findBundledModel("meta-llama/Meta-Llama-3-8B").config);
const methods = ["full", "lora", "qlora"];
const trainingPerSecond = throughput((i) =>
  estimateTrainingFromSpec(llama8bSpec, {
    method: methods[i % 3],
    sequenceLength: contexts[i & 3],
    gradientCheckpointing: true,
  }),
);
const trainMs = coldStartMs(
  [
    join(root, "dist", "cli.js"),
    "train",
    "meta-llama/Meta-Llama-3-8B",
    "--method",
    "lora",
    "--offline",
  ],
  15,
  offlineEnv,
);
console.log(
  `pure estimateTrainingFromSpec:  ${Math.round(trainingPerSecond).toLocaleString("en-US")} estimates/s`,
);
console.log(
  `cold start, vramfit train (with the 9-row trade-off table): ${trainMs.toFixed(1)} ms (median of 15), ${(trainMs / bareMs).toFixed(2)}× bare node`,
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
