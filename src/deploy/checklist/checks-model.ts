/**
 * Checks 1–6: the workload, and whether the model was read and sized right (config fields, KV
 * heads, the KV cache at the real context and concurrency, image tokens, the precision that loads).
 */
import { DEFAULT_INFERENCE_OPTIONS } from "../../memory/inference-options.js";
import { imageTokensPerImage } from "../../model/features/vision/cache.js";
import { WEIGHT_PRECISIONS, type WeightPrecision } from "../../memory/precision.js";
import { formatInteger, formatBytes, gbToBytes } from "../../units.js";
import { engineSupport, type QuantizationChoice } from "../blueprint/quantization.js";
import { WORKLOAD_CLASSES } from "../blueprint/request.js";
import { CHECKLIST_THRESHOLDS } from "./checks-fit.js";
import { check, type DeploymentCheck } from "./checks.js";
import type { DeploymentReview } from "./review.js";

const gb = (bytes: number): string => formatBytes(bytes, { unit: "gb" });
const n = formatInteger;

const CLAIM_TOLERANCE = CHECKLIST_THRESHOLDS.claimTolerance;

/** Check 1: the deployment names its workload class. */
export function checkWorkload(review: DeploymentReview): DeploymentCheck {
  const d = review.deployment;
  if (d.workload === null) {
    return check(
      "workload",
      "fail",
      "no workload class: realtime, batch, lora, qlora or full decide the sizing, the GPU ranking and the pricing rules (the other checks size it as real-time serving)",
      { workload: null },
    );
  }
  const w = WORKLOAD_CLASSES[d.workload];
  return check("workload", "pass", `${w.label}: ${w.summary}`, {
    workload: d.workload,
    kind: w.kind,
    rankingWorkload: w.rankingWorkload,
  });
}

/** Check 2: layers, KV heads and head_dim were read from config.json and agree with each other. */
export function checkConfig(review: DeploymentReview): DeploymentCheck {
  const s = review.spec;
  const sizing = review.deployment.sizing;
  const derivedHeadDim = s.hiddenSize / s.numAttentionHeads;
  const figures = {
    layers: s.numLayers,
    attentionHeads: s.numAttentionHeads,
    kvHeads: s.numKeyValueHeads,
    headDim: s.headDim,
    hiddenSize: s.hiddenSize,
    guessedFields: s.approximations.length,
  };
  const problems: string[] = [];
  if (!(Number.isSafeInteger(s.numLayers) && s.numLayers >= 1))
    problems.push(`${s.numLayers} layers`);
  // A pure state-space model (Mamba, FalconMamba) has no attention: no heads to check.
  const stateSpaceOnly = s.numAttentionHeads === 0 && s.stateSpace?.numLayers === s.numLayers;
  if (stateSpaceOnly) {
    const read = `${s.numLayers} layers, all ${s.stateSpace.kind} mixers: no attention heads, a constant state per sequence`;
    return problems.length > 0
      ? check("config", "fail", problems.join("; "), figures)
      : check("config", s.approximations.length > 0 ? "warn" : "pass", read, figures);
  }
  if (!(s.numKeyValueHeads >= 1) || s.numAttentionHeads % s.numKeyValueHeads !== 0) {
    problems.push(
      `${s.numKeyValueHeads} KV heads do not divide the ${s.numAttentionHeads} attention heads`,
    );
  }
  if (!(s.headDim >= 1)) problems.push(`head_dim ${s.headDim}`);
  if (sizing.layers !== undefined && sizing.layers !== s.numLayers) {
    problems.push(`your sizing used ${sizing.layers} layers; config.json has ${s.numLayers}`);
  }
  if (sizing.headDim !== undefined && sizing.headDim !== s.headDim) {
    problems.push(`your sizing used head_dim ${sizing.headDim}; config.json has ${s.headDim}`);
  }
  if (problems.length > 0) return check("config", "fail", problems.join("; "), figures);
  const headDim =
    s.headDim === derivedHeadDim
      ? `head_dim ${s.headDim} (= ${n(s.hiddenSize)} / ${s.numAttentionHeads})`
      : `head_dim ${s.headDim} from config.json (hidden / heads would be ${derivedHeadDim})`;
  const read = `${s.numLayers} layers, ${s.numAttentionHeads} query heads, ${s.numKeyValueHeads} KV heads, ${headDim}`;
  if (s.approximations.length > 0) {
    return check(
      "config",
      "warn",
      `${read}; guessed: ${s.approximations.slice(0, 2).join("; ")}${s.approximations.length > 2 ? ` (+${s.approximations.length - 2} more)` : ""}`,
      figures,
    );
  }
  return check("config", "pass", read, figures);
}

