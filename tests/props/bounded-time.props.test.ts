import fc from "fast-check";
import { beforeAll, describe, expect, it } from "vitest";
import {
  planDeploymentFromSpec,
  renderTemplates,
  validateDeploymentFromSpec,
  type DeploymentPlan,
  type PlanRequest,
} from "../../src/deploy.js";
import {
  ACCELERATORS,
  estimateInferenceFromSpec,
  estimateTrainingFromSpec,
  parseModelConfig,
  rankGpusForEstimate,
  rankInstancesForEstimate,
  VramfitError,
  type ModelSpec,
} from "../../src/index.js";
import { validatePlan } from "../../src/deploy/checklist/validate-deployment.js";
import { TEMPLATE_TARGET_IDS } from "../../src/deploy/templates/render-templates.js";
import { budgetTrial, findTopology, MAX_PIPELINE_STAGES } from "../../src/hardware/topology.js";
import type { GpuRequirement } from "../../src/hardware/requirement.js";

// A hang detector, not a speed test: every pure entry point (estimate, training estimate,
// rankings, plan, checklist, templates) must return or throw a typed error within a per-case
// budget for any config within generous but finite bounds, and the parallelism search for any
// layer count at all. `npm test` runs ≥ 20,000 cases with a fixed seed; `npm run fuzz` runs the
// same properties 10× longer, with a new seed each time (printed on failure).

const LONG = process.env.VRAMFIT_FUZZ === "long";
const SCALE = LONG ? 10 : 1;
const SEED = LONG ? Date.now() : 13_2026;
/** Milliseconds one case may take: 100× a normal case, so a slow CI runner never trips it. */
const BUDGET_MS = 250;

/** Cases run so far, and the slowest, for the summary. */
const stats = { cases: 0, slowestMs: 0, slowest: "" };
/** Per entry point: cases answered, and refused with a typed error (by its code). */
const outcomes = new Map<string, Record<string, number>>();

function count(name: string, outcome: string): void {
  const counts = outcomes.get(name) ?? {};
  counts[outcome] = (counts[outcome] ?? 0) + 1;
  outcomes.set(name, counts);
}

/**
 * Runs one case and fails it if it takes longer than the budget twice in a row (once could be a
 * garbage collection or a busy machine; a hang or a per-layer loop is slow every time). A typed
 * vramfit error is an answer (a config the schema takes may still be refused); anything else is
 * re-thrown.
 */
function withinBudget<T>(name: string, input: unknown, run: () => T): T | undefined {
  const first = timedRun(name, run);
  stats.cases += 1;
  if (first.elapsed > stats.slowestMs)
    Object.assign(stats, { slowestMs: first.elapsed, slowest: name });
  if (first.elapsed <= BUDGET_MS) return first.result;
  const again = timedRun(name, run);
  if (again.elapsed > BUDGET_MS) {
    throw new Error(
      `${name} took ${first.elapsed.toFixed(0)} ms, then ${again.elapsed.toFixed(0)} ms (> ${BUDGET_MS} ms) for ${JSON.stringify(input).slice(0, 400)}`,
    );
  }
  return again.result;
}

function timedRun<T>(name: string, run: () => T): { result: T | undefined; elapsed: number } {
  const start = performance.now();
  let result: T | undefined;
  try {
    result = run();
    count(name, "answered");
  } catch (error) {
    if (!(error instanceof VramfitError)) throw error;
    count(name, error.code);
  }
  return { result, elapsed: performance.now() - start };
}

const runs = (count: number) => ({ numRuns: count * SCALE, seed: SEED });

// ----------------------------------------------------------------- configs

/** Heavy-tailed integers: mostly realistic, sometimes up to `max`. */
function dimension(realistic: number, max: number): fc.Arbitrary<number> {
  return fc.oneof(
    { weight: 3, arbitrary: fc.integer({ min: 1, max: realistic }) },
    { weight: 1, arbitrary: fc.integer({ min: 1, max }) },
  );
}

