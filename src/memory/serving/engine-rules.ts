import { gibToBytes } from "../../units.js";

/**
 * The measured constants of the serving-engine budget, one row each with the log or source it
 * comes from. Everything else in src/memory/serving/ is a formula of the model's shapes and the
 * engine's settings; these are the figures no formula gives (docs/methodology.md#serving-fit).
 */

/** One measured constant: its value, what it stands for, and where it was read. */
export interface EngineConstant {
  /** The value, in bytes unless the name says otherwise. */
  readonly value: number;
  /** What the value stands for, in words. */
  readonly rule: string;
  /** Where it was read: a log line's URL, a source file. */
  readonly source: string;
}

/** The constants of the vLLM and SGLang budgets. */
export const ENGINE_CONSTANTS = {
  /**
   * Sampler memory of the profile run per logit element (`rows × vocab`): vLLM's dummy requests
   * ask for top-p 0.99 and top-k vocab − 1, so the PyTorch sampler holds fp32 logits, the sorted
   * copy with its int64 indices, softmax, cumulative sum, masks, probabilities and log-probabilities
   * of a `[rows, vocab]` tensor at once.
   */
  samplerBytesPerLogit: {
    value: 40,
    rule: "≈ 40 B per logit element (fp32 logits, sort keys and int64 indices, softmax, cumsum, masks, probs, logprobs)",
    source:
      "fitted to six logs: H100 Llama-3-8B 1.26 GiB at 256 × 128,256 (vllm PR #10511), L40S Qwen2.5-1.5B 1.40 GiB and RTX 4060 Qwen2.5-7B 1.42 GiB at 256 × 151,936 / 152,064 (vllm#13882), the driver-rank gap of 1.2 GiB in vllm#13061, B200 gemma-3-4b 9.96 GiB at 1,024 × 262,208 (vllm PR #21489), H100 gpt-oss-120b 7.5 GiB at 1,024 × 201,088 (vllm#23278, #27508)",
  },
  /** Non-torch memory at TP 1 from release 0.6.5 on: cuBLAS workspaces and the like, measured after start-up. */
  nonTorchTp1Bytes: {
    value: Math.round(gibToBytes(0.1)),
    rule: "non-torch memory allocated during the profile run at TP 1 (the CUDA context is outside the snapshot)",
    source:
      "vLLM 0.7 logs 'non_torch_memory takes': 0.03 (RTX 4060, vllm#13882), 0.05 (A10, OCI AI Quick Actions), 0.08 (L40S), 0.10 (A100 40GB, vllm#12330), 0.16 (H100, vllm PR #12126) GiB; median 0.08–0.10",
  },
  /** Non-torch memory under tensor parallelism: NCCL and custom all-reduce buffers. */
  nonTorchParallelBytes: {
    value: Math.round(gibToBytes(0.25)),
    rule: "non-torch memory per GPU under tensor parallelism (NCCL, custom all-reduce buffers)",
    source:
      "vLLM 0.7 logs: 0.25 GiB per RTX 4090 at TP 2 (vllm#13061), 0.20 GiB per RTX 3090 at TP 4 (vllm PR #14447)",
  },
  /** vLLM 0.6.4 counted the CUDA context in its non-torch memory. */
  nonTorchWithContextBytes: {
    value: Math.round(gibToBytes(0.35)),
    rule: "vLLM 0.6.4's non-torch memory, which includes the CUDA context",
    source:
      "vllm#10517: 'non_torch_memory=0.35GiB' on one RTX 3090 (initial_memory_usage 15.34 − weights 14.99 GiB)",
  },
  /** CUDA-graph memory vLLM ≥ 0.21 estimates and subtracts before sizing the KV cache. */
  cudaGraphBytes: {
    value: Math.round(gibToBytes(0.5)),
    rule: "the CUDA-graph memory vLLM ≥ 0.21 estimates by capturing two graphs and extrapolating (not a shape rule)",
    source:
      "club-3090#104: '--gpu-memory-utilization=0.8800 is equivalent to 0.8592 without CUDA graph memory profiling' on RTX 3090s (0.49 GiB); vllm PR #21489: 0.65 GiB of CUDA-graph memory for gemma-3-4b on B200",
  },
  /** Memory SGLang finds already used when it starts: the CUDA context and NCCL. */
  sglangStartupBytes: {
    value: Math.round(gibToBytes(0.42)),
    rule: "what is already used when SGLang measures free memory at start (CUDA context, NCCL)",
    source:
      "SGLang 'Load weight begin. avail mem=': 78.81 GiB of an H100's 79.22 (docs.sglang.ai send_request notebook, 2025-01-23), 21.63 of an L4's 22.05 at TP 4 (didier-durand/llms-in-clouds docs/sglang.md)",
  },
  /** Activation bytes per token of the profile's forward pass at the MLP peak, in hidden/intermediate widths. */
  forwardHiddenCopies: {
    value: 3,
    rule: "3 hidden-width copies live at the MLP peak (residual, hidden states, normed input) next to the gate_up output and the activation",
    source:
      "vllm#10517: 2.07 GiB at 20,000 tokens and 2.99 GiB at 29,000 for Llama-3.1-8B = 110,592 B per token = 2 × (3 × 14,336 + 3 × 4,096)",
  },
} as const satisfies Record<string, EngineConstant>;

