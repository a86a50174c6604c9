import type { AcceleratorSpec } from "./accelerator.js";
import type { GpuRequirement } from "./requirement.js";

/** How a requirement runs on one accelerator: the tensor rate it gets and any fallback. */
export interface Execution {
  /** Dense tensor throughput the math runs at, or `null` when the catalog has no figure. */
  readonly flopsPerSecond: number | null;
  /** The rate's name for people, e.g. "FP8" or "FP16 (no BF16)". */
  readonly rateLabel: string;
  /** Weight bytes added because the GPU cannot store the weight precision (FP8 served as 16-bit). */
  readonly extraWeightsBytes: number;
  /** What changed and why, for the row's reasoning. */
  readonly fallbacks: readonly string[];
}

/**
 * Picks the tensor rate a requirement runs at on an accelerator, and the fallback engines use
 * when the GPU lacks the precision:
 * - BF16 on Turing/Volta (no BF16 tensor cores): vLLM serves the checkpoint as FP16 (`--dtype half`), same bytes.
 * - FP8 on compute capability 8.x (A100, A10, RTX 3090/A6000): vLLM keeps FP8 weights and runs the
 *   Marlin W8A16 kernel, so FP8 memory with 16-bit math (vLLM docs, "FP8 W8A8": "Ampere GPUs are
 *   supported for W8A16 (weight-only FP8) utilizing Marlin kernels"; `is_fp8_marlin_supported` needs capability 8.0).
 * - FP8 below that (T4, V100) or on GPUs with no FP8 path (MI250X): no engine runs it, so it is
 *   sized as the 16-bit checkpoint a user would serve instead, twice the FP8 weight bytes.
 * - INT8 without a published INT8 tensor rate: the 16-bit rate.
 */
export function executionOn(requirement: GpuRequirement, accelerator: AcceleratorSpec): Execution {
  const sixteenBit = sixteenBitRate(accelerator);
  switch (requirement.computePrecision) {
    case "fp32":
      return {
        flopsPerSecond: null,
        rateLabel: "FP32",
        extraWeightsBytes: 0,
        fallbacks: ["the catalog has no FP32 tensor rate, so compute time is not estimated"],
      };
    case "bf16":
      return accelerator.bf16
        ? plain(accelerator.bf16DenseFlopsPerSecond ?? sixteenBit.flopsPerSecond, "BF16")
        : {
            ...sixteenBit,
            rateLabel: "FP16 (no BF16)",
            fallbacks: [
              `${accelerator.name} has no BF16 tensor cores: served as FP16 (vLLM --dtype half), same bytes`,
            ],
          };
    case "fp16":
      return plain(sixteenBit.flopsPerSecond, "FP16");
    case "int8":
      return accelerator.int8DenseOpsPerSecond === null
        ? {
            ...sixteenBit,
            rateLabel: `${sixteenBit.rateLabel} (no INT8 rate)`,
            fallbacks: [
              `no INT8 tensor rate for ${accelerator.name}: compute sized at the 16-bit rate`,
            ],
          }
        : plain(accelerator.int8DenseOpsPerSecond, "INT8");
    case "fp8":
      return fp8On(requirement, accelerator, sixteenBit);
  }
}

function fp8On(
  requirement: GpuRequirement,
  accelerator: AcceleratorSpec,
  sixteenBit: Execution,
): Execution {
  switch (accelerator.fp8) {
    case "native":
      return plain(accelerator.fp8DenseFlopsPerSecond, "FP8");
    case "weight-only":
      return {
        ...sixteenBit,
        rateLabel: "16-bit math, FP8 weights (Marlin W8A16)",
        fallbacks: [
          `${accelerator.name} has no FP8 tensor cores: vLLM keeps the FP8 weights and runs the Marlin W8A16 kernel (FP8 memory, 16-bit speed)`,
        ],
      };
    case "none":
      return {
        ...sixteenBit,
        extraWeightsBytes: requirement.weightsBytes,
        fallbacks: [
          `${accelerator.name} has no FP8 path (vLLM's FP8 needs compute capability ≥ 8.0 or FP8 hardware): sized as the 16-bit checkpoint, twice the FP8 weight bytes`,
        ],
      };
  }
}

function plain(flopsPerSecond: number | null, rateLabel: string): Execution {
  return { flopsPerSecond, rateLabel, extraWeightsBytes: 0, fallbacks: [] };
}

/** The 16-bit rate: BF16 where the GPU has it, FP16 otherwise (Turing, Volta). */
function sixteenBitRate(accelerator: AcceleratorSpec): Execution {
  return accelerator.bf16 && accelerator.bf16DenseFlopsPerSecond !== null
    ? plain(accelerator.bf16DenseFlopsPerSecond, "BF16")
    : plain(accelerator.fp16DenseFlopsPerSecond ?? accelerator.bf16DenseFlopsPerSecond, "FP16");
}
