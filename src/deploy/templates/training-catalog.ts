/**
 * The axolotl YAML keys and PEFT `LoraConfig` arguments vramfit knows, and the LoRA / QLoRA
 * presets the training templates start from.
 */
import type { CatalogProvenance, KeyTree, RemovedName } from "./catalog-types.js";

/** The axolotl version the key catalog describes. */
export const AXOLOTL_CATALOG: CatalogProvenance = {
  tool: "axolotl",
  version: "0.18.0 (2026-07-17)",
  source:
    "axolotl-ai-cloud/axolotl v0.18.0: src/axolotl/utils/schemas/{config,peft,training,model,fsdp}.py",
  recordedOn: "2026-11-28",
};

const SCHEMAS = "src/axolotl/utils/schemas @ v0.18.0";

/** `attn_implementation` choices (axolotl ≥ 0.17.0, #3602). */
export const AXOLOTL_ATTN_IMPLEMENTATIONS = [
  "eager",
  "sdpa",
  "flash_attention_2",
  "flash_attention_3",
  "flex_attention",
  "xformers",
  "sage",
  "fp8",
] as const;

/** An `attn_implementation` value axolotl accepts. */
export type AxolotlAttnImplementation = (typeof AXOLOTL_ATTN_IMPLEMENTATIONS)[number];

/** Top-level axolotl keys, each with the schema file it is defined in. */
export const AXOLOTL_KEYS = {
  base_model: SCHEMAS,
  model_type: SCHEMAS,
  tokenizer_type: SCHEMAS,
  load_in_8bit: SCHEMAS,
  load_in_4bit: SCHEMAS,
  adapter: SCHEMAS,
  lora_r: SCHEMAS,
  lora_alpha: SCHEMAS,
  lora_dropout: SCHEMAS,
  lora_target_modules: SCHEMAS,
  lora_target_linear: SCHEMAS,
  lora_modules_to_save: SCHEMAS,
  peft_use_dora: SCHEMAS,
  peft_use_rslora: SCHEMAS,
  sequence_len: SCHEMAS,
  sample_packing: SCHEMAS,
  pad_to_sequence_len: SCHEMAS,
  micro_batch_size: SCHEMAS,
  gradient_accumulation_steps: SCHEMAS,
  num_epochs: SCHEMAS,
  max_steps: SCHEMAS,
  learning_rate: SCHEMAS,
  lr_scheduler: SCHEMAS,
  optimizer: SCHEMAS,
  warmup_steps: SCHEMAS,
  warmup_ratio: SCHEMAS,
  bf16: SCHEMAS,
  fp16: SCHEMAS,
  tf32: SCHEMAS,
  gradient_checkpointing: SCHEMAS,
  attn_implementation: "src/axolotl/utils/schemas/model.py @ v0.18.0 (since v0.17.0, #3602)",
  deepspeed: SCHEMAS,
  fsdp_version: SCHEMAS,
  fsdp_config: SCHEMAS,
  datasets: SCHEMAS,
  output_dir: SCHEMAS,
  val_set_size: SCHEMAS,
  special_tokens: SCHEMAS,
  chat_template: SCHEMAS,
} as const satisfies Record<string, string>;

/** Keys of one `datasets` entry. */
export const AXOLOTL_DATASET_KEYS = ["path", "type"] as const;

/** axolotl keys that were deprecated or replaced; never emitted. */
export const AXOLOTL_DEPRECATED_KEYS = {
  flash_attention: {
    replacement: "attn_implementation: flash_attention_2",
    source: "deprecated in v0.17.0 (#3602); setting both is a ValueError",
  },
  fsdp: {
    replacement: "fsdp_config",
    source: "the list form is deprecated (src/axolotl/utils/schemas/deprecated.py @ v0.18.0)",
  },
} as const satisfies Record<string, RemovedName>;

/** The PEFT version the `LoraConfig` argument list describes. */
export const PEFT_CATALOG: CatalogProvenance = {
  tool: "PEFT",
  version: "v0.20.0",
  source: "huggingface/peft src/peft/tuners/lora/config.py @ v0.20.0 (LoraConfig)",
  recordedOn: "2026-11-28",
};

/** `LoraConfig` arguments (and `adapter_config.json` keys) vramfit may write. */
export const PEFT_LORA_CONFIG_KEYS = [
  "peft_type",
  "task_type",
  "r",
  "lora_alpha",
  "lora_dropout",
  "target_modules",
  "exclude_modules",
  "bias",
  "use_rslora",
  "use_dora",
  "modules_to_save",
  "init_lora_weights",
  "layers_to_transform",
  "rank_pattern",
  "alpha_pattern",
] as const;

