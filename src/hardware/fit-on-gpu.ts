import { InvalidOptionError } from "../errors.js";
import { estimateInferenceFromSpec, type InferenceEstimate } from "../memory/estimate-inference.js";
import { ENGINE_CONSTANTS } from "../memory/serving/engine-rules.js";
import { isVllmV1, vllmEra } from "../memory/serving/engine-version.js";
import type { ServingEngine } from "../memory/serving/engine-version.js";
import type { ServingBudget } from "../memory/serving/serving-types.js";
import type { ModelSpec } from "../model/model-spec.js";
import { didYouMean } from "../options/did-you-mean.js";
import { checkKnownOptions, readOption } from "../options/option-fields.js";
import { formatInteger, BYTES_PER_GIB } from "../units.js";
import type { AcceleratorSpec } from "./accelerator.js";
import type { GpuCatalog } from "./catalog.js";
import { CATALOG_OPTIONS, catalogFromOptions } from "./catalog-options.js";
import { FIT_OPTIONS, type FitOptions } from "./fit-options.js";
import { requirementFromInference } from "./inference-requirement.js";
import { servingFitOn, servingMaxContextOn, type ServingGpuRequirement } from "./serving-on-gpu.js";
import { tensorParallelProblem, TENSOR_PARALLEL_DEGREES } from "./topology.js";

/** The settings a fit used, echoed so every number explains itself. */
export interface FitAssumptions {
  /** The accelerator's catalog id. */
  readonly gpu: string;
  /** Tensor-parallel degree. */
  readonly tensorParallel: number;
  /** Pipeline stages. */
  readonly pipelineParallel: number;
  /** `max_model_len`. */
  readonly contextLength: number;
  /** Sequences of `contextLength` that must fit at once. */
  readonly batchSize: number;
  /** The engine. */
  readonly engine: ServingEngine;
  /** The release whose rules applied. */
  readonly engineVersion: string;
  /** `gpu_memory_utilization` (SGLang: `mem_fraction_static`). */
  readonly gpuMemoryUtilization: number;
  /** The profile run's batch (SGLang: chunked-prefill size). */
  readonly maxNumBatchedTokens: number;
  /** Requests in the profile run. */
  readonly maxNumSeqs: number;
  /** Whether prefills are chunked. */
  readonly chunkedPrefill: boolean;
  /** Whether CUDA graphs are off. */
  readonly enforceEager: boolean;
  /** Tokens per KV block. */
  readonly blockSize: number;
  /** Weight precision. */
  readonly weights: string;
  /** KV-cache element type. */
  readonly kvCacheDtype: string;
  /** One line for every value defaulted or derived. */
  readonly notes: readonly string[];
}

/** Whether a model fits a GPU under a serving engine, with the engine's own budget itemized. */
export interface GpuFit {
  /** What this is: a per-GPU fit. */
  readonly kind: "fit";
  /** Which model. */
  readonly model: InferenceEstimate["model"];
  /** The GPU, and the memory totals the budget started from. */
  readonly gpu: {
    readonly id: string;
    readonly name: string;
    /** GPUs one replica uses: `tensorParallel × pipelineParallel`. */
    readonly count: number;
    /** What nvidia-smi reports. */
    readonly memoryBytes: number;
    /** What `torch.cuda.mem_get_info` reports. */
    readonly cudaMemoryBytes: number;
    readonly cudaMemoryMeasured: boolean;
    readonly cudaMemorySource: string;
  };
  /** The engine, its release and the rules that applied. */
  readonly engine: { readonly id: ServingEngine; readonly version: string; readonly rules: string };
  /** The engine starts with this `max_model_len` and holds `batchSize` sequences of it at once. */
  readonly fits: boolean;
  /** The engine starts with this `max_model_len` (its start-up checks pass). */
  readonly starts: boolean;
  /** The engine's refusal, worded as it words it, when it does not start. */
  readonly refusal: string | null;
  /** The answer in one sentence. */
  readonly verdict: string;
  /** This GPU's weights as the engine loads them. */
  readonly weightsBytesPerGpu: number;
  /** The KV cache of one GPU. */
  readonly kvCache: {
    /** Bytes left for it (0 when nothing is). */
    readonly bytesPerGpu: number;
    /** Blocks in the pool. */
    readonly blocks: number;
    /** Tokens per block. */
    readonly blockSize: number;
    /** Tokens the pool holds: `blocks × blockSize`. */
    readonly tokens: number;
    /** Bytes one token takes on this GPU, every attention layer at full size. */
    readonly bytesPerToken: number;
    /** Bytes one `max_model_len` request needs on this GPU (the start-up check's figure). */
    readonly neededBytesPerRequest: number;
  };
  /** The longest `max_model_len` at which the engine starts and holds `batchSize` of them (0: none). */
  readonly maxContextLength: number;
  /** Requests of `max_model_len` held at once (vLLM's "Maximum concurrency"); `null` without a KV cache. */
  readonly maxConcurrency: number | null;
  /** The budget of one GPU, term by term, each with its rule and source. */
  readonly budget: ServingBudget;
  /** Bytes short of any KV room (0 when there is room). */
  readonly shortfallBytes: number;
  /** The settings used. */
  readonly assumptions: FitAssumptions;
  /** What the reader should know: guesses in the spec, CUDA graphs outside the cap, ... */
  readonly warnings: readonly string[];
}

