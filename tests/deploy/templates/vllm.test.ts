import { describe, expect, it } from "vitest";
import { parse } from "yaml";
import {
  renderVllmCommand,
  renderVllmConfigYaml,
  renderVllmDockerRun,
  type ServingPlan,
} from "../../../src/deploy.js";
import { InvalidOptionError } from "../../../src/index.js";
import {
  VLLM_CONFIG_FILE_KEYS,
  VLLM_FLAGS,
  VLLM_NEVER_EMITTED_FLAGS,
  VLLM_REMOVED_FLAGS,
} from "../../../src/deploy/templates/vllm-catalog.js";
import {
  VLLM_CHANGES,
  VLLM_ENGINE_VERSIONS,
  vllmVersionAtLeast,
  type VllmEngineVersion,
} from "../../../src/deploy/templates/vllm-versions.js";
import {
  bashSyntaxError,
  bashWords,
  engineRuleOf,
  flagValue,
  llama3_70bAwq,
  llama3_70bBf16,
} from "../../helpers/templates.js";

/** The flag/value pairs of templates.md §1.6 (BF16 Llama-3-70B, TP 2), copied from the note. */
const REFERENCE_COMMAND_PAIRS = [
  ["--tensor-parallel-size", "2"],
  ["--pipeline-parallel-size", "1"],
  ["--dtype", "bfloat16"],
  ["--max-model-len", "4096"],
  ["--max-num-seqs", "8"],
  ["--max-num-batched-tokens", "8192"],
  ["--gpu-memory-utilization", "0.92"],
];

/** templates.md §1.6's `--config` YAML, copied from the note. */
const REFERENCE_CONFIG = {
  model: "meta-llama/Meta-Llama-3-70B-Instruct",
  host: "0.0.0.0",
  port: 8000,
  "tensor-parallel-size": 2,
  "pipeline-parallel-size": 1,
  dtype: "bfloat16",
  "max-model-len": 4096,
  "max-num-seqs": 8,
  "max-num-batched-tokens": 8192,
  "gpu-memory-utilization": 0.92,
  "kv-cache-dtype": "auto",
  "enable-prefix-caching": true,
};

/** Every `--flag` of argv, with `--no-` stripped from booleans. */
function flagNames(argv: readonly string[]): string[] {
  return argv
    .filter((word) => word.startsWith("--"))
    .map((word) => word.slice(2))
    .map((name) => (name.startsWith("no-") && !(name in VLLM_FLAGS) ? name.slice(3) : name));
}

describe("the worked example: Llama-3-70B, real-time, 4K context, batch 8", () => {
  it("BF16 serves with --tensor-parallel-size 2 and the §1.6 flags", () => {
    const { argv } = renderVllmCommand(llama3_70bBf16());
    expect(argv.slice(0, 3)).toEqual(["vllm", "serve", "meta-llama/Meta-Llama-3-70B-Instruct"]);
    for (const [flag, value] of REFERENCE_COMMAND_PAIRS) expect(flagValue(argv, flag!)).toBe(value);
    expect(argv).toContain("--enable-prefix-caching");
    expect(argv).not.toContain("--quantization");
  });

  it("the AWQ INT4 checkpoint serves on one GPU (TP 1) with no --quantization flag", () => {
    const result = renderVllmCommand(llama3_70bAwq());
    expect(flagValue(result.argv, "--tensor-parallel-size")).toBe("1");
    expect(result.argv.some((word) => word === "--quantization" || word === "-q")).toBe(false);
    expect(result.notes.join("\n")).toContain('vLLM reads "awq" from the checkpoint');
    const docker = renderVllmDockerRun(llama3_70bAwq());
    expect(flagValue(docker.argv, "--gpus")).toBe("1");
  });

  it("the --config YAML holds §1.6's keys and values", () => {
    const { yaml, config } = renderVllmConfigYaml(llama3_70bBf16());
    expect(parse(yaml)).toMatchObject(REFERENCE_CONFIG);
    expect(parse(yaml)).toEqual(config);
  });

  it("the script's command is what bash reads, word for word", () => {
    const result = renderVllmCommand(llama3_70bBf16());
    expect(bashWords(result.command)).toEqual(result.argv);
    expect(bashSyntaxError(result.files[0]!.contents)).toBe("");
  });
});

