import type { CheckpointFacts } from "../memory/checkpoint.js";
import { INFERENCE_OPTIONS } from "../memory/inference-options.js";
import type { KvCacheDtype, WeightPrecision } from "../memory/precision.js";
import { ENGINE_OPTIONS, type EngineOptions } from "../memory/serving/engine-options.js";
import { SERVING_ENGINE_IDS, type ServingEngine } from "../memory/serving/engine-version.js";
import {
  choiceField,
  integerField,
  numberField,
  TEXT_FIELD,
  type OptionTable,
} from "../options/option-fields.js";
import type { CatalogOptions } from "./catalog-options.js";

/**
 * Options of `fitOnGpuFromSpec` (and, with the Hub's, `fitOnGpu`): which GPU, how many, and the
 * engine's settings, each named as vLLM's flag is. `gpu` is required; every other field takes the
 * engine's default for that GPU and release (docs/methodology.md#serving-fit).
 */
export interface FitOptions extends EngineOptions, CatalogOptions {
  /** The accelerator's catalog id, e.g. `"nvidia-rtx-3090"` (`vramfit gpus --help` lists them). */
  readonly gpu?: string | undefined;
  /**
   * Tensor-parallel degree (vLLM's `--tensor-parallel-size`).
   * @default 1
   */
  readonly tensorParallel?: number | undefined;
  /**
   * Pipeline stages (vLLM's `--pipeline-parallel-size`).
   * @default 1
   */
  readonly pipelineParallel?: number | undefined;
  /**
   * vLLM's `--gpu-memory-utilization` (of the total `torch.cuda.mem_get_info` reports); SGLang's
   * `--mem-fraction-static` (of the free memory at start).
   * @default vLLM 0.92 (0.9 through v0.10); SGLang's own default for the GPU and TP
   */
  readonly gpuMemoryUtilization?: number | undefined;
  /**
   * `max_model_len`: tokens per sequence the engine must admit.
   * @default the model's `max_position_embeddings` (vLLM's default), else 4096
   */
  readonly contextLength?: number | undefined;
  /**
   * Sequences of `contextLength` that must fit at once.
   * @default 1
   */
  readonly batchSize?: number | undefined;
  /**
   * Whose start-up accounting to reproduce.
   * @default "vllm"
   */
  readonly engine?: ServingEngine | undefined;
  /**
   * vLLM's `--max-num-batched-tokens` (the profile run's batch); SGLang's `--chunked-prefill-size`.
   * @default the engine's for the GPU and release (vLLM V1: 8,192 on 70 GiB or more, else 2,048)
   */
  readonly maxNumBatchedTokens?: number | undefined;
  /**
   * KV-cache element type (vLLM's `--kv-cache-dtype`).
   * @default "auto" (the model's compute dtype)
   */
  readonly kvCacheDtype?: KvCacheDtype | "auto" | undefined;
  /**
   * Weight precision; `"auto"` follows the checkpoint.
   * @default "auto"
   */
  readonly weights?: WeightPrecision | "auto" | undefined;
  /** Facts read from the checkpoint's stored weights (`fitOnGpu` fills them for Hub models). */
  readonly checkpoint?: CheckpointFacts | undefined;
}

/** Every {@link FitOptions} field but the catalog's, for the options engine. */
export const FIT_OPTIONS: OptionTable<Omit<FitOptions, keyof CatalogOptions>> = {
  ...ENGINE_OPTIONS,
  gpu: { field: { ...TEXT_FIELD, expected: "a GPU catalog id such as nvidia-h100-sxm" } },
  tensorParallel: { field: integerField(1, 1024), default: 1 },
  pipelineParallel: { field: integerField(1, 1024), default: 1 },
  gpuMemoryUtilization: { field: numberField({ min: 0, max: 1, exclusiveMin: true }) },
  contextLength: { field: integerField() },
  batchSize: { field: integerField(), default: 1 },
  engine: { field: choiceField(SERVING_ENGINE_IDS), default: "vllm" },
  maxNumBatchedTokens: { field: integerField() },
  kvCacheDtype: INFERENCE_OPTIONS.kvCacheDtype,
  weights: INFERENCE_OPTIONS.weights,
  checkpoint: INFERENCE_OPTIONS.checkpoint,
};