/**
 * Whether a model fits a GPU under vLLM or SGLang, sized the way the engine sizes itself at
 * start-up: the total memory the driver reports × `gpu_memory_utilization`, less the weights as
 * loaded, the peak activation of the profile run, non-torch and CUDA-graph memory; the rest in KV
 * blocks, the start-up checks, and "Maximum concurrency" (docs/methodology.md#serving-fit).
 * Pure; the GPU rankings, plans and checks use the same budget.
 *
 * @throws {InvalidOptionError} for a missing or unknown `gpu` (with close matches), a
 * tensor-parallel degree that cannot split the heads, or an option out of range or unknown.
 * @throws {VramfitError} `CATALOG_INVALID` for a bad catalog.
 * @example
 * const fit = fitOnGpuFromSpec(spec, { gpu: "nvidia-rtx-3090", contextLength: 29_000, gpuMemoryUtilization: 0.9, engineVersion: "0.6.4" });
 * fit.fits // false: vLLM 0.6.4 holds 23,648 tokens there (vllm#10517)
 */
export function fitOnGpuFromSpec(spec: ModelSpec, options: FitOptions): GpuFit {
  checkKnownOptions(options, [FIT_OPTIONS, CATALOG_OPTIONS], "fitOnGpuFromSpec");
  return fitWithCatalog(spec, options, catalogFromOptions(options));
}

/**
 * {@link fitOnGpuFromSpec} over a catalog already combined and checked.
 *
 * @throws {InvalidOptionError} as {@link fitOnGpuFromSpec}.
 */
