import { InvalidOptionError } from "../../errors.js";
import {
  KV_CACHE_DTYPE_IDS,
  WEIGHT_PRECISION_IDS,
  type KvCacheDtype,
  type WeightPrecision,
} from "../../memory/precision.js";
import type { LoraAdapter, ServingPlan } from "./plans.js";
import {
  DEFAULT_VLLM_ENGINE_VERSION,
  VLLM_ENGINE_VERSIONS,
  VLLM_INT4_ROUTES,
  type VllmEngineVersion,
  type VllmInt4Route,
} from "./vllm-versions.js";
import {
  optionalBoolean,
  optionalChoice,
  optionalInteger,
  optionalNumber,
  optionalText,
  requireInteger,
  requireText,
} from "./validate.js";

/** Defaults of {@link ServingPlan}, applied in {@link resolveServingPlan}. */
export const DEFAULT_SERVING_PLAN = {
  weights: "bf16",
  kvCacheDtype: "auto",
  tensorParallel: 1,
  pipelineParallel: 1,
  /** vLLM's default at the catalog's version (it was 0.9 at v0.11). */
  gpuMemoryUtilization: 0.92,
  enablePrefixCaching: true,
  enableChunkedPrefill: true,
  maxLoras: 1,
  port: 8000,
} as const;

/** A {@link ServingPlan} with every default applied and every value checked. */
export interface ResolvedServingPlan {
  readonly modelId: string;
  readonly revision: string | undefined;
  readonly servedModelName: string | undefined;
  /** Normalized `quant_method` of a pre-quantized checkpoint (lower case, `compressed-tensors`). */
  readonly checkpointQuantization: string | undefined;
  /** Precision for the engine to load at; undefined when a pre-quantized checkpoint decides. */
  readonly weights: WeightPrecision | undefined;
  readonly kvCacheDtype: KvCacheDtype | "auto";
  readonly tensorParallel: number;
  readonly pipelineParallel: number;
  /** GPUs one replica uses: tensor × pipeline parallel size. */
  readonly gpusPerReplica: number;
  readonly maxModelLen: number;
  readonly maxNumSeqs: number;
  /** As given; each engine derives its own default when undefined. */
  readonly maxNumBatchedTokens: number | undefined;
  /** As given; TGI derives its default when undefined. */
  readonly maxInputTokens: number | undefined;
  readonly gpuMemoryUtilization: number;
  readonly enablePrefixCaching: boolean;
  readonly enableChunkedPrefill: boolean;
  readonly lora:
    | {
        readonly maxRank: number;
        readonly maxLoras: number;
        readonly adapters: readonly LoraAdapter[];
      }
    | undefined;
  readonly imagesPerPrompt: number | undefined;
  readonly gpuName: string | undefined;
  readonly port: number;
  readonly numAttentionHeads: number | undefined;
  readonly numKeyValueHeads: number | undefined;
  readonly maxPositionEmbeddings: number | undefined;
  /** The vLLM release targeted. */
  readonly engineVersion: VllmEngineVersion;
  /** The INT4 route asked for; vLLM picks its default when undefined. */
  readonly int4Route: VllmInt4Route | undefined;
  /** The pre-quantized INT4 checkpoint, when named. */
  readonly int4Checkpoint:
    | { readonly modelId: string; readonly method: "awq" | "gptq" | "compressed-tensors" }
    | undefined;
  /** One line per default applied. */
  readonly notes: readonly string[];
}

const SIXTEEN_BIT_OR_WIDER: readonly WeightPrecision[] = ["fp32", "bf16", "fp16"];

/**
 * Checks a serving plan and applies {@link DEFAULT_SERVING_PLAN} field by field.
 *
 * @throws {InvalidOptionError} for a missing or malformed field, or a 16-bit precision asked of a
 * pre-quantized checkpoint.
 */
