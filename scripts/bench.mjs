// npm run bench: measures the pure estimate's throughput and the CLI's cold start.
// Prints figures; docs/benchmarks.md records them with the machine and date. No thresholds here.
import { execFileSync } from "node:child_process";
import { cpus, loadavg } from "node:os";
import { join } from "node:path";
import { performance } from "node:perf_hooks";
import {
  BUNDLED_MODELS,
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
function coldStartMs(args, runs = 15) {
  const times = [];
  for (let i = 0; i < runs; i++) {
    const start = performance.now();
    execFileSync(process.execPath, args, { stdio: "ignore" });
    times.push(performance.now() - start);
  }
  return median(times);
}

const spec = parseModelConfig(findBundledModel("meta-llama/Meta-Llama-3-70B").config);
const contexts = [1024, 2048, 4096, 8192];
const perSecond = throughput((i) =>
  estimateInferenceFromSpec(spec, { contextLength: contexts[i & 3], batchSize: 8 }),
);

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
const cliMs = coldStartMs([
  join(root, "dist", "cli.js"),
  "estimate",
  "meta-llama/Meta-Llama-3-70B",
  "--json",
]);

console.log(
  `machine: ${cpus()[0]?.model ?? "unknown"} × ${cpus().length}, node ${process.version}`,
);
console.log(
  `pure estimateInferenceFromSpec: ${Math.round(perSecond).toLocaleString("en-US")} estimates/s`,
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
