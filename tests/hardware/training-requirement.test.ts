import { describe, expect, it } from "vitest";
import {
  estimateTrainingFromSpec,
  parseModelConfig,
  rankGpus,
  rankGpusForEstimate,
  type GpuMatch,
} from "../../src/index.js";
import { perGpuBytes } from "../../src/hardware/topology.js";
import {
  requirementFromTraining,
  unshardedModelStates,
} from "../../src/hardware/training-requirement.js";
import { findBundledModel } from "../../src/model/bundled/find-bundled-model.js";

// Worked by hand from published figures, not read back from the code:
// - Llama-3-8B: 8,030,261,248 parameters (fixtures truth.json), 32 layers, 32 heads, 8 KV heads,
//   vocabulary 128,256.
// - Mixed-precision AdamW: 2 + 2 + 4 + 8 = 16 bytes per parameter (ZeRO paper §3.1); torch's
//   foreach step adds one FP32 state-sized buffer (`_foreach_sqrt(exp_avg_sqs)`): 4 more, so the
//   optimizer step peaks at 20 bytes per parameter.
// - Allocator: 10 % reserved beyond the allocated peak; CUDA context 512 MiB.
// - H100 SXM: nvidia-smi reports 81,559 MiB; A100 40GB: 40,960 MiB; dense BF16 989 TFLOPS.
const PARAMS = 8_030_261_248;
const MIB = 1024 ** 2;
const H100 = 81_559 * 1024 ** 2; // 85,520,809,984 B
const A100_40 = 40_960 * 1024 ** 2; // 42,949,672,960 B

const llama8b = parseModelConfig(findBundledModel("meta-llama/Meta-Llama-3-8B")!.config);

function row(matches: readonly GpuMatch[], id: string): GpuMatch {
  const found = matches.find((match) => match.acceleratorId === id);
  if (found === undefined) throw new Error(`${id} is not listed`);
  return found;
}

describe("requirementFromTraining: Llama-3-8B, full training, mixed AdamW, 2,048 tokens", () => {
  const estimate = estimateTrainingFromSpec(llama8b, {});
  const requirement = requirementFromTraining(estimate);
  // The peak is the optimizer step: 20 bytes per parameter, × 1.1, + 512 MiB.
  const SHARDED = 22 * PARAMS; // (16 + 4) × 1.1 bytes per parameter
  const TOTAL = 22 * PARAMS + 512 * MIB;

  it("puts the model states and the step's buffer (× 1.1) in the sharded part, the rest per GPU", () => {
    expect(estimate.memory.perGpu.phase).toBe("optimizer");
    expect(estimate.memory.perGpu.totalBytes).toBe(TOTAL);
    expect(requirement.kind).toBe("training");
    expect(requirement.sharding).toBe("fully-sharded");
    expect(requirement.shardedBytes).toBe(SHARDED);
    expect(requirement.perGpuBytes).toBe(512 * MIB);
    expect(requirement.kvCacheBytes).toBe(0);
    expect(requirement.firstToken).toBeNull();
    expect(requirement.sequences).toBeNull();
  });

  it("one step is 6 × parameters × tokens FLOPs", () => {
    expect(requirement.step.flops).toBe(6 * PARAMS * 2048); // 98,675,850,215,424
    expect(requirement.step.tokens).toBe(2048);
  });

  it("at one GPU it gives the estimate's own per-GPU total (to the byte its rounding adds)", () => {
    const total = perGpuBytes(requirement, 1).totalBytes;
    expect(total - estimate.memory.perGpu.totalBytes).toBeGreaterThanOrEqual(0);
    expect(total - estimate.memory.perGpu.totalBytes).toBeLessThanOrEqual(2);
  });

  it("ranks H100 SXM at 4 GPUs (2 would hold 88.87 GB > 85.52 GB), A100 40GB at 8, at the whole memory", () => {
    const ranking = rankGpusForEstimate(estimate, { families: ["H100", "A100"] });
    expect(ranking.assumptions.workload).toBe("training");
    expect(ranking.assumptions.gpuMemoryUtilization).toBe(1);
    expect(ranking.warnings.join(" ")).not.toContain("training memory");

    const h100 = row(ranking.matches, "nvidia-h100-sxm");
    expect(SHARDED / 2 + 512 * MIB).toBeGreaterThan(H100);
    const atFour = SHARDED / 4 + 512 * MIB; // 44,703,307,776
    expect(h100.gpuCount).toBe(4);
    expect(Math.abs((h100.perGpu?.totalBytes ?? 0) - atFour)).toBeLessThanOrEqual(4);
    expect(h100.reasons.join(" ")).toContain("4 GPUs (fully sharded) fits");

    const a100 = row(ranking.matches, "nvidia-a100-40gb-sxm");
    expect(SHARDED / 4 + 512 * MIB).toBeGreaterThan(A100_40);
    expect(a100.gpuCount).toBe(8);
  });

  it("trains at 4 × 989 TFLOPS × 0.5 / (6 × parameters) tokens per second on four H100s", () => {
    const ranking = rankGpusForEstimate(estimate, { families: ["H100"] });
    const h100 = row(ranking.matches, "nvidia-h100-sxm");
    const expected = (4 * 989e12 * 0.5) / (6 * PARAMS); // ≈ 41,052 tokens/s
    expect(h100.tokensPerSecond).toBeCloseTo(expected, 3);
    expect(h100.ttftSeconds).toBeNull();
  });

  it("a GPU without a tensor rate gets no training speed rather than the memory-bound time", () => {
    const ranking = rankGpusForEstimate(estimate, { families: ["H100"] });
    const nvl = row(ranking.matches, "nvidia-h100-nvl"); // bf16 rate unknown in the catalog
    expect(nvl.tokensPerSecond).toBeNull();
    expect(nvl.reasons.join(" ")).toContain("training speed not estimated");
  });
});

