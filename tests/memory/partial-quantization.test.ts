import { describe, expect, it } from "vitest";
import {
  countParameters,
  estimateInferenceFromSpec,
  InvalidConfigError,
  parseModelConfig,
  UnsupportedArchitectureError,
} from "../../src/index.js";
import { loadFixture } from "../helpers/fixtures.js";

const GIB = 2 ** 30;
const LLAMA_8B = loadFixture("meta-llama__Meta-Llama-3-8B").config;
// Llama-3-8B by hand (formulas.md §1.1): per layer, attention q/o 4096 × 4096 and k/v
// 4096 × 1024; a gated MLP 3 × 4096 × 14,336; 32 layers.
const ATTENTION_PER_LAYER = 2 * 4096 * 4096 + 2 * 4096 * 1024; // 41,943,040
const MLP_PER_LAYER = 3 * 4096 * 14_336; // 176,160,768
const LINEAR = 32 * (ATTENTION_PER_LAYER + MLP_PER_LAYER); // 6,979,321,856
const OTHER = 8_030_261_248 - LINEAR; // embeddings, LM head, norms

function weightsBytes(config: Record<string, unknown>, hfQuantConfig?: unknown): number {
  const spec = parseModelConfig(config, { hfQuantConfig });
  return estimateInferenceFromSpec(spec).memory.weightsBytes;
}

