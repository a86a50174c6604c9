/**
 * Hugging Face TGI templates: `text-generation-launcher` flags and a `docker run` line. TGI is in
 * maintenance mode; every output says so in a comment, and vLLM is the default engine.
 */
import { engineRuleError } from "./engine-rules.js";
import type { ServingPlan, TemplateOutput } from "./plans.js";
import { KV_CACHE_DTYPE_FLAGS, WEIGHT_PRECISION_FLAGS } from "./precision-flags.js";
import { resolveServingPlan, type ResolvedServingPlan } from "./resolve-serving-plan.js";
import { HF_TOKEN_COMMENT, commandScript, type ShellWord } from "./shell.js";
import {
  TGI_CATALOG,
  TGI_DEFAULT_IMAGE,
  TGI_MAINTENANCE_NOTE,
  TGI_QUANTIZE_METHODS,
  type TgiFlag,
} from "./tgi-catalog.js";
import { optionalText } from "./validate.js";

/** One launcher flag and its value. */
export interface TgiArg {
  /** Long flag name without `--`. */
  readonly flag: TgiFlag;
  /** The value, written as the next word. */
  readonly value: number | string;
}

/** The launcher flags of one TGI replica, with the resolved plan and the notes made on the way. */
export interface TgiLauncherArgs {
  /** The plan with defaults applied. */
  readonly plan: ResolvedServingPlan;
  /** Flags in the order they are written (without `--port`, which depends on where TGI runs). */
  readonly args: readonly TgiArg[];
  /** Defaults applied, values fixed by a rule, settings TGI cannot express. */
  readonly notes: readonly string[];
}

/** TGI's own default `--max-batch-prefill-tokens` (launcher.md @ v3.3.7). */
export const TGI_DEFAULT_MAX_BATCH_PREFILL_TOKENS = 4096;

/**
 * Builds the launcher flags of a plan with TGI's rules applied: token limits kept in the order the
 * launcher demands (fixed with a note where the plan's value came from vLLM's batching), errors for
 * what TGI refuses.
 *
 * @throws {InvalidOptionError} for a malformed plan.
 * @throws {EngineRuleError} for a plan TGI refuses at start-up (code `ENGINE_RULE_VIOLATED`).
 */
export function tgiLauncherArgs(plan: ServingPlan): TgiLauncherArgs {
  const resolved = resolveServingPlan(plan);
  const notes = [...resolved.notes];
  const shards = resolved.tensorParallel;
  if (resolved.pipelineParallel > 1) {
    notes.push(
      `TGI has no pipeline parallelism: pipelineParallelSize ${resolved.pipelineParallel} is not applied`,
    );
  }
  if (resolved.numAttentionHeads !== undefined && resolved.numAttentionHeads % shards !== 0) {
    throw engineRuleError(
      "tgi/shards-divide-heads",
      `--num-shard ${shards} does not divide the model's ${resolved.numAttentionHeads} attention heads`,
      "Use a shard count that divides the attention heads.",
    );
  }

  const args: TgiArg[] = [{ flag: "model-id", value: resolved.modelId }];
  if (resolved.revision !== undefined) args.push({ flag: "revision", value: resolved.revision });
  args.push({ flag: "num-shard", value: shards }, ...precisionArgs(resolved, notes));
  const kv = KV_CACHE_DTYPE_FLAGS[resolved.kvCacheDtype].tgi;
  if (kv !== undefined) {
    args.push({ flag: "kv-cache-dtype", value: kv });
  } else if (resolved.kvCacheDtype !== "auto") {
    notes.push(
      `kvCacheDtype ${resolved.kvCacheDtype}: TGI's KV cache follows --dtype, so it is not set`,
    );
  }
  args.push(...tokenArgs(resolved, notes));
  args.push({ flag: "cuda-memory-fraction", value: resolved.gpuMemoryUtilization });
  notes.push(
    `--cuda-memory-fraction ${resolved.gpuMemoryUtilization}: the plan's gpuMemoryUtilization`,
  );

  if (resolved.lora !== undefined) {
    if (resolved.lora.adapters.length > 0) {
      args.push({
        flag: "lora-adapters",
        value: resolved.lora.adapters.map((a) => `${a.name}=${a.path}`).join(","),
      });
    } else {
      notes.push(
        "LoRA: TGI loads adapters only from --lora-adapters at start-up, and the plan lists none",
      );
    }
  }
  if (resolved.imagesPerPrompt !== undefined) {
    notes.push(
      "imagesPerPrompt: TGI has no per-prompt image limit; image tokens count toward --max-input-tokens",
    );
  }
  if (resolved.servedModelName !== undefined) {
    notes.push("servedModelName: TGI serves the model under --model-id; not applied");
  }
  if (!resolved.enablePrefixCaching || !resolved.enableChunkedPrefill) {
    notes.push(
      "prefix caching and chunked prefill are TGI v3 defaults with no launcher flag; not applied",
    );
  }
  return { plan: resolved, args, notes };
}

