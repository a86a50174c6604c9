import { formatInteger, BYTES_PER_GIB, gibToBytes } from "../../units.js";
import { ENGINE_CONSTANTS } from "./engine-rules.js";
import {
  atLeast,
  formatRelease,
  isVllmV1,
  vllmEra,
  type EngineRelease,
  type VllmEra,
} from "./engine-version.js";
import { kvBlocks, kvBytesPerLayerPerToken, stageLayers, usesHybridAllocator } from "./kv-pages.js";
import type { KvBlocks } from "./kv-pages.js";
import { forwardPeakBytes, samplerPeakBytes } from "./profile-run.js";
import type { ServingModel } from "./serving-model.js";
import type {
  ServingBudget,
  ServingFitFigures,
  ServingGpu,
  ServingParallel,
  ServingResolved,
  ServingSettings,
} from "./serving-types.js";
import { weightsAsLoaded, type WeightsAsLoaded } from "./weights-as-loaded.js";

/*
 * vLLM's KV-cache budget, release by release (docs/methodology.md#vllm):
 *   kv = total × gpu_memory_utilization − weights as loaded − activation peak − non-torch − CUDA graphs
 * then blocks = floor(kv / block bytes), and the start-up checks.
 */

const ERA_LABELS: Readonly<Record<VllmEra, string>> = {
  "torch-peak": "vLLM < 0.2.5: total × util − PyTorch peak (weights + activations)",
  "device-peak": "vLLM 0.2.5–0.6.3: total × util − device-level peak of the profile run",
  "torch-and-non-torch":
    "vLLM 0.6.4: total × util − PyTorch peak − non-torch (with the CUDA context)",
  profiled: "vLLM 0.6.5–0.7 (V0): total × util − weights − activation peak − non-torch increase",
  v1: "vLLM V1 0.8–0.20: total × util − weights − activation peak − non-torch",
  "v1-graphs": "vLLM V1 ≥ 0.21: total × util − weights − activation peak − non-torch − CUDA graphs",
};

const GITHUB = "https://github.com/vllm-project/vllm";

/**
 * The settings vLLM would run with: the given ones, else its defaults for this GPU and release.
 * `withNotes: false` skips the words (a ranking resolves them for every trial).
 */
export function resolveVllmSettings(
  settings: ServingSettings,
  gpu: ServingGpu,
  model: ServingModel,
  withNotes = true,
): ServingResolved & { readonly era: VllmEra } {
  const release = settings.release;
  const era = vllmEra(release);
  const notes: string[] = [];
  const note = (text: () => string): void => {
    if (withNotes) notes.push(text());
  };
  const utilizationDefault = atLeast(release, 0, 11) ? 0.92 : 0.9;
  const gpuMemoryUtilization = settings.gpuMemoryUtilization ?? utilizationDefault;
  if (settings.gpuMemoryUtilization === null) {
    note(
      () =>
        `gpuMemoryUtilization: default ${utilizationDefault} (vLLM's --gpu-memory-utilization; 0.9 through v0.10, 0.92 in current CacheConfig)`,
    );
  }
  let maxNumBatchedTokens: number;
  let maxNumSeqs: number;
  let chunkedPrefill: boolean;
  if (isVllmV1(era)) {
    const large =
      atLeast(release, 0, 9) &&
      gpu.memoryBytes >= gibToBytes(70) &&
      !/a100/i.test(`${gpu.family} ${gpu.name}`);
    maxNumBatchedTokens = settings.maxNumBatchedTokens ?? (large ? 8192 : 2048);
    maxNumSeqs = settings.maxNumSeqs ?? (large ? 1024 : 256);
    chunkedPrefill = true;
    if (settings.maxNumBatchedTokens === null || settings.maxNumSeqs === null) {
      note(
        () =>
          `maxNumBatchedTokens ${maxNumBatchedTokens}, maxNumSeqs ${maxNumSeqs}: vLLM V1's defaults for \`vllm serve\` on ${large ? "a GPU of 70 GiB or more (not A100)" : "this GPU"} (arg_utils get_batch_defaults; PR #17885)`,
      );
    }
  } else {
    maxNumSeqs = settings.maxNumSeqs ?? 256;
    const mlaForcesOff = model.mla !== null && atLeast(release, 0, 7, 1);
    const autoChunked = atLeast(release, 0, 5) && settings.contextLength > 32_768 && !mlaForcesOff;
    const given = settings.maxNumBatchedTokens;
    chunkedPrefill = given === null ? autoChunked : given < settings.contextLength;
    const chunkDefault = atLeast(release, 0, 7) ? 2048 : 512;
    maxNumBatchedTokens =
      given ?? (chunkedPrefill ? chunkDefault : Math.max(settings.contextLength, 2048));
    if (given === null) {
      note(() =>
        chunkedPrefill
          ? `maxNumBatchedTokens: default ${maxNumBatchedTokens} (V0 turns chunked prefill on above 32K tokens: "Chunked prefill is enabled by default for models with max_model_len > 32K")`
          : `maxNumBatchedTokens: default max(max_model_len, 2048) = ${maxNumBatchedTokens} (V0 without chunked prefill profiles a whole max_model_len prompt${mlaForcesOff ? "; MLA turns chunked prefill off in 0.7" : ""})`,
      );
    }
    if (settings.maxNumSeqs === null) note(() => "maxNumSeqs: default 256 (vLLM V0)");
  }
  const blockSize = settings.blockSize ?? 16;
  if (settings.blockSize === null) note(() => "blockSize: default 16 tokens (vLLM on CUDA)");
  return {
    engine: "vllm",
    engineVersion: formatRelease(release),
    rules: ERA_LABELS[era],
    era,
    gpuMemoryUtilization,
    maxNumBatchedTokens,
    maxNumSeqs,
    chunkedPrefill,
    blockSize,
    enforceEager: settings.enforceEager,
    notes,
  };
}