describe("partial quantization is sized layer by layer", () => {
  it("a dense FP8 model keeping one attention layer in BF16 is FP8 everywhere else (the self_attn bug)", () => {
    const bytes = weightsBytes({
      ...LLAMA_8B,
      quantization_config: {
        quant_method: "fp8",
        activation_scheme: "dynamic",
        modules_to_not_convert: ["model.layers.0.self_attn", "lm_head"],
      },
    });
    const expected = (LINEAR - ATTENTION_PER_LAYER) * 1 + (OTHER + ATTENTION_PER_LAYER) * 2;
    expect(bytes).toBe(expected); // 9,123,143,680 B: 8.50 GiB, not 14.96 GiB of all-BF16
    expect(bytes / GIB).toBeCloseTo(8.5, 1);
  });

  it("fbgemm_fp8 with Meta's recipe (first and last layers, every self_attn, lm_head in BF16)", () => {
    // Meta's Llama-3.1 FP8 recipe, as the FbgemmFp8Config conversion script writes it:
    // "model.layers.0", "model.layers.<last>", "lm_head" and "model.layers.<i>.self_attn".
    const modules = [
      "model.layers.0",
      "model.layers.31",
      "lm_head",
      ...Array.from({ length: 30 }, (_, i) => `model.layers.${i + 1}.self_attn`),
    ];
    const bytes = weightsBytes({
      ...LLAMA_8B,
      quantization_config: {
        quant_method: "fbgemm_fp8",
        activation_scale_ub: 1200.0,
        modules_to_not_convert: modules,
      },
    });
    // FP8: the MLPs of layers 1–30, one byte each plus an FP32 scale per row of 4,096.
    const fp8 = 30 * MLP_PER_LAYER;
    const bf16 = 8_030_261_248 - fp8;
    const expected = fp8 * (1 + 4 / 4096) + bf16 * 2;
    expect(bytes).toBeCloseTo(expected, -1);
    expect(Math.abs(bytes - expected) / expected).toBeLessThan(0.03);
  });

  it("Llama-3.1-405B FP8 (fbgemm_fp8, Meta's recipe) is within 3 % of vLLM's logged 57.75 GiB per GPU at TP 8", () => {
    // Published geometry (Meta's config.json, LitGPT's copy): 126 layers of 16,384, 128
    // heads, 8 KV heads, MLP 53,248, vocabulary 128,256, untied head.
    const config = {
      ...LLAMA_8B,
      num_hidden_layers: 126,
      hidden_size: 16_384,
      num_attention_heads: 128,
      num_key_value_heads: 8,
      intermediate_size: 53_248,
      vocab_size: 128_256,
      quantization_config: {
        quant_method: "fbgemm_fp8",
        activation_scale_ub: 1200.0,
        modules_to_not_convert: [
          "model.layers.0",
          "model.layers.125",
          "lm_head",
          ...Array.from({ length: 124 }, (_, i) => `model.layers.${i + 1}.self_attn`),
        ],
      },
    };
    // By hand: attention 126 × (2 × 16,384² + 2 × 16,384 × 1,024) in BF16; MLPs of layers
    // 1–124 in FP8 (+ 4 B per row of 16,384), layers 0 and 125 in BF16; embeddings and head BF16.
    const attention = 126 * (2 * 16_384 * 16_384 + 2 * 16_384 * 1024);
    const mlp = 3 * 16_384 * 53_248;
    const embeddings = 2 * 128_256 * 16_384;
    const norms = (126 * 2 + 1) * 16_384;
    const byHand = 2 * (attention + 2 * mlp + embeddings + norms) + 124 * mlp * (1 + 4 / 16_384);
    const bytes = weightsBytes(config);
    expect(Math.abs(bytes - byHand) / byHand).toBeLessThan(1e-4);
    // vLLM #6746 (v0.5.3, 8 × H100): "Loading model weights took 57.7520 GB" per rank (GiB).
    // The log is the allocator's peak during loading, so a little above the stored weights.
    const perGpu = bytes / 8 / GIB;
    expect(perGpu).toBeGreaterThan(57.752 * 0.97);
    expect(perGpu).toBeLessThan(57.752);
  });

  it("compressed-tensors `re:` patterns and single projections: attention everywhere, layer 0's down_proj", () => {
    const spec = parseModelConfig({
      ...LLAMA_8B,
      quantization_config: {
        quant_method: "compressed-tensors",
        config_groups: {
          group_0: {
            targets: ["Linear"],
            weights: { num_bits: 8, type: "float", strategy: "channel" },
          },
        },
        ignore: ["lm_head", "re:.*self_attn.*", "model.layers.0.mlp.down_proj"],
      },
    });
    // down_proj is a third of a gated MLP.
    expect(spec.quantization?.unquantizedParameters).toBe(
      32 * ATTENTION_PER_LAYER + MLP_PER_LAYER / 3,
    );
  });

  it("a named layer is sized by what it is: DeepSeek's layer 0 is dense, layer 60 holds experts", () => {
    const { config } = loadFixture("deepseek-ai__DeepSeek-R1");
    const spec = parseModelConfig({
      ...config,
      quantization_config: {
        ...(config.quantization_config as object),
        modules_to_not_convert: [
          "model.layers.0.mlp", // dense: 3 × 7,168 × 18,432
          "model.layers.60.mlp.experts.3", // one routed expert: 3 × 7,168 × 2,048
          "model.layers.5.mlp.shared_experts", // the shared expert: 3 × 7,168 × 2,048
          "model.layers.61.self_attn", // past the last layer (MTP): nothing to size
        ],
      },
    });
    expect(spec.quantization?.unquantizedParameters).toBe(
      3 * 7168 * 18_432 + 3 * 7168 * 2048 + 3 * 7168 * 2048,
    );
  });

  it("the same block named twice is counted once", () => {
    const once = parseModelConfig({
      ...LLAMA_8B,
      quantization_config: { quant_method: "fp8", modules_to_not_convert: ["model.layers.3.mlp"] },
    });
    const twice = parseModelConfig({
      ...LLAMA_8B,
      quantization_config: {
        quant_method: "fp8",
        modules_to_not_convert: [
          "model.layers.3.mlp",
          "model.layers.3.mlp.gate_proj",
          "*.mlp.down_proj", // every layer's down_proj: layer 3's is already in
        ],
      },
    });
    expect(once.quantization?.unquantizedParameters).toBe(MLP_PER_LAYER);
    expect(twice.quantization?.unquantizedParameters).toBe(
      MLP_PER_LAYER + (31 * MLP_PER_LAYER) / 3,
    );
  });

  it("MXFP4 quantizes the experts only; gpt-oss's self_attn and router entries change nothing", () => {
    const { config } = loadFixture("openai__gpt-oss-120b");
    const spec = parseModelConfig(config);
    expect(spec.quantization?.scope).toBe("experts");
    expect(spec.quantization?.unquantizedParameters).toBe(0);
  });

  it("a module name vramfit cannot place is noted, not guessed", () => {
    const spec = parseModelConfig({
      ...LLAMA_8B,
      quantization_config: { quant_method: "fp8", modules_to_not_convert: ["some.custom_block"] },
    });
    expect(spec.quantization?.unquantizedParameters).toBe(0);
    expect(spec.approximations.join()).toMatch(/"some\.custom_block" .* counted as quantized/);
  });
});

