// The repos the fake Hub serves in the Hub tests, and an isolated environment per test
// (temporary home, caches and token file) so no test sees the real ones.
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { FakeRepo } from "./fake-hub.js";
import { loadFixture } from "./fixtures.js";
import {
  declaredHeaderLength,
  headerFile,
  llamaTensors,
  safetensorsFile,
  shardedSafetensors,
  textFile,
  type TensorSpec,
} from "./safetensors.js";

/** A token the fake Hub knows and that is approved for the gated and private repos. */
export const APPROVED_TOKEN = "hf_ApprovedSecretToken0123456789";
/** A token the fake Hub knows but that is approved for nothing. */
export const UNAPPROVED_TOKEN = "hf_UnapprovedSecretToken987654321";
/** Every token the fake Hub accepts as valid. */
export const KNOWN_TOKENS = [APPROVED_TOKEN, UNAPPROVED_TOKEN];

/** Commit shas: 40 hex digits, one per repo. */
export function sha(seed: number): string {
  return seed.toString(16).padStart(8, "0").repeat(5);
}

/** A small Llama config (2 layers) with its real-shaped tensors. */
export const TINY_CONFIG = {
  architectures: ["LlamaForCausalLM"],
  model_type: "llama",
  hidden_size: 256,
  intermediate_size: 512,
  num_hidden_layers: 2,
  num_attention_heads: 4,
  num_key_value_heads: 2,
  vocab_size: 1000,
  max_position_embeddings: 2048,
  tie_word_embeddings: false,
  torch_dtype: "bfloat16",
};

/**
 * Tiny's parameters by hand: embed + head 2 × 1000 × 256, per layer q, o 256² each, k, v
 * 128 × 256 each, gate, up, down 512 × 256 each, 2 norms of 256; the final norm 256.
 */
export const TINY_PARAMETERS =
  2 * 1000 * 256 + 2 * (2 * 256 * 256 + 2 * 128 * 256 + 3 * 512 * 256 + 2 * 256) + 256;

const llama8b = loadFixture("meta-llama__Meta-Llama-3-8B");
const gpt2 = loadFixture("openai-community__gpt2");
/** GPT-2 (truth.json): the Hub's safetensors count, causal-mask buffers included, and its real parameters. */
export const GPT2_COUNTS = {
  hub: gpt2.truth.params_total!,
  parameters: gpt2.truth.model_parameters_excluding_buffers!,
};

/** GPT-2's tensors as its model.safetensors names and shapes them (Conv1D: [in, out]), masks included. */
export function gpt2Tensors(): Record<string, TensorSpec> {
  const tensors: Record<string, TensorSpec> = {
    "wte.weight": { dtype: "F32", shape: [50257, 768] },
    "wpe.weight": { dtype: "F32", shape: [1024, 768] },
  };
  for (let layer = 0; layer < 12; layer++) {
    const p = `h.${layer}`;
    Object.assign(tensors, {
      [`${p}.ln_1.weight`]: { dtype: "F32", shape: [768] },
      [`${p}.ln_1.bias`]: { dtype: "F32", shape: [768] },
      [`${p}.attn.bias`]: { dtype: "F32", shape: [1, 1, 1024, 1024] },
      [`${p}.attn.c_attn.weight`]: { dtype: "F32", shape: [768, 2304] },
      [`${p}.attn.c_attn.bias`]: { dtype: "F32", shape: [2304] },
      [`${p}.attn.c_proj.weight`]: { dtype: "F32", shape: [768, 768] },
      [`${p}.attn.c_proj.bias`]: { dtype: "F32", shape: [768] },
      [`${p}.ln_2.weight`]: { dtype: "F32", shape: [768] },
      [`${p}.ln_2.bias`]: { dtype: "F32", shape: [768] },
      [`${p}.mlp.c_fc.weight`]: { dtype: "F32", shape: [768, 3072] },
      [`${p}.mlp.c_fc.bias`]: { dtype: "F32", shape: [3072] },
      [`${p}.mlp.c_proj.weight`]: { dtype: "F32", shape: [3072, 768] },
      [`${p}.mlp.c_proj.bias`]: { dtype: "F32", shape: [768] },
    } satisfies Record<string, TensorSpec>);
  }
  tensors["ln_f.weight"] = { dtype: "F32", shape: [768] };
  tensors["ln_f.bias"] = { dtype: "F32", shape: [768] };
  return tensors;
}
/** Meta-Llama-3-8B's published parameter count (fixtures truth.json). */
export const LLAMA_8B_PARAMETERS = llama8b.truth.params_total!;

