import { UnsupportedArchitectureError } from "../../errors.js";
import type { QuantizationConfig } from "../config/model-config.js";
import type { CheckpointQuantization } from "../model-spec.js";
import type { ParameterBreakdown } from "../parameter-breakdown.js";

/**
 * Pre-quantized checkpoints (AWQ, GPTQ, bitsandbytes, FP8, compressed-tensors, MXFP4,
 * ModelOpt): how the stored weights are packed, read from `quantization_config` into
 * `ModelSpec.quantization`, and which parameters that packing applies to. The parameter count
 * is the unpacked one; memory/quantized-weights.ts turns these into bytes.
 * See docs/methodology.md#pre-quantized-checkpoints.
 */

// Config: ModelSpec.quantization from quantization_config.

/**
 * Reads a pre-quantized checkpoint's `quantization_config` (top level or under
 * `text_config`) into the bits it stores per quantized weight, scales and zero points
 * included. Sources for each rule: docs/methodology.md#pre-quantized-checkpoints.
 *
 * - AWQ, GPTQ: `bits + (16-bit scale + bits-wide zero point) / group_size` (4.156 at 4-bit, group 128);
 * - bitsandbytes: NF4/FP4 `4 + 32/64` = 4.5 (one FP32 absmax per 64), 4.127 with double
 *   quantization; LLM.int8 8 bits (one FP32 scale per row, negligible);
 * - FP8 (`fp8`, block-scaled `weight_block_size` [128, 128]): `8 + 32 / (128 × 128)`;
 * - compressed-tensors: the weights' `num_bits`, plus a 16-bit scale per group for group strategies;
 * - MXFP4 (gpt-oss): `4 + 8/32` = 4.25 on the routed experts only;
 * - ModelOpt NVFP4: `4 + 8/16` = 4.5; ModelOpt FP8: 8.
 *
 * @throws {UnsupportedArchitectureError} for a method whose storage vramfit cannot size.
 */
export function readCheckpointQuantization(
  quantization: QuantizationConfig | undefined,
  subject: string,
  modelType: string | undefined,
): CheckpointQuantization | undefined {
  if (quantization === undefined) return undefined;
  const method =
    quantization.quant_method ??
    (quantization.load_in_4bit === true || quantization.load_in_8bit === true
      ? "bitsandbytes"
      : undefined);
  if (method === undefined) return undefined;
  const kept = [
    ...(quantization.modules_to_not_convert ?? []),
    ...(quantization.llm_int8_skip_modules ?? []),
    ...(quantization.ignore ?? []),
  ];
  const result = (
    label: string,
    bits: number,
    bitsPerQuantizedParameter: number,
    groupSize?: number,
  ): CheckpointQuantization => ({
    method,
    bits,
    groupSize,
    label,
    bitsPerQuantizedParameter,
    scope: kept.some(keepsAttentionInEveryLayer) ? "experts" : "linear",
    modulesNotQuantized: kept,
  });

  switch (method) {
    case "awq":
    case "gptq": {
      const bits = quantization.bits ?? quantization.w_bit ?? 4;
      const group = quantization.group_size ?? quantization.q_group_size ?? 128;
      const zeroBits = method === "awq" && quantization.zero_point === false ? 0 : bits;
      const effective = group > 0 ? bits + (16 + zeroBits) / group : bits;
      const groupText = group > 0 ? `group ${group}` : "per channel";
      return result(
        `${method.toUpperCase()} ${bits}-bit, ${groupText}`,
        bits,
        effective,
        group > 0 ? group : undefined,
      );
    }
    case "bitsandbytes": {
      if (quantization.load_in_8bit === true) return result("bitsandbytes LLM.int8 (8-bit)", 8, 8);
      const type = (quantization.bnb_4bit_quant_type ?? "fp4").toUpperCase();
      const double = quantization.bnb_4bit_use_double_quant === true;
      // Blocks of 64 with an FP32 absmax; double quantization stores the absmax in 8 bits
      // with one FP32 constant per 256 blocks (QLoRA, arXiv 2305.14314 §3).
      const effective = double ? 4 + 8 / 64 + 32 / (64 * 256) : 4 + 32 / 64;
      return result(`bitsandbytes ${type}${double ? " + double quant" : ""}`, 4, effective, 64);
    }
    case "fp8": {
      const [rows, columns] = quantization.weight_block_size ?? [];
      if (rows !== undefined && columns !== undefined && rows > 0 && columns > 0) {
        const blockValues = rows * columns;
        return result(`FP8, ${rows}×${columns} blocks`, 8, 8 + 32 / blockValues, blockValues);
      }
      return result("FP8 (per-tensor scale)", 8, 8);
    }
    case "compressed-tensors":
      return compressedTensors(quantization, result, subject, modelType);
    case "mxfp4":
      return {
        ...result("MXFP4 on the routed experts", 4, 4 + 8 / 32, 32),
        scope: kept.length > 0 ? "experts" : "linear",
      };
    case "modelopt": {
      const algorithm = (quantization.quant_algo ?? "").toUpperCase();
      if (algorithm === "NVFP4") return result("NVFP4 (ModelOpt)", 4, 4 + 8 / 16, 16);
      if (algorithm === "FP8") return result("FP8 (ModelOpt)", 8, 8);
      break;
    }
  }
  throw new UnsupportedArchitectureError(
    modelType,
    `Cannot size the stored weights of ${subject}: quantization_config.quant_method "${method}" is not one vramfit knows.`,
    {
      hint: "Known methods: awq, gptq, bitsandbytes, fp8, compressed-tensors, mxfp4, modelopt (NVFP4, FP8). Pass parameterCount with a plain precision to approximate.",
    },
  );
}

