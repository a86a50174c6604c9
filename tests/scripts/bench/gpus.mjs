// GPU ranking: one estimate over the whole catalog (every accelerator × TP 1, 2, 4, 8, with
// pipeline stages where TP 8 is not enough), for each of 4 precisions.
import { findBundledModel } from "../../../dist/model/bundled/find-bundled-model.js";
import {
  estimateInferenceFromSpec,
  fitOnGpuFromSpec,
  parseModelConfig,
  rankGpusForEstimate,
  rankInstancesForEstimate,
} from "../../../dist/index.js";
import { rate, throughput } from "./measure.mjs";

/** Prints the ranking figures. */
export function run() {
  const spec = parseModelConfig(findBundledModel("meta-llama/Meta-Llama-3-70B").config);
  const precisions = ["bf16", "fp8", "int8", "int4"];
  const estimates = precisions.map((weights) =>
    estimateInferenceFromSpec(spec, { contextLength: 4096, batchSize: 8, weights }),
  );
  const gpus = throughput((i) => rankGpusForEstimate(estimates[i & 3]), 2);
  const instances = throughput((i) => rankInstancesForEstimate(estimates[i & 3]), 2);
  console.log(
    `rankGpusForEstimate (Llama-3-70B, ${precisions.length} precisions round-robin): ${(1000 / gpus).toFixed(3)} ms per ranking (${rate(gpus)}/s)`,
  );
  console.log(
    `rankInstancesForEstimate (same): ${(1000 / instances).toFixed(3)} ms per ranking (${rate(instances)}/s)`,
  );
  // One engine budget: the worked example on two H100s (the longest-context search included),
  // and vLLM 0.6.4 on an RTX 3090 at 29,000 tokens (a refusal, searched on both sides of 32K).
  const fits = [
    { gpu: "nvidia-h100-sxm", tensorParallel: 2, contextLength: 4096, batchSize: 8, maxNumSeqs: 8 },
    {
      gpu: "nvidia-rtx-3090",
      contextLength: 29_000,
      gpuMemoryUtilization: 0.9,
      engineVersion: "0.6.4",
    },
    { gpu: "nvidia-h100-sxm", engine: "sglang", contextLength: 8192 },
  ];
  const fit = throughput((i) => fitOnGpuFromSpec(spec, fits[i % 3]), 2);
  console.log(
    `fitOnGpuFromSpec (Llama-3-70B; H100 TP 2 / RTX 3090 vLLM 0.6.4 / H100 SGLang, round-robin): ${(1000 / fit).toFixed(3)} ms per fit (${rate(fit)}/s)`,
  );
}
