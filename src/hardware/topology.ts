import type { GpuRequirement } from "./requirement.js";

/** The tensor-parallel degrees tried within one node, smallest first. */
export const TENSOR_PARALLEL_DEGREES = [1, 2, 4, 8] as const;

/** GPUs in one node: beyond them, vramfit adds pipeline-parallel stages (multi-node). */
export const GPUS_PER_NODE = 8;

/**
 * Why a tensor-parallel degree cannot split this model, or `undefined` when it can. vLLM's rule
 * (docs/methodology.md, "Fit and topology"): the degree must divide the attention heads, and the KV heads must divide
 * the degree or the degree divide the KV heads (beyond the KV-head count they are replicated).
 */
export function tensorParallelProblem(
  requirement: Pick<GpuRequirement, "attentionHeads" | "kvHeads">,
  tp: number,
): string | undefined {
  if (requirement.attentionHeads % tp !== 0) {
    return `TP ${tp} does not divide the ${requirement.attentionHeads} attention heads`;
  }
  if (requirement.kvHeads % tp !== 0 && tp % requirement.kvHeads !== 0) {
    return `TP ${tp} and the ${requirement.kvHeads} KV heads do not divide one another`;
  }
  return undefined;
}

/**
 * Why a group of `gpus` cannot split this requirement, or `null` when it can: the tensor-parallel
 * head rule for serving, nothing for a fully-sharded (FSDP / ZeRO-3) training requirement.
 */
export function splitProblem(
  requirement: Pick<GpuRequirement, "attentionHeads" | "kvHeads" | "sharding">,
  gpus: number,
): string | null {
  return requirement.sharding === "fully-sharded"
    ? null
    : (tensorParallelProblem(requirement, gpus) ?? null);
}

/**
 * Why `pp` pipeline stages cannot split this requirement's layers, or `null` when they can:
 * every stage needs at least one layer (vLLM gives each stage a contiguous slice of the layers).
 */
export function stagesProblem(
  requirement: Pick<GpuRequirement, "layers">,
  pp: number,
): string | null {
  return pp > requirement.layers
    ? `${pp} pipeline stages for ${requirement.layers} layers leave stages without a layer`
    : null;
}

/** What one GPU holds under a given parallelism, in bytes. */
export interface PerGpuBytes {
  /** The GPU's slice of the weights (and any other sharded state). */
  readonly shardedBytes: number;
  /** The GPU's slice of the KV cache. */
  readonly kvCacheBytes: number;
  /** The reserve every GPU holds in full. */
  readonly perGpuBytes: number;
  /** The sum: what must fit in the GPU's budget. */
  readonly totalBytes: number;
  /** Whether the KV cache is replicated (TP above the shardable KV heads). */
  readonly kvCacheReplicated: boolean;
}

/**
 * Bytes one GPU holds at tensor-parallel degree `tp` and `pp` pipeline stages:
 * `(shardedBytes / tp + kvCacheBytes / min(tp, kvCacheShardableHeads)) × stageShare + perGpuBytes`,
 * where a stage holds `ceil(layers / pp)` of the layers. `extraShardedBytes` adds weight bytes a
 * fallback needs (FP8 served as 16-bit).
 */
export function perGpuBytes(
  requirement: GpuRequirement,
  tp: number,
  pp = 1,
  extraShardedBytes = 0,
): PerGpuBytes {
  const stageShare = pp === 1 ? 1 : Math.ceil(requirement.layers / pp) / requirement.layers;
  // Whole bytes per GPU, rounded up: the GPU with the largest share decides the fit.
  const shardedBytes = Math.ceil(
    ((requirement.shardedBytes + extraShardedBytes) / tp) * stageShare,
  );
  const kvRanks = Math.min(tp, Math.max(1, requirement.kvCacheShardableHeads));
  const kvCacheBytes = Math.ceil((requirement.kvCacheBytes / kvRanks) * stageShare);
  return {
    shardedBytes,
    kvCacheBytes,
    perGpuBytes: requirement.perGpuBytes,
    totalBytes: shardedBytes + kvCacheBytes + requirement.perGpuBytes,
    kvCacheReplicated: requirement.kvCacheBytes > 0 && tp > requirement.kvCacheShardableHeads,
  };
}

