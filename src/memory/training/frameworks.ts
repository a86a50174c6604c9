/**
 * What each training framework does by default, as training options: the attention kernel, how
 * the loss treats the logits, LoRA dropout, checkpointing, the optimizer and how parameters are
 * sharded. A preset only fills options the caller left out. Every value names the file it was
 * read from. See docs/methodology.md#frameworks.
 */

/** A training framework whose defaults vramfit knows. */
export type TrainingFramework = "hf" | "torchtune" | "litgpt" | "axolotl" | "deepspeed";

/** The options a framework preset may default, and the values it may give them. */
export interface FrameworkDefaults {
  /** Attention kernel. */
  readonly attention?: "flash" | "sdpa" | "eager";
  /** How the loss handles the logits. */
  readonly crossEntropy?: "standard" | "chunked" | "fused";
  /** Whether the loss upcasts the logits to FP32. */
  readonly lossPrecision?: "fp32" | "bf16";
  /** Precision of full training. */
  readonly precision?: "mixed" | "amp" | "fp32" | "bf16";
  /** Precision of full training when ZeRO or FSDP shards it (their own mixed precision). */
  readonly shardedPrecision?: "mixed" | "amp" | "fp32" | "bf16";
  /** Precision of LoRA adapters. */
  readonly adapterPrecision?: "mixed" | "amp" | "fp32" | "bf16";
  /** LoRA dropout probability. */
  readonly loraDropout?: number;
  /** Full activation checkpointing. */
  readonly gradientCheckpointing?: boolean;
  /** Optimizer of full training. */
  readonly optimizer?: "adamw" | "adamw-8bit" | "paged-adamw" | "paged-adamw-8bit";
  /** Optimizer of LoRA / QLoRA adapters. */
  readonly adapterOptimizer?: "adamw" | "adamw-8bit" | "paged-adamw" | "paged-adamw-8bit";
  /** A fused (single-kernel) optimizer step: no foreach temporaries. */
  readonly fusedOptimizer?: boolean;
  /** What shards parameters when `zeroStage` > 0. */
  readonly shardingEngine?: "deepspeed" | "fsdp";
  /** FSDP units that mix frozen and trainable weights keep gradients for both (FSDP1, one flat parameter per block). */
  readonly frozenGradientBuffers?: boolean;
  /** Batches padded to their own longest sample (dynamic padding): shapes change step to step. */
  readonly variableLengthBatches?: boolean;
}

/** One framework's preset: its defaults, a label and the sources of every value. */
export interface FrameworkPreset {
  /** Human name. */
  readonly label: string;
  /** The option defaults it implies. */
  readonly defaults: FrameworkDefaults;
  /** Where each default was read, one line per source. */
  readonly sources: readonly string[];
}

/**
 * The presets. Values not listed keep vramfit's own defaults (docs/methodology.md#frameworks).
 * - `hf`: transformers' Trainer with PEFT. SDPA is the default attention since transformers 4.36;
 *   `ForCausalLMLoss` upcasts the logits (`logits = logits.float()`); PEFT's `LoraConfig` has
 *   `lora_dropout=0.0` and keeps adapters in FP32 (`autocast_adapter_dtype=True`); the Trainer's
 *   `bf16=True` is autocast over FP32 weights; `adamw_torch` is torch's foreach AdamW.
 * - `torchtune`: `dtype: bf16` (weights, adapters, gradients and AdamW states in BF16), torch SDPA,
 *   `CEWithChunkedOutputLoss` (8 chunks, each upcast to FP32), `lora_dropout: 0.0`,
 *   `enable_activation_checkpointing: True`, `fused: True` AdamW, FSDP for several GPUs.
 * - `litgpt`: `--precision bf16-true`, torch SDPA, the LM head run in 128-token chunks with a BF16
 *   cross-entropy, LoRA dropout 0.05, torch AdamW (bnb `PagedAdamW` when the base is quantized),
 *   Lightning's FSDP1 strategy wrapping whole blocks (frozen and LoRA weights in one flat
 *   parameter, so the frozen ones get gradient buffers).
 * - `axolotl`: transformers' Trainer under its example configs: flash attention, gradient
 *   checkpointing, `lora_dropout: 0.05`, `bf16: auto` (the model loaded in BF16),
 *   `adamw_bnb_8bit` for LoRA and `paged_adamw_8bit` for full fine-tuning.
 * - `deepspeed`: DeepSpeed ZeRO with its FusedAdam (16-bit weights and gradients, FP32 master and
 *   states), sized as DeepSpeed's own estimators do.
 */