/** The numbers of a vLLM budget, without the words (what the max-context search reuses). */
export interface VllmNumbers {
  readonly totalBytes: number;
  readonly capBytes: number;
  readonly weights: WeightsAsLoaded;
  readonly forwardBytes: number;
  readonly samplerBytes: number;
  readonly samplerRows: number;
  readonly activationBytes: number;
  readonly nonTorchBytes: number;
  readonly cudaGraphBytes: number;
  /** `cap − weights − activation − non-torch − graphs`; negative when nothing is left. */
  readonly availableBytes: number;
  readonly kvBytesPerToken: number;
  readonly stateBytesPerRequest: number;
  readonly kv: KvBlocks;
  readonly starts: boolean;
  readonly fits: boolean;
  readonly neededBytesForBatch: number;
}

/** vLLM's budget for one GPU at one `max_model_len` (in `resolved` and `settings`). */
export function vllmNumbers(
  model: ServingModel,
  settings: ServingSettings,
  resolved: ServingResolved & { readonly era: VllmEra },
  gpu: ServingGpu,
  parallel: ServingParallel,
): VllmNumbers {
  const { era } = resolved;
  const release = settings.release;
  const tp = parallel.tensorParallel;
  const parallelGroup = tp * parallel.pipelineParallel > 1;
  const totalBytes = gpu.cudaMemoryBytes;
  const capBytes = Math.floor(totalBytes * resolved.gpuMemoryUtilization);
  const weights = weightsAsLoaded(model, gpu, parallel);

  // The profile run: V1 spreads max_num_batched_tokens over min(max_num_seqs, tokens) requests and
  // samples one row each (PR #13594); V0 spreads them over max_num_seqs requests and samples on the
  // driver rank. With chunked prefill a single V0 GPU shows no sampler memory (vllm#10517 at 35K:
  // 0.06 GiB in all; OCI at 131K: 0.22 GiB), while the driver of a tensor-parallel group still
  // holds about the sampler's share more than the others (vllm#13061: 1.2 GiB at TP 2). Observed,
  // not found in the code: PR #4139 skips sampling for partial prefills.
  const v1 = isVllmV1(era);
  const tokens = resolved.maxNumBatchedTokens;
  const samplerRows = v1
    ? Math.min(resolved.maxNumSeqs, tokens)
    : resolved.chunkedPrefill && !parallelGroup
      ? 0
      : resolved.maxNumSeqs;
  const forwardBytes = forwardPeakBytes(model, tokens, tp);
  const samplerBytes = samplerPeakBytes(model, samplerRows);
  const activationBytes = Math.max(forwardBytes, samplerBytes);

  const nonTorchBytes = nonTorchFor(era, parallelGroup);
  const cudaGraphBytes =
    era === "v1-graphs" && !resolved.enforceEager ? ENGINE_CONSTANTS.cudaGraphBytes.value : 0;
  const availableBytes =
    capBytes - weights.bytes - activationBytes - nonTorchBytes - cudaGraphBytes;

  const layers = stageLayers(model, parallel.pipelineParallel);
  const perLayer = kvBytesPerLayerPerToken(model, settings.kvBytesPerValue, tp, era, release);
  const kvBytesPerToken = perLayer * (layers.full + layers.sliding + layers.chunked);
  const stateBytesPerRequest = Math.ceil(model.stateBytesPerSequence / tp);
  const kv = kvBlocks(layers, model, availableBytes - stateBytesPerRequest * settings.batchSize, {
    bytesPerLayerPerToken: perLayer,
    blockSize: resolved.blockSize,
    contextLength: settings.contextLength,
    maxNumBatchedTokens: resolved.maxNumBatchedTokens,
    hybridAllocator: usesHybridAllocator(era, release),
  });
  const context = settings.contextLength;
  const starts = v1
    ? availableBytes > 0 && kv.neededBytesPerRequest + stateBytesPerRequest <= availableBytes
    : kv.blocks > 0 && kv.tokens >= context;
  const batchBlocks = v1
    ? settings.batchSize * kv.blocksPerRequest
    : Math.ceil((settings.batchSize * context) / resolved.blockSize);
  const fits = starts && kv.blocks >= batchBlocks;
  const reserved = weights.bytes + activationBytes + nonTorchBytes + cudaGraphBytes;
  return {
    totalBytes,
    capBytes,
    weights,
    forwardBytes,
    samplerBytes,
    samplerRows,
    activationBytes,
    nonTorchBytes,
    cudaGraphBytes,
    availableBytes,
    kvBytesPerToken,
    stateBytesPerRequest,
    kv,
    starts,
    fits,
    neededBytesForBatch:
      reserved + batchBlocks * kv.blockBytes + stateBytesPerRequest * settings.batchSize,
  };
}