describe("the --config file says what the command line says", () => {
  // vLLM's mapping of config-file entries to argv (vllm/utils/argparse_utils.py @ 00da11e):
  // true → --flag, false → --no-flag, list → --flag v1 v2, mapping → --flag '<json>', else --flag str(v).
  function configToArgv(config: Record<string, unknown>): string[] {
    return Object.entries(config).flatMap(([key, value]) => {
      if (key === "model") return [];
      if (value === true) return [`--${key}`];
      if (value === false) return [`--no-${key}`];
      if (Array.isArray(value)) return [`--${key}`, ...value.map(String)];
      if (typeof value === "object" && value !== null) return [`--${key}`, JSON.stringify(value)];
      return [`--${key}`, String(value)];
    });
  }

  const plans: [string, ServingPlan][] = [
    ["BF16 TP 2", llama3_70bBf16()],
    ["AWQ TP 1", llama3_70bAwq()],
    [
      "vision + LoRA, no prefix caching",
      {
        ...llama3_70bBf16(),
        imagesPerPrompt: 4,
        enablePrefixCaching: false,
        lora: { maxRank: 16, adapters: [{ name: "sql", path: "org/sql-lora" }] },
        servedModelName: "llama",
        revision: "main",
      },
    ],
  ];
  it.each(plans)("%s", (_, plan) => {
    const { argv } = renderVllmCommand(plan);
    const config = parse(renderVllmConfigYaml(plan).yaml);
    expect(config.model).toBe(argv[2]);
    expect(configToArgv(config)).toEqual(argv.slice(3));
  });
});

describe("every flag comes from the vLLM catalog", () => {
  const variants: ServingPlan[] = [
    llama3_70bBf16(),
    llama3_70bAwq(),
    {
      ...llama3_70bBf16(),
      weights: "fp8",
      kvCacheDtype: "fp8",
      enableChunkedPrefill: false,
    },
    { ...llama3_70bBf16(), weights: "int4", imagesPerPrompt: 2, lora: { maxRank: 8 } },
  ];
  it.each(variants.map((plan, i) => [i, plan] as const))("plan %i", (_, plan) => {
    const { argv } = renderVllmCommand(plan);
    const config = parse(renderVllmConfigYaml(plan).yaml) as Record<string, unknown>;
    for (const name of flagNames(argv)) {
      expect(VLLM_FLAGS, name).toHaveProperty(name);
      expect(VLLM_REMOVED_FLAGS).not.toHaveProperty(name);
      expect(VLLM_NEVER_EMITTED_FLAGS as readonly string[]).not.toContain(name);
    }
    for (const key of Object.keys(config)) {
      expect(
        key in VLLM_FLAGS || (VLLM_CONFIG_FILE_KEYS as readonly string[]).includes(key),
        key,
      ).toBe(true);
    }
    for (const [flag, spec] of Object.entries(VLLM_FLAGS)) {
      const value = flagValue(argv, `--${flag}`);
      if (value !== undefined && "choices" in spec) {
        expect((spec.choices as readonly (string | number)[]).map(String)).toContain(value);
      }
    }
    expect(argv.join(" ")).not.toMatch(/--swap-space|--model\b|--cpu-offload-gb/);
  });
});

