/**
 * The start-up rules of the engines and tools the templates target, and what the generators do
 * about each: `"throw"` an `EngineRuleError` (the plan asks for something the engine refuses and
 * there is no safe guess), `"fix"` the value and record a note, `"note"` only (the engine merely
 * warns, or vramfit lacks the facts to be sure), or `"construct"` (the generator's output satisfies
 * it by construction, and the tests check that it does).
 */
import { EngineRuleError } from "../../errors.js";

/** What a generator does when a plan meets a rule. */
export type RuleHandling = "throw" | "fix" | "note" | "construct";

/** One engine rule. */
export interface EngineRule {
  /** The engine or tool: "vllm", "tgi", "axolotl", "aws" or "kubernetes". */
  readonly engine: string;
  /** The rule, as the engine states or enforces it. */
  readonly statement: string;
  /** What the generators do about it. */
  readonly handling: RuleHandling;
  /** Where the engine enforces it. */
  readonly source: string;
}

/** Every rule the generators apply, by stable id. */
export const ENGINE_RULES = {
  "vllm/batched-tokens-at-least-seqs": {
    engine: "vllm",
    statement: "max_num_batched_tokens >= max_num_seqs (ValueError at start-up)",
    handling: "throw",
    source: "vllm/config/scheduler.py @ 1f8758d (verify_max_model_len)",
  },
  "vllm/batched-tokens-cover-model-len": {
    engine: "vllm",
    statement:
      "with chunked prefill disabled, max_num_batched_tokens >= max_model_len (ValueError; vLLM >= 0.24)",
    handling: "throw",
    source: "vllm/config/scheduler.py @ 1f8758d; verl-project/verl#7632",
  },
  "vllm/batched-tokens-at-most-seqs-times-len": {
    engine: "vllm",
    statement: "a warning when max_num_batched_tokens > max_num_seqs × max_model_len",
    handling: "note",
    source: "vllm/config/scheduler.py @ 1f8758d",
  },
  "vllm/max-lora-rank-choices": {
    engine: "vllm",
    statement:
      "--max-lora-rank is one of 1, 8, 16, 32, 64, 128, 256, 320, 512 and at least every adapter's rank",
    handling: "fix",
    source: "vllm/config/lora.py @ a78dc92",
  },
  "vllm/tp-divides-attention-heads": {
    engine: "vllm",
    statement: "num_attention_heads % tensor_parallel_size == 0 (ValueError)",
    handling: "throw",
    source: "vllm/config/model.py @ 0052a5b (ModelConfig.verify_with_parallel_config)",
  },
  "vllm/tp-splits-kv-heads": {
    engine: "vllm",
    statement:
      "KV heads split evenly over TP ranks (kv_heads % tp == 0), or are replicated evenly when tp > kv_heads (tp % kv_heads == 0)",
    handling: "throw",
    source: "vllm/model_executor/layers/linear.py @ 9e109c9 (QKVParallelLinear, divide())",
  },
  "vllm/max-model-len-within-model": {
    engine: "vllm",
    statement:
      "max_model_len above the model's derived maximum (max_position_embeddings × any RoPE scaling) is refused",
    handling: "note",
    source: "vllm/config/model.py @ 0052a5b (get_and_verify_max_len)",
  },
  "vllm/kv-cache-dtype-choices": {
    engine: "vllm",
    statement: "--kv-cache-dtype is one of the catalog's choices (no float32)",
    handling: "throw",
    source: "docs.vllm.ai engine args (late 2026); vllm/config/cache.py @ c1d8642",
  },
  "vllm/no-online-int8": {
    engine: "vllm",
    statement:
      "online (in-flight) weight quantization is fp8 or bitsandbytes 4-bit; 8-bit integer weights need a pre-quantized checkpoint",
    handling: "throw",
    source: "vllm/model_executor/layers/quantization/__init__.py @ 05d9095",
  },
  "vllm/deprecated-quantization": {
    engine: "vllm",
    statement: "deprecated quantization methods load only with --allow-deprecated-quantization",
    handling: "throw",
    source:
      "vllm/model_executor/layers/quantization/__init__.py @ 05d9095; vllm-project/vllm#30136",
  },
  "vllm/no-quantization-flag-for-prequantized": {
    engine: "vllm",
    statement:
      "a pre-quantized checkpoint declares its method in quantization_config; --quantization is omitted (a mismatching one is a ValueError)",
    handling: "construct",
    source: "vllm/config/model.py @ 0052a5b (_verify_quantization)",
  },
  "vllm/int4-route-supported": {
    engine: "vllm",
    statement:
      "an INT4 plan uses a method the targeted release has in core (a pre-quantized AWQ/GPTQ/compressed-tensors checkpoint), or bitsandbytes with vllm-bnb-plugin installed from 0.28 on",
    handling: "construct",
    source: "vllm-project/vllm#43529 (v0.28.0); VLLM_RELEASES, VLLM_CHANGES",
  },
  "vllm/gpus-equal-tp-times-pp": {
    engine: "vllm",
    statement: "a replica needs tensor_parallel_size × pipeline_parallel_size GPUs",
    handling: "construct",
    source: "docs.vllm.ai engine args (late 2026)",
  },
  "vllm/limit-mm-per-prompt-json": {
    engine: "vllm",
    statement:
      "--limit-mm-per-prompt takes JSON ('{\"image\": 4}'); the key=value form is rejected",
    handling: "construct",
    source: "vllm-project/vllm#39687; vllm-project/recipes#446",
  },
  "tgi/input-below-total": {
    engine: "tgi",
    statement: "max_input_tokens < max_total_tokens",
    handling: "throw",
    source: "launcher/src/main.rs @ v3.3.7",
  },
  "tgi/prefill-covers-input": {
    engine: "tgi",
    statement: "max_batch_prefill_tokens >= max_input_tokens",
    handling: "fix",
    source: "launcher/src/main.rs @ v3.3.7; backends/v3/src/main.rs",
  },
  "tgi/max-batch-size-caps-requests": {
    engine: "tgi",
    statement:
      "--max-batch-total-tokens is inferred from free memory and ignored for flash-attention models (Llama, Mistral, ...); --max-batch-size caps the requests in a batch",
    handling: "construct",
    source: "docs/source/reference/launcher.md @ v3.3.7 (MAX_BATCH_TOTAL_TOKENS, MAX_BATCH_SIZE)",
  },
  "tgi/prefill-within-batch-total": {
    engine: "tgi",
    statement: "max_batch_prefill_tokens <= max_batch_size × max_total_tokens",
    handling: "fix",
    source: "backends/v3/src/main.rs @ v3.3.7",
  },
  "tgi/total-within-batch-total": {
    engine: "tgi",
    statement:
      "max_total_tokens <= max_batch_total_tokens (TGI infers the batch total; vramfit does not emit it)",
    handling: "construct",
    source: "backends/v3/src/main.rs @ v3.3.7",
  },
  "tgi/shards-divide-heads": {
    engine: "tgi",
    statement: "num_attention_heads % num_shard == 0 (ValueError in the model code)",
    handling: "throw",
    source: "server/text_generation_server/models/custom_modeling/flash_llama_modeling.py @ v3.3.7",
  },
  "tgi/exl2-no-sharding": {
    engine: "tgi",
    statement: "exl2 checkpoints cannot be sharded (num_shard > 1 is an error)",
    handling: "throw",
    source: "docs/source/reference/launcher.md @ v3.3.7",
  },
  "tgi/dtype-choices": {
    engine: "tgi",
    statement: "--dtype is float16 or bfloat16, and only without --quantize",
    handling: "throw",
    source: "docs/source/reference/launcher.md @ v3.3.7",
  },
  "tgi/no-max-input-length": {
    engine: "tgi",
    statement: "not both --max-input-tokens and its legacy alias --max-input-length",
    handling: "construct",
    source: "launcher/src/main.rs @ v3.3.7",
  },
  "axolotl/qlora-needs-4bit": {
    engine: "axolotl",
    statement: "adapter: qlora requires load_in_4bit: true and rejects load_in_8bit",
    handling: "construct",
    source: "src/axolotl/utils/schemas/peft.py @ v0.18.0 (validate_qlora)",
  },
  "axolotl/warmup-steps-or-ratio": {
    engine: "axolotl",
    statement: "warmup_steps and warmup_ratio cannot be used together",
    handling: "construct",
    source: "src/axolotl/utils/schemas/config.py @ v0.18.0",
  },
  "axolotl/attn-implementation-only": {
    engine: "axolotl",
    statement: "attn_implementation and the deprecated flash_attention together are a ValueError",
    handling: "construct",
    source: "axolotl-ai-cloud/axolotl#3602 (v0.17.0)",
  },
  "aws/replica-fits-instance": {
    engine: "aws",
    statement: "one replica's GPUs (TP × PP) fit on one instance; the templates do not span nodes",
    handling: "throw",
    source: "vramfit: the templates pin each replica to GPUs of one instance",
  },
  "aws/user-data-16kb": {
    engine: "aws",
    statement: "EC2 user data is at most 16 KB before base64 encoding",
    handling: "throw",
    source: "docs.aws.amazon.com/AWSEC2/latest/UserGuide/user-data.html",
  },
  "kubernetes/gpu-limit-equals-replica": {
    engine: "kubernetes",
    statement: "nvidia.com/gpu limits and requests equal TP × PP",
    handling: "construct",
    source: "vllm-project/vllm docs/deployment/k8s.md @ 051f9b8",
  },
} as const satisfies Record<string, EngineRule>;

/** The id of a rule in {@link ENGINE_RULES}. */
export type EngineRuleId = keyof typeof ENGINE_RULES;

/** Builds the {@link EngineRuleError} for a rule, with the rule's statement and source in the message. */
export function engineRuleError(
  rule: EngineRuleId,
  problem: string,
  hint: string,
): EngineRuleError {
  const spec = ENGINE_RULES[rule];
  return new EngineRuleError(
    spec.engine,
    rule,
    `${problem}: ${spec.engine} requires ${spec.statement} (${spec.source}).`,
    { hint },
  );
}