function nonTorchFor(era: VllmEra, parallelGroup: boolean): number {
  const c = ENGINE_CONSTANTS;
  switch (era) {
    case "torch-peak":
      return 0;
    case "torch-and-non-torch":
      return (
        c.nonTorchWithContextBytes.value +
        (parallelGroup ? c.nonTorchParallelBytes.value - c.nonTorchTp1Bytes.value : 0)
      );
    default:
      return parallelGroup ? c.nonTorchParallelBytes.value : c.nonTorchTp1Bytes.value;
  }
}

const gib = (bytes: number): string => `${(bytes / BYTES_PER_GIB).toFixed(2)} GiB`;

/** vLLM's budget for one GPU, itemized with the rule and source of every term. */
export function vllmFit(
  model: ServingModel,
  settings: ServingSettings,
  gpu: ServingGpu,
  parallel: ServingParallel,
  estimateMaxModelLength: () => number,
): ServingFitFigures {
  const resolved = resolveVllmSettings(settings, gpu, model);
  const n = vllmNumbers(model, settings, resolved, gpu, parallel);
  const { era } = resolved;
  const v1 = isVllmV1(era);
  const context = settings.contextLength;
  const kvBytes = Math.max(0, n.availableBytes);
  const budget: ServingBudget = {
    total: {
      bytes: n.totalBytes,
      rule: `${gib(n.totalBytes)}: total memory as torch.cuda.mem_get_info reports it on ${gpu.name}`,
      source: gpu.cudaMemorySource,
    },
    utilizationCap: {
      bytes: n.capBytes,
      rule: `total × gpu_memory_utilization = ${gib(n.totalBytes)} × ${resolved.gpuMemoryUtilization} = ${gib(n.capBytes)}`,
      source: `${GITHUB}/blob/main/vllm/v1/worker/gpu_worker.py (requested_memory = total_memory × gpu_memory_utilization)`,
    },
    weights: {
      bytes: n.weights.bytes,
      rule: weightsRule(n.weights, parallel),
      source: `${GITHUB}/pull/10511 ("model weights take"); rotary cache: Llama-3.1-8B loads 14.9888 GiB vs Llama-3-8B 14.9595 GiB (vllm#10517, #12330)${n.weights.mxfp4Kernel === null ? "" : `; MXFP4 experts: ${n.weights.mxfp4Kernel.source}`}`,
    },
    activationPeak: {
      bytes: n.activationBytes,
      rule: activationRule(resolved, n, context),
      source: `${GITHUB}/blob/main/vllm/v1/worker/gpu_model_runner.py (profile_run: _dummy_run(max_num_tokens), _dummy_sampler_run); sampler: ${ENGINE_CONSTANTS.samplerBytesPerLogit.source}; forward: ${ENGINE_CONSTANTS.forwardHiddenCopies.source}`,
    },
    nonTorch: {
      bytes: n.nonTorchBytes,
      rule:
        era === "torch-peak"
          ? "0: this release measured the PyTorch allocator only, so NCCL and cuBLAS memory was not counted (PR #2031)"
          : era === "torch-and-non-torch"
            ? `${gib(n.nonTorchBytes)}: ${ENGINE_CONSTANTS.nonTorchWithContextBytes.rule}${n.nonTorchBytes > ENGINE_CONSTANTS.nonTorchWithContextBytes.value ? ", plus NCCL under parallelism" : ""}`
            : `${gib(n.nonTorchBytes)}: ${(parallel.tensorParallel * parallel.pipelineParallel > 1 ? ENGINE_CONSTANTS.nonTorchParallelBytes : ENGINE_CONSTANTS.nonTorchTp1Bytes).rule}`,
      source:
        era === "torch-peak"
          ? `${GITHUB}/pull/2031`
          : era === "torch-and-non-torch"
            ? ENGINE_CONSTANTS.nonTorchWithContextBytes.source
            : parallel.tensorParallel * parallel.pipelineParallel > 1
              ? ENGINE_CONSTANTS.nonTorchParallelBytes.source
              : ENGINE_CONSTANTS.nonTorchTp1Bytes.source,
    },
    cudaGraphs: {
      bytes: n.cudaGraphBytes,
      rule:
        n.cudaGraphBytes > 0
          ? `${gib(n.cudaGraphBytes)} per GPU: ${ENGINE_CONSTANTS.cudaGraphBytes.rule}`
          : resolved.enforceEager
            ? "0: enforce_eager captures no CUDA graphs"
            : "0 in the budget: this release captures CUDA graphs after allocating the KV cache, on top of total × util (vLLM warned 'CUDA graphs can take additional 1~3 GiB memory per GPU')",
      source:
        n.cudaGraphBytes > 0
          ? ENGINE_CONSTANTS.cudaGraphBytes.source
          : `${GITHUB}/pull/30515 (CUDA-graph memory estimated during profiling; default since v0.21.0)`,
    },
    kvCache: {
      bytes: kvBytes,
      rule:
        n.availableBytes > 0
          ? `${gib(n.capBytes)} − ${gib(n.weights.bytes)} − ${gib(n.activationBytes)} − ${gib(n.nonTorchBytes)} − ${gib(n.cudaGraphBytes)} = ${gib(n.availableBytes)}: ${formatInteger(n.kv.blocks)} blocks of ${resolved.blockSize} tokens (${(n.kv.blockBytes / 2 ** 20).toFixed(2)} MiB each)`
          : `nothing left: ${gib(n.capBytes)} − ${gib(n.weights.bytes)} − ${gib(n.activationBytes)} − ${gib(n.nonTorchBytes)} − ${gib(n.cudaGraphBytes)} = −${gib(-n.availableBytes)}`,
      source: v1
        ? `${GITHUB}/blob/main/vllm/v1/core/kv_cache_utils.py (get_num_blocks: available // page_size // num_layers)`
        : `${GITHUB}/blob/v0.7.3/vllm/worker/worker.py (determine_num_available_blocks)`,
    },
  };
  const refusal = n.starts ? null : vllmRefusal(n, settings, v1, estimateMaxModelLength);
  return {
    resolved: withoutEra(resolved),
    budget,
    shortfallBytes: Math.max(0, -n.availableBytes),
    kvCacheBytesPerToken: n.kvBytesPerToken,
    blocks: n.kv.blocks,
    tokens: n.kv.tokens,
    neededBytesPerRequest: n.kv.neededBytesPerRequest + n.stateBytesPerRequest,
    maxConcurrency: n.kv.maxConcurrency,
    starts: n.starts,
    refusal,
    fits: n.fits,
    neededBytesForBatch: n.neededBytesForBatch,
  };
}

