import { describe, expect, it } from "vitest";
import {
  AlreadyQuantizedError,
  countParameters,
  estimateInferenceFromSpec,
  parseModelConfig,
  UnsupportedArchitectureError,
} from "../../src/index.js";
import { loadFixture } from "../helpers/fixtures.js";

const GB = 1e9;
const LLAMA_8B = loadFixture("meta-llama__Meta-Llama-3-8B").config;
// Llama-3-8B's projections and the rest (formulas.md §1.1): 6,979,321,856 linear + 1,050,939,392 other.
const LLAMA_8B_LINEAR = 6_979_321_856;
const LLAMA_8B_OTHER = 8_030_261_248 - LLAMA_8B_LINEAR;

/** Llama-3-8B's config carrying a real checkpoint's quantization_config block. */
function llama8bWith(quantization: Record<string, unknown>) {
  return parseModelConfig({ ...LLAMA_8B, quantization_config: quantization });
}

describe("pre-quantized checkpoints are sized from their method", () => {
  it("GPTQ 4-bit group 128 (Qwen1.5-MoE-A2.7B-Chat-GPTQ-Int4): 4 + 20/128 bits on projections, FP16 elsewhere", () => {
    const spec = parseModelConfig(loadFixture("Qwen__Qwen1.5-MoE-A2.7B-Chat-GPTQ-Int4").config);
    expect(spec.quantization).toMatchObject({ method: "gptq", bits: 4, groupSize: 128 });
    // By hand: attention (q/k/v/o + q/k/v biases) and MLPs (60 experts of 1408, a shared expert of 5632) per layer.
    const attention = 24 * (4 * 2048 * 2048 + 3 * 2048);
    const mlp = 24 * (60 * 3 * 2048 * 1408 + 3 * 2048 * 5632);
    const other = 14_315_784_192 - attention - mlp; // embeddings, head, norms, routers
    const expected = ((attention + mlp) * (4 + (16 + 4) / 128)) / 8 + other * 2;
    const { memory, parameters } = estimateInferenceFromSpec(spec);
    expect(parameters.total).toBe(14_315_784_192); // not the packed int32 element count
    expect(memory.weightsBytes).toBeCloseTo(expected, 0);
  });

  it("block-scaled FP8 (DeepSeek-R1, 128 × 128 blocks): 8 bits + one FP32 scale per block", () => {
    const spec = parseModelConfig(loadFixture("deepseek-ai__DeepSeek-R1").config);
    const breakdown = countParameters(spec);
    const quantized = breakdown.attention + breakdown.mlp;
    const expected = (quantized * (8 + 32 / (128 * 128))) / 8 + (breakdown.total - quantized) * 2;
    const { memory } = estimateInferenceFromSpec(spec);
    expect(memory.weightsBytes).toBeCloseTo(expected, 0);
    expect(memory.weightsBytes / GB).toBeGreaterThan(670);
    expect(memory.weightsBytes / GB).toBeLessThan(680);
  });

  it("MXFP4 (gpt-oss-120b): 4 + 8/32 bits on the routed experts only; attention, router, embeddings stay BF16", () => {
    const spec = parseModelConfig(loadFixture("openai__gpt-oss-120b").config);
    expect(spec.quantization?.scope).toBe("experts");
    // 36 layers × 128 experts × (gate_up 2880 × 5760 + bias 5760 + down 2880 × 2880 + bias 2880).
    const experts = 36 * 128 * (2880 * 5760 + 5760 + 2880 * 2880 + 2880);
    const expected = (experts * 4.25) / 8 + (116_829_156_672 - experts) * 2;
    const { memory } = estimateInferenceFromSpec(spec);
    expect(memory.weightsBytes).toBeCloseTo(expected, 0);
    // The one-80-GB-GPU model: ≈ 65 GB of weights, not 234 GB at BF16 or 58 GB at a flat 4 bits.
    expect(memory.weightsBytes / GB).toBeGreaterThan(64);
    expect(memory.weightsBytes / GB).toBeLessThan(66);
  });

  it("AWQ 4-bit group 128 with zero points (transformers docs' zephyr-7B-alpha-AWQ block): Llama-3-8B ≈ 5.73 GB", () => {
    // The block as the transformers quantization docs show it for TheBloke/zephyr-7B-alpha-AWQ.
    const spec = llama8bWith({
      quant_method: "awq",
      zero_point: true,
      group_size: 128,
      bits: 4,
      version: "gemm",
    });
    const expected = (LLAMA_8B_LINEAR * (4 + 16 / 128 + 4 / 128)) / 8 + LLAMA_8B_OTHER * 2;
    expect(expected / GB).toBeCloseTo(5.73, 2); // formulas.md §1.2
    expect(estimateInferenceFromSpec(spec).memory.weightsBytes).toBeCloseTo(expected, 0);
  });

  it("bitsandbytes NF4 with double quantization: Llama-3-8B ≈ 5.70 GB", () => {
    // The block transformers prints for Meta-Llama-3-8B-Instruct loaded in 4-bit (public notebook).
    const spec = llama8bWith({
      _load_in_4bit: true,
      _load_in_8bit: false,
      bnb_4bit_compute_dtype: "float32",
      bnb_4bit_quant_storage: "uint8",
      bnb_4bit_quant_type: "nf4",
      bnb_4bit_use_double_quant: true,
      llm_int8_enable_fp32_cpu_offload: false,
      llm_int8_has_fp16_weight: false,
      llm_int8_skip_modules: null,
      llm_int8_threshold: 6.0,
      load_in_4bit: true,
      load_in_8bit: false,
      quant_method: "bitsandbytes",
    });
    const expected = (LLAMA_8B_LINEAR * (4 + 8 / 64 + 32 / (64 * 256))) / 8 + LLAMA_8B_OTHER * 2;
    expect(expected / GB).toBeCloseTo(5.7, 1); // formulas.md §1.2: 5.70 GB
    expect(estimateInferenceFromSpec(spec).memory.weightsBytes).toBeCloseTo(expected, 0);
    expect(spec.quantization?.label).toBe("bitsandbytes NF4 + double quant");
  });

  it("bitsandbytes NF4 without double quantization: 4.5 bits", () => {
    const spec = llama8bWith({
      quant_method: "bitsandbytes",
      load_in_4bit: true,
      bnb_4bit_quant_type: "nf4",
    });
    expect(spec.quantization?.bitsPerQuantizedParameter).toBe(4.5);
  });

  it("bitsandbytes LLM.int8: 8 bits", () => {
    const spec = llama8bWith({ quant_method: "bitsandbytes", load_in_8bit: true });
    expect(spec.quantization?.bitsPerQuantizedParameter).toBe(8);
  });

  it("compressed-tensors FP8 per channel (Red Hat's float-quantized format): 8 bits, lm_head ignored", () => {
    const spec = llama8bWith({
      quant_method: "compressed-tensors",
      format: "float-quantized",
      config_groups: {
        group_0: {
          targets: ["Linear"],
          weights: {
            num_bits: 8,
            type: "float",
            strategy: "channel",
            symmetric: true,
            dynamic: false,
          },
          input_activations: { num_bits: 8, type: "float", strategy: "token", dynamic: true },
        },
      },
      ignore: ["lm_head"],
    });
    expect(spec.quantization).toMatchObject({ method: "compressed-tensors", bits: 8 });
    expect(estimateInferenceFromSpec(spec).memory.weightsBytes).toBe(
      LLAMA_8B_LINEAR * 1 + LLAMA_8B_OTHER * 2,
    );
  });

  it("compressed-tensors INT4 group 128 (W4A16): one 16-bit scale per group", () => {
    const spec = llama8bWith({
      quant_method: "compressed-tensors",
      format: "pack-quantized",
      config_groups: {
        group_0: {
          targets: ["Linear"],
          weights: {
            num_bits: 4,
            type: "int",
            strategy: "group",
            group_size: 128,
            symmetric: true,
          },
        },
      },
      ignore: ["lm_head"],
    });
    expect(spec.quantization?.bitsPerQuantizedParameter).toBe(4 + 16 / 128);
  });

  it("ModelOpt NVFP4: 4 bits + one FP8 scale per 16", () => {
    const spec = llama8bWith({ quant_method: "modelopt", quant_algo: "NVFP4" });
    expect(spec.quantization?.bitsPerQuantizedParameter).toBe(4.5);
  });

  it("reads quantization_config nested under text_config", () => {
    const { config } = loadFixture("google__gemma-3-4b-it");
    const spec = parseModelConfig({
      ...config,
      text_config: {
        ...(config.text_config as object),
        quantization_config: { quant_method: "fp8", weight_block_size: [128, 128] },
      },
    });
    expect(spec.quantization?.method).toBe("fp8");
  });

  it("one layer's attention kept in BF16 leaves a dense FP8 model FP8 (not all-BF16), within 3 % of the hand-worked bytes", () => {
    const spec = llama8bWith({
      quant_method: "fp8",
      modules_to_not_convert: ["model.layers.0.self_attn", "lm_head"],
    });
    expect(spec.quantization?.scope).toBe("linear");
    // By hand (Llama-3-8B, 32 layers): attention 41,943,040 per layer, MLP 176,160,768 per
    // layer; layer 0's attention, the embeddings, lm_head and norms stay BF16, the rest is FP8.
    const attention = 41_943_040;
    const fp8 = 31 * attention + 32 * 176_160_768;
    const bf16 = 8_030_261_248 - fp8;
    const byHand = fp8 * 1 + bf16 * 2;
    const { weightsBytes } = estimateInferenceFromSpec(spec).memory;
    expect(Math.abs(weightsBytes / byHand - 1)).toBeLessThan(0.03);
    expect(weightsBytes).toBeLessThan(8_030_261_248 * 2 * 0.7); // not the all-BF16 16.06 GB
  });

  it("attention kept in every layer of a dense model: its MLPs are quantized, not nothing", () => {
    const spec = llama8bWith({
      quant_method: "fp8",
      modules_to_not_convert: ["model.layers.*.self_attn", "lm_head"],
    });
    // By hand: the 32 MLPs (5,637,144,576) in FP8, everything else BF16.
    const mlp = 32 * 176_160_768;
    expect(estimateInferenceFromSpec(spec).memory.weightsBytes).toBe(
      mlp + (8_030_261_248 - mlp) * 2,
    );
  });

  it("a method vramfit cannot size is refused, named", () => {
    expect(() => llama8bWith({ quant_method: "hqq", nbits: 4 })).toThrow(
      UnsupportedArchitectureError,
    );
    expect(() => llama8bWith({ quant_method: "hqq", nbits: 4 })).toThrow(/quant_method "hqq"/);
  });
});

describe("a what-if precision asked of a quantized checkpoint is refused", () => {
  const gptq = parseModelConfig(loadFixture("Qwen__Qwen1.5-MoE-A2.7B-Chat-GPTQ-Int4").config);

  it.each(["bf16", "int4", "fp8"] as const)("weights: %s", (weights) => {
    try {
      estimateInferenceFromSpec(gptq, { weights });
      expect.unreachable();
    } catch (error) {
      expect(error).toBeInstanceOf(AlreadyQuantizedError);
      const refused = error as AlreadyQuantizedError;
      expect(refused.code).toBe("ALREADY_QUANTIZED");
      expect(refused.method).toBe("gptq");
      expect(refused.message).toMatch(/already quantized as GPTQ 4-bit, group 128/);
      expect(refused.hint).toMatch(/auto/);
    }
  });

  it("weights: auto sizes the checkpoint as stored, and says so", () => {
    const estimate = estimateInferenceFromSpec(gptq, { weights: "auto" });
    expect(estimate.assumptions.checkpointQuantization?.method).toBe("gptq");
    expect(estimate.assumptions.notes.join("\n")).toMatch(/stored as GPTQ 4-bit, group 128/);
  });
});
