import { InvalidOptionError } from "../errors.js";
import type { ParameterSource } from "../model/model-source.js";
import type { ParameterBreakdown } from "../model/parameter-breakdown.js";

/**
 * Facts read from a checkpoint's stored weights (its safetensors headers, or the Hub's
 * summary of them), as opposed to what config.json implies. `resolveModel` returns them for
 * Hub models and `estimateInference` passes them on; pass your own to size a checkpoint you
 * inspected yourself.
 */
export interface CheckpointFacts {
  /**
   * Parameters in the checkpoint. Packed quantized weights count unpacked (a 4-bit GPTQ
   * `qweight` I32 holds 8); scales and zero points are not parameters.
   */
  readonly parameterCount: number;
  /** Where the count was read: the safetensors headers (exact) or the Hub's summary. */
  readonly parameterSource: Extract<ParameterSource, "safetensors" | "hub-summary">;
  /**
   * Bytes the weight files hold: the sum of every tensor's `data_offsets` span. Exact for
   * pre-quantized checkpoints (AWQ, GPTQ, FP8), scales and zero points included.
   */
  readonly storedWeightsBytes?: number | undefined;
  /** Parameters by safetensors dtype, e.g. `{ BF16: 8_030_261_248 }`. */
  readonly parametersByDtype?: Readonly<Record<string, number>> | undefined;
}

/** What the checkpoint decides for an estimate: the parameter count, where it came from, and the weights' bytes. */
export interface CheckpointSizing {
  /** Parameter count the estimate uses. */
  readonly parameterCount: number;
  /** Where that count came from. */
  readonly parameterSource: ParameterSource;
  /** Bytes of the weights at the estimate's precision. */
  readonly weightsBytes: number;
  /** One line per fact used, for the estimate's `assumptions.notes`. */
  readonly notes: readonly string[];
}

/**
 * Sizes the weights from checkpoint facts. Returns `undefined` when there are none, or when
 * the caller's `parameterCount` override wins. Otherwise:
 * - `weights: "auto"` with known stored bytes: the weights are the stored bytes (exact, even
 *   for packed 4-bit or FP8 checkpoints), unless the checkpoint is FP32, which `auto` serves
 *   at 16 bits as vLLM does;
 * - any other case: `configWeightsBytes` (the weights as config.json implies them, at the
 *   estimate's precision or as its quantization_config stores them) scaled to the checkpoint's count.
 *
 * @throws {InvalidOptionError} for a count or byte size that is not a positive finite number.
 */
export function sizeFromCheckpoint(
  configWeightsBytes: number,
  breakdown: ParameterBreakdown,
  parameterCountOverride: number | undefined,
  weightsOption: string | undefined,
  checkpoint: CheckpointFacts | undefined,
): CheckpointSizing | undefined {
  if (checkpoint === undefined) return undefined;
  checkPositive("checkpoint.parameterCount", checkpoint.parameterCount);
  if (checkpoint.storedWeightsBytes !== undefined) {
    checkPositive("checkpoint.storedWeightsBytes", checkpoint.storedWeightsBytes);
  }
  if (parameterCountOverride !== undefined) return undefined;

  const { parameterCount, parameterSource, storedWeightsBytes } = checkpoint;
  const from =
    parameterSource === "safetensors" ? "the safetensors headers" : "the Hub's safetensors summary";
  const notes = [`parameters: ${parameterCount} read from ${from}`];
  const auto = weightsOption === undefined || weightsOption === "auto";
  if (auto && storedWeightsBytes !== undefined && !storesFloat32(checkpoint)) {
    notes.push(
      `weights: ${storedWeightsBytes} bytes as stored in the checkpoint's safetensors files`,
    );
    return { parameterCount, parameterSource, weightsBytes: storedWeightsBytes, notes };
  }
  // The config's sizing (split between projections and the rest, quantization_config), scaled
  // to the checkpoint's count.
  const scaled = configWeightsBytes * (parameterCount / breakdown.total);
  return { parameterCount, parameterSource, weightsBytes: scaled, notes };
}

/** Whether most parameters are stored as F32, which `weights: "auto"` serves at 16 bits. */
function storesFloat32(checkpoint: CheckpointFacts): boolean {
  return (checkpoint.parametersByDtype?.F32 ?? 0) * 2 > checkpoint.parameterCount;
}

function checkPositive(option: string, value: number): void {
  if (!(Number.isFinite(value) && value > 0)) {
    throw new InvalidOptionError(option, `expected a positive number, got ${value}`);
  }
}