describe("vLLM's start-up rules (ENGINE_RULES)", () => {
  const base: ServingPlan = { modelId: "org/model", maxModelLen: 4096, maxNumSeqs: 8 };

  it("throws when max-num-batched-tokens is below max-num-seqs", () => {
    expect(
      engineRuleOf(() => renderVllmCommand({ ...base, maxNumSeqs: 256, maxNumBatchedTokens: 128 })),
    ).toBe("vllm/batched-tokens-at-least-seqs");
  });

  it("throws when chunked prefill is off and the budget is below max-model-len", () => {
    const plan = { ...base, enableChunkedPrefill: false, maxNumBatchedTokens: 2048 };
    expect(engineRuleOf(() => renderVllmCommand(plan))).toBe("vllm/batched-tokens-cover-model-len");
  });

  it("defaults max-num-batched-tokens inside the rules", () => {
    const batched = (plan: ServingPlan) =>
      flagValue(renderVllmCommand(plan).argv, "--max-num-batched-tokens");
    // 8192, vLLM's API-server default on ≥ 70 GiB GPUs (arg_utils.py get_batch_defaults).
    expect(batched(base)).toBe("8192");
    // 1 × 2048 = 2048 tokens is all the batch can hold; more only earns vLLM's warning.
    expect(batched({ ...base, maxNumSeqs: 1, maxModelLen: 2048 })).toBe("2048");
    // 10,000 sequences need a budget of at least 10,000 (rule 1).
    expect(batched({ ...base, maxNumSeqs: 10_000, maxModelLen: 4 })).toBe("10000");
    // Without chunked prefill a 16,384-token prompt must fit one step (rule 2).
    expect(batched({ ...base, maxModelLen: 16_384, enableChunkedPrefill: false })).toBe("16384");
  });

  it("notes vLLM's warning when the budget exceeds seqs × len", () => {
    const result = renderVllmCommand({
      ...base,
      maxNumSeqs: 1,
      maxModelLen: 1024,
      maxNumBatchedTokens: 4096,
    });
    expect(flagValue(result.argv, "--max-num-batched-tokens")).toBe("4096");
    expect(result.notes.join("\n")).toContain("vllm/batched-tokens-at-most-seqs-times-len");
  });

  it("rounds the LoRA rank up to an allowed --max-lora-rank, and refuses ranks above 512", () => {
    const rank = (maxRank: number) =>
      flagValue(renderVllmCommand({ ...base, lora: { maxRank } }).argv, "--max-lora-rank");
    // Allowed values 1, 8, 16, 32, 64, 128, 256, 320, 512 (vllm/config/lora.py).
    expect(rank(1)).toBe("1");
    expect(rank(2)).toBe("8");
    expect(rank(16)).toBe("16");
    expect(rank(40)).toBe("64");
    expect(rank(300)).toBe("320");
    expect(rank(512)).toBe("512");
    expect(engineRuleOf(() => rank(600))).toBe("vllm/max-lora-rank-choices");
    expect(renderVllmCommand({ ...base, lora: { maxRank: 40 } }).notes.join("\n")).toContain(
      "rank 40 rounded up",
    );
  });

  it("checks tensor parallelism against the attention and KV heads", () => {
    const heads = { numAttentionHeads: 64, numKeyValueHeads: 8 };
    expect(engineRuleOf(() => renderVllmCommand({ ...base, ...heads, tensorParallel: 3 }))).toBe(
      "vllm/tp-divides-attention-heads",
    );
    // TP 16 > 8 KV heads: each KV head is replicated on 16 / 8 = 2 ranks, which vLLM allows.
    expect(engineRuleOf(() => renderVllmCommand({ ...base, ...heads, tensorParallel: 16 }))).toBe(
      "no error",
    );
    // 48 query heads split over 8 ranks, but 12 KV heads do not: 12 % 8 = 4.
    const uneven = { ...base, numAttentionHeads: 48, numKeyValueHeads: 12, tensorParallel: 8 };
    expect(engineRuleOf(() => renderVllmCommand(uneven))).toBe("vllm/tp-splits-kv-heads");
    expect(renderVllmCommand({ ...base, tensorParallel: 2 }).notes.join("\n")).toContain(
      "not checked",
    );
  });

  it("notes a context beyond max_position_embeddings", () => {
    const result = renderVllmCommand({ ...llama3_70bBf16(), maxModelLen: 16_384 });
    expect(result.notes.join("\n")).toContain("vllm/max-model-len-within-model");
  });

  it("maps precisions: online FP8 and NF4 quantize, INT8 needs a checkpoint", () => {
    const argv = (plan: ServingPlan) => renderVllmCommand(plan).argv;
    expect(flagValue(argv({ ...base, weights: "fp8" }), "--quantization")).toBe("fp8");
    expect(
      flagValue(argv({ ...base, weights: "int4", int4Route: "bitsandbytes" }), "--quantization"),
    ).toBe("bitsandbytes");
    expect(flagValue(argv({ ...base, weights: "fp16" }), "--dtype")).toBe("float16");
    expect(engineRuleOf(() => argv({ ...base, weights: "int8" }))).toBe("vllm/no-online-int8");
    expect(flagValue(argv({ ...base, kvCacheDtype: "fp8" }), "--kv-cache-dtype")).toBe("fp8");
    expect(engineRuleOf(() => argv({ ...base, kvCacheDtype: "fp32" }))).toBe(
      "vllm/kv-cache-dtype-choices",
    );
  });

  it("refuses deprecated checkpoint methods and flags unknown ones", () => {
    const checkpoint = (method: string) => ({ ...base, checkpointQuantization: method });
    expect(engineRuleOf(() => renderVllmCommand(checkpoint("fbgemm_fp8")))).toBe(
      "vllm/deprecated-quantization",
    );
    expect(renderVllmCommand(checkpoint("exl2")).notes.join("\n")).toContain("not in vLLM");
    // quant_method as config.json may spell it: upper case, underscore.
    const result = renderVllmCommand(checkpoint("Compressed_Tensors"));
    expect(result.notes.join("\n")).toContain('"compressed-tensors"');
    expect(result.argv).not.toContain("--quantization");
  });

  it("writes --limit-mm-per-prompt in JSON form only", () => {
    const { argv } = renderVllmCommand({ ...base, imagesPerPrompt: 4 });
    expect(JSON.parse(flagValue(argv, "--limit-mm-per-prompt")!)).toEqual({ image: 4 });
    expect(argv.join(" ")).not.toContain("image=");
  });
});