/** One tensor-parallel degree tried, and what came of it. */
export interface TensorParallelTrial {
  /** The degree. */
  readonly tp: number;
  /** Why the degree cannot split the model, when it cannot. */
  readonly problem: string | null;
  /** Per-GPU bytes at this degree, when it can. */
  readonly perGpu: PerGpuBytes | null;
  /** Whether the per-GPU bytes fit the budget. */
  readonly fits: boolean;
}

/** The parallelism chosen for one accelerator, or the closest miss. */
export interface Topology {
  /** Whether some parallelism within the limits fits. */
  readonly fits: boolean;
  /** Tensor-parallel degree: the smallest that fits, or the largest valid one tried when none does. */
  readonly tp: number | null;
  /** Pipeline-parallel stages (1 within a node). */
  readonly pp: number;
  /** Per-GPU bytes at that parallelism (`null` when no degree can split the model). */
  readonly perGpu: PerGpuBytes | null;
  /** Every single-node degree tried. */
  readonly trials: readonly TensorParallelTrial[];
}

/** Sizes one parallelism: what each GPU holds, and whether that fits. */
export type TopologyTrial = (
  tp: number,
  pp: number,
) => { readonly perGpu: PerGpuBytes; readonly fits: boolean };

/**
 * The plain trial: {@link perGpuBytes} against a fixed per-GPU budget (training requirements,
 * and requirements built by hand without serving shapes).
 */
export function budgetTrial(
  requirement: GpuRequirement,
  budgetBytes: number,
  extraShardedBytes: number,
): TopologyTrial {
  return (tp, pp) => {
    const perGpu = perGpuBytes(requirement, tp, pp, extraShardedBytes);
    return { perGpu, fits: perGpu.totalBytes <= budgetBytes };
  };
}

/**
 * Most pipeline stages vramfit plans: 1,024 stages of up to 8 GPUs, far beyond any deployment
 * (the largest published pipelines are a few dozen stages), but a bound that keeps the search
 * short and the figures sane for a config that claims 10^12 layers.
 */
export const MAX_PIPELINE_STAGES = 1024;

/**
 * Finds the smallest tensor-parallel degree in {@link TENSOR_PARALLEL_DEGREES} (up to `maxGpus`)
 * that the `trial` says fits; past the largest valid degree, the fewest pipeline stages (one per
 * node, across nodes; at most the layer count, `maxGpus` and {@link MAX_PIPELINE_STAGES}) that
 * fit. Per-GPU bytes never grow with more stages (each holds `ceil(layers / pp)` layers), so the
 * stages are found by bisection: ~10 trials, whatever the layer count.
 */
export function findTopology(
  requirement: GpuRequirement,
  options: { readonly maxGpus: number; readonly trial: TopologyTrial },
): Topology {
  const trials: TensorParallelTrial[] = [];
  for (const tp of TENSOR_PARALLEL_DEGREES) {
    if (tp > options.maxGpus) break;
    const problem = splitProblem(requirement, tp);
    const sized = problem === null ? options.trial(tp, 1) : null;
    const perGpu = sized?.perGpu ?? null;
    const fits = sized?.fits === true;
    trials.push({ tp, problem, perGpu, fits });
    if (fits) return { fits, tp, pp: 1, perGpu, trials };
  }
  const largest = trials.filter((trial) => trial.perGpu !== null).at(-1);
  if (largest?.perGpu == null) return { fits: false, tp: null, pp: 1, perGpu: null, trials };

  const miss: Topology = { fits: false, tp: largest.tp, pp: 1, perGpu: largest.perGpu, trials };
  const maxStages = Math.min(
    requirement.layers,
    Math.floor(options.maxGpus / largest.tp),
    MAX_PIPELINE_STAGES,
  );
  if (!(maxStages >= 2)) return miss;
  let best = options.trial(largest.tp, maxStages);
  if (!best.fits) return miss;
  // Invariant: `low` stages do not fit (one stage is the largest trial above), `high` stages do.
  let low = 1;
  let high = maxStages;
  while (high - low > 1) {
    const middle = Math.floor((low + high) / 2);
    const sized = options.trial(largest.tp, middle);
    if (sized.fits) {
      high = middle;
      best = sized;
    } else low = middle;
  }
  return { fits: true, tp: largest.tp, pp: high, perGpu: best.perGpu, trials };
}
