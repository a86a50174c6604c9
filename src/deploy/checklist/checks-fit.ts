/**
 * Checks 7–9: whether the deployment fits its GPUs, with room for the framework, and whether the
 * GPU's bandwidth and FLOPS suit the workload.
 */
import { executionOn } from "../../hardware/execution.js";
import { formatInteger, formatBytes } from "../../units.js";
import { rankTraining } from "../blueprint/training.js";
import { check, type DeploymentCheck } from "./checks.js";
import type { DeploymentReview } from "./review.js";

const gb = (bytes: number): string => formatBytes(bytes, { unit: "gb" });
const percent = (fraction: number): string => `${(fraction * 100).toFixed(1)} %`;

/**
 * Thresholds (vramfit's choices, documented in docs/methodology.md#checklist):
 * - a claimed size under 99 % of the real one fails checks 4 and 6;
 * - utilization above 0.95 leaves under 5 % for CUDA graphs, NCCL buffers and other processes
 *   (warn); 0.99 or more leaves nothing (fail);
 * - a hand sizing reserving under 10 % of the weights is below the 10–15 % rule of thumb (warn);
 * - decode-heavy serving on a GPU reading under 1 TB/s (T4, L4, A10, L40S) is bandwidth-starved
 *   next to HBM parts (A100 2.0, H100 3.35 TB/s): warn.
 */
export const CHECKLIST_THRESHOLDS = {
  /** A figure of the owner's sizing below 99 % of the real one is a shortfall (rounding is not). */
  claimTolerance: 0.99,
  utilizationWarnAbove: 0.95,
  utilizationFailFrom: 0.99,
  overheadFractionMin: 0.1,
  overheadFractionMax: 0.15,
  decodeBandwidthBytesPerSecondMin: 1e12,
} as const;

/**
 * Check 7: memory is left for the framework: the engine's utilization cap (of the total the driver
 * reports) and the engine's own reserve (activation peak, non-torch and CUDA-graph memory).
 */
export function checkOverhead(review: DeploymentReview): DeploymentCheck {
  const d = review.deployment;
  const u = d.gpuMemoryUtilization;
  const memory =
    review.inference === null ? d.accelerator.memoryBytes : d.accelerator.cudaMemoryBytes;
  const T = CHECKLIST_THRESHOLDS;
  if (review.training !== null || d.kind === "training") {
    const g = review.training?.memory.perGpu;
    const figures = {
      gpuMemoryUtilization: u,
      cudaContextBytes: g?.cudaContextBytes ?? null,
      fragmentationBytes: g?.fragmentationBytes ?? null,
    };
    if (g === undefined)
      return check(
        "overhead",
        "warn",
        "not sized: the training layout was refused (check 8)",
        figures,
      );
    return check(
      "overhead",
      u >= T.utilizationFailFrom && u < 1 ? "warn" : "pass",
      `the training estimate reserves ${gb(g.cudaContextBytes)} of CUDA context and ${gb(g.fragmentationBytes)} of allocator fragmentation (${percent(review.training?.assumptions.fragmentationFraction ?? 0)} of what is allocated) per GPU`,
      figures,
    );
  }
  const reserve = review.evaluation?.topology.trials[0]?.perGpu?.perGpuBytes ?? 0;
  const headroom = memory - Math.floor(u * memory);
  const reserved = headroom + reserve;
  const figures = {
    gpuMemoryUtilization: u,
    headroomBytesPerGpu: headroom,
    engineReserveBytesPerGpu: reserve,
    reservedFraction: reserved / memory,
    overheadFraction: d.overheadFraction,
  };
  if (u >= T.utilizationFailFrom) {
    return check(
      "overhead",
      "fail",
      `utilization ${u} leaves ${gb(headroom)} per GPU: nothing for CUDA graphs, NCCL buffers or other processes, so the engine OOMs at start-up or under load; use 0.9–0.92`,
      figures,
    );
  }
  if (u > T.utilizationWarnAbove) {
    return check(
      "overhead",
      "warn",
      `utilization ${u} leaves ${gb(headroom)} (${percent(1 - u)}) per GPU for CUDA graphs and non-torch memory; vLLM's default is 0.92`,
      figures,
    );
  }
  if (d.overheadFraction !== null && d.overheadFraction < T.overheadFractionMin) {
    return check(
      "overhead",
      "warn",
      `your sizing reserves ${percent(d.overheadFraction)} of the weights for the framework, below the 10–15 % rule of thumb`,
      figures,
    );
  }
  return check(
    "overhead",
    "pass",
    `the ${u} utilization cap leaves ${gb(headroom)} per GPU outside the engine, and the engine's budget reserves ${gb(reserve)} for its profile run's activation peak, non-torch and CUDA-graph memory: ${gb(reserved)} (${percent(reserved / memory)} of the ${gb(memory)} the driver reports)`,
    figures,
  );
}

/** Check 8: the weights, KV cache and reserve fit each GPU under the chosen TP and PP, which must split the heads. */
export function checkFit(review: DeploymentReview): DeploymentCheck {
  return review.inference === null ? checkTrainingFit(review) : checkServingFit(review);
}

