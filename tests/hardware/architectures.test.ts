import { describe, expect, it } from "vitest";
import { estimateInferenceFromSpec, parseModelConfig } from "../../src/index.js";
import {
  DEFAULT_SERVING_ENGINE_SETTINGS,
  requirementFromInference,
} from "../../src/hardware/inference-requirement.js";
import { perGpuBytes } from "../../src/hardware/topology.js";
import { findBundledModel } from "../../src/model/bundled/find-bundled-model.js";

function requirementOf(repo: string, options = {}) {
  const spec = parseModelConfig(findBundledModel(repo)!.config);
  const estimate = estimateInferenceFromSpec(spec, {
    contextLength: 4096,
    batchSize: 8,
    ...options,
  });
  return {
    estimate,
    requirement: requirementFromInference(estimate, {
      promptTokens: 1024,
      engine: DEFAULT_SERVING_ENGINE_SETTINGS,
    }),
  };
}

describe("fit under tensor parallelism for the non-standard architectures", () => {
  it("MLA (DeepSeek-V2-Lite): the latent cache is not split: every rank holds all of it", () => {
    const { requirement } = requirementOf("deepseek-ai/DeepSeek-V2-Lite");
    // 27 layers × (kv_lora_rank 512 + qk_rope_head_dim 64) × 2 bytes × 4096 tokens × 8 sequences.
    const latentKv = 27 * (512 + 64) * 2 * 4096 * 8;
    expect(requirement.kvCacheBytes).toBe(latentKv);
    expect(perGpuBytes(requirement, 2).kvCacheBytes).toBe(latentKv);
    expect(perGpuBytes(requirement, 4).kvCacheBytes).toBe(latentKv);
  });

  it("hybrid Mamba (Jamba-1.5-Mini): the per-sequence state counts toward the fit and splits with TP", () => {
    const { estimate, requirement } = requirementOf("ai21labs/AI21-Jamba-1.5-Mini");
    expect(estimate.memory.stateCacheBytes).toBeGreaterThan(0);
    const tp1 = perGpuBytes(requirement, 1);
    expect(tp1.totalBytes).toBeGreaterThanOrEqual(
      estimate.memory.weightsBytes + estimate.memory.kvCacheBytes + estimate.memory.stateCacheBytes,
    );
    expect(perGpuBytes(requirement, 2).shardedBytes).toBe(tp1.shardedBytes / 2);
  });
});