/**
 * `transformers.BitsAndBytesConfig` arguments the QLoRA snippet uses (the QLoRA recipe: NF4, double
 * quantization, bfloat16 compute; `src/transformers/utils/quantization_config.py`).
 */
export const BITSANDBYTES_CONFIG_KEYS = [
  "load_in_4bit",
  "bnb_4bit_quant_type",
  "bnb_4bit_use_double_quant",
  "bnb_4bit_compute_dtype",
] as const;

/** One set of LoRA hyper-parameters a template starts from. */
export interface LoraPreset {
  /** Adapter rank `r`. */
  readonly rank: number;
  /** Scaling numerator `lora_alpha` (the update is scaled by alpha / r). */
  readonly alpha: number;
  /** Dropout on the adapter input. */
  readonly dropout: number;
  /** Peak learning rate. */
  readonly learningRate: number;
  /** Learning-rate schedule. */
  readonly lrScheduler: string;
  /** Warm-up, as steps or as a fraction of the run. */
  readonly warmup: { readonly steps: number } | { readonly ratio: number };
  /** Sequences per GPU per step. */
  readonly microBatchSize: number;
  /** Micro-batches accumulated per optimizer step. */
  readonly gradientAccumulationSteps: number;
  /** Tokens per training sequence. */
  readonly sequenceLength: number;
  /** Passes over the data set. */
  readonly numEpochs: number;
  /** Optimizer name as axolotl spells it. */
  readonly optimizer: string;
  /** Where the values come from. */
  readonly source: string;
}

/**
 * The presets: axolotl's own Llama-3 examples. The LoRA example loads its base in 8-bit and uses
 * `adamw_bnb_8bit`; vramfit's LoRA loads the base in 16-bit, so it keeps axolotl's default
 * optimizer `adamw_torch_fused` instead.
 */
export const LORA_PRESETS = {
  lora: {
    rank: 32,
    alpha: 16,
    dropout: 0.05,
    learningRate: 0.0002,
    lrScheduler: "cosine",
    warmup: { ratio: 0.1 },
    microBatchSize: 2,
    gradientAccumulationSteps: 4,
    sequenceLength: 4096,
    numEpochs: 4,
    optimizer: "adamw_torch_fused",
    source: "axolotl-ai-cloud/axolotl examples/llama-3/lora-8b.yml @ v0.18.0",
  },
  qlora: {
    rank: 32,
    alpha: 16,
    dropout: 0.05,
    learningRate: 0.0002,
    lrScheduler: "cosine",
    warmup: { ratio: 0.1 },
    microBatchSize: 2,
    gradientAccumulationSteps: 4,
    sequenceLength: 4096,
    numEpochs: 4,
    optimizer: "paged_adamw_32bit",
    source: "axolotl-ai-cloud/axolotl examples/llama-3/qlora.yml @ v0.18.0",
  },
  /**
   * Full fine-tuning: axolotl's own full fine-tune example. The adapter fields are unused (no
   * adapter is written); they keep the preset's shape.
   */
  full: {
    rank: 0,
    alpha: 0,
    dropout: 0,
    learningRate: 0.00002,
    lrScheduler: "cosine",
    warmup: { ratio: 0.1 },
    microBatchSize: 1,
    gradientAccumulationSteps: 8,
    sequenceLength: 8192,
    numEpochs: 1,
    optimizer: "paged_adamw_8bit",
    source: "axolotl-ai-cloud/axolotl examples/llama-3/fft-8b.yaml @ v0.18.0",
  },
} as const satisfies Record<"lora" | "qlora" | "full", LoraPreset>;

/**
 * DeepSpeed ZeRO configs as axolotl ships them (`deepspeed_configs/zero{1,2,3_bf16}.json` @ v0.18.0):
 * batch sizes, accumulation and clipping are `"auto"`, filled in by the HF Trainer from the axolotl
 * config, so the two files cannot disagree.
 */
export const DEEPSPEED_CONFIG_KEYS = {
  zero_optimization: {
    stage: true,
    offload_optimizer: { device: true, pin_memory: true },
    overlap_comm: true,
    contiguous_gradients: true,
    sub_group_size: true,
    reduce_bucket_size: true,
    stage3_prefetch_bucket_size: true,
    stage3_param_persistence_threshold: true,
    gather_16bit_weights_on_model_save: true,
  },
  bf16: { enabled: true },
  gradient_accumulation_steps: true,
  gradient_clipping: true,
  train_batch_size: true,
  train_micro_batch_size_per_gpu: true,
  wall_clock_breakdown: true,
} as const satisfies KeyTree;