function checkServingFit(review: DeploymentReview): DeploymentCheck {
  const d = review.deployment;
  const e = review.evaluation;
  const tp = d.tensorParallel;
  const pp = d.pipelineParallel;
  const layout = `TP ${tp}${pp > 1 ? ` × PP ${pp}` : ""}`;
  const trial = e?.topology.trials[0];
  if (e === null || trial === undefined) return check("fit", "warn", "not sized", {});
  if (trial.problem !== null) {
    return check("fit", "fail", `${trial.problem}: vLLM refuses ${layout}`, {
      tensorParallel: tp,
      attentionHeads: review.spec.numAttentionHeads,
      kvHeads: review.spec.numKeyValueHeads,
    });
  }
  const per = trial.perGpu;
  const budget = e.budgetBytesPerGpu;
  const memory = d.accelerator.cudaMemoryBytes;
  const need = per?.totalBytes ?? 0;
  const kvHeads = review.requirement?.kvCacheShardableHeads ?? review.spec.numKeyValueHeads;
  const figures = {
    perGpuBytes: need,
    budgetBytesPerGpu: budget,
    shortfallBytes: Math.max(0, need - budget),
    weightsBytesPerGpu: per?.shardedBytes ?? null,
    kvCacheBytesPerGpu: per?.kvCacheBytes ?? null,
    engineReserveBytesPerGpu: per?.perGpuBytes ?? null,
    tensorParallel: tp,
    pipelineParallel: pp,
    replicas: d.replicas,
  };
  if (!e.topology.fits) {
    const smallest = review.smallestFit;
    const advice =
      smallest?.topology.fits === true && smallest.topology.perGpu !== null
        ? ` TP ${smallest.topology.tp ?? 1}${smallest.topology.pp > 1 ? ` × PP ${smallest.topology.pp}` : ""} fits (${gb(smallest.topology.perGpu.totalBytes)} per GPU, ${(smallest.topology.tp ?? 1) * smallest.topology.pp} GPUs per replica).`
        : "";
    return check(
      "fit",
      "fail",
      `needs ${gb(need)} per GPU at ${layout}; the budget is ${gb(budget)} (${d.gpuMemoryUtilization} × the ${gb(memory)} the driver reports): ${gb(Math.max(0, need - budget))} short.${advice}`,
      figures,
    );
  }
  const idle = d.gpuCount - d.replicas * tp * pp;
  const kvSplit =
    per?.kvCacheReplicated === true
      ? `the KV cache replicated past its ${kvHeads} KV heads`
      : `${Math.max(1, kvHeads / Math.min(tp, Math.max(1, kvHeads)))} of ${kvHeads} KV heads per GPU`;
  const reason = `${gb(need)} per GPU ≤ ${gb(budget)} budget at ${layout}: weights ${gb(per?.shardedBytes ?? 0)} + KV cache ${gb(per?.kvCacheBytes ?? 0)} (${kvSplit}) + engine reserve ${gb(per?.perGpuBytes ?? 0)} (activation peak, non-torch, CUDA graphs); ${d.replicas} replica${d.replicas === 1 ? "" : "s"}`;
  return idle > 0
    ? check(
        "fit",
        "warn",
        `${reason}, and ${idle} of ${d.gpuCount} GPUs idle (not a multiple of ${tp * pp})`,
        figures,
      )
    : check("fit", "pass", reason, figures);
}

function checkTrainingFit(review: DeploymentReview): DeploymentCheck {
  const d = review.deployment;
  const t = review.training;
  if (t === null) {
    return check(
      "fit",
      "fail",
      `the training layout is refused: ${review.trainingProblem ?? "unknown reason"}`,
      {
        gpus: d.gpuCount,
        tensorParallel: d.tensorParallel,
      },
    );
  }
  const need = t.memory.perGpu.totalBytes;
  const budget = d.gpuMemoryUtilization * d.accelerator.memoryBytes;
  const a = t.assumptions;
  const layout = `${a.gpuCount} GPU${a.gpuCount === 1 ? "" : "s"}${a.tensorParallel > 1 ? `, TP ${a.tensorParallel}` : ""}, ZeRO ${a.zeroStage}`;
  const figures = {
    perGpuBytes: need,
    budgetBytesPerGpu: budget,
    shortfallBytes: Math.max(0, need - budget),
    gpus: a.gpuCount,
    tensorParallel: a.tensorParallel,
    zeroStage: a.zeroStage,
  };
  if (need <= budget) {
    return check("fit", "pass", `${gb(need)} per GPU ≤ ${gb(budget)} on ${layout}`, figures);
  }
  const { ranking } = rankTraining(
    review.spec,
    { ...trainingOptionsOf(review), method: t.method },
    { workload: "training", gpuMemoryUtilization: d.gpuMemoryUtilization },
    { accelerators: { [d.acceleratorId]: d.accelerator }, instances: {} },
  );
  const fit = ranking.matches[0];
  const advice =
    fit?.fits === true
      ? ` FSDP / ZeRO-3 over ${fit.gpuCount ?? 1} × ${d.accelerator.name} fits (${gb(fit.perGpu?.totalBytes ?? 0)} per GPU).`
      : "";
  return check(
    "fit",
    "fail",
    `needs ${gb(need)} per GPU on ${layout}; the budget is ${gb(budget)}: ${gb(need - budget)} short.${advice}`,
    figures,
  );
}

