// Pure estimates: inference (one dense model; 20 mixed configs parsed and estimated) and training.
import {
  BUNDLED_MODELS,
  estimateInferenceFromSpec,
  estimateTrainingFromSpec,
  parseModelConfig,
} from "../../../dist/index.js";
import { findBundledModel } from "../../../dist/model/bundled/find-bundled-model.js";
import { rate, throughput, throughputWithCpu } from "./measure.mjs";

const CONTEXTS = [1024, 2048, 4096, 8192];

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
];

const config = (repo) => findBundledModel(repo).config;

/** Prints the estimate figures. */
export function run() {
  const llama70b = parseModelConfig(config("meta-llama/Meta-Llama-3-70B"));
  const perSecond = throughput((i) =>
    estimateInferenceFromSpec(llama70b, { contextLength: CONTEXTS[i & 3], batchSize: 8 }),
  );
  console.log(`pure estimateInferenceFromSpec (Llama-3-70B): ${rate(perSecond)} estimates/s`);

  const configs = MIXED.map(config);
  const both = ({ wall, cpu }) => `${rate(cpu)}/s per CPU-second (${rate(wall)}/s wall clock)`;
  const mixed = throughputWithCpu((i) =>
    estimateInferenceFromSpec(parseModelConfig(configs[i % configs.length]), {
      contextLength: CONTEXTS[i & 3],
      batchSize: 8,
    }),
  );
  const deepseek = config("deepseek-ai/DeepSeek-R1");
  const llama8b = config("meta-llama/Meta-Llama-3-8B");
  console.log(
    `parse + estimate, ${MIXED.length} mixed configs (of ${BUNDLED_MODELS.length} bundled): ${both(mixed)}`,
  );
  console.log(
    `parse + estimate, DeepSeek-R1 (671B MoE):   ${both(throughputWithCpu(() => estimateInferenceFromSpec(parseModelConfig(deepseek))))}`,
  );
  console.log(
    `parse + estimate, Llama-3-8B (dense):       ${both(throughputWithCpu(() => estimateInferenceFromSpec(parseModelConfig(llama8b))))}`,
  );

  // Training: Llama-3-8B, the three methods round-robin at four sequence lengths.
  const llama8bSpec = parseModelConfig(llama8b);
  const methods = ["full", "lora", "qlora"];
  const trainingPerSecond = throughput((i) =>
    estimateTrainingFromSpec(llama8bSpec, {
      method: methods[i % 3],
      sequenceLength: CONTEXTS[i & 3],
      gradientCheckpointing: true,
    }),
  );
  console.log(`pure estimateTrainingFromSpec (Llama-3-8B): ${rate(trainingPerSecond)} estimates/s`);
}
