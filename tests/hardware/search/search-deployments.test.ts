import { describe, expect, it } from "vitest";
import { parseModelConfig } from "../../../src/index.js";
import { searchDeployments } from "../../../src/hardware/search/search-deployments.js";
import { llama3_70bConfig } from "../../helpers/blueprint.js";

const spec = parseModelConfig(llama3_70bConfig());
// Llama-3-70B: 70,553,706,496 parameters (the published safetensors total), 80 layers,
// 64 heads × 128 = 8,192 attention width, hidden 8,192.
const PARAMETERS = 70_553_706_496;
const PROMPT = 3840; // 4,096 context less 256 output tokens
const prefillFlops = 2 * PARAMETERS * PROMPT + 2 * 80 * PROMPT * PROMPT * 8192;
const allReduces = (tp: number, link: number): number =>
  160 * ((((2 * (tp - 1)) / tp) * PROMPT * 8192 * 2) / (link * 0.7) + 10e-6);

describe("searchDeployments: Llama-3-70B realtime, 8 × 4,096 tokens at BF16, TTFT ≤ 350 ms", () => {
  const search = searchDeployments(spec, {
    workload: "realtime",
    contextLength: 4096,
    batchSizes: [8],
    weights: ["bf16"],
    kvCacheDtypes: ["bf16"],
  });

  it("rules out 8 × A100 40GB: its prefill alone takes 450 ms", () => {
    // 5.6118e14 FLOPs / (8 × 312e12 × 0.5) = 449.7 ms, plus 8-way all-reduces over 300 GB/s.
    const ttft = prefillFlops / (8 * 312e12 * 0.5) + allReduces(8, 300e9);
    const a100 = [...search.feasible, ...search.nearest].find(
      (config) => config.acceleratorId === "nvidia-a100-40gb-sxm",
    );
    expect(search.feasible.some((c) => c.acceleratorId === "nvidia-a100-40gb-sxm")).toBe(false);
    if (a100 !== undefined) expect(a100.ttftSeconds).toBeCloseTo(ttft, 4);
  });

  it("picks a configuration that meets the target: 4 × H100 SXM reaches 333 ms", () => {
    // 5.6118e14 / (4 × 989e12 × 0.5) = 283.7 ms + 49.5 ms of all-reduces over 450 GB/s.
    const h100 = search.feasible.find(
      (config) => config.acceleratorId === "nvidia-h100-sxm" && config.tensorParallel === 4,
    );
    expect(h100?.ttftSeconds).toBeCloseTo(
      prefillFlops / (4 * 989e12 * 0.5) + allReduces(4, 450e9),
      4,
    );
    expect(search.best).not.toBeNull();
    expect((search.best?.ttftSeconds ?? 1) * 1000).toBeLessThanOrEqual(350);
    expect(search.best?.meetsTargets).toBe(true);
    expect(search.why[0]).toContain("meets every target");
  });

  it("ranks by $/hour, every priced configuration before an unpriced one", () => {
    const costs = search.feasible.map((config) => config.usdPerHour);
    const firstUnpriced = costs.indexOf(null);
    const priced = (firstUnpriced === -1 ? costs : costs.slice(0, firstUnpriced)) as number[];
    expect(priced).toEqual([...priced].sort((a, b) => a - b));
    if (firstUnpriced !== -1)
      expect(costs.slice(firstUnpriced).every((c) => c === null)).toBe(true);
    expect(search.best?.price).not.toBeNull();
  });

  it("keeps one best configuration per GPU family and a Pareto front that only improves", () => {
    const families = search.bestPerFamily.map((config) => config.family);
    expect(new Set(families).size).toBe(families.length);
    const front = search.pareto.costVsTtft;
    for (let i = 1; i < front.length; i++) {
      expect(front[i]?.usdPerHour ?? 0).toBeGreaterThanOrEqual(front[i - 1]?.usdPerHour ?? 0);
      expect(front[i]?.ttftSeconds ?? 0).toBeLessThan(front[i - 1]?.ttftSeconds ?? 0);
    }
  });

  it("says so when no configuration meets the target", () => {
    const none = searchDeployments(spec, {
      workload: "realtime",
      contextLength: 4096,
      batchSizes: [8],
      weights: ["bf16"],
      kvCacheDtypes: ["bf16"],
      maxTtftMs: 5,
    });
    expect(none.best).toBeNull();
    expect(none.why[0]).toBe("no configuration in the catalog meets every target");
    expect(none.nearest.length).toBeGreaterThan(0);
  });
});

describe("searchDeployments: batch with a tokens/s target", () => {
  const target = 10_000;
  const search = searchDeployments(spec, {
    workload: "batch",
    contextLength: 4096,
    targetTokensPerSecond: target,
    weights: ["bf16", "fp8"],
    kvCacheDtypes: ["bf16"],
    batchSizes: [8, 32, 128],
  });

  it("sizes the replicas for the load and prices the load: $/hour ÷ (10,000 tokens/s × 3,600) × 10^6", () => {
    const best = search.best;
    expect(best).not.toBeNull();
    if (best === null || best.usdPerHour === null || best.price === null) return;
    const perReplica = best.tokensPerSecondPerReplica ?? 0;
    expect(best.replicas).toBe(Math.ceil(target / perReplica));
    expect(best.usdPerHour).toBeCloseTo(best.price.usdPerHour * best.replicas, 9);
    expect(best.usdPerMillionOutputTokens).toBeCloseTo(
      (best.usdPerHour / (target * 3600)) * 1e6,
      9,
    );
    expect(search.objective).toBe("usd-per-million-tokens");
  });

  it("no feasible priced configuration is cheaper per 1M tokens than the winner", () => {
    const cheapest = Math.min(
      ...search.feasible.map((c) => c.usdPerMillionOutputTokens ?? Number.POSITIVE_INFINITY),
    );
    expect(search.best?.usdPerMillionOutputTokens).toBe(cheapest);
  });

  it("leaves out 4-bit weights on AMD and Gaudi, citing vLLM's table", () => {
    const int4 = searchDeployments(spec, {
      workload: "batch",
      weights: ["int4"],
      kvCacheDtypes: ["bf16"],
      batchSizes: [8],
      families: ["amd"],
    });
    expect(int4.best).toBeNull();
    expect(int4.excluded.some((row) => row.reason.includes("docs.vllm.ai"))).toBe(true);
  });
});