export function fitWithCatalog(spec: ModelSpec, options: FitOptions, catalog: GpuCatalog): GpuFit {
  const notes: string[] = [];
  const read = <Key extends keyof typeof FIT_OPTIONS>(key: Key) =>
    readOption(FIT_OPTIONS, options, key);
  const gpuId = read("gpu");
  const known = Object.keys(catalog.accelerators);
  if (gpuId === undefined) {
    throw new InvalidOptionError("gpu", "a GPU catalog id is required", {
      hint: `Known: ${known.slice(0, 8).join(", ")}, ... (vramfit gpus lists them all).`,
    });
  }
  const accelerator = catalog.accelerators[gpuId];
  if (accelerator === undefined) {
    throw new InvalidOptionError("gpu", `no accelerator "${gpuId}" in the catalog`, {
      hint: gpuHint(gpuId, known),
    });
  }
  const tp = read("tensorParallel") ?? 1;
  const pp = read("pipelineParallel") ?? 1;
  const problem = tensorParallelProblem(
    { attentionHeads: spec.numAttentionHeads, kvHeads: spec.numKeyValueHeads },
    tp,
  );
  if (problem !== undefined) {
    const valid = TENSOR_PARALLEL_DEGREES.filter(
      (degree) =>
        tensorParallelProblem(
          { attentionHeads: spec.numAttentionHeads, kvHeads: spec.numKeyValueHeads },
          degree,
        ) === undefined,
    );
    throw new InvalidOptionError("tensorParallel", `${problem}, so vLLM refuses TP ${tp}`, {
      hint: `Degrees that split this model: ${valid.join(", ")}.`,
    });
  }
  const engine = read("engine") ?? "vllm";
  const contextLength = read("contextLength") ?? spec.maxPositionEmbeddings ?? 4096;
  if (options.contextLength === undefined) {
    notes.push(
      spec.maxPositionEmbeddings === undefined
        ? "contextLength: default 4096 (config.json gives no max_position_embeddings)"
        : `contextLength: default ${contextLength} (the model's max_position_embeddings, which vLLM takes as max_model_len)`,
    );
  }
  const batchSize = read("batchSize") ?? 1;
  const estimate = estimateInferenceFromSpec(spec, {
    contextLength,
    batchSize,
    weights: options.weights,
    kvCacheDtype: options.kvCacheDtype,
    engine,
    maxNumBatchedTokens: options.maxNumBatchedTokens,
    checkpoint: options.checkpoint,
  });
  const requirement = requirementFromInference(estimate, {
    promptTokens: contextLength,
    engine: {
      engineVersion: read("engineVersion") ?? "latest",
      gpuMemoryUtilization: read("gpuMemoryUtilization") ?? null,
      maxNumSeqs: read("maxNumSeqs") ?? null,
      enforceEager: read("enforceEager") ?? false,
      blockSize: read("blockSize") ?? null,
    },
  }) as ServingGpuRequirement;
  const figures = servingFitOn(requirement, accelerator, tp, pp);
  const resolved = figures.resolved;
  const maxContextLength = servingMaxContextOn(requirement, accelerator, tp, pp);
  const concurrency = Number.isFinite(figures.maxConcurrency) ? figures.maxConcurrency : null;
  const assumptions: FitAssumptions = {
    gpu: gpuId,
    tensorParallel: tp,
    pipelineParallel: pp,
    contextLength,
    batchSize,
    engine,
    engineVersion: resolved.engineVersion,
    gpuMemoryUtilization: resolved.gpuMemoryUtilization,
    maxNumBatchedTokens: resolved.maxNumBatchedTokens,
    maxNumSeqs: resolved.maxNumSeqs,
    chunkedPrefill: resolved.chunkedPrefill,
    enforceEager: resolved.enforceEager,
    blockSize: resolved.blockSize,
    weights: estimate.assumptions.weights,
    kvCacheDtype: estimate.assumptions.kvCacheDtype,
    notes: [
      ...notes,
      ...(options.engineVersion === undefined
        ? [`engineVersion: default latest (${resolved.rules})`]
        : []),
      ...resolved.notes,
      ...estimate.assumptions.notes.filter(
        (note) => note.startsWith("weights:") || note.startsWith("kvCacheDtype:"),
      ),
    ],
  };
  return {
    kind: "fit",
    model: estimate.model,
    gpu: {
      id: gpuId,
      name: accelerator.name,
      count: tp * pp,
      memoryBytes: accelerator.memoryBytes,
      cudaMemoryBytes: accelerator.cudaMemoryBytes,
      cudaMemoryMeasured: accelerator.cudaMemoryMeasured,
      cudaMemorySource: accelerator.cudaMemorySource,
    },
    engine: { id: engine, version: resolved.engineVersion, rules: resolved.rules },
    fits: figures.fits,
    starts: figures.starts,
    refusal: figures.refusal,
    verdict: verdict(figures, assumptions, accelerator, concurrency),
    weightsBytesPerGpu: figures.budget.weights.bytes,
    kvCache: {
      bytesPerGpu: figures.budget.kvCache.bytes,
      blocks: figures.blocks,
      blockSize: resolved.blockSize,
      tokens: figures.tokens,
      bytesPerToken: figures.kvCacheBytesPerToken,
      neededBytesPerRequest: figures.neededBytesPerRequest,
    },
    maxContextLength,
    maxConcurrency: concurrency,
    budget: figures.budget,
    shortfallBytes: figures.shortfallBytes,
    assumptions,
    warnings: [
      ...estimate.warnings,
      ...fitWarnings(figures, assumptions, accelerator),
      ...maxNumSeqsHint(requirement, accelerator, figures, options, assumptions),
      ...longerStarts(figures.fits, maxContextLength, assumptions),
    ],
  };
}

/**
 * vLLM V0 profiles a whole `max_model_len` prompt up to 32K tokens and a chunk above, so a longer
 * `max_model_len` can start where this one does not (vllm#10517: 29K refused, 35K starts).
 */
function longerStarts(fits: boolean, maxContextLength: number, a: FitAssumptions): string[] {
  if (fits || maxContextLength <= a.contextLength) return [];
  return [
    `a longer max_model_len (up to ${formatInteger(maxContextLength)}) fits where ${formatInteger(a.contextLength)} does not: vLLM ${a.engineVersion} turns chunked prefill on above 32K tokens, so its profile run forwards a chunk, not the whole prompt (vllm#10517); --max-num-batched-tokens does the same at this length`,
  ];
}

/**
 * When vLLM's own max_num_seqs (up to 1,024) makes the profile run's sampler the activation peak,
 * what running it with --max-num-seqs set to the batch would leave for the KV cache.
 */