function withoutEra(resolved: ServingResolved & { readonly era: VllmEra }): ServingResolved {
  return {
    engine: resolved.engine,
    engineVersion: resolved.engineVersion,
    rules: resolved.rules,
    gpuMemoryUtilization: resolved.gpuMemoryUtilization,
    maxNumBatchedTokens: resolved.maxNumBatchedTokens,
    maxNumSeqs: resolved.maxNumSeqs,
    chunkedPrefill: resolved.chunkedPrefill,
    blockSize: resolved.blockSize,
    enforceEager: resolved.enforceEager,
    notes: resolved.notes,
  };
}

function weightsRule(weights: WeightsAsLoaded, parallel: ServingParallel): string {
  const parts = [
    parallel.tensorParallel * parallel.pipelineParallel > 1
      ? `this GPU's share at TP ${parallel.tensorParallel}${parallel.pipelineParallel > 1 ? ` × PP ${parallel.pipelineParallel}` : ""}`
      : "the checkpoint's weights",
  ];
  if (weights.mxfp4Kernel !== null) {
    parts.push(
      `MXFP4 experts as ${weights.mxfp4Kernel.kernel} creates them, with BF16 biases (+${gib(weights.mxfp4ExtraBytes)} in all)`,
    );
  }
  if (weights.rotaryCacheBytes > 0) {
    parts.push(`the rotary cos/sin cache (${gib(weights.rotaryCacheBytes)})`);
  }
  return `${gib(weights.bytes)}: ${parts.join(" + ")}`;
}

