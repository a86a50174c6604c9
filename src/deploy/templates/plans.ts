/**
 * The plain-data plans the template generators read. The deployment blueprint produces them;
 * users can also write them by hand (a JSON file is enough). Counts are plain numbers, sizes
 * carry their unit in the name, and every optional field has a documented default applied in
 * one resolver per plan (`resolveServingPlan`, `resolveTrainingPlan`, `resolveInfraPlan`).
 */
import type { KvCacheDtype, WeightPrecision } from "../../memory/precision.js";
import type { AxolotlAttnImplementation } from "./training-catalog.js";
import type { SpotAllocationStrategy } from "./aws-catalog.js";
import type { VllmEngineVersion, VllmInt4Route } from "./vllm-versions.js";

/** A LoRA adapter to load when the server starts. */
export interface LoraAdapter {
  /** The name clients request, e.g. `"sql"`. */
  readonly name: string;
  /** A Hugging Face repo id or a local directory. */
  readonly path: string;
}

/** Multi-LoRA serving. Its presence turns LoRA on. */
export interface ServingLora {
  /** Largest adapter rank to serve. vLLM's `--max-lora-rank` is this rounded up to an allowed value. */
  readonly maxRank: number;
  /**
   * Adapters active in one batch (vLLM `--max-loras`).
   * @default 1
   */
  readonly maxLoras?: number | undefined;
  /** Adapters to load at start-up; none by default (vLLM can load them at run time). */
  readonly adapters?: readonly LoraAdapter[] | undefined;
}

/**
 * One serving replica: which model, how it is split over GPUs, and the limits that size its
 * KV cache. A replica uses `tensorParallelSize × pipelineParallelSize` GPUs.
 */
export interface ServingPlan {
  /** Hugging Face repo id (or local path) of the checkpoint to serve. */
  readonly modelId: string;
  /** Branch, tag or commit of the checkpoint. */
  readonly revision?: string | undefined;
  /** The model name clients send, when it should differ from `modelId`. */
  readonly servedModelName?: string | undefined;
  /**
   * The checkpoint's own quantization method when it is pre-quantized (`ModelSpec.quantization?.method`,
   * e.g. `"awq"`, `"gptq"`, `"fp8"`, `"compressed-tensors"`). The engines read it from
   * `quantization_config`, so no quantization flag is emitted for it.
   */
  readonly checkpointQuantization?: string | undefined;
  /**
   * Precision the weights are served at. Without a pre-quantized checkpoint, 16/32-bit values set
   * `--dtype` and lower ones ask the engine to quantize while loading (fp8 → FP8, int4 → bitsandbytes NF4).
   * @default "bf16", or the checkpoint's own format when `checkpointQuantization` is set
   */
  readonly weights?: WeightPrecision | undefined;
  /**
   * KV cache element type. `"auto"` follows the model's compute dtype.
   * @default "auto"
   */
  readonly kvCacheDtype?: KvCacheDtype | "auto" | undefined;
  /**
   * GPUs each layer is split over (within a node).
   * @default 1
   */
  readonly tensorParallel?: number | undefined;
  /**
   * Stages the layers are split into (usually nodes).
   * @default 1
   */
  readonly pipelineParallel?: number | undefined;
  /** Tokens per sequence, prompt and output together: the context the KV cache was sized for. */
  readonly maxModelLen: number;
  /** Sequences processed concurrently (the batch the KV cache was sized for). */
  readonly maxNumSeqs: number;
  /**
   * Tokens scheduled per engine step (vLLM `--max-num-batched-tokens`; TGI `--max-batch-prefill-tokens`).
   * @default 8192 (vLLM's API-server default on ≥ 70 GiB GPUs), kept within the engines' rules
   */
  readonly maxNumBatchedTokens?: number | undefined;
  /**
   * Longest prompt in tokens (TGI `--max-input-tokens`).
   * @default maxModelLen − 1 (TGI's own relation)
   */
  readonly maxInputTokens?: number | undefined;
  /**
   * Fraction of each GPU's memory the engine may use, in (0, 1].
   * @default 0.92 (vLLM's default at the catalog's version)
   */
  readonly gpuMemoryUtilization?: number | undefined;
  /**
   * Reuse the KV cache of shared prompt prefixes.
   * @default true
   */
  readonly enablePrefixCaching?: boolean | undefined;
  /**
   * Split long prompts across steps (always on in vLLM V1 unless turned off).
   * @default true
   */
  readonly enableChunkedPrefill?: boolean | undefined;
  /** Serve LoRA adapters on top of the base model. */
  readonly lora?: ServingLora | undefined;
  /** Images allowed in one prompt, for vision-language models (vLLM `--limit-mm-per-prompt`). */
  readonly imagesPerPrompt?: number | undefined;
  /** The GPU the plan was sized for, e.g. `"A100 80GB"`; written into comments only. */
  readonly gpuName?: string | undefined;
  /**
   * Port clients connect to.
   * @default 8000
   */
  readonly port?: number | undefined;
  /** The model's query heads (`ModelSpec.numAttentionHeads`): when given, the tensor-parallel rules are checked. */
  readonly numAttentionHeads?: number | undefined;
  /** The model's KV heads (`ModelSpec.numKeyValueHeads`): when given, the KV-head split rule is checked. */
  readonly numKeyValueHeads?: number | undefined;
  /** The model's `max_position_embeddings`: when given, a longer `maxModelLen` gets a note. */
  readonly maxPositionEmbeddings?: number | undefined;
  /**
   * The vLLM release the vLLM, Kubernetes and AWS templates target (`VLLM_RELEASES`): its image,
   * and which flags and quantization methods it still has.
   * @default "0.29"
   */
  readonly engineVersion?: VllmEngineVersion | undefined;
  /**
   * How vLLM serves `int4` / `int4-g128` weights of a 16-bit checkpoint (`VLLM_INT4_ROUTES`). From
   * vLLM 0.28 in-flight bitsandbytes needs a plugin, so the default serves a pre-quantized checkpoint.
   * @default "prequantized" (the route the plan's INT4 speed assumes)
   */
  readonly int4Route?: VllmInt4Route | undefined;
  /**
   * The pre-quantized INT4 checkpoint of the `prequantized` route: a repo id or local path and its
   * method. Without it the templates name `<modelId>-AWQ` and the notes say how to make it.
   */
  readonly int4Checkpoint?:
    | { readonly modelId: string; readonly method: "awq" | "gptq" | "compressed-tensors" }
    | undefined;
}

