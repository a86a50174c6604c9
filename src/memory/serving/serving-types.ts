import type { EngineRelease, ServingEngine } from "./engine-version.js";

/**
 * The shapes the serving budget works on: what it is asked (settings), about which GPU, and what
 * it answers (docs/methodology.md#serving-fit).
 */

/** An engine's settings, as given; `null` means the engine's own default for this GPU and release. */
export interface ServingSettings {
  /** Which engine's accounting to reproduce. */
  readonly engine: ServingEngine;
  /** The release whose rules apply. */
  readonly release: EngineRelease;
  /** `max_model_len` (SGLang: `context_length`). */
  readonly contextLength: number;
  /** Sequences of `contextLength` that must fit at once. */
  readonly batchSize: number;
  /** Bytes of one KV-cache value (2 for BF16/FP16, 1 for FP8). */
  readonly kvBytesPerValue: number;
  /** vLLM's `gpu_memory_utilization`; SGLang's `mem_fraction_static`. */
  readonly gpuMemoryUtilization: number | null;
  /** vLLM's `max_num_batched_tokens`; SGLang's `chunked_prefill_size`. */
  readonly maxNumBatchedTokens: number | null;
  /** vLLM's `max_num_seqs`. */
  readonly maxNumSeqs: number | null;
  /** vLLM's `enforce_eager` (no CUDA graphs); SGLang's `disable_cuda_graph`. */
  readonly enforceEager: boolean;
  /** Tokens per KV block (vLLM's `block_size`). */
  readonly blockSize: number | null;
}

/** The GPU, as the engine's start-up sees it. */
export interface ServingGpu {
  /** Display name, for the A100 carve-out of vLLM's defaults and for messages. */
  readonly name: string;
  /** Product family ("A100", "H100", ...). */
  readonly family: string;
  /** Total memory NVML / nvidia-smi reports: what vLLM's and SGLang's default tables read. */
  readonly memoryBytes: number;
  /** Total memory `torch.cuda.mem_get_info` reports: what the budget is a fraction of. */
  readonly cudaMemoryBytes: number;
  /** Where `cudaMemoryBytes` comes from. */
  readonly cudaMemorySource: string;
  /**
   * NVIDIA compute capability (9.0 for H100), `null` for other vendors: it picks vLLM's MXFP4 MoE
   * kernel and so the padding of MXFP4 experts (FlashInfer on 10.x, Marlin elsewhere).
   */
  readonly computeCapability: number | null;
}

/** The parallelism, and weight bytes a GPU needs beyond the model's (a 16-bit fallback for FP8). */
export interface ServingParallel {
  /** Tensor-parallel degree. */
  readonly tensorParallel: number;
  /** Pipeline stages. */
  readonly pipelineParallel: number;
  /** Weight bytes added on GPUs that cannot run the stored precision (all GPUs together). */
  readonly extraWeightsBytes: number;
}

/** One term of the budget: its bytes, the rule that gives them and where the rule comes from. */
export interface BudgetTerm {
  /** Bytes on one GPU (a whole number). */
  readonly bytes: number;
  /** The rule, with its figures, in words. */
  readonly rule: string;
  /** Where the rule comes from: the engine's code or a log line's URL. */
  readonly source: string;
}

/**
 * The budget of one GPU, itemized: `kvCache = utilizationCap − weights − activationPeak −
 * nonTorch − cudaGraphs` (vLLM), `kvCache = utilizationCap − weights` (SGLang, whose reserve
 * for activations and graphs is the part of free memory outside its fraction).
 */
export interface ServingBudget {
  /** Memory the driver reports (`torch.cuda.mem_get_info` total). */
  readonly total: BudgetTerm;
  /** What the engine may use: `total × gpu_memory_utilization` (SGLang: `free at start × mem_fraction_static`). */
  readonly utilizationCap: BudgetTerm;
  /** This GPU's weights as the engine loads them. */
  readonly weights: BudgetTerm;
  /** Peak activation memory of the profile run (forward pass and sampler). */
  readonly activationPeak: BudgetTerm;
  /** Memory outside PyTorch's allocator that the engine counts (CUDA context, NCCL, cuBLAS). */
  readonly nonTorch: BudgetTerm;
  /** CUDA-graph memory subtracted before the KV cache (0 where the release does not). */
  readonly cudaGraphs: BudgetTerm;
  /** What is left for the KV cache (0 when nothing is). */
  readonly kvCache: BudgetTerm;
}

/** The engine settings a fit resolved (given, or the engine's default for this GPU and release). */
export interface ServingResolved {
  /** The engine. */
  readonly engine: ServingEngine;
  /** The release, `major.minor.patch`. */
  readonly engineVersion: string;
  /** Which of vramfit's eras of the engine's rules applied, e.g. "vLLM V1 ≥ 0.21". */
  readonly rules: string;
  /** `gpu_memory_utilization` (SGLang: `mem_fraction_static`). */
  readonly gpuMemoryUtilization: number;
  /** Tokens of the profile run's dummy batch (vLLM), or SGLang's chunked-prefill size. */
  readonly maxNumBatchedTokens: number;
  /** Requests in the profile run, whose logits the sampler holds. */
  readonly maxNumSeqs: number;
  /** Whether prefills are chunked (the profile batch is `maxNumBatchedTokens`, not `max_model_len`). */
  readonly chunkedPrefill: boolean;
  /** Tokens per KV block. */
  readonly blockSize: number;
  /** Whether CUDA graphs are off. */
  readonly enforceEager: boolean;
  /** One line for each value taken from the engine's defaults. */
  readonly notes: readonly string[];
}

/** What the budget answers for one GPU at one parallelism. */
export interface ServingFitFigures {
  /** The settings used. */
  readonly resolved: ServingResolved;
  /** The itemized budget of the GPU that decides (vLLM V0: the driver rank, which also samples). */
  readonly budget: ServingBudget;
  /** Bytes short of any KV room (vLLM's negative "Available KV cache memory"); 0 when there is room. */
  readonly shortfallBytes: number;
  /** KV bytes one token takes on this GPU, summed over its attention layers at full size. */
  readonly kvCacheBytesPerToken: number;
  /** Blocks in the pool (SGLang: tokens, its page size being 1). */
  readonly blocks: number;
  /** Tokens the pool holds (`blocks × blockSize`). */
  readonly tokens: number;
  /** KV bytes one `max_model_len` request needs on this GPU (the start-up check's figure). */
  readonly neededBytesPerRequest: number;
  /** Requests of `max_model_len` the pool holds at once (vLLM's "Maximum concurrency"). */
  readonly maxConcurrency: number;
  /** Whether the engine starts with this `max_model_len`. */
  readonly starts: boolean;
  /** The engine's refusal, when it does not start. */
  readonly refusal: string | null;
  /** Whether it starts and holds `batchSize` requests of `max_model_len` at once. */
  readonly fits: boolean;
  /** Bytes this GPU holds for `batchSize` full requests: weights + reserve + their KV pages. */
  readonly neededBytesForBatch: number;
}
