/**
 * vLLM templates: the `vllm serve` command, the equivalent `--config` YAML file and a
 * `docker run` line. All three come from one list of flags, built once with vLLM's start-up
 * rules applied (see `ENGINE_RULES`).
 */
import { engineRuleError } from "./engine-rules.js";
import type { ServingPlan, TemplateOutput } from "./plans.js";
import { KV_CACHE_DTYPE_FLAGS, WEIGHT_PRECISION_FLAGS } from "./precision-flags.js";
import { resolveServingPlan, type ResolvedServingPlan } from "./resolve-serving-plan.js";
import { HF_TOKEN_COMMENT, commandScript, type ShellWord } from "./shell.js";
import {
  VLLM_CATALOG,
  VLLM_DEPRECATED_QUANTIZATION_METHODS,
  VLLM_MAX_LORA_RANKS,
  VLLM_QUANTIZATION_METHODS,
  type VllmFlag,
} from "./vllm-catalog.js";
import { optionalText } from "./validate.js";
import {
  VLLM_BNB_PLUGIN_PACKAGE,
  VLLM_CHANGES,
  VLLM_INT4_ROUTES,
  VLLM_RELEASES,
  vllmVersionAtLeast,
  type VllmInt4Route,
} from "./vllm-versions.js";
import { toYaml, type PlainObject } from "./yaml.js";

/** A flag's value: booleans become `--flag` / `--no-flag`, lists `--flag a b`, maps JSON. */
export type VllmArgValue = number | string | boolean | readonly string[] | PlainObject;

/** One `vllm serve` flag and its value. */
export interface VllmArg {
  /** Long flag name without `--`. */
  readonly flag: VllmFlag;
  /** The value. */
  readonly value: VllmArgValue;
}

/** The flags of one vLLM replica, with the resolved plan and the notes made on the way. */
export interface VllmServeArgs {
  /** The plan with defaults applied. */
  readonly plan: ResolvedServingPlan;
  /** Flags in the order they are written. */
  readonly args: readonly VllmArg[];
  /** Defaults applied, values fixed by a rule, flags left out. */
  readonly notes: readonly string[];
  /** The image that runs these flags: the release's image, or one with the bitsandbytes plugin. */
  readonly image: string;
  /** The Dockerfile that builds {@link VllmServeArgs.image}, when it is not a published image. */
  readonly dockerfile: string | undefined;
  /** The INT4 route taken, for an INT4 plan of a 16-bit checkpoint. */
  readonly int4Route: VllmInt4Route | undefined;
}

/**
 * vLLM's API-server default for `--max-num-batched-tokens` on GPUs with ≥ 70 GiB
 * (`vllm/engine/arg_utils.py`, `get_batch_defaults`; 2048 on smaller GPUs and on A100s).
 */
export const VLLM_DEFAULT_MAX_NUM_BATCHED_TOKENS = 8192;

/**
 * Builds the `vllm serve` flags of a plan, applying vLLM's rules: fixes what can be fixed
 * (LoRA rank rounded up to an allowed value) and throws for what vLLM would refuse.
 *
 * @throws {InvalidOptionError} for a malformed plan.
 * @throws {EngineRuleError} for a plan vLLM refuses at start-up (code `ENGINE_RULE_VIOLATED`).
 */
export function vllmServeArgs(plan: ServingPlan): VllmServeArgs {
  const given = resolveServingPlan(plan);
  const notes = [...given.notes];
  const { plan: resolved, route, image, dockerfile } = int4Route(given, notes);
  checkParallelism(resolved, notes);

  const args: VllmArg[] = [
    { flag: "tensor-parallel-size", value: resolved.tensorParallel },
    { flag: "pipeline-parallel-size", value: resolved.pipelineParallel },
    ...precisionArgs(resolved, notes),
    { flag: "max-model-len", value: resolved.maxModelLen },
    { flag: "max-num-seqs", value: resolved.maxNumSeqs },
    { flag: "max-num-batched-tokens", value: batchedTokens(resolved, notes) },
    { flag: "gpu-memory-utilization", value: resolved.gpuMemoryUtilization },
    { flag: "kv-cache-dtype", value: kvCacheDtype(resolved) },
    { flag: "enable-prefix-caching", value: resolved.enablePrefixCaching },
    { flag: "enable-chunked-prefill", value: resolved.enableChunkedPrefill },
    ...loraArgs(resolved, notes),
  ];
  if (resolved.imagesPerPrompt !== undefined) {
    // JSON form: the old image=4 form is rejected by current vLLM (vllm-project/vllm#39687).
    args.push({ flag: "limit-mm-per-prompt", value: { image: resolved.imagesPerPrompt } });
  }
  if (resolved.revision !== undefined) args.push({ flag: "revision", value: resolved.revision });
  if (resolved.servedModelName !== undefined) {
    args.push({ flag: "served-model-name", value: resolved.servedModelName });
  }
  args.push({ flag: "host", value: "0.0.0.0" }, { flag: "port", value: resolved.port });
  notes.push(
    "--cpu-offload-gb and --swap-space are never emitted (a no-op under Model Runner V2; removed in v0.18.0)",
  );
  return { plan: resolved, args, notes, image, dockerfile, int4Route: route };
}