function precisionArgs(plan: ResolvedServingPlan, notes: string[]): TgiArg[] {
  const method = plan.checkpointQuantization;
  if (method !== undefined) {
    if (method === "exl2" && plan.tensorParallel > 1) {
      throw engineRuleError(
        "tgi/exl2-no-sharding",
        `An exl2 checkpoint cannot be sharded over ${plan.tensorParallel} GPUs`,
        "Serve it on one GPU (tensorParallelSize 1), or pick an AWQ or GPTQ checkpoint.",
      );
    }
    if (!(TGI_QUANTIZE_METHODS as readonly string[]).includes(method)) {
      notes.push(
        `checkpoint method "${method}" is not one of TGI's --quantize methods: check that TGI can load it`,
      );
    }
    notes.push(`no --quantize: TGI reads "${method}" from the model configuration`);
    return [];
  }
  const precision = plan.weights ?? "bf16";
  const flags = WEIGHT_PRECISION_FLAGS[precision];
  if (flags.tgi === undefined) {
    throw engineRuleError(
      "tgi/dtype-choices",
      `TGI cannot serve ${precision} weights`,
      "Use bf16 or fp16 (TGI's --dtype choices).",
    );
  }
  if ("quantize" in flags.tgi) {
    notes.push(`--quantize ${flags.tgi.quantize} (no --dtype: TGI refuses both together)`);
    return [{ flag: "quantize", value: flags.tgi.quantize }];
  }
  return [{ flag: "dtype", value: flags.tgi.dtype }];
}

/**
 * The token limits and the batch cap, in the launcher's order: input < total, and
 * input ≤ prefill ≤ max-batch-size × total.
 */
function tokenArgs(plan: ResolvedServingPlan, notes: string[]): TgiArg[] {
  const total = plan.maxModelLen;
  if (total < 2) {
    throw engineRuleError(
      "tgi/input-below-total",
      `max-total-tokens ${total} leaves no room for a prompt`,
      "Set maxModelLen to at least 2.",
    );
  }
  let input = plan.maxInputTokens;
  if (input === undefined) {
    input = total - 1;
    notes.push(`--max-input-tokens: default ${input} (max-total-tokens − 1, TGI's own relation)`);
  } else if (input >= total) {
    throw engineRuleError(
      "tgi/input-below-total",
      `max-input-tokens ${input} is not below max-total-tokens ${total}`,
      `Set maxInputTokens below maxModelLen (${total}), leaving room for the output.`,
    );
  }
  // The token budget of a full batch. It is not emitted: TGI ignores --max-batch-total-tokens for
  // flash-attention models (it sizes the batch from free memory), so --max-batch-size carries the cap.
  const batchTotal = plan.maxNumSeqs * total;
  notes.push(
    `--max-batch-size ${plan.maxNumSeqs}: the plan's concurrent requests (rule tgi/max-batch-size-caps-requests; --max-batch-total-tokens is ignored by flash-attention models)`,
  );

  let prefill: number;
  if (plan.maxNumBatchedTokens === undefined) {
    prefill = Math.min(Math.max(TGI_DEFAULT_MAX_BATCH_PREFILL_TOKENS, input), batchTotal);
    notes.push(
      `--max-batch-prefill-tokens: default ${prefill} (TGI's ${TGI_DEFAULT_MAX_BATCH_PREFILL_TOKENS}, within max-input-tokens and max-batch-size × max-total-tokens)`,
    );
  } else {
    prefill = plan.maxNumBatchedTokens;
    if (prefill < input) {
      notes.push(
        `--max-batch-prefill-tokens raised from ${prefill} to max-input-tokens ${input} (rule tgi/prefill-covers-input)`,
      );
      prefill = input;
    }
    if (prefill > batchTotal) {
      notes.push(
        `--max-batch-prefill-tokens lowered from ${prefill} to max-batch-size × max-total-tokens = ${batchTotal} (rule tgi/prefill-within-batch-total)`,
      );
      prefill = batchTotal;
    }
  }
  return [
    { flag: "max-input-tokens", value: input },
    { flag: "max-total-tokens", value: total },
    { flag: "max-batch-prefill-tokens", value: prefill },
    { flag: "max-batch-size", value: plan.maxNumSeqs },
  ];
}

