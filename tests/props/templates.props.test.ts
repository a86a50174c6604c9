import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { parse } from "yaml";
import { renderTgiLauncher, renderVllmCommand, type ServingPlan } from "../../src/deploy.js";
import { VramfitError } from "../../src/index.js";
import { TGI_FLAGS } from "../../src/deploy/templates/tgi-catalog.js";
import {
  VLLM_FLAGS,
  VLLM_MAX_LORA_RANKS,
  VLLM_REMOVED_FLAGS,
} from "../../src/deploy/templates/vllm-catalog.js";
import { toYaml, type PlainValue } from "../../src/deploy/templates/yaml.js";
import {
  renderHcl,
  toTerraformJson,
  attribute,
  block,
  heredoc,
} from "../../src/deploy/templates/hcl.js";
import { hclToTerraformJson, unwrapSingletons } from "../helpers/templates.js";

const text = fc.oneof(
  fc.string({ unit: "grapheme" }),
  fc.string({ unit: "binary" }),
  fc.constantFrom(
    "true",
    "no",
    "null",
    "~",
    "0x1F",
    "1e3",
    ".inf",
    "- a",
    "a: b",
    "#",
    "'",
    '"',
    "\n",
    " x",
    "x ",
    "a\n\nb\n",
  ),
);

const plain: fc.Arbitrary<PlainValue> = fc.letrec<{ value: PlainValue }>((tie) => ({
  value: fc.oneof(
    { depthSize: "small", withCrossShrink: true },
    text,
    fc.double({ noNaN: true, noDefaultInfinity: true }),
    fc.integer(),
    fc.boolean(),
    fc.constant(null),
    fc.array(tie("value"), { maxLength: 4 }),
    fc.dictionary(
      text.filter((key) => key !== "__proto__"),
      tie("value"),
      { maxKeys: 4 },
    ),
  ),
})).value;

describe("toYaml round-trips", () => {
  it("yaml.parse(toYaml(v)) equals v for random plain data (YAML 1.2)", () => {
    fc.assert(
      fc.property(plain, (value) => {
        expect(parse(toYaml(value))).toEqual(value);
      }),
      { numRuns: 500 },
    );
  });

  it("and reads the same under YAML 1.1 (PyYAML's dialect)", () => {
    fc.assert(
      fc.property(plain, (value) => {
        expect(parse(toYaml(value), { version: "1.1" })).toEqual(value);
      }),
      { numRuns: 300 },
    );
  });
});

describe("HCL and JSON syntax agree", () => {
  it("HashiCorp's parser reads random strings and heredocs in main.tf as main.tf.json has them", async () => {
    const line = fc.string({ unit: "grapheme" }).filter((s) => !s.includes("\r"));
    await fc.assert(
      fc.asyncProperty(line, fc.array(line, { maxLength: 4 }), async (value, lines) => {
        const body = [
          block(
            "locals",
            [],
            [attribute("plain", value), attribute("script", heredoc(lines.join("\n")))],
          ),
        ];
        expect(await hclToTerraformJson(renderHcl(body))).toEqual(
          unwrapSingletons(toTerraformJson(body)),
        );
      }),
      { numRuns: 60 },
    );
  });
});