type Result = (
  label: string,
  bits: number,
  bitsPerQuantizedParameter: number,
  groupSize?: number,
) => CheckpointQuantization;

/** compressed-tensors: the first config group's weight scheme (Red Hat / Neural Magic checkpoints). */
function compressedTensors(
  quantization: QuantizationConfig,
  result: Result,
  subject: string,
  modelType: string | undefined,
): CheckpointQuantization {
  const groups: unknown = (quantization as Record<string, unknown>).config_groups;
  const first: unknown =
    typeof groups === "object" && groups !== null ? Object.values(groups)[0] : undefined;
  const weights =
    typeof first === "object" && first !== null
      ? (first as Record<string, unknown>).weights
      : undefined;
  const scheme =
    typeof weights === "object" && weights !== null ? (weights as Record<string, unknown>) : {};
  const bits = scheme.num_bits;
  if (typeof bits !== "number" || !Number.isInteger(bits) || bits <= 0) {
    throw new UnsupportedArchitectureError(
      modelType,
      `Cannot size the stored weights of ${subject}: compressed-tensors config_groups has no weights.num_bits.`,
      { hint: "Check that this is the checkpoint's full config.json." },
    );
  }
  const type = scheme.type === "float" ? "FP" : "INT";
  const strategy = typeof scheme.strategy === "string" ? scheme.strategy : "tensor";
  const groupSize =
    typeof scheme.group_size === "number" && scheme.group_size > 0 ? scheme.group_size : undefined;
  const symmetric = scheme.symmetric !== false;
  if ((strategy === "group" || strategy === "tensor_group") && groupSize !== undefined) {
    // One 16-bit scale (and a zero point when asymmetric) per group.
    const effective = bits + (16 + (symmetric ? 0 : bits)) / groupSize;
    return result(
      `compressed-tensors ${type}${bits}, group ${groupSize}`,
      bits,
      effective,
      groupSize,
    );
  }
  const block = scheme.block_structure;
  if (strategy === "block" && Array.isArray(block) && block.length === 2) {
    const values = Number(block[0]) * Number(block[1]);
    if (values > 0) {
      return result(
        `compressed-tensors ${type}${bits}, ${block[0]}×${block[1]} blocks`,
        bits,
        bits + 16 / values,
        values,
      );
    }
  }
  return result(`compressed-tensors ${type}${bits} (per ${strategy})`, bits, bits);
}

// Weights: which parameters are stored quantized, and at how many bits.

/**
 * Parameters a checkpoint stores quantized: the linear projections (attention, MLP and
 * experts, state-space mixers) or, for gpt-oss' MXFP4, the routed experts only. Embeddings,
 * the LM head, norms, routers and the vision tower stay in 16-bit.
 */
export function quantizedParameterCount(
  parameters: ParameterBreakdown,
  quantization: CheckpointQuantization,
): number {
  if (quantization.scope !== "experts") {
    return parameters.attention + parameters.mlp + parameters.stateSpace;
  }
  // Attention kept in 16-bit: an MoE quantizes its routed experts; a dense model its MLPs.
  return parameters.routedExperts > 0
    ? parameters.routedExperts
    : parameters.mlp + parameters.stateSpace;
}

/**
 * Whether a `modules_to_not_convert` / `ignore` entry keeps the attention of every layer in
 * 16-bit (`model.layers.*.self_attn`, `self_attn`, `re:.*self_attn.*`), as gpt-oss does. An
 * entry naming one layer (`model.layers.0.self_attn`) keeps only that layer: the model stays
 * quantized on its linear layers, that layer's attention approximated at the quantized width.
 */
function keepsAttentionInEveryLayer(module: string): boolean {
  return /self_attn/.test(module) && !/\.\d+\./.test(module);
}

/** Stored bits per quantized parameter, scales and zero points included when the method has them. */
export function storedBitsPerQuantizedParameter(quantization: CheckpointQuantization): number {
  return quantization.bitsPerQuantizedParameter ?? quantization.bits;
}
