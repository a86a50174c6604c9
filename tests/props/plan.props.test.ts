import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { planDeploymentFromSpec, renderTemplates, type PlanRequest } from "../../src/deploy.js";
import { validatePlan } from "../../src/deploy/checklist/validate-deployment.js";
import { bundledSpec } from "../helpers/blueprint.js";

const MODELS = [
  "meta-llama/Meta-Llama-3-8B",
  "meta-llama/Meta-Llama-3-70B",
  "Qwen/Qwen2.5-0.5B",
  "mistralai/Mistral-7B-v0.1",
  "google/gemma-2-9b",
].map((repo) => ({ repo, spec: bundledSpec(repo) }));

const servingRequest = fc.record({
  workload: fc.constantFrom("realtime", "batch"),
  contextLength: fc.constantFrom(512, 2048, 4096, 8192),
  batchSize: fc.integer({ min: 1, max: 64 }),
  weights: fc.constantFrom("auto", "bf16", "fp8", "int4-g128"),
  targetTokensPerSecond: fc.option(fc.integer({ min: 1, max: 100_000 }), { nil: undefined }),
}) as fc.Arbitrary<PlanRequest>;

/** Every number in a value, walked (JSON.stringify would turn NaN and Infinity into null). */
function numbers(value: unknown): number[] {
  if (typeof value === "number") return [value];
  if (value === null || typeof value !== "object") return [];
  return Object.values(value).flatMap(numbers);
}

describe("every serving plan", () => {
  it("fits its budget, records five steps, renders its templates and passes its own fit check", () => {
    fc.assert(
      fc.property(fc.constantFrom(...MODELS), servingRequest, ({ repo, spec }, request) => {
        const plan = planDeploymentFromSpec(spec, { ...request, modelId: repo });
        const c = plan.chosen;
        expect(plan.steps.map((step) => step.step)).toEqual([
          "workload",
          "modality",
          "vram",
          "topology",
          "pricing",
        ]);
        expect(c.perGpuBytes).toBeLessThanOrEqual(c.budgetBytesPerGpu);
        expect(c.gpuCount).toBe(c.tensorParallel * c.pipelineParallel * c.replicas);
        if (request.targetTokensPerSecond !== undefined && c.tokensPerSecond !== null) {
          // Enough replicas, and not one more than needed.
          expect(c.tokensPerSecond).toBeGreaterThanOrEqual(request.targetTokensPerSecond);
          expect((c.replicas - 1) * (c.tokensPerSecondPerReplica ?? 0)).toBeLessThan(
            request.targetTokensPerSecond,
          );
        }
        const report = validatePlan(plan);
        expect(report.checks.find((check) => check.id === "fit")?.status).not.toBe("fail");
        expect(report.checks.find((check) => check.id === "pricing")?.status).toBe("pass");
        expect(renderTemplates(plan.templates, ["k8s"]).files).toHaveLength(1);
        // No NaN, no Infinity, nothing negative anywhere in the plan or its checklist.
        for (const value of numbers({ plan, report })) {
          expect(Number.isFinite(value) && value >= 0).toBe(true);
        }
      }),
      { numRuns: 25 },
    );
  });
});
