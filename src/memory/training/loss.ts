/**
 * The logits at the loss: what the LM head's output and the cross-entropy keep alive, in the
 * forward pass and at the start of the backward pass. See docs/methodology.md#logits.
 */

/** How the loss turns hidden states into a cross-entropy. */
export type CrossEntropyKind = "standard" | "chunked" | "fused";

/** The precision the cross-entropy runs at: the logits upcast to FP32 first, or left in 16-bit. */
export type LossPrecision = "fp32" | "bf16";

/** Every {@link LossPrecision}. */
export const LOSS_PRECISIONS = ["fp32", "bf16"] as const satisfies readonly LossPrecision[];

/** One way of computing the loss, and where its memory rule comes from. */
export interface CrossEntropySpec {
  /** Human name. */
  readonly label: string;
  /** The rule in words. */
  readonly rule: string;
  /** Why. */
  readonly source: string;
}

/**
 * The loss variants, with `c` the loss precision's bytes (4 for FP32, 2 for BF16) and `e` the
 * logits' own bytes:
 * - `standard` (transformers' `ForCausalLMLoss`, torch `CrossEntropyLoss` on the whole logits):
 *   the forward keeps the 16-bit logits, their upcast copy and the log-softmax output
 *   (`e + c + c`); the backward of the loss holds four copies at the loss precision: the
 *   log-softmax output it saved, the gradient arriving at it, the gradient it returns and a
 *   temporary (`4c`: 16 bytes per logit in FP32, 8 in BF16).
 * - `chunked` (torchtune's `CEWithChunkedOutputLoss`, LitGPT's `lm_head_chunk_size=128` +
 *   `chunked_cross_entropy`): the 16-bit logits of every chunk and each chunk's log-softmax
 *   output (`e + c`); only one chunk is upcast or back-propagated at a time. Compiled
 *   (`torch.compile`, as torchtune compiles its loss), each chunk's upcast and log-softmax fuse
 *   into one kernel that saves its 16-bit input: `e`.
 * - `fused` (Liger's fused linear cross-entropy, Apple's Cut Cross-Entropy): the logits are
 *   computed block by block and never stored (0).
 */
export const CROSS_ENTROPY = {
  standard: {
    label: "standard cross-entropy",
    rule: "forward e + 2c, backward 4c bytes per logit",
    source:
      "Liger-Kernel benchmark/data/all_benchmark_data.csv: torch cross_entropy on an FP32 (16384 × 131072) input peaks at 40960 MiB = 20 bytes per logit with its 4-byte input (A100, max_memory_allocated)",
  },
  chunked: {
    label: "chunked cross-entropy",
    rule: "e + c bytes per logit",
    source:
      "torchtune CEWithChunkedOutputLoss @30b8519e (8 chunks, `logits.float()` per chunk); litgpt chunked_cross_entropy @5895df10 (128-token chunks, BF16)",
  },
  fused: {
    label: "fused linear cross-entropy",
    rule: "no logits stored",
    source:
      "Liger fused_linear_cross_entropy (+221 MiB per 4,096 tokens at vocabulary 128,256, Liger benchmark CSV); Cut Cross-Entropy, arXiv 2411.09009",
  },
} as const satisfies Record<CrossEntropyKind, CrossEntropySpec>;

/** Every {@link CrossEntropyKind}. */
export const CROSS_ENTROPY_IDS = Object.keys(CROSS_ENTROPY) as readonly CrossEntropyKind[];

/** Bytes per logit (one token × one vocabulary entry) alive in the forward and at the loss's backward. */
export interface LogitBytes {
  /** At the end of the forward pass, while the loss is computed. */
  readonly forward: number;
  /** At the start of the backward pass, the loss's own backward. */
  readonly backward: number;
}

/**
 * Bytes per logit of a loss variant (see {@link CROSS_ENTROPY}).
 *
 * @param logitBytes - bytes of the LM head's output element: 2 in 16-bit training, 4 in FP32.
 * @example
 * bytesPerLogit("standard", "fp32", 2) // { forward: 10, backward: 16 }
 */
export function bytesPerLogit(
  kind: CrossEntropyKind,
  precision: LossPrecision,
  logitBytes: number,
  compiled = false,
): LogitBytes {
  const c = Math.max(precision === "fp32" ? 4 : 2, logitBytes);
  switch (kind) {
    case "standard":
      return { forward: logitBytes + (c > logitBytes ? c : 0) + c, backward: 4 * c };
    case "chunked": {
      const saved = compiled ? logitBytes : logitBytes + c;
      return { forward: saved, backward: saved };
    }
    case "fused":
      return { forward: 0, backward: 0 };
  }
}

/** What decides the logits' size. */
export interface LogitsWorkload {
  /** Positions per micro-batch whose logits the LM head computes (sequences × positions kept). */
  readonly positions: number;
  /** Vocabulary size. */
  readonly vocabSize: number;
  /** Loss variant. */
  readonly crossEntropy: CrossEntropyKind;
  /** Loss precision. */
  readonly lossPrecision: LossPrecision;
  /** Bytes of the LM head's output element. */
  readonly logitBytes: number;
  /** Tensor-parallel degree: the LM head is vocabulary-parallel. */
  readonly tensorParallel: number;
  /** Whether the loss runs under `torch.compile`. */
  readonly compiled?: boolean;
}

/**
 * Logit bytes on one GPU: `positions × vocab × bytes per logit / t`, in the forward pass and at
 * the start of the backward pass.
 *
 * @example
 * // Llama-3-8B, 2,048 positions, standard FP32 loss: 16 × 2048 × 128,256 = 4,202,692,608 in backward
 */
export function logitsBytes(workload: LogitsWorkload): {
  readonly forwardBytes: number;
  readonly backwardBytes: number;
} {
  const perLogit = bytesPerLogit(
    workload.crossEntropy,
    workload.lossPrecision,
    workload.logitBytes,
    workload.compiled,
  );
  const logits = (workload.positions * workload.vocabSize) / workload.tensorParallel;
  return {
    forwardBytes: Math.ceil(logits * perLogit.forward),
    backwardBytes: Math.ceil(logits * perLogit.backward),
  };
}