/** Check 3: the KV cache per token comes from the KV heads (GQA / MQA), not the query heads. */
export function checkKvHeads(review: DeploymentReview): DeploymentCheck {
  const s = review.spec;
  const inference = review.inference;
  if (inference === null) {
    return check("kv-heads", "pass", "training: no KV cache is held", { kvCacheBytesPerToken: 0 });
  }
  const perToken = inference.memory.kvCacheBytesPerToken;
  const kv = s.numKeyValueHeads;
  const heads = s.numAttentionHeads;
  const claimed = review.deployment.sizing.kvHeads;
  const figures = {
    kvHeads: kv,
    attentionHeads: heads,
    kvCacheBytesPerToken: perToken,
    claimedKvHeads: claimed ?? null,
  };
  if (s.encoderOnly === true || perToken === 0) {
    const why =
      s.encoderOnly === true ? "encoder-only model" : "no attention layers (state-space mixers)";
    return check("kv-heads", "pass", `${why}: no KV cache`, figures);
  }
  if (s.mla !== undefined) {
    return check(
      "kv-heads",
      "pass",
      `MLA: one ${s.mla.kvLoraRank + s.mla.qkRopeHeadDim}-wide latent per token per layer, ${n(perToken)} B per token, shared by all ${heads} heads`,
      figures,
    );
  }
  if (claimed !== undefined && claimed !== kv) {
    return check(
      "kv-heads",
      "fail",
      `your sizing used ${claimed} KV heads; config.json has ${kv}${claimed === heads ? " (you used the query heads)" : ""}: its KV cache is ${claimed > kv ? `${(claimed / kv).toFixed(0)}× too large` : `${(kv / claimed).toFixed(0)}× too small`}`,
      figures,
    );
  }
  if (kv === heads) {
    return check(
      "kv-heads",
      "pass",
      `multi-head attention: ${kv} KV heads = query heads, ${n(perToken)} B per token`,
      figures,
    );
  }
  return check(
    "kv-heads",
    "pass",
    `KV cache from the ${kv} KV heads: ${n(perToken)} B per token; the ${heads} query heads would give ${n((perToken * heads) / kv)} B (${heads / kv}× too much)`,
    figures,
  );
}

/** Check 4: the KV cache is sized for the context and concurrency actually served. */
export function checkKvCache(review: DeploymentReview): DeploymentCheck {
  const inference = review.inference;
  if (inference === null) {
    return check("kv-cache", "pass", "training: no KV cache is held", { kvCacheBytes: 0 });
  }
  const { memory: m, assumptions: a } = inference;
  const d = review.deployment;
  const sizing = d.sizing;
  const figures = {
    kvCacheBytes: m.kvCacheBytes,
    kvCacheBytesPerToken: m.kvCacheBytesPerToken,
    sequenceLength: a.sequenceLength,
    batchSize: a.batchSize,
    kvCacheDtype: a.kvCacheDtype,
    claimedKvCacheBytes: sizing.kvCacheGB === undefined ? null : gbToBytes(sizing.kvCacheGB),
  };
  const problems: string[] = [];
  if (
    sizing.kvCacheGB !== undefined &&
    gbToBytes(sizing.kvCacheGB) < m.kvCacheBytes * CLAIM_TOLERANCE
  ) {
    const tokens =
      m.kvCacheBytesPerToken === 0
        ? 0
        : Math.floor(gbToBytes(sizing.kvCacheGB) / m.kvCacheBytesPerToken);
    problems.push(
      `your sizing reserves ${sizing.kvCacheGB} GB of KV cache (${n(tokens)} tokens); ${a.batchSize} × ${n(a.sequenceLength)} tokens need ${gb(m.kvCacheBytes)}`,
    );
  }
  if (sizing.contextLength !== undefined && sizing.contextLength < a.contextLength) {
    problems.push(
      `the KV cache was sized for ${n(sizing.contextLength)} tokens; the deployment serves ${n(a.contextLength)}`,
    );
  }
  if (sizing.batchSize !== undefined && sizing.batchSize < a.batchSize) {
    problems.push(
      `the KV cache was sized for ${sizing.batchSize} sequences; the deployment runs ${a.batchSize} at once`,
    );
  }
  if (problems.length > 0) return check("kv-cache", "fail", problems.join("; "), figures);
  const sized = `${gb(m.kvCacheBytes)} = ${n(m.kvCacheBytesPerToken)} B × ${n(a.sequenceLength)} tokens × ${a.batchSize} sequences (${a.kvCacheDtype.toUpperCase()})`;
  if (d.contextLength === null || d.batchSize === null) {
    const missing = [
      d.contextLength === null ? `context (default ${n(a.contextLength)})` : null,
      d.batchSize === null ? `batch (default ${a.batchSize})` : null,
    ]
      .filter(Boolean)
      .join(" and ");
    return check(
      "kv-cache",
      "warn",
      `${missing} not stated: ${sized}; state the longest context and the concurrent sequences you will serve`,
      figures,
    );
  }
  return check("kv-cache", "pass", sized, figures);
}