export const FRAMEWORK_PRESETS = {
  hf: {
    label: "Hugging Face transformers Trainer + PEFT",
    defaults: {
      attention: "sdpa",
      crossEntropy: "standard",
      lossPrecision: "fp32",
      precision: "amp",
      shardedPrecision: "mixed",
      adapterPrecision: "fp32",
      loraDropout: 0,
      optimizer: "adamw",
      adapterOptimizer: "adamw",
      fusedOptimizer: false,
      shardingEngine: "deepspeed",
      variableLengthBatches: true,
    },
    sources: [
      "transformers docs perf_infer_gpu_one: SDPA is the default attn_implementation since v4.36",
      "transformers src/transformers/loss/loss_utils.py ForCausalLMLoss: `logits = logits.float()` (upcast before the loss)",
      "peft src/peft/tuners/lora/config.py @5d602fdb: lora_dropout = 0.0; PeftModel autocast_adapter_dtype=True keeps adapters in FP32",
      "transformers TrainingArguments: `bf16` = mixed precision (autocast) over FP32 weights; optim `adamw_torch` = torch.optim.AdamW (foreach on CUDA)",
      "transformers integrations/deepspeed.py: with a DeepSpeed config the Trainer hands mixed precision to DeepSpeed (16-bit weights, FP32 master)",
      "transformers data/data_collator.py DataCollatorWithPadding / DataCollatorForSeq2Seq: padding=True pads each batch to its longest sequence (dynamic padding)",
    ],
  },
  torchtune: {
    label: "torchtune",
    defaults: {
      attention: "sdpa",
      crossEntropy: "chunked",
      lossPrecision: "fp32",
      precision: "bf16",
      adapterPrecision: "bf16",
      loraDropout: 0,
      gradientCheckpointing: true,
      optimizer: "adamw",
      adapterOptimizer: "adamw",
      fusedOptimizer: true,
      shardingEngine: "fsdp",
      frozenGradientBuffers: false,
      variableLengthBatches: true,
    },
    sources: [
      "torchtune recipes/configs/llama3_1/8B_lora_single_device.yaml @2943c61e: lora_dropout 0.0, optimizer torch.optim.AdamW fused: True, dtype: bf16, enable_activation_checkpointing: True",
      "torchtune torchtune/modules/loss CEWithChunkedOutputLoss (8 chunks, `logits.float()` per chunk) @30b8519e",
      "torchtune torchtune/modules/attention.py: torch scaled_dot_product_attention",
      "torchtune data/_collate.py padded_collate_sft: pads each batch to its longest sample unless the dataset is packed (packed: True gives fixed-length batches)",
      "torchtune training/_distributed.py shard_model: FSDP2 fully_shard per layer (LoRA and frozen weights sharded per parameter)",
    ],
  },
  litgpt: {
    label: "LitGPT",
    defaults: {
      attention: "sdpa",
      crossEntropy: "chunked",
      lossPrecision: "bf16",
      precision: "bf16",
      adapterPrecision: "bf16",
      loraDropout: 0.05,
      optimizer: "adamw",
      adapterOptimizer: "adamw",
      fusedOptimizer: false,
      shardingEngine: "fsdp",
      frozenGradientBuffers: true,
      variableLengthBatches: true,
    },
    sources: [
      "litgpt finetune/lora.py @5895df10: model(input_ids, lm_head_chunk_size=128) + chunked_cross_entropy on the BF16 logits; torch.optim.AdamW, bnb.optim.PagedAdamW with a quantized base",
      "litgpt config_hub/finetune/*/lora.yaml: lora_dropout 0.05, precision bf16-true",
      "litgpt data/base.py get_sft_collate_fn: pads each batch to its longest sample",
      "litgpt PR #1538 quotes PyTorch's FSDP warning: gradient memory 'higher than expected (1451376640 numel instead of 106496 numel before sharding via reduce-scatter)' with LoRA in whole-block FSDP units",
    ],
  },
  axolotl: {
    label: "Axolotl",
    defaults: {
      attention: "flash",
      crossEntropy: "standard",
      lossPrecision: "fp32",
      precision: "bf16",
      adapterPrecision: "fp32",
      loraDropout: 0.05,
      gradientCheckpointing: true,
      optimizer: "paged-adamw-8bit",
      adapterOptimizer: "adamw-8bit",
      fusedOptimizer: false,
      shardingEngine: "deepspeed",
    },
    sources: [
      "axolotl examples/llama-3/lora-8b.yml @9f824ef7: lora_dropout 0.05, optimizer adamw_bnb_8bit, bf16: auto, gradient_checkpointing: true, flash_attention: true",
      "axolotl examples/llama-3/fft-8b.yaml @b3b93e64: optimizer paged_adamw_8bit, gradient_checkpointing: true, flash_attention: true",
    ],
  },
  deepspeed: {
    label: "DeepSpeed ZeRO",
    defaults: {
      precision: "mixed",
      optimizer: "adamw",
      fusedOptimizer: true,
      shardingEngine: "deepspeed",
    },
    sources: [
      "DeepSpeed deepspeed/runtime/zero/stage_1_and_2.py estimate_zero2_model_states_mem_needs and stage3.py estimate_zero3_model_states_mem_needs @38327e07 (16-bit params and grads, FP32 master, grads and Adam states)",
      "DeepSpeed ops/adam FusedAdam: one multi-tensor kernel, no per-step temporaries",
    ],
  },
} as const satisfies Record<TrainingFramework, FrameworkPreset>;

/** Every {@link TrainingFramework}, in table order. */
export const TRAINING_FRAMEWORKS = Object.keys(FRAMEWORK_PRESETS) as readonly TrainingFramework[];
