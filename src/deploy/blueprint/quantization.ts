/**
 * The quantization trade-off matrix of a serving plan: the model at BF16, FP8, INT8 and INT4,
 * each with its memory, the smallest GPU that holds it, its speed and cost on the chosen GPU,
 * what it costs in quality, and whether the engine runs it natively there.
 */
import type { AcceleratorSpec } from "../../hardware/accelerator.js";
import type { GpuCatalog } from "../../hardware/catalog.js";
import type { PricePoint } from "../../hardware/price.js";
import { rankGpusWithCatalog, type GpuMatch, type GpuRanking } from "../../hardware/rank-gpus.js";
import type { RankOptions } from "../../hardware/rank-options.js";
import {
  estimateInferenceFromSpec,
  type InferenceEstimate,
} from "../../memory/estimate-inference.js";
import type { InferenceOptions } from "../../memory/inference-options.js";
import type { WeightPrecision } from "../../memory/precision.js";
import type { CheckpointQuantization, ModelSpec } from "../../model/model-spec.js";

/** The four rows of the matrix. */
export type QuantizationChoice = "bf16" | "fp8" | "int8" | "int4";

const KURTIC =
  'Kurtic et al., "Give Me BF16 or Give Me Death"? Accuracy-Performance Trade-Offs in LLM Quantization, arXiv 2411.02355 (ACL 2025), Llama-3.1 8B–405B';

/** What each row sizes, costs in quality, and how vLLM serves it. */
export const QUANTIZATION_CHOICES = {
  bf16: {
    label: "BF16",
    weights: "bf16",
    quality: "the reference: no quantization error",
    qualitySource: "",
    howToServe: "the published 16-bit checkpoint (vLLM --dtype bfloat16)",
  },
  fp8: {
    label: "FP8",
    weights: "fp8",
    quality: "effectively lossless (FP8 weights and activations, W8A8)",
    qualitySource: KURTIC,
    howToServe: "an FP8 checkpoint, or vLLM --quantization fp8 on the 16-bit one",
  },
  int8: {
    label: "INT8",
    weights: "int8",
    quality: "≈ 1–3 % accuracy loss when well tuned (INT8 weights and activations, W8A8)",
    qualitySource: KURTIC,
    howToServe:
      "an INT8 W8A8 checkpoint (compressed-tensors); vLLM has no in-flight INT8 quantization",
  },
  int4: {
    label: "INT4",
    weights: "int4-g128",
    quality:
      "weight-only INT4 (GPTQ/AWQ, group 128) rivals INT8 W8A8 on the Llama-3.1 family; smaller models lose more: check your own evals",
    qualitySource: KURTIC,
    howToServe: "an AWQ or GPTQ checkpoint (no --quantization flag; Marlin kernels on Ampere+)",
  },
} as const satisfies Record<
  QuantizationChoice,
  {
    readonly label: string;
    readonly weights: WeightPrecision;
    readonly quality: string;
    readonly qualitySource: string;
    readonly howToServe: string;
  }
>;

/** Every {@link QuantizationChoice}, widest first. */
export const QUANTIZATION_CHOICE_IDS = Object.keys(
  QUANTIZATION_CHOICES,
) as readonly QuantizationChoice[];

/** Whether vLLM runs a precision at full speed on a GPU. */
export interface EngineSupport {
  /** `native`: its own kernels at full speed; `fallback`: runs, slower or bigger; `unsupported`: not at all. */
  readonly status: "native" | "fallback" | "unsupported";
  /** What runs, in one line. */
  readonly note: string;
}

const VLLM_HARDWARE =
  "vLLM docs, features/quantization 'Supported Hardware' (v0.15: AWQ Turing+, GPTQ Volta+, Marlin Ampere+, INT8 W8A8 Turing+, FP8 W8A8 Ada/Hopper/AMD)";

/** The source of {@link engineSupport}'s table. */
export const ENGINE_SUPPORT_SOURCE = VLLM_HARDWARE;

/**
 * Whether vLLM serves a precision natively on an accelerator, from vLLM's quantization hardware
 * table (Volta SM 7.0, Turing 7.5, Ampere 8.0/8.6, Ada 8.9, Hopper 9.0): FP8 W8A8 needs Ada,
 * Hopper or AMD MI300 (Ampere runs FP8 weights through Marlin W8A16: FP8 memory, 16-bit speed);
 * INT4 Marlin kernels (AWQ/GPTQ) need Ampere or newer; INT8 W8A8 needs Turing or newer; AMD GPUs
 * have no AWQ/GPTQ or INT8 W8A8 path in that table.
 */