const INT4: readonly string[] = ["int4", "int4-g128"];

/**
 * An INT4 plan of a 16-bit checkpoint takes one of {@link VLLM_INT4_ROUTES}: a pre-quantized
 * checkpoint served as stored (the default, the speed the plan rates), or in-flight bitsandbytes,
 * which from vLLM 0.28 exists only with `vllm-bnb-plugin` installed (vllm-project/vllm#43529).
 */
function int4Route(
  plan: ResolvedServingPlan,
  notes: string[],
): {
  readonly plan: ResolvedServingPlan;
  readonly route: VllmInt4Route | undefined;
  readonly image: string;
  readonly dockerfile: string | undefined;
} {
  const release = VLLM_RELEASES[plan.engineVersion];
  const published = { image: release.image, dockerfile: undefined };
  if (plan.checkpointQuantization !== undefined || !INT4.includes(plan.weights ?? "bf16")) {
    return { plan, route: undefined, ...published };
  }
  const route = plan.int4Route ?? "prequantized";
  if (plan.int4Route === undefined) {
    notes.push(
      `int4: default route prequantized (${VLLM_INT4_ROUTES.prequantized.speed}); int4Route "bitsandbytes" loads the 16-bit checkpoint instead (${VLLM_INT4_ROUTES.bitsandbytes.speed})`,
    );
  }
  if (route === "prequantized") {
    const checkpoint = plan.int4Checkpoint ?? {
      modelId: `${plan.modelId}-AWQ`,
      method: "awq" as const,
    };
    if (plan.int4Checkpoint === undefined) {
      notes.push(
        `int4: the templates serve ${checkpoint.modelId}, an AWQ INT4 checkpoint of ${plan.modelId} that you name (plan.int4Checkpoint) or make: llm-compressor's W4A16 recipe (oneshot with QuantizationModifier(scheme="W4A16", targets="Linear", ignore=["lm_head"])) writes a compressed-tensors checkpoint vLLM loads with Marlin kernels`,
      );
    }
    notes.push(
      `int4: ${checkpoint.modelId} is served as stored (${checkpoint.method}, no --quantization); ${VLLM_INT4_ROUTES.prequantized.source}`,
    );
    return {
      plan: {
        ...plan,
        modelId: checkpoint.modelId,
        // The revision named the 16-bit checkpoint, not the quantized one.
        revision: undefined,
        checkpointQuantization: checkpoint.method,
        weights: undefined,
      },
      route,
      ...published,
    };
  }
  const moved = VLLM_CHANGES["quantization=bitsandbytes"];
  if (!vllmVersionAtLeast(plan.engineVersion, moved.since)) {
    return { plan, route, ...published };
  }
  const tag = release.image.split(":").at(-1) ?? "latest";
  const image = `vramfit/vllm-openai-bnb:${tag}`;
  notes.push(
    `int4 bitsandbytes on vLLM ${plan.engineVersion}: bitsandbytes moved to ${VLLM_BNB_PLUGIN_PACKAGE} in ${moved.since} (${moved.source}); build ${image} from vllm/Dockerfile (FROM ${release.image}) and push it where the cluster or fleet can pull it`,
  );
  const dockerfile = [
    `# ${release.image} with ${VLLM_BNB_PLUGIN_PACKAGE}: in-flight bitsandbytes left vLLM's core in v0.28.0 (${moved.source}).`,
    `# Build: docker build -t ${image} vllm/. Generated by vramfit.`,
    `FROM ${release.image}`,
    `RUN pip install --no-cache-dir ${VLLM_BNB_PLUGIN_PACKAGE}`,
    "",
  ].join("\n");
  return { plan, route, image, dockerfile };
}