/** Raw config.json objects of every architecture family, dimensions within generous bounds. */
const configArbitrary: fc.Arbitrary<Record<string, unknown>> = fc
  .record({
    kind: fc.constantFrom("llama", "mixtral", "deepseek_v3", "gemma2", "gpt_oss", "jamba"),
    layers: dimension(128, 4096),
    kvHeads: dimension(16, 1024),
    groups: dimension(8, 256),
    headDim: fc.constantFrom(1, 8, 64, 128, 256, 1024),
    intermediateFactor: fc.integer({ min: 1, max: 8 }),
    vocab: dimension(256_000, 10_000_000),
    experts: dimension(256, 65_536),
    perToken: dimension(8, 1024),
    firstDense: fc.integer({ min: 0, max: 8 }),
    window: dimension(8192, 10_000_000),
    positions: dimension(131_072, 100_000_000),
  })
  .map((r) => {
    const heads = Math.min(r.kvHeads * r.groups, 65_536);
    const kvHeads = Math.min(r.kvHeads, heads);
    const hidden = Math.min(heads * r.headDim, 1_048_576);
    const perToken = Math.min(r.perToken, r.experts);
    const base = {
      model_type: r.kind,
      num_hidden_layers: r.layers,
      hidden_size: hidden,
      num_attention_heads: heads,
      num_key_value_heads: kvHeads,
      intermediate_size: hidden * r.intermediateFactor,
      vocab_size: r.vocab,
      max_position_embeddings: r.positions,
      torch_dtype: "bfloat16",
    };
    switch (r.kind) {
      case "mixtral":
        return { ...base, num_local_experts: r.experts, num_experts_per_tok: perToken };
      case "deepseek_v3":
        return {
          ...base,
          n_routed_experts: r.experts,
          num_experts_per_tok: perToken,
          n_shared_experts: 1,
          moe_intermediate_size: r.headDim * 4,
          first_k_dense_replace: Math.min(r.firstDense, r.layers),
          kv_lora_rank: 512,
          q_lora_rank: 1536,
          qk_nope_head_dim: 128,
          qk_rope_head_dim: 64,
          v_head_dim: 128,
        };
      case "gemma2":
        return { ...base, sliding_window: r.window };
      case "gpt_oss":
        return {
          ...base,
          num_local_experts: r.experts,
          num_experts_per_tok: perToken,
          sliding_window: r.window,
          layer_types: Array.from({ length: r.layers }, (_, i) =>
            i % 2 === 0 ? "sliding_attention" : "full_attention",
          ),
        };
      case "jamba":
        return {
          ...base,
          num_experts: r.experts,
          num_experts_per_tok: perToken,
          attn_layer_period: 8,
          attn_layer_offset: 4 % r.layers,
          expert_layer_period: 2,
          expert_layer_offset: 1 % r.layers,
          mamba_d_state: 16,
          mamba_d_conv: 4,
          mamba_expand: 2,
        };
      default:
        return base;
    }
  });

/** A config the schema takes, as a spec; configs it refuses are the schema's business. */
function specOf(config: Record<string, unknown>): ModelSpec | undefined {
  return withinBudget("parseModelConfig", config, () => parseModelConfig(config));
}

const servingOptions = fc.record({
  contextLength: dimension(32_768, 100_000_000),
  batchSize: dimension(64, 1_000_000),
  weights: fc.constantFrom("auto", "bf16", "fp8", "int8", "int4", "int4-g128"),
  kvCacheDtype: fc.constantFrom("auto", "bf16", "fp8"),
});

// ----------------------------------------------------------------- properties