describe("requirementFromTraining: sharding, methods and checkpointing", () => {
  it("reads the whole model's states whatever the estimate's own ZeRO and TP: 8 GPUs, TP 2, ZeRO 2", () => {
    const sharded = estimateTrainingFromSpec(llama8b, {
      gpuCount: 8,
      tensorParallel: 2,
      zeroStage: 2,
    });
    const states = unshardedModelStates(sharded);
    expect(states.weightsBytes).toBeCloseTo(2 * PARAMS, 0);
    expect(states.gradientsBytes).toBeCloseTo(2 * PARAMS, 0);
    expect(states.optimizerStatesBytes).toBeCloseTo(8 * PARAMS, 0);
    expect(states.masterWeightsBytes).toBeCloseTo(4 * PARAMS, 0);
    expect(states.totalBytes).toBe(16 * PARAMS);
  });

  it("at the estimate's own count under ZeRO-3 it reproduces the estimate", () => {
    const zero3 = estimateTrainingFromSpec(llama8b, { gpuCount: 4, zeroStage: 3 });
    const requirement = requirementFromTraining(zero3);
    const total = perGpuBytes(requirement, 4).totalBytes - zero3.memory.perGpu.totalBytes;
    expect(total).toBeGreaterThanOrEqual(0);
    expect(total).toBeLessThanOrEqual(2);
  });

  it("offloaded optimizer states and master weights stay off the GPU", () => {
    const offloaded = estimateTrainingFromSpec(llama8b, {
      gpuCount: 2,
      zeroStage: 1,
      offloadOptimizer: true,
    });
    expect(unshardedModelStates(offloaded).totalBytes).toBeCloseTo(4 * PARAMS, 0); // weights + gradients
  });

  it("8× with gradient checkpointing; LoRA 4× (no weight gradients of the frozen base), 6× with it", () => {
    const tokens = 2048;
    const full = requirementFromTraining(
      estimateTrainingFromSpec(llama8b, { gradientCheckpointing: true }),
    );
    expect(full.step.flops).toBe(8 * PARAMS * tokens);
    const lora = requirementFromTraining(estimateTrainingFromSpec(llama8b, { method: "lora" }));
    expect(lora.step.flops).toBe(4 * PARAMS * tokens);
    const loraCkpt = requirementFromTraining(
      estimateTrainingFromSpec(llama8b, { method: "qlora", gradientCheckpointing: true }),
    );
    expect(loraCkpt.step.flops).toBe(6 * PARAMS * tokens);
    expect(loraCkpt.weights).toBe("int4");
  });

  it("an inference estimate under the training workload still warns; a training estimate under realtime does too", async () => {
    const training = estimateTrainingFromSpec(llama8b, { method: "qlora" });
    const ranking = rankGpusForEstimate(training, { workload: "realtime" });
    expect(ranking.warnings.join(" ")).toContain("ranked for the realtime workload");
    // The async edge takes a training estimate as it is.
    const viaApi = await rankGpus(training, { families: ["L4"] });
    expect(viaApi.requirement.kind).toBe("training");
  });
});