export function engineSupport(
  choice: QuantizationChoice,
  accelerator: AcceleratorSpec,
): EngineSupport {
  const cc = accelerator.computeCapability;
  const nvidia = accelerator.vendor === "nvidia" && cc !== null;
  switch (choice) {
    case "bf16":
      return accelerator.bf16
        ? { status: "native", note: "BF16 tensor cores" }
        : { status: "fallback", note: "no BF16 tensor cores: served as FP16 (--dtype half)" };
    case "fp8":
      switch (accelerator.fp8) {
        case "native":
          return { status: "native", note: "FP8 tensor cores (W8A8)" };
        case "weight-only":
          return {
            status: "fallback",
            note: "no FP8 tensor cores: Marlin W8A16 (FP8 memory, 16-bit speed)",
          };
        case "none":
          return { status: "unsupported", note: "no FP8 path: serve 16-bit weights" };
      }
      break;
    case "int8":
      if (nvidia && cc >= 7.5) return { status: "native", note: "INT8 W8A8 kernels (Turing+)" };
      return { status: "unsupported", note: "no INT8 W8A8 kernel in vLLM for this GPU" };
    case "int4":
      if (nvidia && cc >= 8) return { status: "native", note: "Marlin AWQ/GPTQ kernels (Ampere+)" };
      if (nvidia && cc >= 7.5) {
        return { status: "fallback", note: "AWQ/GPTQ kernels without Marlin (Turing): slower" };
      }
      if (nvidia) return { status: "fallback", note: "GPTQ only (AWQ needs Turing or newer)" };
      return {
        status: "unsupported",
        note: "no AWQ/GPTQ kernel in vLLM for this GPU (GGUF or a 16-bit checkpoint instead)",
      };
  }
  return { status: "unsupported", note: "unknown" };
}

/** The matrix's view of one precision on one GPU. */
export interface QuantizationOnGpu {
  /** Accelerator id. */
  readonly acceleratorId: string;
  /** Whether some parallelism fits. */
  readonly fits: boolean;
  /** Tensor-parallel degree (the smallest that fits). */
  readonly tensorParallel: number | null;
  /** GPUs one replica uses. */
  readonly gpuCount: number | null;
  /** What one GPU holds, in bytes. */
  readonly perGpuBytes: number | null;
  /** Time to first token in seconds. */
  readonly ttftSeconds: number | null;
  /** Output tokens per second of one replica. */
  readonly tokensPerSecond: number | null;
  /** Dollars per million output tokens at the cheapest On-Demand price. */
  readonly usdPerMillionTokens: number | null;
  /** That price, with its source and date. */
  readonly price: PricePoint | null;
  /** Whether vLLM runs the precision natively on this GPU. */
  readonly engineSupport: EngineSupport;
}

/** One row of the quantization trade-off matrix. */
export interface QuantizationRow {
  /** Which precision. */
  readonly precision: QuantizationChoice;
  /** "BF16", "FP8", ... */
  readonly label: string;
  /** The precision the weights are sized at (`int4-g128` for INT4: scales and 16-bit embeddings included). */
  readonly weights: WeightPrecision;
  /** Whether this row is the checkpoint as stored (a pre-quantized model); the others are what-ifs of its unquantized base. */
  readonly isCheckpoint: boolean;
  /** Weights, in bytes. */
  readonly weightsBytes: number;
  /** The single-GPU estimate's total (weights + KV cache + state + 12 % overhead), in bytes. */
  readonly totalBytes: number;
  /** On the plan's GPU. */
  readonly onChosenGpu: QuantizationOnGpu | null;
  /** The GPU with the least memory in all (count × memory) that holds it and runs the precision, and how many. */
  readonly smallestFit: {
    readonly acceleratorId: string;
    readonly name: string;
    readonly gpuCount: number;
    readonly tensorParallel: number;
    readonly memoryBytes: number;
  } | null;
  /** What the precision costs in quality, and the source. */
  readonly quality: string;
  /** Where the quality figure comes from. */
  readonly qualitySource: string;
  /** How to serve it with vLLM. */
  readonly howToServe: string;
}

/** What {@link quantizationMatrix} needs besides the spec. */
export interface QuantizationMatrixInput {
  /** The estimate options of the plan (context, batch, images, engine, checkpoint facts). */
  readonly inference: InferenceOptions;
  /** The ranking options of the plan (workload, filters, utilization). */
  readonly ranking: RankOptions;
  /** The catalog ranked over. */
  readonly catalog: GpuCatalog;
  /** The plan's accelerator, when one is chosen. */
  readonly chosenAcceleratorId: string | null;
  /** The plan's own estimate and ranking (same options), reused for the row they size. */
  readonly planned?:
    { readonly estimate: InferenceEstimate; readonly ranking: GpuRanking } | undefined;
}

/** The matrix row a pre-quantized checkpoint is: 4-bit → INT4, FP8 → FP8, other 8-bit → INT8. */
export function checkpointChoice(quantization: CheckpointQuantization): QuantizationChoice | null {
  if (quantization.bits <= 4) return "int4";
  if (quantization.method === "fp8" || /fp8|float/i.test(quantization.label ?? "")) return "fp8";
  return quantization.bits === 8 ? "int8" : null;
}

