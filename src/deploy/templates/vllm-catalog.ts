/**
 * The `vllm serve` flags vramfit knows, with the version they were read from. The generators
 * emit only names from {@link VLLM_FLAGS}, never one from {@link VLLM_REMOVED_FLAGS}; the
 * tests check every emitted flag against both tables.
 */
import type { CatalogProvenance, FlagSpec, RemovedName } from "./catalog-types.js";
import { DEFAULT_VLLM_ENGINE_VERSION, VLLM_RELEASES } from "./vllm-versions.js";

/**
 * Where the flag names come from. The docs page does not print its version, so the catalog
 * claims no release: per-release facts (image, removed and moved names) are in `VLLM_RELEASES`
 * and `VLLM_CHANGES` (vllm-versions.ts).
 */
export const VLLM_CATALOG: CatalogProvenance = {
  tool: "vLLM",
  version: "docs.vllm.ai stable engine args as read on 2026-11-28 (release not printed)",
  source:
    "docs.vllm.ai/en/stable/configuration/engine_args/; vllm-project/vllm vllm/config/{cache,lora,scheduler}.py",
  recordedOn: "2026-11-28",
};

/** The container image the Docker, Kubernetes and AWS templates run by default (the default release's). */
export const VLLM_DEFAULT_IMAGE = VLLM_RELEASES[DEFAULT_VLLM_ENGINE_VERSION].image;

const ENGINE_ARGS = "docs.vllm.ai/en/stable/configuration/engine_args/ (late 2026)";
const SERVE_FRONTEND = "vllm/entrypoints/openai/cli_args.py (vllm serve frontend arguments)";

/** `--max-lora-rank` accepts only these values (`vllm/config/lora.py` @ a78dc92). */
export const VLLM_MAX_LORA_RANKS = [1, 8, 16, 32, 64, 128, 256, 320, 512] as const;

/**
 * Quantization methods in vLLM's registry (`vllm/model_executor/layers/quantization/__init__.py`
 * @ 05d9095). A checkpoint whose `quant_method` is one of these loads without `--quantization`.
 */
export const VLLM_QUANTIZATION_METHODS = [
  "awq",
  "awq_marlin",
  "gptq",
  "gptq_marlin",
  "fp8",
  "bitsandbytes",
  "compressed-tensors",
  "gguf",
  "modelopt",
  "modelopt_fp4",
  "mxfp4",
  "torchao",
  "quark",
  "moe_wna16",
  "inc",
  "auto-round",
  "cpu_awq",
] as const;

/**
 * Methods vLLM deprecated: they load only with `--allow-deprecated-quantization`, and vramfit
 * never emits that (same file @ 05d9095; RFC vllm-project/vllm#30136).
 */
export const VLLM_DEPRECATED_QUANTIZATION_METHODS = [
  "tpu_int8",
  "ptpc_fp8",
  "fbgemm_fp8",
  "fp_quant",
  "bitblas",
  "gptq_marlin_24",
  "gptq_bitblas",
  "experts_int8",
  "ipex",
  "petit_nvfp4",
] as const;

/** `--kv-cache-dtype` choices of the catalog's version (A). */
export const VLLM_KV_CACHE_DTYPES = [
  "auto",
  "bfloat16",
  "float16",
  "fp8",
  "fp8_ds_mla",
  "fp8_e4m3",
  "fp8_e5m2",
  "fp8_inc",
  "fp8_per_token_head",
  "int4_per_token_head",
  "int8_per_token_head",
  "nvfp4",
  "nvfp4_4over6",
  "nvfp4_ds_mla",
  "turboquant_3bit_nc",
  "turboquant_4bit_nc",
  "turboquant_k3v4_nc",
  "turboquant_k8v4",
] as const;

/**
 * `vllm serve` flags (long names without `--`). Boolean flags are `BooleanOptionalAction`s:
 * `--flag` and `--no-flag`. In a `--config` YAML file the same names are the keys.
 */
