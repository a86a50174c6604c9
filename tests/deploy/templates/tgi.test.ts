import { describe, expect, it } from "vitest";
import { renderTgiDockerRun, renderTgiLauncher, type ServingPlan } from "../../../src/deploy.js";
import { TGI_FLAGS, TGI_NEVER_EMITTED_FLAGS } from "../../../src/deploy/templates/tgi-catalog.js";
import {
  bashSyntaxError,
  bashWords,
  engineRuleOf,
  flagValue,
  llama3_70bAwq,
  llama3_70bBf16,
} from "../../helpers/templates.js";

/** templates.md §2.4: BF16 Llama-3-70B on 2 GPUs, 4K context, batch 8 (copied from the note). */
const REFERENCE_PAIRS = [
  ["--model-id", "meta-llama/Meta-Llama-3-70B-Instruct"],
  ["--num-shard", "2"],
  ["--dtype", "bfloat16"],
  ["--max-input-tokens", "3584"],
  ["--max-total-tokens", "4096"],
  ["--max-batch-prefill-tokens", "4096"],
  // templates.md §2.4 writes --max-batch-total-tokens 32768 (= batch 8 × 4096), which TGI ignores for
  // flash-attention models such as Llama (launcher.md @ v3.3.7): the batch of 8 is --max-batch-size.
  ["--max-batch-size", "8"],
  ["--cuda-memory-fraction", "0.95"],
];

describe("TGI: the worked example", () => {
  const plan: ServingPlan = {
    ...llama3_70bBf16(),
    maxInputTokens: 3584,
    gpuMemoryUtilization: 0.95,
  };

  it("the launcher carries §2.4's flags", () => {
    const { argv } = renderTgiLauncher(plan);
    expect(argv[0]).toBe("text-generation-launcher");
    for (const [flag, value] of REFERENCE_PAIRS) expect(flagValue(argv, flag!), flag).toBe(value);
  });

  it("the docker line has the README's shared memory and one GPU per shard", () => {
    const { argv, command, files } = renderTgiDockerRun(plan);
    expect(flagValue(argv, "--shm-size")).toBe("1g");
    expect(flagValue(argv, "--gpus")).toBe("2");
    expect(flagValue(argv, "-p")).toBe("8000:80");
    for (const [flag, value] of REFERENCE_PAIRS) expect(flagValue(argv, flag!), flag).toBe(value);
    expect(bashWords(command)).toContain("/tmp/data:/data");
    expect(bashSyntaxError(files[0]!.contents)).toBe("");
  });

  it("says TGI is in maintenance mode, in the notes and in a comment line", () => {
    for (const result of [renderTgiLauncher(plan), renderTgiDockerRun(plan)]) {
      expect(result.notes[0]).toMatch(/maintenance mode since 2025-12-11/);
      expect(result.files[0]!.contents).toMatch(/^# TGI is in maintenance mode/m);
    }
  });

  it("an AWQ checkpoint gets neither --quantize nor --dtype", () => {
    const { argv } = renderTgiLauncher(llama3_70bAwq());
    expect(argv).not.toContain("--quantize");
    expect(argv).not.toContain("--dtype");
    expect(flagValue(argv, "--num-shard")).toBe("1");
  });

  it("every flag is in the v3.3.7 catalog and none is the legacy alias", () => {
    for (const extra of [{}, { weights: "int8" as const, kvCacheDtype: "fp8" as const }]) {
      const { argv } = renderTgiLauncher({
        ...plan,
        ...extra,
        lora: { maxRank: 8, adapters: [{ name: "a", path: "org/a" }] },
      });
      for (const word of argv.filter((w) => w.startsWith("--"))) {
        const name = word.slice(2);
        expect(TGI_FLAGS, name).toHaveProperty(name);
        expect(TGI_NEVER_EMITTED_FLAGS as readonly string[]).not.toContain(name);
      }
      for (const [flag, spec] of Object.entries(TGI_FLAGS)) {
        const value = flagValue(argv, `--${flag}`);
        if (value !== undefined && "choices" in spec)
          expect(spec.choices as readonly string[]).toContain(value);
      }
    }
  });
});

describe("TGI's start-up rules", () => {
  const base: ServingPlan = { modelId: "org/model", maxModelLen: 4096, maxNumSeqs: 8 };
  const argv = (plan: ServingPlan) => renderTgiLauncher(plan).argv;

  it("keeps max-input-tokens below max-total-tokens: default total − 1, an explicit equal value throws", () => {
    expect(flagValue(argv(base), "--max-input-tokens")).toBe("4095");
    expect(engineRuleOf(() => argv({ ...base, maxInputTokens: 4096 }))).toBe(
      "tgi/input-below-total",
    );
  });

  it("raises a prefill budget below max-input-tokens, with a note", () => {
    const result = renderTgiLauncher({ ...base, maxNumBatchedTokens: 2048 });
    expect(flagValue(result.argv, "--max-batch-prefill-tokens")).toBe("4095");
    expect(result.notes.join("\n")).toContain("tgi/prefill-covers-input");
  });

  it("lowers a prefill budget above max-batch-size × max-total-tokens (8 × 4096 = 32768), with a note", () => {
    const result = renderTgiLauncher({ ...base, maxNumBatchedTokens: 100_000 });
    expect(flagValue(result.argv, "--max-batch-prefill-tokens")).toBe("32768");
    expect(result.notes.join("\n")).toContain("tgi/prefill-within-batch-total");
  });

  it("caps the default prefill budget at the batch total (1 × 2048)", () => {
    const result = argv({ ...base, maxNumSeqs: 1, maxModelLen: 2048 });
    expect(flagValue(result, "--max-batch-prefill-tokens")).toBe("2048");
    expect(flagValue(result, "--max-batch-size")).toBe("1");
    expect(result).not.toContain("--max-batch-total-tokens");
  });

  it("refuses shards that do not divide the heads, exl2 sharding and float32", () => {
    expect(engineRuleOf(() => argv({ ...base, numAttentionHeads: 64, tensorParallel: 3 }))).toBe(
      "tgi/shards-divide-heads",
    );
    expect(
      engineRuleOf(() => argv({ ...base, checkpointQuantization: "exl2", tensorParallel: 2 })),
    ).toBe("tgi/exl2-no-sharding");
    expect(engineRuleOf(() => argv({ ...base, checkpointQuantization: "exl2" }))).toBe("no error");
    expect(engineRuleOf(() => argv({ ...base, weights: "fp32" }))).toBe("tgi/dtype-choices");
  });

  it("translates precisions: eetq for INT8, NF4 for INT4, fp8_e4m3fn for an FP8 KV cache", () => {
    expect(flagValue(argv({ ...base, weights: "int8" }), "--quantize")).toBe("eetq");
    expect(flagValue(argv({ ...base, weights: "int4-g128" }), "--quantize")).toBe(
      "bitsandbytes-nf4",
    );
    expect(argv({ ...base, weights: "int8" })).not.toContain("--dtype");
    expect(flagValue(argv({ ...base, kvCacheDtype: "fp8" }), "--kv-cache-dtype")).toBe(
      "fp8_e4m3fn",
    );
  });

  it("notes what TGI cannot express", () => {
    const notes = renderTgiLauncher({
      ...base,
      imagesPerPrompt: 2,
      pipelineParallel: 2,
      lora: { maxRank: 8 },
    }).notes.join("\n");
    expect(notes).toContain("no per-prompt image limit");
    expect(notes).toContain("no pipeline parallelism");
    expect(notes).toContain("--lora-adapters");
  });
});