/**
 * Builds the BF16 / FP8 / INT8 / INT4 matrix. A pre-quantized checkpoint is its own row (sized as
 * stored); the other rows size its unquantized base. Each row ranks every GPU once: the smallest
 * fit is the fitting GPU with the least memory in all (count × memory; fewer GPUs, then the lower
 * price, on a tie).
 */
export function quantizationMatrix(
  spec: ModelSpec,
  input: QuantizationMatrixInput,
): QuantizationRow[] {
  const base: ModelSpec = withoutQuantization(spec);
  const stored = spec.quantization === undefined ? null : checkpointChoice(spec.quantization);
  return QUANTIZATION_CHOICE_IDS.map((precision) => {
    const choice = QUANTIZATION_CHOICES[precision];
    const isCheckpoint = stored === precision;
    const planned = input.planned;
    const reuse =
      planned !== undefined &&
      (spec.quantization === undefined
        ? planned.estimate.assumptions.weights === choice.weights
        : isCheckpoint);
    const estimate: InferenceEstimate = reuse
      ? planned.estimate
      : isCheckpoint
        ? estimateInferenceFromSpec(spec, { ...input.inference, weights: "auto" })
        : estimateInferenceFromSpec(base, { ...input.inference, weights: choice.weights });
    const ranking = reuse
      ? planned.ranking
      : rankGpusWithCatalog(
          estimate,
          { ...input.ranking, spot: false, top: undefined },
          input.catalog,
        );
    const chosen =
      input.chosenAcceleratorId === null
        ? undefined
        : ranking.matches.find((match) => match.acceleratorId === input.chosenAcceleratorId);
    const accelerator =
      chosen === undefined ? undefined : input.catalog.accelerators[chosen.acceleratorId];
    return {
      precision,
      label: choice.label,
      weights: choice.weights,
      isCheckpoint,
      weightsBytes: estimate.memory.weightsBytes,
      totalBytes: estimate.memory.totalBytes,
      onChosenGpu:
        chosen === undefined || accelerator === undefined
          ? null
          : onGpu(chosen, engineSupport(precision, accelerator)),
      smallestFit: smallestFit(ranking.matches, input.catalog, precision),
      quality: choice.quality,
      qualitySource: choice.qualitySource,
      howToServe: isCheckpoint
        ? `this checkpoint (${spec.quantization?.label ?? spec.quantization?.method ?? "pre-quantized"}): no --quantization flag`
        : choice.howToServe,
    };
  });
}

/** The spec of the unquantized base of a pre-quantized checkpoint (the same spec otherwise). */
export function withoutQuantization(spec: ModelSpec): ModelSpec {
  return spec.quantization === undefined ? spec : { ...spec, quantization: undefined };
}

function onGpu(match: GpuMatch, support: EngineSupport): QuantizationOnGpu {
  return {
    acceleratorId: match.acceleratorId,
    fits: match.fits,
    tensorParallel: match.fits ? match.tensorParallel : null,
    gpuCount: match.fits ? match.gpuCount : null,
    perGpuBytes: match.perGpu?.totalBytes ?? null,
    ttftSeconds: match.ttftSeconds,
    tokensPerSecond: match.tokensPerSecond,
    usdPerMillionTokens: match.usdPerMillionOutputTokens,
    price: match.price,
    engineSupport: support,
  };
}

function smallestFit(
  matches: readonly GpuMatch[],
  catalog: GpuCatalog,
  precision: QuantizationChoice,
): QuantizationRow["smallestFit"] {
  let best: { match: GpuMatch; total: number; gpus: number } | undefined;
  for (const match of matches) {
    if (!match.fits || match.gpuCount === null || match.tensorParallel === null) continue;
    const accelerator = catalog.accelerators[match.acceleratorId];
    if (accelerator === undefined) continue;
    // A GPU vLLM cannot run the precision on is no answer, however small.
    if (engineSupport(precision, accelerator).status === "unsupported") continue;
    const total = match.gpuCount * accelerator.memoryBytes;
    const better =
      best === undefined ||
      total < best.total ||
      (total === best.total &&
        (match.gpuCount < best.gpus ||
          (match.gpuCount === best.gpus &&
            (match.price?.usdPerHour ?? Number.POSITIVE_INFINITY) <
              (best.match.price?.usdPerHour ?? Number.POSITIVE_INFINITY))));
    if (better) best = { match, total, gpus: match.gpuCount };
  }
  if (best === undefined) return null;
  const { match } = best;
  return {
    acceleratorId: match.acceleratorId,
    name: match.name,
    gpuCount: match.gpuCount ?? 1,
    tensorParallel: match.tensorParallel ?? 1,
    memoryBytes: match.accelerator.memoryBytes,
  };
}
