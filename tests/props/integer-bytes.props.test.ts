import fc from "fast-check";
import { describe, expect, it } from "vitest";
import {
  BUNDLED_MODELS,
  estimateInferenceFromSpec,
  estimateTrainingFromSpec,
  fitOnGpuFromSpec,
  parseModelConfig,
  rankGpusForEstimate,
  rankInstancesForEstimate,
} from "../../src/index.js";
import { planDeploymentFromSpec, validateDeploymentFromSpec } from "../../src/deploy.js";
import { KV_CACHE_DTYPE_IDS, WEIGHT_PRECISION_IDS } from "../../src/memory/precision.js";

// Every size vramfit returns is a whole number of bytes (a safe integer), so int64 readers and
// BigInt(…) take it as is: walk each result and check every number under a key naming bytes.

const SPECS = BUNDLED_MODELS.filter((model) => model.repo !== "google-bert/bert-base-uncased").map(
  (model) => ({ repo: model.repo, spec: parseModelConfig(model.config) }),
);
const DENSE = SPECS.filter(({ spec }) => spec.quantization === undefined);

/** Every `[path, value]` under a key that names bytes (`weightsBytes`, `kvCacheBytesPerToken`, ...); rates (`...BytesPerSecond`) are not sizes. */
function byteFigures(
  value: unknown,
  path = "",
  out: [string, unknown][] = [],
): [string, unknown][] {
  if (Array.isArray(value)) {
    value.forEach((item, index) => byteFigures(item, `${path}[${index}]`, out));
  } else if (typeof value === "object" && value !== null) {
    for (const [key, child] of Object.entries(value)) {
      const childPath = path === "" ? key : `${path}.${key}`;
      if (/Bytes(?!PerSecond)/.test(key) && (typeof child === "number" || child === null)) {
        out.push([childPath, child]);
      } else {
        byteFigures(child, childPath, out);
      }
    }
  }
  return out;
}

function expectWholeBytes(result: unknown): void {
  const figures = byteFigures(result);
  expect(figures.length).toBeGreaterThan(0);
  const fractional = figures.filter(
    ([, value]) => value !== null && !(Number.isSafeInteger(value) && (value as number) >= 0),
  );
  expect(fractional).toEqual([]);
}

describe("every *Bytes figure is a whole, non-negative, safe integer", () => {
  it("finds a fractional figure when there is one (negative control)", () => {
    expect(byteFigures({ memory: { totalBytes: 1.5, parts: [{ kvBytes: 2 }] } })).toEqual([
      ["memory.totalBytes", 1.5],
      ["memory.parts[0].kvBytes", 2],
    ]);
  });

  it("in inference estimates and their GPU and instance rankings", () => {
    fc.assert(
      fc.property(
        fc.constantFrom(...DENSE),
        fc.integer({ min: 1, max: 131_072 }),
        fc.integer({ min: 1, max: 64 }),
        fc.constantFrom(...WEIGHT_PRECISION_IDS),
        fc.constantFrom(...KV_CACHE_DTYPE_IDS),
        fc.double({ min: 0, max: 1, noNaN: true }),
        ({ spec }, contextLength, batchSize, weights, kvCacheDtype, overheadFraction) => {
          const estimate = estimateInferenceFromSpec(spec, {
            contextLength,
            batchSize,
            weights,
            kvCacheDtype,
            overheadFraction,
          });
          expectWholeBytes(estimate);
          expectWholeBytes(rankGpusForEstimate(estimate, { workload: "batch" }));
          expectWholeBytes(rankInstancesForEstimate(estimate, { workload: "batch", top: 5 }));
        },
      ),
      { numRuns: 60 },
    );
  });

  it("in per-GPU fits, both engines", () => {
    fc.assert(
      fc.property(
        fc.constantFrom(...DENSE),
        fc.constantFrom("nvidia-rtx-3090", "nvidia-a100-80gb-sxm", "nvidia-h100-sxm", "amd-mi300x"),
        fc.integer({ min: 1, max: 131_072 }),
        fc.constantFrom("vllm" as const, "sglang" as const),
        fc.constantFrom("0.6.4", "0.7.3", "latest"),
        ({ spec }, gpu, contextLength, engine, engineVersion) => {
          expectWholeBytes(
            fitOnGpuFromSpec(spec, {
              gpu,
              contextLength,
              engine,
              engineVersion: engine === "sglang" ? "latest" : engineVersion,
            }),
          );
        },
      ),
      { numRuns: 60 },
    );
  });

  it("in training estimates", () => {
    fc.assert(
      fc.property(
        fc.constantFrom(...DENSE),
        fc.constantFrom("full", "lora", "qlora"),
        fc.integer({ min: 1, max: 8192 }),
        fc.constantFrom(1, 2, 8),
        fc.constantFrom(0, 1, 2, 3),
        fc.constantFrom(undefined, "hf", "torchtune", "litgpt", "axolotl", "deepspeed"),
        fc.constantFrom("adamw", "adamw-8bit", "paged-adamw", "paged-adamw-8bit", "adafactor"),
        fc.boolean(),
        ({ spec }, method, sequenceLength, gpuCount, zeroStage, framework, optimizer, more) => {
          const sharded = gpuCount === 1 ? 0 : zeroStage;
          expectWholeBytes(
            estimateTrainingFromSpec(spec, {
              method,
              sequenceLength,
              gpuCount,
              zeroStage: sharded,
              framework,
              optimizer,
              // The other knobs, all at once: the timeline, the loss and the placement.
              ...(more
                ? {
                    compile: true,
                    gradientAccumulationSteps: 2,
                    crossEntropy: "chunked",
                    lossPrecision: "bf16",
                    attention: "eager",
                    dropout: true,
                    offloadOptimizer: sharded > 0,
                    offloadParameters: sharded === 3,
                    ...(method === "full" ? {} : { loraDropout: 0.1, keepQuantizedInputs: true }),
                  }
                : {}),
            }),
          );
        },
      ),
      { numRuns: 60 },
    );
  });

  it("in plans and their checklists", () => {
    const spec = DENSE.find(({ repo }) => repo === "meta-llama/Meta-Llama-3-8B")!.spec;
    for (const workload of ["realtime", "batch", "lora", "qlora", "full"] as const) {
      const plan = planDeploymentFromSpec(spec, {
        workload,
        modelId: "meta-llama/Meta-Llama-3-8B",
      });
      expectWholeBytes(plan);
      const checklist = validateDeploymentFromSpec(spec, {
        workload,
        gpu: plan.chosen.acceleratorId,
        gpuCount: plan.chosen.gpuCount,
      });
      expectWholeBytes(checklist);
    }
  });
});
