// GPU ranking: one estimate over the whole catalog (every accelerator × TP 1, 2, 4, 8, with
// pipeline stages where TP 8 is not enough), for each of 4 precisions.
import { findBundledModel } from "../../../dist/model/bundled/find-bundled-model.js";
import {
  estimateInferenceFromSpec,
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
}