function config(value: unknown) {
  return textFile(JSON.stringify(value));
}

/** GPTQ 4-bit group-128 tensors of one linear layer [out, in], as AutoGPTQ stores them. */
function gptqLinear(name: string, out: number, inFeatures: number): Record<string, TensorSpec> {
  return {
    [`${name}.qweight`]: { dtype: "I32", shape: [inFeatures / 8, out] },
    [`${name}.qzeros`]: { dtype: "I32", shape: [inFeatures / 128, out / 8] },
    [`${name}.scales`]: { dtype: "F16", shape: [inFeatures / 128, out] },
    [`${name}.g_idx`]: { dtype: "I32", shape: [inFeatures] },
  };
}

/** Tiny, quantized with GPTQ: every projection packed, embeddings, head and norms in F16. */
export function gptqTensors(): Record<string, TensorSpec> {
  const tensors: Record<string, TensorSpec> = {
    "model.embed_tokens.weight": { dtype: "F16", shape: [1000, 256] },
    "lm_head.weight": { dtype: "F16", shape: [1000, 256] },
    "model.norm.weight": { dtype: "F16", shape: [256] },
  };
  for (let layer = 0; layer < 2; layer++) {
    const p = `model.layers.${layer}`;
    Object.assign(
      tensors,
      gptqLinear(`${p}.self_attn.q_proj`, 256, 256),
      gptqLinear(`${p}.self_attn.k_proj`, 128, 256),
      gptqLinear(`${p}.self_attn.v_proj`, 128, 256),
      gptqLinear(`${p}.self_attn.o_proj`, 256, 256),
      gptqLinear(`${p}.mlp.gate_proj`, 512, 256),
      gptqLinear(`${p}.mlp.up_proj`, 512, 256),
      gptqLinear(`${p}.mlp.down_proj`, 256, 512),
    );
    tensors[`${p}.input_layernorm.weight`] = { dtype: "F16", shape: [256] };
    tensors[`${p}.post_attention_layernorm.weight`] = { dtype: "F16", shape: [256] };
  }
  return tensors;
}

/** Tiny in FP8 (compressed like RedHatAI's FP8-dynamic checkpoints): F8 projections, F32 scales per row. */
export function fp8Tensors(): Record<string, TensorSpec> {
  const tensors: Record<string, TensorSpec> = {};
  for (const [name, tensor] of Object.entries(llamaTensors(TINY_CONFIG))) {
    const projection = /_proj\.weight$/.test(name);
    tensors[name] = { dtype: projection ? "F8_E4M3" : "BF16", shape: tensor.shape };
    if (projection) {
      tensors[name.replace(/weight$/, "weight_scale")] = {
        dtype: "F32",
        shape: [tensor.shape[0]!, 1],
      };
    }
  }
  return tensors;
}