describe("plan validation", () => {
  const base: ServingPlan = { modelId: "org/model", maxModelLen: 4096, maxNumSeqs: 8 };
  const invalid: [string, ServingPlan, string][] = [
    ["empty model", { ...base, modelId: " " }, "plan.modelId"],
    ["zero context", { ...base, maxModelLen: 0 }, "plan.maxModelLen"],
    ["fractional batch", { ...base, maxNumSeqs: 2.5 }, "plan.maxNumSeqs"],
    ["utilization 0", { ...base, gpuMemoryUtilization: 0 }, "plan.gpuMemoryUtilization"],
    ["utilization above 1", { ...base, gpuMemoryUtilization: 1.2 }, "plan.gpuMemoryUtilization"],
    [
      "16-bit on an AWQ checkpoint",
      { ...base, checkpointQuantization: "awq", weights: "bf16" },
      "plan.weights",
    ],
    ["port 70000", { ...base, port: 70_000 }, "plan.port"],
    [
      "duplicate adapters",
      {
        ...base,
        lora: {
          maxRank: 8,
          adapters: [
            { name: "a", path: "x" },
            { name: "a", path: "y" },
          ],
        },
      },
      "plan.lora.adapters[1].name",
    ],
  ];
  it.each(invalid)("%s → InvalidOptionError naming the field", (_, plan, option) => {
    expect(() => renderVllmCommand(plan)).toThrow(InvalidOptionError);
    try {
      renderVllmCommand(plan);
    } catch (error) {
      expect((error as InvalidOptionError).option).toBe(option);
      expect((error as InvalidOptionError).code).toBe("OPTION_INVALID");
    }
  });

  it("accepts a utilization of exactly 1 (vLLM's le=1)", () => {
    expect(
      flagValue(
        renderVllmCommand({ ...base, gpuMemoryUtilization: 1 }).argv,
        "--gpu-memory-utilization",
      ),
    ).toBe("1");
  });
});