function activationRule(resolved: ServingResolved, n: VllmNumbers, context: number): string {
  const forward = `forward of ${formatInteger(resolved.maxNumBatchedTokens)} tokens ${gib(n.forwardBytes)}${resolved.chunkedPrefill ? "" : ` (no chunked prefill: max(max_model_len ${formatInteger(context)}, 2048))`}`;
  const sampler =
    n.samplerRows === 0
      ? "no sampler memory (a single V0 GPU with chunked prefill shows none: vllm#10517, OCI)"
      : `sampler of ${formatInteger(n.samplerRows)} rows × vocab ${gib(n.samplerBytes)}`;
  return `${gib(n.activationBytes)}: the larger of the ${forward} and the ${sampler}`;
}

function vllmRefusal(
  n: VllmNumbers,
  settings: ServingSettings,
  v1: boolean,
  estimateMaxModelLength: () => number,
): string {
  if (n.availableBytes <= 0 || n.kv.blocks === 0) {
    return "No available memory for the cache blocks. Try increasing `gpu_memory_utilization` when initializing the engine.";
  }
  const context = settings.contextLength;
  if (v1) {
    return `To serve at least one request with the model's max seq len (${context}), (${gib(n.kv.neededBytesPerRequest + n.stateBytesPerRequest)} KV cache is needed, which is larger than the available KV cache memory (${gib(n.availableBytes)}). Based on the available memory, the estimated maximum model length is ${estimateMaxModelLength()}. Try increasing \`gpu_memory_utilization\` or decreasing \`max_model_len\` when initializing the engine.`;
  }
  return `The model's max seq len (${context}) is larger than the maximum number of tokens that can be stored in KV cache (${n.kv.tokens}). Try increasing \`gpu_memory_utilization\` or decreasing \`max_model_len\` when initializing the engine.`;
}

/** Whether `release` of vLLM turns chunked prefill on above 32K tokens (so the profile batch shrinks there). */
export function vllmChunksLongContexts(release: EngineRelease, model: ServingModel): boolean {
  return (
    !isVllmV1(vllmEra(release)) &&
    atLeast(release, 0, 5) &&
    !(model.mla !== null && atLeast(release, 0, 7, 1))
  );
}