export function resolveServingPlan(plan: ServingPlan): ResolvedServingPlan {
  const notes: string[] = [];
  const modelId = requireText("plan.modelId", plan.modelId, "meta-llama/Meta-Llama-3-70B-Instruct");
  const revision = optionalText("plan.revision", plan.revision, "main");
  const servedModelName = optionalText("plan.servedModelName", plan.servedModelName, "llama3-70b");

  const checkpointText = optionalText(
    "plan.checkpointQuantization",
    plan.checkpointQuantization,
    "awq",
  );
  // vLLM lower-cases quant_method and spells compressed_tensors with a hyphen (vllm/config/model.py).
  const checkpointQuantization = checkpointText
    ?.toLowerCase()
    .replace("compressed_tensors", "compressed-tensors");

  const precision = optionalChoice("plan.weights", plan.weights, WEIGHT_PRECISION_IDS);
  let weights: WeightPrecision | undefined = precision;
  if (checkpointQuantization !== undefined) {
    if (precision !== undefined && SIXTEEN_BIT_OR_WIDER.includes(precision)) {
      throw new InvalidOptionError(
        "plan.weights",
        `"${precision}" cannot apply to a checkpoint pre-quantized with ${checkpointQuantization}: its weights load as stored`,
        {
          hint: "Drop weights (or set the checkpoint's bits, e.g. int4-g128), or serve the unquantized checkpoint without checkpointQuantization.",
        },
      );
    }
    notes.push(
      `weights: loaded as stored in the ${checkpointQuantization} checkpoint (its quantization_config); no quantization flag`,
    );
  } else if (precision === undefined) {
    weights = DEFAULT_SERVING_PLAN.weights;
    notes.push(`weights: default ${weights}`);
  }

  const kvCacheDtype =
    optionalChoice("plan.kvCacheDtype", plan.kvCacheDtype, ["auto", ...KV_CACHE_DTYPE_IDS]) ??
    DEFAULT_SERVING_PLAN.kvCacheDtype;
  if (plan.kvCacheDtype === undefined) notes.push("kvCacheDtype: default auto (the model's dtype)");

  const tensorParallel =
    optionalInteger("plan.tensorParallel", plan.tensorParallel) ??
    DEFAULT_SERVING_PLAN.tensorParallel;
  if (plan.tensorParallel === undefined) notes.push("tensorParallel: default 1");
  const pipelineParallel =
    optionalInteger("plan.pipelineParallel", plan.pipelineParallel) ??
    DEFAULT_SERVING_PLAN.pipelineParallel;
  if (plan.pipelineParallel === undefined) notes.push("pipelineParallel: default 1");

  const maxModelLen = requireInteger("plan.maxModelLen", plan.maxModelLen);
  const maxNumSeqs = requireInteger("plan.maxNumSeqs", plan.maxNumSeqs);
  const maxNumBatchedTokens = optionalInteger("plan.maxNumBatchedTokens", plan.maxNumBatchedTokens);
  const maxInputTokens = optionalInteger("plan.maxInputTokens", plan.maxInputTokens);

  const gpuMemoryUtilization =
    optionalNumber(
      "plan.gpuMemoryUtilization",
      plan.gpuMemoryUtilization,
      { min: 0, max: 1, exclusiveMin: true },
      "vLLM accepts a fraction in (0, 1] (vllm/config/cache.py); 0.92 is its default.",
    ) ?? DEFAULT_SERVING_PLAN.gpuMemoryUtilization;
  if (plan.gpuMemoryUtilization === undefined) {
    notes.push(`gpuMemoryUtilization: default ${gpuMemoryUtilization} (vLLM's default)`);
  }

  const enablePrefixCaching =
    optionalBoolean("plan.enablePrefixCaching", plan.enablePrefixCaching) ??
    DEFAULT_SERVING_PLAN.enablePrefixCaching;
  const enableChunkedPrefill =
    optionalBoolean("plan.enableChunkedPrefill", plan.enableChunkedPrefill) ??
    DEFAULT_SERVING_PLAN.enableChunkedPrefill;

  const imagesPerPrompt = optionalInteger("plan.imagesPerPrompt", plan.imagesPerPrompt, 0);
  const gpuName = optionalText("plan.gpuName", plan.gpuName, "A100 80GB");
  const port = optionalInteger("plan.port", plan.port, 1, 65_535) ?? DEFAULT_SERVING_PLAN.port;
  if (plan.port === undefined) notes.push(`port: default ${port}`);
  const engineVersion =
    optionalChoice("plan.engineVersion", plan.engineVersion, VLLM_ENGINE_VERSIONS) ??
    DEFAULT_VLLM_ENGINE_VERSION;
  const int4Route = optionalChoice(
    "plan.int4Route",
    plan.int4Route,
    Object.keys(VLLM_INT4_ROUTES) as readonly VllmInt4Route[],
  );
  const int4Checkpoint =
    plan.int4Checkpoint === undefined
      ? undefined
      : {
          modelId: requireText(
            "plan.int4Checkpoint.modelId",
            plan.int4Checkpoint.modelId,
            "hugging-quants/Meta-Llama-3.1-70B-Instruct-AWQ-INT4",
          ),
          method:
            optionalChoice("plan.int4Checkpoint.method", plan.int4Checkpoint.method, [
              "awq",
              "gptq",
              "compressed-tensors",
            ] as const) ?? "awq",
        };

  return {
    modelId,
    revision,
    servedModelName,
    checkpointQuantization,
    weights,
    kvCacheDtype,
    tensorParallel,
    pipelineParallel,
    gpusPerReplica: tensorParallel * pipelineParallel,
    maxModelLen,
    maxNumSeqs,
    maxNumBatchedTokens,
    maxInputTokens,
    gpuMemoryUtilization,
    enablePrefixCaching,
    enableChunkedPrefill,
    lora: resolveLora(plan, notes),
    imagesPerPrompt,
    gpuName,
    port,
    numAttentionHeads: optionalInteger("plan.numAttentionHeads", plan.numAttentionHeads),
    numKeyValueHeads: optionalInteger("plan.numKeyValueHeads", plan.numKeyValueHeads),
    maxPositionEmbeddings: optionalInteger(
      "plan.maxPositionEmbeddings",
      plan.maxPositionEmbeddings,
    ),
    engineVersion,
    int4Route,
    int4Checkpoint,
    notes,
  };
}

function resolveLora(plan: ServingPlan, notes: string[]): ResolvedServingPlan["lora"] {
  if (plan.lora === undefined) return undefined;
  const maxRank = requireInteger("plan.lora.maxRank", plan.lora.maxRank);
  const maxLoras =
    optionalInteger("plan.lora.maxLoras", plan.lora.maxLoras) ?? DEFAULT_SERVING_PLAN.maxLoras;
  if (plan.lora.maxLoras === undefined) notes.push("lora.maxLoras: default 1 adapter per batch");
  const adapters = plan.lora.adapters ?? [];
  const names = new Set<string>();
  adapters.forEach((adapter, index) => {
    const name = requireText(`plan.lora.adapters[${index}].name`, adapter.name, "sql");
    requireText(`plan.lora.adapters[${index}].path`, adapter.path, "org/llama3-sql-lora");
    if (/[\s=,]/.test(name) || names.has(name)) {
      throw new InvalidOptionError(
        `plan.lora.adapters[${index}].name`,
        `"${name}" is repeated or contains a space, "=" or ","`,
        { hint: "Give every adapter a distinct name of letters, digits, '-' or '_'." },
      );
    }
    names.add(name);
  });
  return { maxRank, maxLoras, adapters };
}