describe("every pure entry point finishes within the per-case budget", () => {
  beforeAll(() => {
    // Warm the JIT and load every module once, so the first case is not charged for it.
    const spec = parseModelConfig({
      model_type: "llama",
      num_hidden_layers: 2,
      hidden_size: 64,
      num_attention_heads: 4,
      intermediate_size: 128,
      vocab_size: 1000,
    });
    const plan = planDeploymentFromSpec(spec, { workload: "realtime", modelId: "org/m" });
    renderTemplates(plan.templates, plan.templateTargets);
    validatePlan(plan);
  });

  it(
    "parse + inference estimate",
    () => {
      fc.assert(
        fc.property(configArbitrary, servingOptions, (config, options) => {
          const spec = specOf(config);
          if (spec !== undefined) {
            withinBudget("estimateInferenceFromSpec", { config, options }, () =>
              estimateInferenceFromSpec(spec, options),
            );
          }
        }),
        runs(6000),
      );
    },
    120_000 * SCALE,
  );

  it(
    "training estimate",
    () => {
      fc.assert(
        fc.property(
          configArbitrary,
          fc.record({
            method: fc.constantFrom("full", "lora", "qlora"),
            sequenceLength: dimension(4096, 10_000_000),
            microBatchSize: dimension(8, 1_000_000),
            gpuCount: dimension(8, 1_000_000),
            rank: dimension(64, 65_536),
          }),
          (config, options) => {
            const spec = specOf(config);
            if (spec !== undefined) {
              withinBudget("estimateTrainingFromSpec", { config, options }, () =>
                estimateTrainingFromSpec(spec, options),
              );
            }
          },
        ),
        runs(4000),
      );
    },
    120_000 * SCALE,
  );

  it(
    "GPU and instance rankings",
    () => {
      fc.assert(
        fc.property(configArbitrary, servingOptions, fc.boolean(), (config, options, instances) => {
          const spec = specOf(config);
          if (spec === undefined) return;
          const estimate = withinBudget("estimateInferenceFromSpec", config, () =>
            estimateInferenceFromSpec(spec, options),
          );
          if (estimate === undefined) return;
          withinBudget(
            instances ? "rankInstancesForEstimate" : "rankGpusForEstimate",
            config,
            () => (instances ? rankInstancesForEstimate(estimate) : rankGpusForEstimate(estimate)),
          );
        }),
        runs(2500),
      );
    },
    120_000 * SCALE,
  );

  it(
    "plan, its checklist and its templates",
    () => {
      const requestArbitrary = fc.record(
        {
          workload: fc.constantFrom("realtime", "batch", "lora", "qlora", "full"),
          contextLength: dimension(8192, 10_000_000),
          batchSize: dimension(64, 100_000),
          targetRequestsPerSecond: fc.double({ min: 0.001, max: 1e9, noNaN: true }),
          gpu: fc.constantFrom(...Object.keys(ACCELERATORS)),
        },
        { requiredKeys: ["workload"] },
      ) as fc.Arbitrary<PlanRequest>;
      fc.assert(
        fc.property(configArbitrary, requestArbitrary, (config, request) => {
          const spec = specOf(config);
          if (spec === undefined) return;
          const plan: DeploymentPlan | undefined = withinBudget(
            "planDeploymentFromSpec",
            { config, request },
            () => planDeploymentFromSpec(spec, { ...request, modelId: "org/model" }),
          );
          if (plan === undefined) return;
          withinBudget("validatePlan", { config, request }, () => validatePlan(plan));
          withinBudget("renderTemplates", { config, request }, () =>
            renderTemplates(plan.templates, plan.templateTargets),
          );
        }),
        runs(400),
      );
    },
    120_000 * SCALE,
  );

  it(
    "the checklist of a hand-written deployment (any parallelism)",
    () => {
      fc.assert(
        fc.property(
          configArbitrary,
          fc.record({
            workload: fc.constantFrom("realtime", "batch", "lora", "qlora", "full"),
            gpu: fc.constantFrom(...Object.keys(ACCELERATORS)),
            gpuCount: dimension(8, 1_000_000),
            tensorParallel: dimension(8, 1_000_000),
            pipelineParallel: dimension(8, 1_000_000),
            contextLength: dimension(8192, 10_000_000),
            batchSize: dimension(64, 100_000),
          }),
          (config, deployment) => {
            const spec = specOf(config);
            if (spec === undefined) return;
            withinBudget("validateDeploymentFromSpec", { config, deployment }, () =>
              validateDeploymentFromSpec(spec, deployment as never),
            );
          },
        ),
        runs(1500),
      );
    },
    120_000 * SCALE,
  );

  it(
    "templates for any serving plan numbers",
    () => {
      fc.assert(
        fc.property(
          fc.record({
            tensorParallel: dimension(8, 1_000_000),
            pipelineParallel: dimension(8, 1_000_000),
            maxModelLen: dimension(32_768, 1e9),
            maxNumSeqs: dimension(256, 1e9),
            numAttentionHeads: dimension(64, 1e9),
            numKeyValueHeads: dimension(8, 1e9),
            gpusPerInstance: dimension(8, 1e9),
            loraRank: dimension(64, 1e9),
          }),
          (r) => {
            withinBudget("renderTemplates", r, () =>
              renderTemplates(
                {
                  serving: {
                    modelId: "org/model",
                    tensorParallel: r.tensorParallel,
                    pipelineParallel: r.pipelineParallel,
                    maxModelLen: r.maxModelLen,
                    maxNumSeqs: r.maxNumSeqs,
                    numAttentionHeads: r.numAttentionHeads,
                    numKeyValueHeads: r.numKeyValueHeads,
                    lora: { maxRank: r.loraRank },
                  },
                  training: { baseModel: "org/model", method: "lora", rank: r.loraRank },
                  infra: {
                    region: "us-east-1",
                    instanceTypes: ["p5.48xlarge"],
                    gpusPerInstance: r.gpusPerInstance,
                  },
                },
                TEMPLATE_TARGET_IDS,
              ),
            );
          },
        ),
        runs(1500),
      );
    },
    120_000 * SCALE,
  );

  it("the parallelism search, for any layer count up to 10^15", () => {
    const requirement = fc.record({
      shardedBytes: fc.integer({ min: 0, max: Number.MAX_SAFE_INTEGER }),
      kvCacheBytes: fc.integer({ min: 0, max: Number.MAX_SAFE_INTEGER }),
      perGpuBytes: fc.integer({ min: 0, max: 200e9 }),
      layers: fc.oneof(fc.integer({ min: 1, max: 200 }), fc.integer({ min: 1, max: 1e15 })),
      attentionHeads: dimension(64, 1e9),
      kvHeads: dimension(8, 1e9),
      budget: fc.integer({ min: 1, max: 300e9 }),
    });
    fc.assert(
      fc.property(requirement, (r) => {
        const gpu = {
          shardedBytes: r.shardedBytes,
          kvCacheBytes: r.kvCacheBytes,
          kvCacheShardableHeads: r.kvHeads,
          perGpuBytes: r.perGpuBytes,
          layers: r.layers,
          attentionHeads: r.attentionHeads,
          kvHeads: r.kvHeads,
        } as GpuRequirement;
        const topology = withinBudget("findTopology", r, () =>
          findTopology(gpu, {
            maxGpus: Number.POSITIVE_INFINITY,
            trial: budgetTrial(gpu, r.budget, 0),
          }),
        );
        expect(topology?.pp).toBeLessThanOrEqual(Math.min(MAX_PIPELINE_STAGES, r.layers));
      }),
      runs(5000),
    );
  });

  it(`ran ≥ ${20_000 * SCALE} cases`, () => {
    // Skipped cases (configs the schema refuses) count: the parse ran within budget too.
    expect(stats.cases).toBeGreaterThanOrEqual(20_000 * SCALE);
    console.info(
      `bounded-time fuzz: ${stats.cases} cases, seed ${SEED}, slowest ${stats.slowestMs.toFixed(1)} ms (${stats.slowest})`,
      Object.fromEntries(outcomes),
    );
  });
});

