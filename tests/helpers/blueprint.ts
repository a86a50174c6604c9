import { parseModelConfig, type ModelSpec } from "../../src/index.js";
import { findBundledModel } from "../../src/model/bundled/find-bundled-model.js";
import { loadFixture } from "./fixtures.js";

/** Llama-3-70B's config.json from the fixtures. */
export function llama3_70bConfig(): Record<string, unknown> {
  return loadFixture("meta-llama__Meta-Llama-3-70B").config;
}

/**
 * The worked example's AWQ checkpoint: Llama-3-70B's config.json with the `quantization_config`
 * AutoAWQ writes for 4-bit GEMM kernels at group 128 (keys as in AutoAWQ's
 * `AwqConfig`: quant_method, bits, group_size, zero_point, version), and the FP16 dtype AWQ
 * checkpoints are saved in.
 */
export function llama3_70bAwqConfig(): Record<string, unknown> {
  return {
    ...llama3_70bConfig(),
    torch_dtype: "float16",
    quantization_config: {
      quant_method: "awq",
      bits: 4,
      group_size: 128,
      zero_point: true,
      version: "gemm",
    },
  };
}

/** {@link llama3_70bAwqConfig} parsed. */
export function llama3_70bAwqSpec(): ModelSpec {
  return parseModelConfig(llama3_70bAwqConfig());
}

/** A bundled model's spec. */
export function bundledSpec(repo: string): ModelSpec {
  const model = findBundledModel(repo);
  if (model === undefined) throw new Error(`${repo} is not bundled`);
  return parseModelConfig(model.config);
}
