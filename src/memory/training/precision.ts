/**
 * Bytes per trainable parameter by training precision, and bytes per frozen base weight by
 * base precision (LoRA / QLoRA). Sources: docs/methodology.md#training.
 */

/** How a training recipe stores each trainable parameter (optimizer states come from the optimizer). */
export interface TrainingPrecisionSpec {
  /** Human name. */
  readonly label: string;
  /** Bytes of the weight copy the forward and backward passes read. */
  readonly weightBytes: number;
  /** Bytes of each gradient element. */
  readonly gradientBytes: number;
  /** Bytes of a separate FP32 master copy the optimizer updates (0 when the weights are the master). */
  readonly masterWeightBytes: number;
  /** Bytes of each full-width optimizer-state element (Adam's m and v, SGD's momentum). */
  readonly optimizerStateBytes: number;
  /** Bytes of each activation element the forward pass stores. */
  readonly activationBytes: number;
  /** Where the figures come from. */
  readonly source: string;
}

const ZERO_PAPER = "Rajbhandari et al., ZeRO, arXiv 1910.02054 §3.1 (2 + 2 + K·Ψ with K = 12)";
const ML_ENGINEERING =
  "stas00/ml-engineering training/performance/README.md (Anatomy of Model's Memory)";

/**
 * Training precisions. `mixed` is the ZeRO / DeepSpeed / Megatron accounting (16-bit weights and
 * gradients, FP32 master and optimizer states): 2 + 2 + 4 + 8 = 16 bytes per parameter with AdamW.
 * `amp` is PyTorch autocast over FP32 weights (what the HF Trainer's `bf16=True` does without
 * DeepSpeed): FP32 weights and gradients plus the 16-bit copy autocast keeps, 2 + 4 + 4 + 8 = 18.
 * `fp32` trains in full precision (4 + 4 + 8 = 16, no separate master). `bf16` is pure 16-bit
 * training with 16-bit optimizer states (torchtune's `dtype: bf16`, AnyPrecisionAdamW): 2 + 2 + 4 = 8.
 */
export const TRAINING_PRECISIONS = {
  mixed: {
    label: "mixed precision (16-bit weights and gradients, FP32 master)",
    weightBytes: 2,
    gradientBytes: 2,
    masterWeightBytes: 4,
    optimizerStateBytes: 4,
    activationBytes: 2,
    source: ZERO_PAPER,
  },
  amp: {
    label: "PyTorch AMP (FP32 weights and gradients, 16-bit autocast copy)",
    weightBytes: 2,
    gradientBytes: 4,
    masterWeightBytes: 4,
    optimizerStateBytes: 4,
    activationBytes: 2,
    source: `${ML_ENGINEERING}: 6 bytes of weights (FP32 + 16-bit copy) + 4 of gradients + 8 of AdamW = 18`,
  },
  fp32: {
    label: "FP32",
    weightBytes: 4,
    gradientBytes: 4,
    masterWeightBytes: 0,
    optimizerStateBytes: 4,
    activationBytes: 4,
    source: ML_ENGINEERING,
  },
  bf16: {
    label: "pure BF16 (16-bit weights, gradients and optimizer states)",
    weightBytes: 2,
    gradientBytes: 2,
    masterWeightBytes: 0,
    optimizerStateBytes: 2,
    activationBytes: 2,
    source: `${ML_ENGINEERING}: "You need only 8 bytes per parameter for weights, optim states and gradients"`,
  },
} as const satisfies Record<string, TrainingPrecisionSpec>;

/** A training precision vramfit can size. */
export type TrainingPrecision = keyof typeof TRAINING_PRECISIONS;

/** Every {@link TrainingPrecision}, in table order. */
export const TRAINING_PRECISION_IDS = Object.keys(
  TRAINING_PRECISIONS,
) as readonly TrainingPrecision[];

/** How a frozen LoRA base stores its linear-layer weights. */
export interface BasePrecisionSpec {
  /** Human name. */
  readonly label: string;
  /** Bits per weight of the attention and MLP projections, quantization constants included. */
  readonly linearBitsPerParameter: number;
  /** Extra bytes per output row of each quantized projection (LLM.int8's FP32 row scale). */
  readonly bytesPerOutputRow: number;
  /** Whether the projections are quantized (a 16-bit copy is dequantized while each one runs). */
  readonly quantized: boolean;
  /** Where the figures come from. */
  readonly source: string;
}

/**
 * Effective bits of bitsandbytes NF4: 4-bit codes plus one FP32 absmax per block of 64. Double
 * quantization stores each absmax in 8 bits with one FP32 constant per 256 absmax values:
 * `4 + 8/64 + 32/(64·256) = 4.127`; without it `4 + 32/64 = 4.5`.
 * Source: Dettmers et al., QLoRA, arXiv 2305.14314 §3 ("Double Quantization").
 */
export function nf4BitsPerParameter(doubleQuantization: boolean): number {
  return doubleQuantization ? 4 + 8 / 64 + 32 / (64 * 256) : 4 + 32 / 64;
}

const QLORA_PAPER = "Dettmers et al., QLoRA, arXiv 2305.14314 §3";

/**
 * Frozen-base precisions. Only the projections are quantized; embeddings, the LM head, norms and
 * biases stay 16-bit (transformers skips `lm_head` when quantizing). `nf4` is shown with double
 * quantization; {@link nf4BitsPerParameter} gives the figure without it.
 */
export const BASE_PRECISIONS = {
  bf16: {
    label: "BF16",
    linearBitsPerParameter: 16,
    bytesPerOutputRow: 0,
    quantized: false,
    source: "2 bytes per parameter",
  },
  fp16: {
    label: "FP16",
    linearBitsPerParameter: 16,
    bytesPerOutputRow: 0,
    quantized: false,
    source: "2 bytes per parameter",
  },
  fp32: {
    label: "FP32",
    linearBitsPerParameter: 32,
    bytesPerOutputRow: 0,
    quantized: false,
    source: "4 bytes per parameter",
  },
  int8: {
    label: "INT8, bitsandbytes LLM.int8",
    linearBitsPerParameter: 8,
    bytesPerOutputRow: 4,
    quantized: true,
    source:
      "Dettmers et al., LLM.int8(), arXiv 2208.07339: int8 weights with one FP32 scale per output row",
  },
  nf4: {
    label: "NF4, bitsandbytes, double-quantized",
    linearBitsPerParameter: nf4BitsPerParameter(true),
    bytesPerOutputRow: 0,
    quantized: true,
    source: QLORA_PAPER,
  },
} as const satisfies Record<string, BasePrecisionSpec>;

/** A frozen-base precision vramfit can size. */
export type BasePrecision = keyof typeof BASE_PRECISIONS;

/** Every {@link BasePrecision}, in table order. */
export const BASE_PRECISION_IDS = Object.keys(BASE_PRECISIONS) as readonly BasePrecision[];