function checkParallelism(plan: ResolvedServingPlan, notes: string[]): void {
  const tp = plan.tensorParallel;
  if (plan.numAttentionHeads === undefined) {
    if (tp > 1)
      notes.push(
        "tensor parallel: attention heads unknown, divisibility not checked (pass numAttentionHeads)",
      );
  } else if (plan.numAttentionHeads % tp !== 0) {
    throw engineRuleError(
      "vllm/tp-divides-attention-heads",
      `Tensor parallel size ${tp} does not divide the model's ${plan.numAttentionHeads} attention heads`,
      `Use a tensor parallel size that divides ${plan.numAttentionHeads} (${divisors(plan.numAttentionHeads).join(", ")}), or pipeline parallelism.`,
    );
  }
  const kvHeads = plan.numKeyValueHeads;
  if (kvHeads !== undefined && (tp >= kvHeads ? tp % kvHeads : kvHeads % tp) !== 0) {
    throw engineRuleError(
      "vllm/tp-splits-kv-heads",
      `Tensor parallel size ${tp} neither divides nor is a multiple of the model's ${kvHeads} KV heads`,
      `Use a tensor parallel size that divides ${kvHeads} or is a multiple of it.`,
    );
  }
  if (plan.maxPositionEmbeddings !== undefined && plan.maxModelLen > plan.maxPositionEmbeddings) {
    notes.push(
      `max-model-len ${plan.maxModelLen} exceeds max_position_embeddings ${plan.maxPositionEmbeddings}: vLLM refuses it unless the config's RoPE scaling extends the context (rule vllm/max-model-len-within-model)`,
    );
  }
}

/** The divisors of `value` up to 16 (the tensor-parallel sizes worth suggesting). */
function divisors(value: number): number[] {
  return Array.from({ length: 16 }, (_, i) => i + 1).filter((d) => value % d === 0);
}

function precisionArgs(plan: ResolvedServingPlan, notes: string[]): VllmArg[] {
  const method = plan.checkpointQuantization;
  if (method !== undefined) {
    if ((VLLM_DEPRECATED_QUANTIZATION_METHODS as readonly string[]).includes(method)) {
      throw engineRuleError(
        "vllm/deprecated-quantization",
        `The checkpoint's quantization method "${method}" is deprecated in vLLM`,
        "Pick a checkpoint quantized with AWQ, GPTQ, FP8 or compressed-tensors.",
      );
    }
    if (!(VLLM_QUANTIZATION_METHODS as readonly string[]).includes(method)) {
      notes.push(
        `checkpoint method "${method}" is not in vLLM ${VLLM_CATALOG.version}'s quantization registry: check that vLLM can load it`,
      );
    }
    notes.push(
      `no --quantization: vLLM reads "${method}" from the checkpoint's quantization_config`,
    );
    return [];
  }
  const precision = plan.weights ?? "bf16";
  const flags = WEIGHT_PRECISION_FLAGS[precision];
  if (flags.vllm === undefined) {
    throw engineRuleError(
      "vllm/no-online-int8",
      `vLLM cannot quantize 16-bit weights to ${precision} while loading`,
      "Serve an INT8 checkpoint (set checkpointQuantization, e.g. gptq or compressed-tensors), or use fp8.",
    );
  }
  if ("quantization" in flags.vllm) {
    notes.push(`--quantization ${flags.vllm.quantization}: ${flags.note}`);
    return [{ flag: "quantization", value: flags.vllm.quantization }];
  }
  return [{ flag: "dtype", value: flags.vllm.dtype }];
}

function kvCacheDtype(plan: ResolvedServingPlan): string {
  const value = KV_CACHE_DTYPE_FLAGS[plan.kvCacheDtype].vllm;
  if (value !== undefined) return value;
  // fp32 KV: only "auto" gives it, and only with fp32 weights.
  if (plan.weights === "fp32") return "auto";
  throw engineRuleError(
    "vllm/kv-cache-dtype-choices",
    "A float32 KV cache is not a --kv-cache-dtype choice",
    "Use auto, bf16, fp16 or fp8 (fp8 halves the cache).",
  );
}

/**
 * `--max-num-batched-tokens`: the plan's value, checked; or vLLM's large-GPU API-server default,
 * kept within `[max-num-seqs (or max-model-len without chunked prefill), seqs × len]`.
 */
