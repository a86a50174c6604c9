import { formatInteger, BYTES_PER_GIB, BYTES_PER_MIB } from "../../units.js";
import { ENGINE_CONSTANTS } from "./engine-rules.js";
import { formatRelease, sglangEra, type SglangEra } from "./engine-version.js";
import { kvBytesPerLayerPerToken, stageLayers } from "./kv-pages.js";
import type { ServingModel } from "./serving-model.js";
import type {
  ServingFitFigures,
  ServingGpu,
  ServingParallel,
  ServingResolved,
  ServingSettings,
} from "./serving-types.js";
import { weightsAsLoaded, type WeightsAsLoaded } from "./weights-as-loaded.js";

/*
 * SGLang's token pool (model_runner.profile_max_num_token, docs/methodology.md#sglang):
 *   rest = free after loading − free at start × (1 − mem_fraction_static)
 *        = free at start × mem_fraction_static − weights
 *   max_total_num_tokens = floor(rest / cell), cell = Σ layers 2 × KV heads per rank × head_dim × bytes
 * Activations and CUDA graphs live in the (1 − mem_fraction_static) part; SGLang does not refuse a
 * context longer than the pool, it only refuses a pool of nothing.
 */

const SOURCE = "https://github.com/sgl-project/sglang/blob/main/python/sglang/srt";

const ERA_LABELS: Readonly<Record<SglangEra, string>> = {
  "tp-table":
    "SGLang ≤ 0.4: free at start × mem_fraction_static (0.88 at TP 1 … 0.79 at TP 16) − weights",
  "memory-buckets":
    "SGLang 0.5.0–0.5.3: free at start × mem_fraction_static (a reserve per memory bucket) − weights",
  "reserve-heuristic":
    "SGLang ≥ 0.5.4: free at start × mem_fraction_static (reserve heuristic, PR #10975) − weights",
};

/** SGLang's default `chunked_prefill_size` for a GPU of `memoryMiB` (server_args.py). */
export function sglangChunkedPrefillSize(era: SglangEra, memoryMiB: number): number {
  if (era === "reserve-heuristic") {
    if (memoryMiB < 35 * 1024) return 2048;
    if (memoryMiB < 60 * 1024) return 4096;
    if (memoryMiB < 160 * 1024) return 8192;
    return 16_384;
  }
  return memoryMiB < 25_000 ? 2048 : 8192;
}

/** SGLang's default `cuda_graph_max_bs` for a GPU of `memoryMiB`: 8 below 25,000 MiB, else 160. */
export function sglangCudaGraphMaxBatch(memoryMiB: number): number {
  return memoryMiB < 25_000 ? 8 : 160;
}

/**
 * SGLang's default `--mem-fraction-static` (server_args.py):
 * - ≤ 0.4: 0.88 at TP 1, 0.87 at TP 2, 0.85 at TP 4, 0.81 at TP 8, 0.79 at TP 16;
 * - 0.5.0–0.5.3: `(memory − reserve) / memory`, the reserve 2.8 + parallel/10 GiB below 35 GB,
 *   9.5 + parallel/2 below 90 GB, 12 + parallel/2 below 160 GB, else 32 GiB;
 * - ≥ 0.5.4 (PR #10975): reserve in MiB = 512 + 1.5 × max(chunked prefill, 2048) + 2 ×
 *   cuda_graph_max_bs + 1024 × tp × pp / 8, at least 10 GiB above 60 GiB, then
 *   `round((memory − reserve) / memory, 3)`.
 */
