/**
 * One table that translates vramfit's precisions into each engine's flags, so vLLM and TGI never
 * disagree about what a plan means. Pre-quantized checkpoints get no quantization flag at all
 * (both engines read `quantization_config`); this table covers weights the engine loads from a
 * 16-bit checkpoint.
 */
import type { KvCacheDtype, WeightPrecision } from "../../memory/precision.js";

/** The flags that load 16-bit weights at a precision, per engine; `undefined` where the engine cannot. */
export interface PrecisionFlags {
  /** vLLM: `--dtype` for 16/32-bit, `--quantization` for in-flight quantization. */
  readonly vllm: { readonly dtype: string } | { readonly quantization: string } | undefined;
  /** TGI: `--dtype` for 16-bit, `--quantize` for in-flight quantization. */
  readonly tgi: { readonly dtype: string } | { readonly quantize: string } | undefined;
  /** Why, for the less obvious rows. */
  readonly note: string;
}

/**
 * Weight precision → engine flags. Sources: vLLM engine args (`--dtype` choices; `fp8` and
 * `bitsandbytes` in-flight quantization) and TGI launcher.md @ v3.3.7 (`--dtype` float16/bfloat16;
 * `--quantize` eetq for 8-bit, bitsandbytes-nf4 for 4-bit, fp8).
 */
export const WEIGHT_PRECISION_FLAGS = {
  fp32: {
    vllm: { dtype: "float32" },
    tgi: undefined,
    note: "TGI's --dtype has no float32",
  },
  bf16: { vllm: { dtype: "bfloat16" }, tgi: { dtype: "bfloat16" }, note: "" },
  fp16: { vllm: { dtype: "float16" }, tgi: { dtype: "float16" }, note: "" },
  fp8: {
    vllm: { quantization: "fp8" },
    tgi: { quantize: "fp8" },
    note: "online FP8: native speed needs Hopper or Ada GPUs",
  },
  int8: {
    vllm: undefined,
    tgi: { quantize: "eetq" },
    note: "vLLM has no in-flight INT8 weight quantization: serve an INT8 checkpoint (GPTQ 8-bit or compressed-tensors W8A8)",
  },
  int4: {
    vllm: { quantization: "bitsandbytes" },
    tgi: { quantize: "bitsandbytes-nf4" },
    note: "in-flight bitsandbytes NF4 (vLLM: only the bitsandbytes INT4 route; from 0.28 with vllm-bnb-plugin); an AWQ or GPTQ checkpoint is faster",
  },
  "int4-g128": {
    vllm: { quantization: "bitsandbytes" },
    tgi: { quantize: "bitsandbytes-nf4" },
    note: "in-flight bitsandbytes NF4 (vLLM: only the bitsandbytes INT4 route; from 0.28 with vllm-bnb-plugin); an AWQ or GPTQ checkpoint is faster",
  },
} as const satisfies Record<WeightPrecision, PrecisionFlags>;

/**
 * KV cache dtype → engine flag values; `undefined` where the engine has no such choice (TGI's
 * cache follows `--dtype` unless FP8 is asked for). vLLM `fp8` is `fp8_e4m3`; TGI spells it
 * `fp8_e4m3fn`.
 */
export const KV_CACHE_DTYPE_FLAGS = {
  auto: { vllm: "auto", tgi: undefined },
  bf16: { vllm: "bfloat16", tgi: undefined },
  fp16: { vllm: "float16", tgi: undefined },
  fp8: { vllm: "fp8", tgi: "fp8_e4m3fn" },
  fp32: { vllm: undefined, tgi: undefined },
} as const satisfies Record<
  KvCacheDtype | "auto",
  { readonly vllm: string | undefined; readonly tgi: string | undefined }
>;