const servingPlan: fc.Arbitrary<ServingPlan> = fc
  .record(
    {
      modelId: fc.constant("org/model"),
      tensorParallel: fc.constantFrom(1, 2, 3, 4, 8, 16),
      pipelineParallel: fc.constantFrom(1, 2),
      maxModelLen: fc.integer({ min: 1, max: 131_072 }),
      maxNumSeqs: fc.integer({ min: 1, max: 2048 }),
      maxNumBatchedTokens: fc.integer({ min: 1, max: 262_144 }),
      maxInputTokens: fc.integer({ min: 1, max: 131_072 }),
      enableChunkedPrefill: fc.boolean(),
      weights: fc.constantFrom("bf16", "fp16", "fp32", "fp8", "int8", "int4", "int4-g128"),
      kvCacheDtype: fc.constantFrom("auto", "bf16", "fp16", "fp8", "fp32"),
      checkpointQuantization: fc.constantFrom(
        "awq",
        "gptq",
        "fp8",
        "compressed-tensors",
        "fbgemm_fp8",
        "exl2",
      ),
      lora: fc.record({ maxRank: fc.integer({ min: 1, max: 700 }) }),
      imagesPerPrompt: fc.integer({ min: 0, max: 8 }),
      numAttentionHeads: fc.constantFrom(32, 40, 64, 71),
      numKeyValueHeads: fc.constantFrom(1, 8, 12, 32),
    },
    { requiredKeys: ["modelId", "maxModelLen", "maxNumSeqs"] },
  )
  .map((plan) =>
    // A 16-bit precision on a pre-quantized checkpoint is a plan error tested elsewhere.
    plan.checkpointQuantization === undefined ? plan : { ...plan, weights: undefined },
  );

function flagValue(argv: readonly string[], flag: string): number {
  return Number(argv[argv.indexOf(flag) + 1]);
}

/** Renders, or returns undefined when a typed vramfit error refused the plan. */
function renderOrRefuse<T>(render: () => T): T | undefined {
  try {
    return render();
  } catch (error) {
    expect(error).toBeInstanceOf(VramfitError);
    return undefined;
  }
}

describe("random serving plans: vLLM and TGI output always satisfies the engines' rules", () => {
  it("vLLM: budget ≥ seqs (and ≥ len without chunked prefill), allowed LoRA rank, catalogued flags only", () => {
    fc.assert(
      fc.property(servingPlan, (plan) => {
        const result = renderOrRefuse(() => renderVllmCommand(plan));
        if (result === undefined) return;
        const { argv } = result;
        const batched = flagValue(argv, "--max-num-batched-tokens");
        expect(batched).toBeGreaterThanOrEqual(plan.maxNumSeqs);
        if (plan.enableChunkedPrefill === false)
          expect(batched).toBeGreaterThanOrEqual(plan.maxModelLen);
        if (plan.lora !== undefined) {
          const rank = flagValue(argv, "--max-lora-rank");
          expect(VLLM_MAX_LORA_RANKS as readonly number[]).toContain(rank);
          expect(rank).toBeGreaterThanOrEqual(plan.lora.maxRank);
        }
        if (plan.checkpointQuantization !== undefined) expect(argv).not.toContain("--quantization");
        for (const word of argv.filter((w) => w.startsWith("--"))) {
          const name = word.slice(2).replace(/^no-/, "");
          expect(VLLM_FLAGS).toHaveProperty(name);
          expect(VLLM_REMOVED_FLAGS).not.toHaveProperty(name);
        }
      }),
      { numRuns: 400 },
    );
  });

  it("TGI: input < total, input ≤ prefill ≤ batch size × total, catalogued flags only", () => {
    fc.assert(
      fc.property(servingPlan, (plan) => {
        const result = renderOrRefuse(() => renderTgiLauncher(plan));
        if (result === undefined) return;
        const { argv } = result;
        const input = flagValue(argv, "--max-input-tokens");
        const total = flagValue(argv, "--max-total-tokens");
        const prefill = flagValue(argv, "--max-batch-prefill-tokens");
        const batchSize = flagValue(argv, "--max-batch-size");
        const batchTotal = batchSize * total;
        expect(batchSize).toBe(plan.maxNumSeqs);
        expect(argv).not.toContain("--max-batch-total-tokens");
        expect(input).toBeLessThan(total);
        expect(prefill).toBeGreaterThanOrEqual(input);
        expect(prefill).toBeLessThanOrEqual(batchTotal);
        expect(argv.includes("--dtype") && argv.includes("--quantize")).toBe(false);
        for (const word of argv.filter((w) => w.startsWith("--")))
          expect(TGI_FLAGS).toHaveProperty(word.slice(2));
        expect(argv).not.toContain("--max-input-length");
      }),
      { numRuns: 400 },
    );
  });
});