function batchedTokens(plan: ResolvedServingPlan, notes: string[]): number {
  const { maxNumSeqs: seqs, maxModelLen: len } = plan;
  const given = plan.maxNumBatchedTokens;
  if (given === undefined) {
    const floor = plan.enableChunkedPrefill ? seqs : Math.max(seqs, len);
    const value = Math.max(floor, Math.min(VLLM_DEFAULT_MAX_NUM_BATCHED_TOKENS, seqs * len));
    notes.push(
      `max-num-batched-tokens: default ${value} (vLLM's ${VLLM_DEFAULT_MAX_NUM_BATCHED_TOKENS} for ≥ 70 GiB GPUs, within max-num-seqs${plan.enableChunkedPrefill ? "" : " and max-model-len"} and seqs × len)`,
    );
    return value;
  }
  if (given < seqs) {
    throw engineRuleError(
      "vllm/batched-tokens-at-least-seqs",
      `max-num-batched-tokens ${given} is below max-num-seqs ${seqs}`,
      `Raise maxNumBatchedTokens to at least ${seqs}, or leave it out for a default.`,
    );
  }
  if (!plan.enableChunkedPrefill && given < len) {
    throw engineRuleError(
      "vllm/batched-tokens-cover-model-len",
      `max-num-batched-tokens ${given} is below max-model-len ${len} with chunked prefill off`,
      `Raise maxNumBatchedTokens to at least ${len}, or enable chunked prefill.`,
    );
  }
  if (given > seqs * len) {
    notes.push(
      `max-num-batched-tokens ${given} exceeds max-num-seqs × max-model-len = ${seqs * len}: vLLM warns (rule vllm/batched-tokens-at-most-seqs-times-len)`,
    );
  }
  return given;
}

function loraArgs(plan: ResolvedServingPlan, notes: string[]): VllmArg[] {
  const lora = plan.lora;
  if (lora === undefined) return [];
  const rank = VLLM_MAX_LORA_RANKS.find((choice) => choice >= lora.maxRank);
  if (rank === undefined) {
    throw engineRuleError(
      "vllm/max-lora-rank-choices",
      `LoRA rank ${lora.maxRank} is above vLLM's largest --max-lora-rank ${VLLM_MAX_LORA_RANKS.at(-1) ?? 512}`,
      "Serve adapters of rank 512 or less, or merge this adapter into the weights.",
    );
  }
  if (rank !== lora.maxRank) {
    notes.push(
      `--max-lora-rank ${rank}: rank ${lora.maxRank} rounded up to an allowed value (${VLLM_MAX_LORA_RANKS.join(", ")})`,
    );
  }
  const args: VllmArg[] = [
    { flag: "enable-lora", value: true },
    { flag: "max-loras", value: lora.maxLoras },
    { flag: "max-lora-rank", value: rank },
  ];
  if (lora.adapters.length > 0) {
    args.push({ flag: "lora-modules", value: lora.adapters.map((a) => `${a.name}=${a.path}`) });
  }
  return args;
}

/** The command-line words of one flag. */
export function vllmArgWords(arg: VllmArg): string[] {
  const { flag, value } = arg;
  if (typeof value === "boolean") return [value ? `--${flag}` : `--no-${flag}`];
  if (typeof value === "number" || typeof value === "string") return [`--${flag}`, String(value)];
  if (Array.isArray(value)) return [`--${flag}`, ...(value as readonly string[])];
  return [`--${flag}`, JSON.stringify(value)];
}

function headerComments(plan: ResolvedServingPlan): string[] {
  const gpus = `${plan.gpusPerReplica} × ${plan.gpuName ?? "GPU"}`;
  return [
    `vLLM server for ${plan.modelId} on ${gpus} (TP ${plan.tensorParallel}, PP ${plan.pipelineParallel}); generated by vramfit.`,
    `Flags for vLLM ${plan.engineVersion} (${VLLM_RELEASES[plan.engineVersion].image}); release facts checked ${VLLM_RELEASES[plan.engineVersion].checkedOn}, flag names ${VLLM_CATALOG.recordedOn} (${VLLM_CATALOG.source}).`,
  ];
}

/** A rendered `vllm serve` command. */
export interface VllmCommand extends TemplateOutput {
  /** The words of the command: `vllm`, `serve`, the model, then the flags. */
  readonly argv: readonly string[];
  /** The command as one shell line per flag. */
  readonly command: string;
}

/**
 * Renders `vllm serve <model> --flags…` for a plan, as argv and as a shell script.
 *
 * @throws {InvalidOptionError} for a malformed plan.
 * @throws {EngineRuleError} for a plan vLLM refuses at start-up.
 * @example
 * renderVllmCommand({ modelId: "meta-llama/Meta-Llama-3-70B-Instruct", tensorParallelSize: 2,
 *   maxModelLen: 4096, maxNumSeqs: 8 }).command
 * // vllm serve meta-llama/Meta-Llama-3-70B-Instruct \
 * //   --tensor-parallel-size 2 \ …
 */
