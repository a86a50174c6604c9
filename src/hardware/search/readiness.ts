/**
 * Which serving engines and weight precisions run on which accelerators: a filter for the search
 * and a note on every row, so a plan does not land on hardware its engine cannot run.
 */
import type { WeightPrecision } from "../../memory/precision.js";
import type { AcceleratorSpec } from "../accelerator.js";

/** The software stack an accelerator runs. */
export type SoftwareStack = "cuda" | "rocm" | "gaudi";

/** vLLM's quantization support table (v0.11.2), the source of the precision rules below. */
export const VLLM_QUANTIZATION_HARDWARE =
  "https://docs.vllm.ai/en/v0.11.2/features/quantization/ (Supported Hardware table)";
const VLLM_PLATFORMS = "https://docs.vllm.ai/en/v0.8.1/getting_started/installation.html";
const SGLANG_PLATFORMS =
  "https://github.com/sgl-project/sglang README (NVIDIA and AMD GPUs; Intel Gaudi is not listed, so treated as unsupported)";

/** The stacks each engine runs on, with the page that says so. */
const ENGINE_STACKS = {
  vllm: { stacks: ["cuda", "rocm", "gaudi"], source: VLLM_PLATFORMS },
  sglang: { stacks: ["cuda", "rocm"], source: SGLANG_PLATFORMS },
} as const satisfies Record<
  string,
  { readonly stacks: readonly SoftwareStack[]; readonly source: string }
>;

/** The stack of an accelerator, from its vendor. */
export function softwareStackOf(accelerator: Pick<AcceleratorSpec, "vendor">): SoftwareStack {
  return accelerator.vendor === "nvidia" ? "cuda" : accelerator.vendor === "amd" ? "rocm" : "gaudi";
}

/** Whether an engine and a weight precision run on an accelerator, and why not. */
export interface Readiness {
  /** Whether it runs. */
  readonly runs: boolean;
  /** Why not (or `null` when it runs), with the source. */
  readonly reason: string | null;
}

/**
 * Whether `engine` serves `weights` on an accelerator. Engines: vLLM on CUDA, ROCm and Gaudi;
 * SGLang on CUDA and ROCm. Precisions, from vLLM's table: INT8 W8A8 needs NVIDIA Turing or newer
 * (capability ≥ 7.5); 4-bit (AWQ/GPTQ) runs on NVIDIA only (GPTQ on Volta too); FP8 runs on every
 * stack (W8A8 on Ada/Hopper/AMD, weight-only Marlin on Ampere, INC on Gaudi; older NVIDIA GPUs are
 * sized as the 16-bit checkpoint by `executionOn`); 16-bit runs everywhere.
 */
export function readinessOf(
  accelerator: Pick<AcceleratorSpec, "vendor" | "computeCapability" | "name">,
  engine: keyof typeof ENGINE_STACKS,
  weights: WeightPrecision,
): Readiness {
  const stack = softwareStackOf(accelerator);
  const rule = ENGINE_STACKS[engine];
  if (!(rule.stacks as readonly SoftwareStack[]).includes(stack)) {
    return {
      runs: false,
      reason: `${engine} does not run on ${stack.toUpperCase()} (${rule.source})`,
    };
  }
  if (weights === "int8" && (stack !== "cuda" || (accelerator.computeCapability ?? 0) < 7.5)) {
    return {
      runs: false,
      reason: `no INT8 W8A8 kernel for ${accelerator.name} in vLLM (${VLLM_QUANTIZATION_HARDWARE})`,
    };
  }
  if (weights === "int4" && stack !== "cuda") {
    return {
      runs: false,
      reason: `no AWQ/GPTQ 4-bit kernel for ${accelerator.name} in vLLM (${VLLM_QUANTIZATION_HARDWARE})`,
    };
  }
  return { runs: true, reason: null };
}
