/**
 * Storage widths of weights and KV cache. Widths are bits; bytes = count × bits / 8.
 * Sources: docs/methodology.md#weights (ml-engineering inference/README.md for the
 * plain widths; GPTQ/AutoAWQ packing for group quantization).
 */

/** How one weight precision stores a model. */
export interface WeightPrecisionSpec {
  /** Human name, e.g. "BF16" or "INT4 (group 128, 16-bit embeddings)". */
  readonly label: string;
  /** Bits per parameter of the attention and MLP projections, scales and zero points included. */
  readonly linearBitsPerParameter: number;
  /** Bits per parameter of everything else: embeddings, LM head, norms. */
  readonly otherBitsPerParameter: number;
  /** Where the figure comes from. */
  readonly source: string;
}

/** Options of {@link groupQuantizedBitsPerParameter}. */
export interface GroupQuantization {
  /** Bits of each quantized value, e.g. 4. */
  readonly bits: number;
  /** Values sharing one scale (and zero point), e.g. 128. */
  readonly groupSize: number;
  /** Bits of each group's scale. @default 16 */
  readonly scaleBits?: number;
  /** Bits of each group's zero point; 0 for symmetric quantization. @default bits */
  readonly zeroPointBits?: number;
}

/**
 * Effective bits per weight of group quantization (GPTQ, AWQ): the payload plus one
 * scale and one zero point per group, i.e. `bits + (scaleBits + zeroPointBits) / groupSize`.
 * 4-bit, group 128, FP16 scale, 4-bit packed zero: 4 + 16/128 + 4/128 = 4.15625.
 */
export function groupQuantizedBitsPerParameter(quantization: GroupQuantization): number {
  const scaleBits = quantization.scaleBits ?? 16;
  const zeroPointBits = quantization.zeroPointBits ?? quantization.bits;
  return quantization.bits + (scaleBits + zeroPointBits) / quantization.groupSize;
}

const ML_ENGINEERING = "stas00/ml-engineering inference/README.md (Model Weights)";

/**
 * The weight precisions vramfit can size. `int4` is the plain 0.5 byte/parameter figure
 * the back-of-envelope examples use; `int4-g128` is what real 4-bit checkpoints (AWQ,
 * GPTQ, group 128) occupy: 4.156 bits on the projections, 16-bit embeddings and LM head.
 */
export const WEIGHT_PRECISIONS = {
  fp32: {
    label: "FP32",
    linearBitsPerParameter: 32,
    otherBitsPerParameter: 32,
    source: ML_ENGINEERING,
  },
  bf16: {
    label: "BF16",
    linearBitsPerParameter: 16,
    otherBitsPerParameter: 16,
    source: ML_ENGINEERING,
  },
  fp16: {
    label: "FP16",
    linearBitsPerParameter: 16,
    otherBitsPerParameter: 16,
    source: ML_ENGINEERING,
  },
  fp8: {
    label: "FP8",
    linearBitsPerParameter: 8,
    otherBitsPerParameter: 8,
    source: ML_ENGINEERING,
  },
  int8: {
    label: "INT8",
    linearBitsPerParameter: 8,
    otherBitsPerParameter: 8,
    source: ML_ENGINEERING,
  },
  int4: {
    label: "INT4",
    linearBitsPerParameter: 4,
    otherBitsPerParameter: 4,
    source: ML_ENGINEERING,
  },
  "int4-g128": {
    label: "INT4 (group 128, 16-bit embeddings)",
    linearBitsPerParameter: groupQuantizedBitsPerParameter({ bits: 4, groupSize: 128 }),
    otherBitsPerParameter: 16,
    source:
      "GPTQ/AutoAWQ packing: FP16 scale + 4-bit zero per 128 weights; docs/methodology.md#realistic-int4",
  },
} as const satisfies Record<string, WeightPrecisionSpec>;

/** A weight precision vramfit can size. */
export type WeightPrecision = keyof typeof WEIGHT_PRECISIONS;

/** Every {@link WeightPrecision}, in table order. */
export const WEIGHT_PRECISION_IDS = Object.keys(WEIGHT_PRECISIONS) as readonly WeightPrecision[];

/**
 * Bits per element of the KV cache. `fp8` is vLLM's `--kv-cache-dtype fp8`, which halves
 * the cache (scales are negligible). Source: docs/methodology.md#kv-cache.
 */
export const KV_CACHE_BITS = {
  fp32: 32,
  bf16: 16,
  fp16: 16,
  fp8: 8,
} as const satisfies Record<string, number>;

/** A KV cache dtype vramfit can size. */
export type KvCacheDtype = keyof typeof KV_CACHE_BITS;

/** Every {@link KvCacheDtype}, in table order. */
export const KV_CACHE_DTYPE_IDS = Object.keys(KV_CACHE_BITS) as readonly KvCacheDtype[];