export function renderVllmCommand(plan: ServingPlan): VllmCommand {
  const serve = vllmServeArgs(plan);
  const { plan: resolved, args, notes } = serve;
  const lines: ShellWord[][] = [["vllm", "serve", resolved.modelId], ...args.map(vllmArgWords)];
  const script = commandScript("vllm/serve.sh", headerComments(resolved), lines);
  return { ...script, files: [...script.files, ...dockerfileFiles(serve)], notes };
}

/** A rendered vLLM `--config` file. */
export interface VllmConfigYaml extends TemplateOutput {
  /** The config as data: keys are the flags' long names, plus `model`. */
  readonly config: PlainObject;
  /** The YAML text. */
  readonly yaml: string;
  /** The command that uses it. */
  readonly command: string;
}

/**
 * Renders the `vllm serve --config` YAML equivalent of {@link renderVllmCommand}: the same flags
 * as keys (hyphenated long names), booleans as booleans, lists as lists, maps as maps.
 *
 * @throws {InvalidOptionError} for a malformed plan.
 * @throws {EngineRuleError} for a plan vLLM refuses at start-up.
 */
export function renderVllmConfigYaml(plan: ServingPlan): VllmConfigYaml {
  const { plan: resolved, args, notes } = vllmServeArgs(plan);
  const config: Record<string, VllmArgValue> = { model: resolved.modelId };
  for (const arg of args) config[arg.flag] = arg.value;
  const path = "vllm/config.yaml";
  const command = `vllm serve --config ${path.split("/").at(-1) ?? path}`;
  const yaml = toYaml(config, { comments: [command, ...headerComments(resolved)] });
  return { config, yaml, command, files: [{ path, contents: yaml }], notes };
}

/** Options of {@link renderVllmDockerRun}. */
export interface VllmDockerOptions {
  /**
   * Container image.
   * @default the plan's release image (`VLLM_RELEASES`), or the bitsandbytes-plugin build
   */
  readonly image?: string | undefined;
}

/** `vllm/Dockerfile` when the plan's image must be built. */
export function dockerfileFiles(serve: VllmServeArgs): { path: string; contents: string }[] {
  return serve.dockerfile === undefined
    ? []
    : [{ path: "vllm/Dockerfile", contents: serve.dockerfile }];
}

/** Words of a `docker run` line for one vLLM replica; shared with the fleet templates. */
export function vllmDockerLines(
  serve: VllmServeArgs,
  options: {
    readonly image: string;
    readonly gpus: ShellWord;
    readonly hostPort: number;
    readonly cacheDir: ShellWord;
    readonly detach?: { readonly name: string } | undefined;
  },
): ShellWord[][] {
  const { plan, args } = serve;
  const detach: ShellWord[] =
    options.detach === undefined
      ? ["--rm"]
      : ["-d", "--restart", "unless-stopped", "--name", options.detach.name];
  return [
    ["docker", "run", ...detach],
    ["--gpus", options.gpus, "--ipc=host"],
    ["-p", `${options.hostPort}:${plan.port}`],
    ["-v", options.cacheDir, "-e", "HF_TOKEN"],
    [options.image, plan.modelId],
    ...args.map(vllmArgWords),
  ];
}

/**
 * Renders a `docker run` line for one replica of the plan on the vLLM OpenAI image, with
 * `--gpus` equal to TP × PP and the host's shared memory (`--ipc=host`), as vLLM's Docker guide does.
 *
 * @throws {InvalidOptionError} for a malformed plan.
 * @throws {EngineRuleError} for a plan vLLM refuses at start-up.
 */
export function renderVllmDockerRun(
  plan: ServingPlan,
  options: VllmDockerOptions = {},
): VllmCommand {
  const serve = vllmServeArgs(plan);
  const notes = [...serve.notes];
  const image = optionalText("options.image", options.image, serve.image) ?? serve.image;
  if (options.image === undefined) notes.push(`image: default ${image}`);
  const lines = vllmDockerLines(serve, {
    image,
    gpus: String(serve.plan.gpusPerReplica),
    hostPort: serve.plan.port,
    cacheDir: { raw: '"$HOME/.cache/huggingface:/root/.cache/huggingface"' },
  });
  const comments = [...headerComments(serve.plan), HF_TOKEN_COMMENT];
  return { ...commandScript("vllm/docker-run.sh", comments, lines), notes };
}