/** Check 5: image tokens are counted in each sequence of a vision model. */
export function checkMultimodal(review: DeploymentReview): DeploymentCheck {
  const s = review.spec;
  const d = review.deployment;
  const asked = d.imagesPerRequest;
  if (s.vision === undefined) {
    return asked > 0
      ? check(
          "multimodal",
          "fail",
          `${asked} images per request, but config.json has no vision encoder: the model cannot take them`,
          {
            imagesPerRequest: asked,
          },
        )
      : check("multimodal", "pass", "text-only model: no image tokens", { imagesPerRequest: 0 });
  }
  const perImage = imageTokensPerImage(s.vision, DEFAULT_INFERENCE_OPTIONS.imageSize);
  if (review.inference === null) {
    return check(
      "multimodal",
      "warn",
      `vision model: image tokens (${n(perImage)} per image) are not modelled in training; count them in the sequence length`,
      { tokensPerImage: perImage },
    );
  }
  const a = review.inference.assumptions;
  const figures = {
    imagesPerRequest: a.imagesPerRequest,
    tokensPerImage:
      a.imagesPerRequest === 0 ? perImage : a.imageTokensPerSequence / a.imagesPerRequest,
    imageTokensPerSequence: a.imageTokensPerSequence,
    sequenceLength: a.sequenceLength,
  };
  if (asked === 0) {
    return check(
      "multimodal",
      "warn",
      `vision model sized for text-only requests: each image adds ${n(perImage)} tokens to its sequence; state the images per request`,
      figures,
    );
  }
  const claimed = d.sizing.imageTokensPerRequest;
  if (claimed !== undefined && claimed < a.imageTokensPerSequence) {
    return check(
      "multimodal",
      "fail",
      `your sizing counted ${n(claimed)} image tokens per request; ${asked} images take ${n(a.imageTokensPerSequence)}`,
      figures,
    );
  }
  return check(
    "multimodal",
    "pass",
    `${asked} × ${n(figures.tokensPerImage)} image tokens = ${n(a.imageTokensPerSequence)} per sequence: the KV cache holds ${n(a.sequenceLength)} tokens per sequence`,
    figures,
  );
}

const SIXTEEN_BIT: readonly WeightPrecision[] = ["fp32", "bf16", "fp16"];