export const VLLM_FLAGS = {
  host: { kind: "string", source: SERVE_FRONTEND },
  port: { kind: "int", source: SERVE_FRONTEND },
  "served-model-name": { kind: "string", source: ENGINE_ARGS },
  "api-key": { kind: "string", source: SERVE_FRONTEND },
  "lora-modules": { kind: "list", source: SERVE_FRONTEND },
  config: { kind: "string", source: "vllm/utils/argparse_utils.py @ 00da11e (load_config_file)" },
  revision: { kind: "string", source: ENGINE_ARGS },
  "tensor-parallel-size": { kind: "int", source: ENGINE_ARGS },
  "pipeline-parallel-size": { kind: "int", source: ENGINE_ARGS },
  "data-parallel-size": { kind: "int", source: ENGINE_ARGS },
  "enable-expert-parallel": { kind: "bool", source: ENGINE_ARGS },
  "max-model-len": { kind: "int", source: ENGINE_ARGS },
  "gpu-memory-utilization": {
    kind: "float",
    source: "vllm/config/cache.py @ c1d8642 (gt=0, le=1)",
  },
  "kv-cache-memory-bytes": { kind: "int", source: ENGINE_ARGS },
  "max-num-seqs": { kind: "int", source: ENGINE_ARGS },
  "max-num-batched-tokens": { kind: "int", source: ENGINE_ARGS },
  dtype: {
    kind: "enum",
    choices: ["auto", "bfloat16", "float", "float16", "float32", "half"],
    source: ENGINE_ARGS,
  },
  quantization: {
    kind: "enum",
    choices: VLLM_QUANTIZATION_METHODS,
    source: "vllm/model_executor/layers/quantization/__init__.py @ 05d9095",
  },
  "quantization-config": { kind: "json", source: ENGINE_ARGS },
  "allow-deprecated-quantization": { kind: "bool", source: ENGINE_ARGS },
  "kv-cache-dtype": { kind: "enum", choices: VLLM_KV_CACHE_DTYPES, source: ENGINE_ARGS },
  "enable-prefix-caching": { kind: "bool", source: ENGINE_ARGS },
  "enable-chunked-prefill": { kind: "bool", source: ENGINE_ARGS },
  "enable-lora": { kind: "bool", source: ENGINE_ARGS },
  "max-loras": { kind: "int", source: ENGINE_ARGS },
  "max-lora-rank": {
    kind: "enum",
    choices: VLLM_MAX_LORA_RANKS,
    source: "vllm/config/lora.py @ a78dc92",
  },
  "max-cpu-loras": { kind: "int", source: ENGINE_ARGS },
  "lora-target-modules": { kind: "list", source: ENGINE_ARGS },
  "cpu-offload-gb": { kind: "float", source: ENGINE_ARGS },
  "offload-backend": { kind: "enum", choices: ["auto", "prefetch", "uva"], source: ENGINE_ARGS },
  "kv-offloading-size": { kind: "float", source: ENGINE_ARGS },
  "kv-offloading-backend": { kind: "enum", choices: ["native", "lmcache"], source: ENGINE_ARGS },
  "limit-mm-per-prompt": { kind: "json", source: ENGINE_ARGS },
  "language-model-only": { kind: "bool", source: ENGINE_ARGS },
  "structured-outputs-config": { kind: "json", source: ENGINE_ARGS },
  "cudagraph-capture-sizes": { kind: "list", source: ENGINE_ARGS },
  "mm-processor-cache-gb": { kind: "float", source: ENGINE_ARGS },
  "mm-encoder-tp-mode": { kind: "enum", choices: ["weights", "data"], source: ENGINE_ARGS },
  "eplb-config": { kind: "json", source: ENGINE_ARGS },
} as const satisfies Record<string, FlagSpec>;

/** A flag name in {@link VLLM_FLAGS}. */
export type VllmFlag = keyof typeof VLLM_FLAGS;

/**
 * Flags in {@link VLLM_FLAGS} that the generators deliberately never emit: `--cpu-offload-gb` is a
 * silent no-op under Model Runner V2 (vllm-project/vllm#51396) and costs throughput when the weights
 * already fit (#57771).
 */
export const VLLM_NEVER_EMITTED_FLAGS = ["cpu-offload-gb"] as const satisfies readonly VllmFlag[];

/** Keys a `--config` YAML file accepts besides the flags: the model (`vllm/utils/argparse_utils.py` @ 00da11e). */
export const VLLM_CONFIG_FILE_KEYS = ["model"] as const;

/** `vllm serve` flags that were removed or replaced; never emitted. */
export const VLLM_REMOVED_FLAGS = {
  "swap-space": { replacement: "none", source: "removed in v0.18.0 (vllm-project/vllm#36216)" },
  task: {
    replacement: "--runner pooling with --convert",
    source: "vllm/utils/argparse_utils.py @ 00da11e",
  },
  model: {
    replacement: "the positional model argument",
    source: "deprecated for vllm serve (vllm/utils/argparse_utils.py @ 00da11e)",
  },
  "guided-decoding-backend": {
    replacement: "--structured-outputs-config",
    source: "removed in v0.12.0 (vllm/engine/arg_utils.py @ 99d7eb5)",
  },
  "cuda-graph-sizes": {
    replacement: "--cudagraph-capture-sizes",
    source: "removed in v0.13.0 (vllm/engine/arg_utils.py @ 99d7eb5)",
  },
  "disable-mm-preprocessor-cache": {
    replacement: "--mm-processor-cache-gb 0",
    source: "removed in v0.13 (vllm/engine/arg_utils.py @ 99d7eb5)",
  },
  "enable-multimodal-encoder-data-parallel": {
    replacement: "--mm-encoder-tp-mode data",
    source: "removed in v0.13 (vllm/engine/arg_utils.py @ 99d7eb5)",
  },
  "num-redundant-experts": {
    replacement: "--eplb-config",
    source: "v0.12 (vllm/engine/arg_utils.py @ 99d7eb5)",
  },
  "eplb-window-size": {
    replacement: "--eplb-config",
    source: "v0.12 (vllm/engine/arg_utils.py @ 99d7eb5)",
  },
  "eplb-step-interval": {
    replacement: "--eplb-config",
    source: "v0.12 (vllm/engine/arg_utils.py @ 99d7eb5)",
  },
  "eplb-log-balancedness": {
    replacement: "--eplb-config",
    source: "v0.12 (vllm/engine/arg_utils.py @ 99d7eb5)",
  },
  "num-scheduler-steps": {
    replacement: "none",
    source: "multi-step scheduling removed (vllm/engine/arg_utils.py @ 99d7eb5)",
  },
  "use-v2-block-manager": { replacement: "none", source: `absent from ${ENGINE_ARGS}` },
  "max-seq-len-to-capture": { replacement: "none", source: `absent from ${ENGINE_ARGS}` },
  "enable-prompt-adapter": { replacement: "none", source: `absent from ${ENGINE_ARGS}` },
  "lora-extra-vocab-size": { replacement: "none", source: `absent from ${ENGINE_ARGS}` },
} as const satisfies Record<string, RemovedName>;