export function sglangDefaultMemFraction(
  era: SglangEra,
  gpu: ServingGpu,
  parallel: ServingParallel,
  chunkedPrefillSize: number,
): number {
  const tp = parallel.tensorParallel;
  const group = tp * parallel.pipelineParallel;
  switch (era) {
    case "tp-table":
      return tp >= 16 ? 0.79 : tp >= 8 ? 0.81 : tp >= 4 ? 0.85 : tp >= 2 ? 0.87 : 0.88;
    case "memory-buckets": {
      const memoryGiB = gpu.memoryBytes / BYTES_PER_GIB;
      const reserve =
        gpu.memoryBytes < 35e9
          ? 2.8 + group / 10
          : gpu.memoryBytes < 90e9
            ? 9.5 + group / 2
            : gpu.memoryBytes < 160e9
              ? 12 + group / 2
              : 32;
      return Math.round(((memoryGiB - reserve) / memoryGiB) * 1000) / 1000;
    }
    case "reserve-heuristic": {
      const memoryMiB = gpu.memoryBytes / BYTES_PER_MIB;
      let reserve =
        512 +
        Math.max(chunkedPrefillSize, 2048) * 1.5 +
        sglangCudaGraphMaxBatch(memoryMiB) * 2 +
        (group / 8) * 1024;
      if (memoryMiB > 60 * 1024) reserve = Math.max(reserve, 10 * 1024);
      return Math.round(((memoryMiB - reserve) / memoryMiB) * 1000) / 1000;
    }
  }
}

/** The numbers of an SGLang budget. */
export interface SglangNumbers {
  readonly freeAtStartBytes: number;
  readonly capBytes: number;
  readonly weights: WeightsAsLoaded;
  readonly restBytes: number;
  readonly cellBytes: number;
  readonly tokens: number;
  readonly starts: boolean;
  readonly fits: boolean;
}

/** The settings SGLang would run with. */
export function resolveSglangSettings(
  settings: ServingSettings,
  gpu: ServingGpu,
  parallel: ServingParallel,
  withNotes = true,
): ServingResolved {
  const era = sglangEra(settings.release);
  const notes: string[] = [];
  const memoryMiB = gpu.memoryBytes / BYTES_PER_MIB;
  const chunk = settings.maxNumBatchedTokens ?? sglangChunkedPrefillSize(era, memoryMiB);
  if (withNotes && settings.maxNumBatchedTokens === null) {
    notes.push(`chunked_prefill_size: default ${chunk} for a GPU of ${Math.round(memoryMiB)} MiB`);
  }
  const fraction =
    settings.gpuMemoryUtilization ?? sglangDefaultMemFraction(era, gpu, parallel, chunk);
  if (withNotes && settings.gpuMemoryUtilization === null) {
    notes.push(
      `gpuMemoryUtilization (SGLang's --mem-fraction-static): default ${fraction} (${era === "tp-table" ? `TP ${parallel.tensorParallel}` : "the GPU's memory and the parallel size"}, server_args.py)`,
    );
  }
  return {
    engine: "sglang",
    engineVersion: formatRelease(settings.release),
    rules: ERA_LABELS[era],
    gpuMemoryUtilization: fraction,
    maxNumBatchedTokens: chunk,
    maxNumSeqs: settings.maxNumSeqs ?? 0,
    chunkedPrefill: true,
    blockSize: settings.blockSize ?? 1,
    enforceEager: settings.enforceEager,
    notes,
  };
}

/** SGLang's pool for one GPU. */
export function sglangNumbers(
  model: ServingModel,
  settings: ServingSettings,
  resolved: ServingResolved,
  gpu: ServingGpu,
  parallel: ServingParallel,
): SglangNumbers {
  const freeAtStartBytes = gpu.cudaMemoryBytes - ENGINE_CONSTANTS.sglangStartupBytes.value;
  const capBytes = Math.floor(freeAtStartBytes * resolved.gpuMemoryUtilization);
  const weights = weightsAsLoaded(model, gpu, parallel);
  const restBytes = capBytes - weights.bytes;
  const layers = stageLayers(model, parallel.pipelineParallel);
  const perLayer = kvBytesPerLayerPerToken(
    model,
    settings.kvBytesPerValue,
    parallel.tensorParallel,
    "sglang",
    null,
  );
  const cellBytes = perLayer * (layers.full + layers.sliding + layers.chunked);
  const page = resolved.blockSize;
  const tokens =
    cellBytes === 0 || restBytes <= 0 ? 0 : Math.floor(restBytes / cellBytes / page) * page;
  const starts = restBytes > 0;
  return {
    freeAtStartBytes,
    capBytes,
    weights,
    restBytes,
    cellBytes,
    tokens,
    starts,
    fits: starts && tokens >= settings.batchSize * settings.contextLength,
  };
}