/** A training data set entry (axolotl `datasets`). */
export interface TrainingDataset {
  /** Hugging Face data set id or local path. */
  readonly path: string;
  /** axolotl prompt format, e.g. `"alpaca"` or `"chat_template"`. */
  readonly type: string;
}

/** Warm-up as a number of optimizer steps or as a fraction of the run (not both). */
export type Warmup = { readonly steps: number } | { readonly ratio: number };

/**
 * A LoRA or QLoRA fine-tuning run. Unset hyper-parameters come from the method's preset
 * (`LORA_PRESETS`, axolotl's own Llama-3 examples).
 */
export interface TrainingPlan {
  /** Hugging Face repo id (or local path) of the base model. */
  readonly baseModel: string;
  /**
   * `"lora"` trains adapters on a 16-bit base; `"qlora"` on a 4-bit NF4 base; `"full"` trains every
   * weight (axolotl without an adapter, DeepSpeed ZeRO across GPUs).
   */
  readonly method: "lora" | "qlora" | "full";
  /**
   * Full training: the DeepSpeed ZeRO stage that shards optimizer states (1), gradients (2) and
   * weights (3) over the GPUs; 0 writes no DeepSpeed config.
   * @default 0 on one GPU, 3 on several
   */
  readonly zeroStage?: 0 | 1 | 2 | 3 | undefined;
  /**
   * Full training: keep the optimizer states in CPU memory (DeepSpeed `offload_optimizer`).
   * @default false
   */
  readonly offloadOptimizer?: boolean | undefined;
  /** Adapter rank `r`. */
  readonly rank?: number | undefined;
  /** `lora_alpha`; the update is scaled by alpha / rank. */
  readonly alpha?: number | undefined;
  /** Dropout on the adapter input, in [0, 1). */
  readonly dropout?: number | undefined;
  /**
   * Modules that get adapters, or `"all-linear"` for every linear layer but the output head.
   * @default "all-linear"
   */
  readonly targetModules?: readonly string[] | "all-linear" | undefined;
  /** Peak learning rate. */
  readonly learningRate?: number | undefined;
  /** Learning-rate schedule, e.g. `"cosine"`. */
  readonly lrScheduler?: string | undefined;
  /** Warm-up steps or ratio. */
  readonly warmup?: Warmup | undefined;
  /** Sequences per GPU per forward pass. */
  readonly microBatchSize?: number | undefined;
  /** Micro-batches accumulated per optimizer step. */
  readonly gradientAccumulationSteps?: number | undefined;
  /** Tokens per training sequence. */
  readonly sequenceLength?: number | undefined;
  /** Passes over the data. */
  readonly numEpochs?: number | undefined;
  /** Optimizer name as axolotl spells it. */
  readonly optimizer?: string | undefined;
  /**
   * Recompute activations in the backward pass to save memory.
   * @default true
   */
  readonly gradientCheckpointing?: boolean | undefined;
  /**
   * Attention kernel.
   * @default "flash_attention_2"
   */
  readonly attnImplementation?: AxolotlAttnImplementation | undefined;
  /**
   * GPUs the run uses (data parallel); the effective batch is micro × accumulation × GPUs.
   * @default 1
   */
  readonly gpuCount?: number | undefined;
  /**
   * Training data.
   * @default axolotl's example set `mhenrichsen/alpaca_2k_test` (alpaca): replace it
   */
  readonly datasets?: readonly TrainingDataset[] | undefined;
  /**
   * Where checkpoints and the adapter are written.
   * @default "./outputs/<method>-<model name>"
   */
  readonly outputDir?: string | undefined;
}