describe("ModelOpt's hf_quant_config.json (NVIDIA FP8 / NVFP4 repos)", () => {
  // The NVIDIA repo shape: config.json without quantization_config, and ModelOpt's unified
  // export beside it (modelopt.torch.export: {producer, quantization: {quant_algo, …}}).
  const fp8 = {
    producer: { name: "modelopt", version: "0.15.0" },
    quantization: { quant_algo: "FP8", kv_cache_quant_algo: "FP8", exclude_modules: ["lm_head"] },
  };

  it("an FP8 checkpoint declared only in hf_quant_config.json is sized at 8 bits, not BF16", () => {
    const spec = parseModelConfig(LLAMA_8B, { hfQuantConfig: fp8 });
    expect(spec.quantization).toMatchObject({ method: "modelopt", bits: 8, scope: "linear" });
    expect(spec.quantization?.modulesNotQuantized).toEqual(["lm_head"]);
    expect(estimateInferenceFromSpec(spec).memory.weightsBytes).toBe(LINEAR + OTHER * 2);
    // Half the BF16 figure on the projections: 8.99 GB, not 16.06 GB.
    expect((LINEAR + OTHER * 2) / (8_030_261_248 * 2)).toBeCloseTo(0.565, 3);
  });

  it("NVFP4 with exclude_modules keeping attention in BF16", () => {
    const spec = parseModelConfig(LLAMA_8B, {
      hfQuantConfig: {
        producer: { name: "modelopt" },
        quantization: {
          quant_algo: "NVFP4",
          group_size: 16,
          exclude_modules: ["lm_head", "*self_attn*"],
        },
      },
    });
    const attention = 32 * ATTENTION_PER_LAYER;
    expect(spec.quantization?.unquantizedParameters).toBe(attention);
    expect(estimateInferenceFromSpec(spec).memory.weightsBytes).toBe(
      ((LINEAR - attention) * 4.5) / 8 + (OTHER + attention) * 2,
    );
  });

  it("config.json's quantization_config wins over hf_quant_config.json", () => {
    const spec = parseModelConfig(
      { ...LLAMA_8B, quantization_config: { quant_method: "awq", bits: 4, group_size: 128 } },
      { hfQuantConfig: fp8 },
    );
    expect(spec.quantization?.method).toBe("awq");
  });

  it("a file that is not ModelOpt's shape is CONFIG_INVALID, naming the file", () => {
    expect(() =>
      parseModelConfig(LLAMA_8B, { subject: "org/m", hfQuantConfig: { quantization: 3 } }),
    ).toThrow(InvalidConfigError);
    expect(() =>
      parseModelConfig(LLAMA_8B, { subject: "org/m", hfQuantConfig: { producer: {} } }),
    ).toThrow(/org\/m hf_quant_config\.json/);
  });

  it("an algorithm vramfit cannot size is refused, named", () => {
    const mixed = {
      producer: { name: "modelopt" },
      quantization: { quant_algo: "MIXED_PRECISION" },
    };
    expect(() => parseModelConfig(LLAMA_8B, { hfQuantConfig: mixed })).toThrow(
      UnsupportedArchitectureError,
    );
    expect(() => parseModelConfig(LLAMA_8B, { hfQuantConfig: mixed })).toThrow(/MIXED_PRECISION/);
  });

  it("the parameter count is unchanged by where the quantization is declared", () => {
    const plain = countParameters(parseModelConfig(LLAMA_8B)).total;
    expect(countParameters(parseModelConfig(LLAMA_8B, { hfQuantConfig: fp8 })).total).toBe(plain);
  });
});