const gib = (bytes: number): string => `${(bytes / BYTES_PER_GIB).toFixed(2)} GiB`;

/** SGLang's budget for one GPU, itemized. */
export function sglangFit(
  model: ServingModel,
  settings: ServingSettings,
  gpu: ServingGpu,
  parallel: ServingParallel,
): ServingFitFigures {
  const resolved = resolveSglangSettings(settings, gpu, parallel);
  const n = sglangNumbers(model, settings, resolved, gpu, parallel);
  const startup = ENGINE_CONSTANTS.sglangStartupBytes;
  const reserve = n.freeAtStartBytes - n.capBytes;
  const outside = `0 here: it comes out of the (1 − mem_fraction_static) × free-at-start reserve of ${gib(reserve)}`;
  const context = settings.contextLength;
  return {
    resolved,
    budget: {
      total: {
        bytes: gpu.cudaMemoryBytes,
        rule: `${gib(gpu.cudaMemoryBytes)}: total memory as torch.cuda.mem_get_info reports it on ${gpu.name}`,
        source: gpu.cudaMemorySource,
      },
      utilizationCap: {
        bytes: n.capBytes,
        rule: `free at start × mem_fraction_static = (${gib(gpu.cudaMemoryBytes)} − ${gib(startup.value)}) × ${resolved.gpuMemoryUtilization} = ${gib(n.capBytes)}`,
        source: `${SOURCE}/model_executor/model_runner.py (profile_max_num_token: rest = available − total × (1 − mem_fraction_static)); free at start: ${startup.source}`,
      },
      weights: {
        bytes: n.weights.bytes,
        rule: `${gib(n.weights.bytes)}: this GPU's weights${n.weights.rotaryCacheBytes > 0 ? ` with the rotary cache (${gib(n.weights.rotaryCacheBytes)})` : ""}`,
        source:
          "SGLang 'Load weight end. ... mem usage=' (e.g. 15.11 GB for Llama-3.1-8B, sglang PR #4760)",
      },
      activationPeak: {
        bytes: 0,
        rule: `activation memory: ${outside}`,
        source: `${SOURCE}/server_args.py (mem_fraction_static leaves the rest for activations and CUDA graphs)`,
      },
      nonTorch: {
        bytes: 0,
        rule: `0 here: the CUDA context and NCCL (${gib(startup.value)}) are used before SGLang reads the free memory its fraction applies to`,
        source: startup.source,
      },
      cudaGraphs: {
        bytes: 0,
        rule: resolved.enforceEager ? "0: CUDA graphs disabled" : `CUDA graphs: ${outside}`,
        source:
          "didier-durand/llms-in-clouds docs/sglang.md: 'Capture cuda graph end. ... mem usage=0.93 GB' after the pool, on 4 × L4",
      },
      kvCache: {
        bytes: Math.max(0, n.restBytes),
        rule:
          n.restBytes > 0
            ? `${gib(n.capBytes)} − ${gib(n.weights.bytes)} = ${gib(n.restBytes)}: ${formatInteger(n.tokens)} tokens of ${formatInteger(n.cellBytes)} B`
            : `nothing left: ${gib(n.capBytes)} − ${gib(n.weights.bytes)} = −${gib(-n.restBytes)}`,
        source: `${SOURCE}/model_executor/model_runner.py (max_num_token = rest // cell_size)`,
      },
    },
    shortfallBytes: Math.max(0, -n.restBytes),
    kvCacheBytesPerToken: n.cellBytes,
    blocks: n.tokens / resolved.blockSize,
    tokens: n.tokens,
    neededBytesPerRequest: n.cellBytes * context,
    maxConcurrency: context === 0 ? 0 : n.tokens / context,
    starts: n.starts,
    refusal: n.starts
      ? null
      : `Loaded weights leave no GPU memory for the KV cache under --mem-fraction-static=${resolved.gpuMemoryUtilization}.`,
    fits: n.fits,
    neededBytesForBatch: n.weights.bytes + n.cellBytes * context * settings.batchSize,
  };
}