/** The metric an autoscaling group tracks: vLLM's queue depth or its running requests. */
export type ScalingMetric = "queue-depth" | "running-requests";

/** Target tracking on a vLLM metric published to CloudWatch. */
export interface InfraScaling {
  /**
   * `"queue-depth"` tracks `vllm:num_requests_waiting`, `"running-requests"` tracks `vllm:num_requests_running`.
   * @default "queue-depth"
   */
  readonly metric?: ScalingMetric | undefined;
  /**
   * The per-instance average to hold.
   * @default 4
   */
  readonly targetValue?: number | undefined;
  /**
   * CloudWatch namespace the metric is published under.
   * @default "vramfit/vllm"
   */
  readonly namespace?: string | undefined;
}

/**
 * An AWS autoscaling fleet of GPU instances, each running as many serving replicas as its GPUs
 * allow. Instance types and their GPU count come from the plan (vramfit's instance catalog).
 */
export interface InfraPlan {
  /** AWS region, e.g. `"us-east-1"`. */
  readonly region: string;
  /** Instance types, best first; the first is the launch template's, all are overrides of the group. Same GPU count each. */
  readonly instanceTypes: readonly string[];
  /** GPUs in each of the instance types. */
  readonly gpusPerInstance: number;
  /**
   * Replicas each instance runs. Fewer than fit leaves GPUs idle (and rented): the blueprint sets
   * it to the plan's replica count when one instance holds them all.
   * @default ⌊gpusPerInstance / (TP × PP)⌋
   */
  readonly replicasPerInstance?: number | undefined;
  /**
   * Fewest instances.
   * @default 1
   */
  readonly minSize?: number | undefined;
  /**
   * Most instances.
   * @default max(minSize, 4)
   */
  readonly maxSize?: number | undefined;
  /** Instances to start with; left out by default, because a scaling policy then owns it. */
  readonly desiredCapacity?: number | undefined;
  /**
   * On-Demand instances kept before any Spot.
   * @default 1
   */
  readonly onDemandBaseCapacity?: number | undefined;
  /**
   * Percent On-Demand above the base (0 = all Spot above the base, 100 = no Spot).
   * @default 0
   */
  readonly onDemandPercentageAboveBaseCapacity?: number | undefined;
  /**
   * How Spot capacity is chosen.
   * @default "price-capacity-optimized"
   */
  readonly spotAllocationStrategy?: SpotAllocationStrategy | undefined;
  /** What the group scales on. */
  readonly scaling?: InfraScaling | undefined;
  /**
   * Prefix of resource names.
   * @default "vramfit-<model name>-"
   */
  readonly namePrefix?: string | undefined;
  /**
   * Root EBS volume in GiB (2^30 bytes; EBS sizes are GiB): weights are downloaded here unless local NVMe exists.
   * @default 500
   */
  readonly rootVolumeGiB?: number | undefined;
  /**
   * Seconds before health checks and scaling metrics count a new instance; a large model takes minutes to load.
   * @default 1200
   */
  readonly healthCheckGracePeriodSeconds?: number | undefined;
  /**
   * SSM parameter holding the AMI id.
   * @default DLAMI_SSM_PARAMETER (Deep Learning Base OSS NVIDIA driver GPU AMI, Ubuntu 22.04)
   */
  readonly amiSsmParameter?: string | undefined;
  /**
   * SSM Parameter Store SecureString holding the Hugging Face token. The instances read it at boot
   * through their instance profile; the token is never written into a template.
   * @default "/vramfit/hf-token"
   */
  readonly hfTokenSsmParameter?: string | undefined;
}

/** What the AWS templates deploy: a serving replica and the fleet that runs copies of it. */
export interface FleetPlan {
  /** The replica each instance runs (one or more times). */
  readonly serving: ServingPlan;
  /** The autoscaling fleet. */
  readonly infra: InfraPlan;
}

/** A file a generator writes: a path relative to the output folder, and its text. */
export interface TemplateFile {
  /** Relative path, e.g. `"vllm/serve.sh"`. */
  readonly path: string;
  /** The file's text, ending with a newline. */
  readonly contents: string;
}

/**
 * What every generator returns: the files to write and one note for every default applied,
 * value fixed by an engine rule, or flag deliberately left out.
 */
export interface TemplateOutput {
  /** Files to write. */
  readonly files: readonly TemplateFile[];
  /** Notes for the reader, in the order they were made. */
  readonly notes: readonly string[];
}
