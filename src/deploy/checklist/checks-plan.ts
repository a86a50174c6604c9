/**
 * Checks 10–12: full training when LoRA would do, the pricing model against the run's length and
 * fault tolerance, and the context against what the model was trained for.
 */
import { judgePricing } from "../blueprint/pricing.js";
import { WORKLOAD_CLASSES } from "../blueprint/request.js";
import { rankTraining } from "../blueprint/training.js";
import { trainingOptionsOf } from "./checks-fit.js";
import { check, type DeploymentCheck } from "./checks.js";
import type { DeploymentReview } from "./review.js";
import { formatInteger } from "../../units.js";

const n = formatInteger;

/** Check 10: full training only when LoRA would not fit on far fewer GPUs (at most half). */
export function checkLora(review: DeploymentReview): DeploymentCheck {
  const d = review.deployment;
  const t = review.training;
  if (d.kind === "serving") {
    return check("lora", "pass", "serving: no choice between full training and LoRA", {
      method: null,
    });
  }
  if (t === null) {
    return check(
      "lora",
      "warn",
      `not sized: ${review.trainingProblem ?? "the training estimate failed"}`,
      {},
    );
  }
  if (t.method !== "full") {
    return check(
      "lora",
      "pass",
      `${t.method === "lora" ? "LoRA" : "QLoRA"} rank ${t.assumptions.rank ?? 0}: trains ${n(t.parameters.trainable)} of ${n(t.parameters.total)} parameters (${((t.parameters.trainable / t.parameters.total) * 100).toFixed(2)} %)`,
      { method: t.method, trainableParameters: t.parameters.trainable },
    );
  }
  const options = trainingOptionsOf(review);
  const { ranking, estimateAt } = rankTraining(
    review.spec,
    { ...options, method: "lora", precision: undefined, rank: 16, targets: "all-linear" },
    { workload: "training", gpuMemoryUtilization: d.gpuMemoryUtilization },
    { accelerators: { [d.acceleratorId]: d.accelerator }, instances: {} },
  );
  const lora = ranking.matches[0];
  const loraGpus = lora?.fits === true ? (lora.gpuCount ?? 1) : null;
  const trainable = estimateAt(loraGpus ?? 1).parameters.trainable;
  const figures = {
    method: "full",
    fullGpus: d.gpuCount,
    loraGpus,
    loraTrainableParameters: trainable,
    totalParameters: t.parameters.total,
  };
  if (loraGpus !== null && loraGpus * 2 <= d.gpuCount) {
    return check(
      "lora",
      "warn",
      `full training on ${d.gpuCount} GPUs; LoRA (rank 16, all linear layers, ${n(trainable)} trainable parameters) fits on ${loraGpus} × ${d.accelerator.name}: unless the run must learn a new domain (LoRA learns less and forgets less), it needs ${d.gpuCount - loraGpus} fewer GPU${d.gpuCount - loraGpus === 1 ? "" : "s"}`,
      figures,
    );
  }
  return check(
    "lora",
    "pass",
    loraGpus === null
      ? `full training: LoRA does not fit ${d.accelerator.name} either`
      : `full training on ${d.gpuCount} GPUs: LoRA would need ${loraGpus}, not far fewer`,
    figures,
  );
}

/** Check 11: no Spot for latency-critical serving, no long Spot run without checkpoints, no reservation for short use. */
export function checkPricing(review: DeploymentReview): DeploymentCheck {
  const d = review.deployment;
  const verdict = judgePricing(d.pricing, {
    workload: d.sizedAs,
    durationHours: d.durationHours,
    checkpointing: d.checkpointing,
  });
  return check("pricing", verdict.status, verdict.reason, {
    pricing: d.pricing ?? null,
    workload: d.sizedAs,
    durationHours: d.durationHours,
    checkpointing: WORKLOAD_CLASSES[d.sizedAs].kind === "training" ? d.checkpointing : null,
  });
}

/** Check 12: the tokens per sequence stay within `max_position_embeddings`. */
export function checkContext(review: DeploymentReview): DeploymentCheck {
  const max = review.spec.maxPositionEmbeddings;
  const tokens =
    review.inference?.assumptions.sequenceLength ??
    review.training?.assumptions.sequenceLength ??
    review.deployment.contextLength;
  const figures = { sequenceLength: tokens, maxPositionEmbeddings: max ?? null };
  if (tokens === null) return check("context", "warn", "no context length stated", figures);
  if (max === undefined) {
    return check(
      "context",
      "warn",
      `config.json states no max_position_embeddings: ${n(tokens)} tokens cannot be checked`,
      figures,
    );
  }
  if (tokens > max) {
    return check(
      "context",
      "fail",
      `${n(tokens)} tokens per sequence; the model's max_position_embeddings is ${n(max)}: vLLM refuses a longer --max-model-len unless RoPE scaling in config.json extends it, and quality degrades past the trained length`,
      figures,
    );
  }
  return check(
    "context",
    "pass",
    `${n(tokens)} tokens per sequence ≤ max_position_embeddings ${n(max)}`,
    figures,
  );
}