describe("vLLM INT4 routes and engine versions", () => {
  const base: ServingPlan = { modelId: "org/model", maxModelLen: 4096, maxNumSeqs: 8 };
  it("serves INT4 from a pre-quantized checkpoint by default: no --quantization, AWQ read from the checkpoint", () => {
    const result = renderVllmCommand({ ...base, weights: "int4-g128" });
    expect(result.argv.slice(0, 3)).toEqual(["vllm", "serve", `${base.modelId}-AWQ`]);
    expect(result.argv).not.toContain("--quantization");
    expect(result.argv).not.toContain("--dtype");
    expect(result.notes.join("\n")).toContain("llm-compressor");
    const named = renderVllmCommand({
      ...base,
      weights: "int4",
      int4Checkpoint: {
        modelId: "hugging-quants/Meta-Llama-3.1-70B-Instruct-AWQ-INT4",
        method: "awq",
      },
    });
    expect(named.argv[2]).toBe("hugging-quants/Meta-Llama-3.1-70B-Instruct-AWQ-INT4");
  });

  it("bitsandbytes on 0.28 and later runs on an image with vllm-bnb-plugin (vllm-project/vllm#43529)", () => {
    const result = renderVllmCommand({ ...base, weights: "int4", int4Route: "bitsandbytes" });
    const dockerfile = result.files.find((file) => file.path === "vllm/Dockerfile");
    expect(dockerfile?.contents).toContain("FROM vllm/vllm-openai:v0.29.0");
    expect(dockerfile?.contents).toContain("RUN pip install --no-cache-dir vllm-bnb-plugin");
    const docker = renderVllmDockerRun({ ...base, weights: "int4", int4Route: "bitsandbytes" });
    expect(docker.argv).toContain("vramfit/vllm-openai-bnb:v0.29.0");
  });

  it("bitsandbytes on 0.27 is still in core: the published image, no Dockerfile", () => {
    const plan: ServingPlan = {
      ...base,
      weights: "int4",
      int4Route: "bitsandbytes",
      engineVersion: "0.27",
    };
    expect(renderVllmCommand(plan).files.map((file) => file.path)).toEqual(["vllm/serve.sh"]);
    expect(renderVllmDockerRun(plan).argv).toContain("vllm/vllm-openai:v0.27.1");
  });

  it("never emits a flag or method removed or moved at or before the targeted release", () => {
    for (const engineVersion of VLLM_ENGINE_VERSIONS) {
      for (const weights of ["bf16", "fp8", "int4"] as const) {
        const { argv } = renderVllmCommand({ ...base, weights, engineVersion });
        for (const [name, change] of Object.entries(VLLM_CHANGES)) {
          if (!vllmVersionAtLeast(engineVersion, change.since)) continue;
          const [flag, value] = name.split("=");
          if (value === undefined) expect(argv).not.toContain(`--${flag}`);
          else expect(flagValue(argv, `--${flag}`)).not.toBe(value);
        }
      }
    }
  });

  it("refuses a release nobody checked (0.31) with the known ones in the hint", () => {
    expect(() =>
      renderVllmCommand({ ...base, engineVersion: "0.31" as VllmEngineVersion }),
    ).toThrow(/0\.27.*0\.28.*0\.29/s);
  });

  it("the header names the release and the dates its facts were checked", () => {
    const command = renderVllmCommand({ ...base, engineVersion: "0.28" }).files[0]?.contents;
    expect(command).toContain("Flags for vLLM 0.28 (vllm/vllm-openai:v0.28.0)");
    expect(command).toContain("checked 2026-12-07");
    // The old header claimed a check against 0.29 "September 2026" that never happened (issue 17).
    expect(command).not.toContain("September 2026");
  });
});