/** vLLM's fused-MoE kernel works through the batch in chunks of this many tokens (`VLLM_FUSED_MOE_CHUNK_SIZE`). */
export const FUSED_MOE_CHUNK_TOKENS = 65_536;

/** How one MXFP4 MoE kernel rounds the widths of each expert's tensors up when vLLM creates them. */
export interface Mxfp4ExpertPadding {
  /** The expert width on one tensor-parallel rank rounds up to a multiple of this. */
  readonly intermediateMultiple: number;
  /** The hidden size rounds up to a multiple of this. */
  readonly hiddenMultiple: number;
  /** Which kernel, in words. */
  readonly kernel: string;
  /** Where the rule is read. */
  readonly source: string;
}

/** vLLM's MXFP4 MoE source file, where `Mxfp4MoEMethod.create_weights` pads the expert tensors. */
const VLLM_MXFP4_SOURCE =
  "vllm-project/vllm vllm/model_executor/layers/quantization/mxfp4.py, Mxfp4MoEMethod.create_weights (read at commits afdb4a4 and 007d500, the v0.11 line; the backends date from v0.10.1)";

/**
 * The padding of vLLM's MXFP4 MoE backends, per GPU kind (`get_mxfp4_backend`):
 * - compute capability 10.x (B200, B300) with FlashInfer: `SM100_FI_MXFP4_BF16`, which rounds
 *   both widths up to 256 "to hold non-uniform sharded tensor as well as swizzling" although the
 *   GPU runs FP4 natively (gpt-oss: 2,880 → 3,072 × 3,072, 13.8 % larger experts);
 * - every other NVIDIA GPU: Marlin weight-only FP4 ("The moe marlin kernel requires that for each
 *   linear n % 256 == 0 and k % 128 == 0": width to 128, hidden to 256; gpt-oss 2,944 × 3,072,
 *   9.0 %; vllm#23278 logs 65.97 GiB for gpt-oss-120b on an H100). Consumer Blackwell (12.x) is
 *   not in FlashInfer's SM100 family and lands here too.
 * Other vendors (ROCm's `get_padding_alignment`) are not modelled: unpadded.
 */
export const MXFP4_EXPERT_PADDING = {
  flashinferSm100: {
    intermediateMultiple: 256,
    hiddenMultiple: 256,
    kernel: "FlashInfer's SM100 MXFP4 MoE (widths rounded up to 256)",
    source: VLLM_MXFP4_SOURCE,
  },
  marlin: {
    intermediateMultiple: 128,
    hiddenMultiple: 256,
    kernel: "Marlin's MXFP4 MoE (width rounded up to 128, hidden to 256)",
    source: VLLM_MXFP4_SOURCE,
  },
} as const satisfies Record<string, Mxfp4ExpertPadding>;