/** Every repo of the Hub tests. */
export function hubRepos(): FakeRepo[] {
  const tiny = { "config.json": config(TINY_CONFIG) };
  return [
    {
      id: "test-org/tiny",
      sha: sha(1),
      refs: { "v1.0": sha(101) },
      files: { ...tiny, "model.safetensors": safetensorsFile(llamaTensors(TINY_CONFIG)) },
    },
    {
      id: "test-org/sharded",
      sha: sha(2),
      files: { ...tiny, ...shardedSafetensors(llamaTensors(TINY_CONFIG), 2) },
    },
    {
      id: "meta-llama/Meta-Llama-3-8B",
      sha: sha(3),
      gated: "manual",
      approvedTokens: [APPROVED_TOKEN],
      files: {
        "config.json": config(llama8b.config),
        ...shardedSafetensors(llamaTensors(llama8b.config as never), 4),
      },
    },
    {
      id: "test-org/gated",
      sha: sha(4),
      gated: "manual",
      approvedTokens: [APPROVED_TOKEN],
      files: { ...tiny, "model.safetensors": safetensorsFile(llamaTensors(TINY_CONFIG)) },
    },
    {
      id: "test-org/private",
      sha: sha(5),
      private: true,
      approvedTokens: [APPROVED_TOKEN],
      files: { ...tiny, "model.safetensors": safetensorsFile(llamaTensors(TINY_CONFIG)) },
    },
    {
      id: "test-org/no-safetensors",
      sha: sha(6),
      files: { ...tiny, "pytorch_model.bin": { ...textFile("bin"), lfs: true } },
    },
    {
      id: "test-org/gptq",
      sha: sha(7),
      files: {
        "config.json": config({
          ...TINY_CONFIG,
          torch_dtype: "float16",
          quantization_config: { quant_method: "gptq", bits: 4, group_size: 128, desc_act: false },
        }),
        "model.safetensors": safetensorsFile(gptqTensors()),
      },
    },
    {
      id: "test-org/fp8",
      sha: sha(8),
      files: {
        "config.json": config({ ...TINY_CONFIG, quantization_config: { quant_method: "fp8" } }),
        "model.safetensors": safetensorsFile(fp8Tensors()),
      },
    },
    {
      id: "test-org/variants",
      sha: sha(9),
      safetensors: { parameters: { BF16: 1_234_567 }, total: 1_234_567 },
      files: {
        ...tiny,
        "model-fp16.safetensors": safetensorsFile(llamaTensors(TINY_CONFIG, "F16")),
        "model-bf16.safetensors": safetensorsFile(llamaTensors(TINY_CONFIG)),
      },
    },
    {
      id: "test-org/bad-config",
      sha: sha(10),
      files: { "config.json": config({ ...TINY_CONFIG, hidden_size: "4096" }) },
    },
    {
      id: "test-org/proto-config",
      sha: sha(11),
      files: {
        // A crafted config: the layer count hides behind __proto__.
        "config.json": textFile(
          JSON.stringify({ ...TINY_CONFIG, num_hidden_layers: undefined }).replace(
            "{",
            '{"__proto__":{"num_hidden_layers":999,"polluted":true},',
          ),
        ),
      },
    },
    {
      id: "test-org/huge-config",
      sha: sha(12),
      files: { "config.json": { ...config(TINY_CONFIG), size: 5 * 1024 * 1024 } },
    },
    {
      id: "test-org/huge-header",
      sha: sha(13),
      files: { ...tiny, "model.safetensors": declaredHeaderLength(30_000_000) },
    },
    {
      id: "test-org/bad-header",
      sha: sha(14),
      files: {
        ...tiny,
        "model.safetensors": headerFile(
          JSON.stringify({
            "model.norm.weight": { dtype: "BF16", shape: [256], data_offsets: [512, 0] },
          }),
          512,
        ),
      },
    },
    {
      id: "openai-community/gpt2",
      sha: sha(16),
      safetensors: { parameters: { F32: GPT2_COUNTS.hub }, total: GPT2_COUNTS.hub },
      files: {
        "config.json": config(gpt2.config),
        "model.safetensors": safetensorsFile(gpt2Tensors()),
      },
    },
    {
      id: "test-org/not-json-config",
      sha: sha(15),
      files: { "config.json": textFile('{"model_type": "llama", "hidden_size": 25') },
    },
    {
      // The NVIDIA ModelOpt repo shape: config.json without quantization_config, the
      // quantization in hf_quant_config.json beside it, FP8 projections in the weights.
      id: "test-org/modelopt-fp8",
      sha: sha(17),
      files: {
        ...tiny,
        "hf_quant_config.json": config(MODELOPT_FP8),
        "model.safetensors": safetensorsFile(fp8Tensors()),
      },
    },
    {
      // The same without safetensors: only the two config files say how the weights are stored.
      id: "test-org/modelopt-fp8-bin",
      sha: sha(18),
      files: {
        ...tiny,
        "hf_quant_config.json": config(MODELOPT_FP8),
        "pytorch_model.bin": { ...textFile("bin"), lfs: true },
      },
    },
  ];
}

/**
 * ModelOpt's hf_quant_config.json for an FP8 checkpoint, in the shape its unified Hugging Face
 * export writes (producer, then quantization with quant_algo, kv_cache_quant_algo and
 * exclude_modules).
 */
export const MODELOPT_FP8 = {
  producer: { name: "modelopt", version: "0.19.0" },
  quantization: { quant_algo: "FP8", kv_cache_quant_algo: "FP8", exclude_modules: ["lm_head"] },
};

/** A fresh temporary folder. */
export function tempDir(prefix = "vramfit-hub-"): string {
  return mkdtempSync(join(tmpdir(), prefix));
}

/** Environment variables with a temporary home and caches, and nothing else. */
export function isolatedEnv(extra: Record<string, string> = {}): Record<string, string> {
  const home = tempDir();
  return {
    HOME: home,
    XDG_CACHE_HOME: join(home, ".cache"),
    HF_HOME: join(home, ".cache", "huggingface"),
    ...extra,
  };
}