function argWords(arg: TgiArg): string[] {
  return [`--${arg.flag}`, String(arg.value)];
}

function headerComments(plan: ResolvedServingPlan): string[] {
  return [
    TGI_MAINTENANCE_NOTE,
    `TGI server for ${plan.modelId} on ${plan.gpusPerReplica} × ${plan.gpuName ?? "GPU"}; generated by vramfit.`,
    `Flags checked against TGI ${TGI_CATALOG.version}: ${TGI_CATALOG.source}.`,
  ];
}

/** A rendered TGI command. */
export interface TgiCommand extends TemplateOutput {
  /** The words of the command. */
  readonly argv: readonly string[];
  /** The command as one shell line per flag. */
  readonly command: string;
}

/**
 * Renders `text-generation-launcher --model-id … --flags…` for a plan.
 *
 * @throws {InvalidOptionError} for a malformed plan.
 * @throws {EngineRuleError} for a plan TGI refuses at start-up.
 */
export function renderTgiLauncher(plan: ServingPlan): TgiCommand {
  const { plan: resolved, args, notes } = tgiLauncherArgs(plan);
  const lines: ShellWord[][] = [
    ["text-generation-launcher"],
    ...args.map(argWords),
    ["--port", String(resolved.port)],
  ];
  return {
    ...commandScript("tgi/launch.sh", headerComments(resolved), lines),
    notes: [TGI_MAINTENANCE_NOTE, ...notes],
  };
}

/** Options of {@link renderTgiDockerRun}. */
export interface TgiDockerOptions {
  /**
   * Container image.
   * @default TGI_DEFAULT_IMAGE
   */
  readonly image?: string | undefined;
}

/**
 * Renders the `docker run` line of TGI's README for a plan: `--gpus` equal to the shard count,
 * `--shm-size 1g` for NCCL between shards, the container's port 80 published on the plan's port.
 *
 * @throws {InvalidOptionError} for a malformed plan.
 * @throws {EngineRuleError} for a plan TGI refuses at start-up.
 */
export function renderTgiDockerRun(plan: ServingPlan, options: TgiDockerOptions = {}): TgiCommand {
  const { plan: resolved, args, notes } = tgiLauncherArgs(plan);
  const image =
    optionalText("options.image", options.image, TGI_DEFAULT_IMAGE) ?? TGI_DEFAULT_IMAGE;
  const lines: ShellWord[][] = [
    ["docker", "run", "--rm"],
    ["--gpus", String(resolved.tensorParallel), "--shm-size", "1g"],
    ["-p", `${resolved.port}:80`],
    ["-v", { raw: '"$PWD/data:/data"' }, "-e", "HF_TOKEN"],
    [image],
    ...args.map(argWords),
  ];
  return {
    ...commandScript("tgi/docker-run.sh", [...headerComments(resolved), HF_TOKEN_COMMENT], lines),
    notes: [
      TGI_MAINTENANCE_NOTE,
      ...notes,
      ...(options.image === undefined ? [`image: default ${image}`] : []),
    ],
  };
}