/** The training options the review sized with, for re-sizing the same run elsewhere. */
export function trainingOptionsOf(review: DeploymentReview): Parameters<typeof rankTraining>[1] {
  const a = review.training?.assumptions;
  if (a === undefined) return {};
  return {
    method: a.method,
    sequenceLength: a.sequenceLength,
    microBatchSize: a.microBatchSize,
    optimizer: a.optimizer,
    gradientCheckpointing: a.gradientCheckpointing,
    attention: a.attention,
    dropout: a.dropout,
    crossEntropy: a.crossEntropy,
    lossPrecision: a.lossPrecision,
    softmaxPrecision: a.softmaxPrecision,
    compile: a.compile,
    ...(a.framework === undefined ? {} : { framework: a.framework }),
    cudaContextBytes: a.cudaContextBytes,
    fragmentationFraction: a.fragmentationFraction,
    ...(a.method === "full"
      ? { precision: a.precision }
      : { rank: a.rank, targets: a.targets, doubleQuantization: a.doubleQuantization }),
  };
}

/** Check 9: decode-heavy serving on high-bandwidth memory; training on a dense tensor rate. */
export function checkBandwidth(review: DeploymentReview): DeploymentCheck {
  const d = review.deployment;
  const accelerator = d.accelerator;
  const bandwidth = accelerator.memoryBandwidthBytesPerSecond;
  const requirement = review.requirement;
  if (review.inference === null) {
    const speed = review.trainingSpeed;
    const figures = {
      flopsPerSecond: speed?.flopsPerSecond ?? null,
      tokensPerSecond: speed?.tokensPerSecond ?? null,
      computeEfficiency: review.rankAssumptions.computeEfficiency,
    };
    if (speed === null || speed.flopsPerSecond === null) {
      return check(
        "bandwidth",
        "warn",
        `no dense tensor rate known for ${accelerator.name}: training speed cannot be estimated`,
        figures,
      );
    }
    const throughput = `${(speed.flopsPerSecond / 1e12).toFixed(0)} TFLOPS dense ${speed.rateLabel} × ${review.rankAssumptions.computeEfficiency} → ${formatInteger(speed.tokensPerSecond ?? 0)} tokens/s on ${d.gpuCount} GPU${d.gpuCount === 1 ? "" : "s"}`;
    return accelerator.bf16
      ? check("bandwidth", "pass", `training is compute-bound: ${throughput}`, figures)
      : check(
          "bandwidth",
          "warn",
          `${accelerator.name} has no BF16 tensor cores: mixed precision runs FP16 with loss scaling; ${throughput}`,
          figures,
        );
  }
  if (bandwidth === null || requirement === null) {
    return check(
      "bandwidth",
      "warn",
      `memory bandwidth of ${accelerator.name} unknown: decode speed cannot be judged`,
      {},
    );
  }
  const rate = executionOn(requirement, accelerator).flopsPerSecond;
  const bytes = requirement.step.shardedBytesRead + requirement.step.kvCacheBytesRead;
  const intensity = bytes > 0 ? requirement.step.flops / bytes : 0;
  const ridge = rate === null ? null : rate / bandwidth;
  const memoryBound = ridge === null || intensity < ridge;
  const itl = review.evaluation?.step?.seconds ?? null;
  const figures = {
    memoryBandwidthBytesPerSecond: bandwidth,
    flopsPerSecond: rate,
    decodeFlopsPerByte: intensity,
    ridgeFlopsPerByte: ridge,
    memoryBound,
    interTokenLatencySeconds: itl,
  };
  const tbps = `${(bandwidth / 1e12).toFixed(2)} TB/s`;
  const bound = memoryBound
    ? `decode is memory-bound (${intensity.toFixed(0)} FLOP/B${ridge === null ? "" : ` < ridge ${ridge.toFixed(0)} FLOP/B`})`
    : `decode is compute-bound at this batch (${intensity.toFixed(0)} FLOP/B ≥ ridge ${ridge.toFixed(0)} FLOP/B)`;
  if (memoryBound && bandwidth < CHECKLIST_THRESHOLDS.decodeBandwidthBytesPerSecondMin) {
    return check(
      "bandwidth",
      "warn",
      `${bound} and ${accelerator.name} reads ${tbps}: every decode step reads all the weights and the KV cache; HBM GPUs (A100 2.0, H100 3.35 TB/s) produce tokens 2–4× faster per GPU`,
      figures,
    );
  }
  return check(
    "bandwidth",
    "pass",
    `${bound}; ${accelerator.name} reads ${tbps}${itl === null ? "" : `: ${(itl * 1000).toFixed(1)} ms per decode step`}`,
    figures,
  );
}