function maxNumSeqsHint(
  requirement: ServingGpuRequirement,
  accelerator: AcceleratorSpec,
  figures: ReturnType<typeof servingFitOn>,
  options: FitOptions,
  a: FitAssumptions,
): string[] {
  if (a.engine !== "vllm" || options.maxNumSeqs !== undefined || a.batchSize >= a.maxNumSeqs) {
    return [];
  }
  const settings = { ...requirement.serving.settings, maxNumSeqs: a.batchSize };
  const alternative = servingFitOn(
    { ...requirement, serving: { ...requirement.serving, settings } },
    accelerator,
    a.tensorParallel,
    a.pipelineParallel,
  );
  const freed = figures.budget.activationPeak.bytes - alternative.budget.activationPeak.bytes;
  if (freed < BYTES_PER_GIB / 10) return [];
  return [
    `the profile run's sampler for max_num_seqs ${a.maxNumSeqs} (vLLM's default here) takes ${gib(figures.budget.activationPeak.bytes)}; with --max-num-seqs ${a.batchSize} (the batch) it would take ${gib(alternative.budget.activationPeak.bytes)}, leaving ${gib(alternative.budget.kvCache.bytes)} for the KV cache${alternative.fits === figures.fits ? "" : alternative.fits ? " and it would fit" : ""}`,
  ];
}

const gib = (bytes: number): string => `${(bytes / BYTES_PER_GIB).toFixed(2)} GiB`;

/** Catalog ids that contain what was typed ("h100" → the three H100s), else the closest one. */
function gpuHint(typed: string, known: readonly string[]): string {
  const needle = typed.trim().toLowerCase();
  const containing = needle.length >= 2 ? known.filter((id) => id.includes(needle)) : [];
  if (containing.length > 1 && containing.length <= 8) {
    return `Close matches: ${containing.join(", ")}.`;
  }
  return didYouMean(typed, known);
}

function verdict(
  figures: ReturnType<typeof servingFitOn>,
  a: FitAssumptions,
  accelerator: AcceleratorSpec,
  concurrency: number | null,
): string {
  const label = `${a.engine === "sglang" ? "SGLang" : "vLLM"} ${a.engineVersion}`;
  const gpus = `${a.tensorParallel * a.pipelineParallel} × ${accelerator.name}`;
  const context = formatInteger(a.contextLength);
  if (!figures.starts) return `${label} refuses to start on ${gpus}: ${figures.refusal ?? ""}`;
  const times = concurrency === null ? "" : ` (maximum concurrency ${concurrency.toFixed(2)}x)`;
  if (figures.fits) {
    return `${label} starts on ${gpus} with max_model_len ${context} and holds ${a.batchSize} sequence${a.batchSize === 1 ? "" : "s"} of it${times}.`;
  }
  return `${label} starts on ${gpus} with max_model_len ${context}, but holds fewer than ${a.batchSize} sequences of it${times}.`;
}

function fitWarnings(
  figures: ReturnType<typeof servingFitOn>,
  a: FitAssumptions,
  accelerator: AcceleratorSpec,
): string[] {
  const warnings: string[] = [];
  if (!accelerator.cudaMemoryMeasured) {
    warnings.push(
      `${accelerator.name}'s CUDA total is derived, not read from a log (${accelerator.cudaMemorySource})`,
    );
  }
  if (a.engine === "vllm" && !a.enforceEager) {
    const [major, minor, patch] = a.engineVersion.split(".").map(Number);
    const era = vllmEra({ major: major ?? 0, minor: minor ?? 0, patch: patch ?? 0 });
    const left = figures.budget.total.bytes - figures.budget.utilizationCap.bytes;
    const graphs = ENGINE_CONSTANTS.cudaGraphBytes.value;
    if (era !== "v1-graphs" && left < graphs) {
      warnings.push(
        `CUDA graphs are captured after the KV cache, on top of the ${a.gpuMemoryUtilization} cap: only ${gib(left)} is left for them (vllm#16199 ran out of memory capturing them at 0.98); lower gpuMemoryUtilization or pass enforceEager`,
      );
    }
    if (!isVllmV1(era) && a.tensorParallel > 1) {
      warnings.push(
        "vLLM V0 samples on the first GPU only and sizes every GPU's cache by the smallest: the budget shown is that GPU's",
      );
    }
  }
  if (a.engine === "sglang" && figures.starts && figures.tokens < a.contextLength) {
    warnings.push(
      `SGLang starts, but its pool of ${formatInteger(figures.tokens)} tokens holds less than one request of ${formatInteger(a.contextLength)}: SGLang does not refuse that, requests queue instead`,
    );
  }
  return warnings;
}