describe("a config that claims 10^12 layers", () => {
  it("sizes and ranks in bounded time: the pipeline search bisects", () => {
    const requirement = {
      shardedBytes: 1e18,
      kvCacheBytes: 0,
      kvCacheShardableHeads: 8,
      perGpuBytes: 1e9,
      layers: 1e12,
      attentionHeads: 64,
      kvHeads: 8,
    } as GpuRequirement;
    const start = performance.now();
    const topology = findTopology(requirement, {
      maxGpus: Number.POSITIVE_INFINITY,
      trial: budgetTrial(requirement, 80e9, 0),
    });
    expect(performance.now() - start).toBeLessThan(BUDGET_MS);
    // 10^18 bytes over TP 8 needs ~1.6 M stages of 80 GB: more than any deployment.
    expect(topology).toMatchObject({ fits: false, tp: 8, pp: 1 });

    const fits = findTopology(
      { ...requirement, shardedBytes: 1e13 },
      {
        maxGpus: Number.POSITIVE_INFINITY,
        trial: budgetTrial({ ...requirement, shardedBytes: 1e13 }, 80e9, 0),
      },
    );
    // 10^13 / 8 per stage / (80 − 1) GB: 16 stages, the fewest that fit.
    expect(fits).toMatchObject({ fits: true, tp: 8, pp: 16 });
  });
});