/** Check 6: the weights are sized at the precision that will load (a pre-quantized checkpoint as stored). */
export function checkPrecision(review: DeploymentReview): DeploymentCheck {
  const s = review.spec;
  const d = review.deployment;
  const q = s.quantization;
  if (review.inference === null) return checkTrainingPrecision(review);
  const w = review.inference.memory.weightsBytes;
  const asked = d.weights;
  const figures = {
    weightsBytes: w,
    precision: asked,
    checkpointQuantization: q?.method ?? null,
    bitsPerQuantizedWeight: q?.bitsPerQuantizedParameter ?? null,
    claimedWeightsBytes: d.sizing.weightsGB === undefined ? null : gbToBytes(d.sizing.weightsGB),
  };
  if (d.sizing.weightsGB !== undefined && gbToBytes(d.sizing.weightsGB) < w * CLAIM_TOLERANCE) {
    return check(
      "precision",
      "fail",
      `your sizing has ${d.sizing.weightsGB} GB of weights; they load as ${gb(w)}${q === undefined ? "" : ` (${q.label ?? q.method}: scales, zero points and 16-bit embeddings included)`}`,
      figures,
    );
  }
  if (q !== undefined) {
    const label = q.label ?? q.method;
    if (asked !== "auto" && SIXTEEN_BIT.includes(asked)) {
      return check(
        "precision",
        "fail",
        `precision ${asked} given, but config.json's quantization_config stores ${label}: vLLM loads it as stored, ${gb(w)}, and sizing it as ${asked.toUpperCase()} is wrong`,
        figures,
      );
    }
    return check(
      "precision",
      "pass",
      `pre-quantized checkpoint detected (${label}): the weights load as stored, ${gb(w)}${q.bitsPerQuantizedParameter === undefined ? "" : ` at ${q.bitsPerQuantizedParameter.toFixed(3)} bits per quantized weight`}; no --quantization flag`,
      figures,
    );
  }
  const precision = review.inference.assumptions.weights;
  const label = WEIGHT_PRECISIONS[precision].label;
  const choice: QuantizationChoice | null =
    precision === "fp8"
      ? "fp8"
      : precision === "int8"
        ? "int8"
        : precision.startsWith("int4")
          ? "int4"
          : null;
  if (choice === null) {
    return check(
      "precision",
      "pass",
      `${label} weights, no quantization_config: ${gb(w)}`,
      figures,
    );
  }
  const support = engineSupport(choice, d.accelerator);
  if (support.status === "unsupported") {
    return check(
      "precision",
      "fail",
      `${label} on ${d.accelerator.name}: ${support.note}`,
      figures,
    );
  }
  const inFlight =
    choice === "fp8"
      ? "quantized to FP8 while loading (vLLM --quantization fp8)"
      : choice === "int8"
        ? "INT8 from a 16-bit checkpoint: vLLM has no in-flight INT8, so it needs an INT8 (W8A8) checkpoint"
        : "4-bit from a 16-bit checkpoint: vLLM quantizes it with bitsandbytes NF4 while loading, slower than an AWQ/GPTQ checkpoint";
  const status = choice === "fp8" && support.status === "native" ? "pass" : "warn";
  return check(
    "precision",
    status,
    `${label} ${gb(w)}: ${inFlight}; on ${d.accelerator.name}: ${support.note}`,
    figures,
  );
}

function checkTrainingPrecision(review: DeploymentReview): DeploymentCheck {
  const s = review.spec;
  const t = review.training;
  const method = WORKLOAD_CLASSES[review.deployment.sizedAs].method ?? "full";
  if (s.quantization !== undefined && method !== "lora") {
    return check(
      "precision",
      "fail",
      `the checkpoint is pre-quantized (${s.quantization.label ?? s.quantization.method}): ${method === "full" ? "full training" : "QLoRA"} needs the 16-bit checkpoint; LoRA can train over it as stored`,
      { checkpointQuantization: s.quantization.method },
    );
  }
  if (t === null) {
    return check(
      "precision",
      "warn",
      `not sized: ${review.trainingProblem ?? "the training estimate failed"}`,
      {},
    );
  }
  const a = t.assumptions;
  const figures = {
    method: t.method,
    trainingPrecision: a.precision,
    basePrecision: a.basePrecision ?? null,
    bytesPerTrainableParameter: t.bytesPerParameter.total,
  };
  return t.method === "full"
    ? check(
        "precision",
        "pass",
        `every weight trained in ${a.precision} precision: ${t.bytesPerParameter.total.toFixed(1)} bytes per parameter of model states`,
        figures,
      )
    : check(
        "precision",
        "pass",
        `frozen base at ${a.basePrecision === "checkpoint" ? (s.quantization?.label ?? "the checkpoint's format") : (a.basePrecision ?? "bf16").toUpperCase()}; adapters at ${a.precision}: ${t.bytesPerParameter.total.toFixed(1)} bytes per trainable parameter`,
        figures,
      );
}
