import { Ajv, type ValidateFunction } from "ajv";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import {
  BUNDLED_MODELS,
  estimateInferenceFromSpec,
  fitOnGpuFromSpec,
  estimateTrainingFromSpec,
  parseModelConfig,
  rankGpusForEstimate,
  rankInstancesForEstimate,
} from "../src/index.js";
import { planDeploymentFromSpec, validatePlan } from "../src/deploy.js";
import { runCli } from "./helpers/cli.js";

// The JSON Schemas npm ships (dist/schemas, written by `npm run build`) describe what vramfit
// really returns: real results of every kind validate, strictly (no unknown property), and a
// result with a misspelt field does not.

const SCHEMAS = join(import.meta.dirname, "..", "dist", "schemas");
const ajv = new Ajv({ allErrors: true, strict: false });

const compiled = new Map<string, ValidateFunction>();

function validator(name: string): ValidateFunction {
  let validate = compiled.get(name);
  if (validate === undefined) {
    const schema = JSON.parse(readFileSync(join(SCHEMAS, `${name}.schema.json`), "utf8")) as object;
    validate = ajv.compile(schema);
    compiled.set(name, validate);
  }
  return validate;
}

/** JSON as it is written: undefined fields dropped, as JSON.stringify does. */
function asJson(value: unknown): unknown {
  return JSON.parse(JSON.stringify(value));
}

function expectValid(name: string, value: unknown): void {
  const validate = validator(name);
  const valid = validate(asJson(value));
  expect(validate.errors?.slice(0, 3) ?? null).toBeNull();
  expect(valid).toBe(true);
}

const spec = (repo: string) =>
  parseModelConfig(BUNDLED_MODELS.find((model) => model.repo === repo)!.config);

describe("the shipped JSON Schemas", () => {
  const llama8b = spec("meta-llama/Meta-Llama-3-8B");

  // Sizes every bundled model and ranks the whole catalog: seconds on a busy machine.
  it(
    "every result kind validates against its schema, across architectures",
    {
      timeout: 60_000,
    },
    () => {
      for (const model of BUNDLED_MODELS) {
        const estimate = estimateInferenceFromSpec(parseModelConfig(model.config));
        expectValid("inference-estimate", estimate);
      }
      const estimate = estimateInferenceFromSpec(llama8b, { contextLength: 8192, batchSize: 4 });
      expectValid("gpu-ranking", rankGpusForEstimate(estimate));
      expectValid("instance-ranking", rankInstancesForEstimate(estimate, { top: 5 }));
      expectValid(
        "gpu-fit",
        fitOnGpuFromSpec(llama8b, { gpu: "nvidia-rtx-3090", contextLength: 8192 }),
      );
      expectValid(
        "gpu-fit",
        fitOnGpuFromSpec(llama8b, { gpu: "nvidia-h100-sxm", engine: "sglang", tensorParallel: 2 }),
      );
      for (const method of ["full", "lora", "qlora"] as const) {
        expectValid("training-estimate", estimateTrainingFromSpec(llama8b, { method }));
      }
      for (const workload of ["realtime", "batch", "qlora", "full"] as const) {
        const plan = planDeploymentFromSpec(llama8b, {
          workload,
          modelId: "meta-llama/Meta-Llama-3-8B",
        });
        expectValid("plan", plan);
        expectValid("checklist", validatePlan(plan));
      }
    },
  );

  it("refuses a result with a misspelt field, a wrong kind or a missing part (negative control)", () => {
    const estimate = asJson(estimateInferenceFromSpec(llama8b)) as Record<string, unknown>;
    const validate = validator("inference-estimate");
    expect(validate({ ...estimate, memroy: {} })).toBe(false);
    expect(validate({ ...estimate, kind: "training" })).toBe(false);
    const { memory: _memory, ...withoutMemory } = estimate;
    expect(validate(withoutMemory)).toBe(false);
  });

  it("the input-file schemas accept the README's deployment file and refuse an unknown field", () => {
    const validate = validator("deployment");
    const deployment = {
      model: "meta-llama/Meta-Llama-3-70B",
      workload: "realtime",
      gpu: "nvidia-a100-80gb-sxm",
      gpuCount: 1,
      contextLength: 4096,
      batchSize: 8,
      weights: "bf16",
    };
    expect(validate(deployment)).toBe(true);
    expect(validate({ ...deployment, precision: "bf16" })).toBe(false);
    const catalog = validator("catalog");
    expect(
      catalog({
        accelerators: { "acme-x1": { name: "Acme X1", memoryGiB: 96, memoryBandwidthTBps: 4 } },
      }),
    ).toBe(true);
    expect(catalog({ acelerators: {} })).toBe(false);
  });

  it("vramfit schema prints them, and --json output carries schemaVersion", async () => {
    const printed = await runCli(["schema", "inference-estimate"]);
    expect(printed.code).toBe(0);
    expect(JSON.parse(printed.stdout)).toMatchObject({
      $schema: "http://json-schema.org/draft-07/schema#",
    });
    const unknown = await runCli(["schema", "estimate"]);
    expect(unknown.code).toBe(2);
    expect(unknown.stderr).toContain("inference-estimate");
    const json = await runCli(["estimate", "meta-llama/Meta-Llama-3-8B", "--offline", "--json"]);
    const output = JSON.parse(json.stdout) as { schemaVersion: number };
    expect(output.schemaVersion).toBe(1);
    expectValid("inference-estimate", output);
  });
});
