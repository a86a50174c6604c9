import { describe, expect, it } from "vitest";
import { estimateTrainingFromSpec } from "../../../src/index.js";
import { staleCacheBytes } from "../../../src/memory/training/overhead.js";
import { llama8b } from "../../helpers/training-specs.js";

// The reserved peak's own model (docs/methodology.md#reserved-memory): with variable-length
// batches an earlier, shorter batch's logits blocks stay cached and unusable for the longest
// batch's larger requests, less what every step allocates anew and can carve from them.
describe("staleCacheBytes", () => {
  // Qwen-7B-Chat, one 2,048-token sample, vocabulary 151,936, standard FP32 loss: 16 bytes per
  // logit at the loss's backward = 4,978,638,848 bytes (4.64 GiB).
  const logits = 16 * 2048 * 151_936;

  it("is the logits chain less what is reallocated each step, with variable-length batches", () => {
    expect(logits).toBe(4_978_638_848);
    expect(
      staleCacheBytes({
        variableLengthBatches: true,
        expandableSegments: false,
        logitsBytes: logits,
        reallocatedBytes: 1_000_000_000,
      }),
    ).toBe(3_978_638_848);
  });

  it("is 0 with fixed shapes, with expandable segments, or when per-step tensors fill it", () => {
    const base = { logitsBytes: logits, reallocatedBytes: 0 };
    expect(
      staleCacheBytes({ ...base, variableLengthBatches: false, expandableSegments: false }),
    ).toBe(0);
    expect(
      staleCacheBytes({ ...base, variableLengthBatches: true, expandableSegments: true }),
    ).toBe(0);
    expect(
      staleCacheBytes({
        variableLengthBatches: true,
        expandableSegments: false,
        logitsBytes: logits,
        reallocatedBytes: 2 * logits,
      }),
    ).toBe(0);
  });
});

describe("estimateTrainingFromSpec: reserved and allocated peaks have their own models", () => {
  // Llama-3-8B LoRA r16 (all-linear), 1 × 2,048 tokens, standard FP32 loss: the logits chain at
  // the loss's backward is 16 × 2,048 × 128,256 bytes (loss.ts). Without checkpointing the saved
  // activations (several GiB) exceed it, so checkpointing keeps the per-step tensors small.
  const logits = 16 * 2048 * 128_256;
  const options = {
    method: "lora",
    gradientCheckpointing: true,
    crossEntropy: "standard",
    lossPrecision: "fp32",
  } as const;

  it("variable-length batches add the stale logits cache to reserved, never to allocated", () => {
    const fixed = estimateTrainingFromSpec(llama8b, { ...options, variableLengthBatches: false });
    const variable = estimateTrainingFromSpec(llama8b, { ...options, variableLengthBatches: true });
    const f = fixed.memory.perGpu;
    const v = variable.memory.perGpu;
    expect(f.staleCacheBytes).toBe(0);
    expect(v.peakAllocatedBytes).toBe(f.peakAllocatedBytes);
    expect(v.fragmentationBytes).toBe(f.fragmentationBytes);
    // Reallocated each step: the checkpointed inputs, one layer's recompute, the adapters' FP32
    // gradients and the foreach step buffer; the rest of the logits chain stays cached.
    const reallocated =
      variable.activations.storedBytes +
      variable.activations.recomputeBytes +
      4 * variable.parameters.trainable +
      4 * variable.parameters.trainable;
    expect(v.staleCacheBytes).toBe(logits - reallocated);
    expect(v.peakReservedBytes).toBe(f.peakReservedBytes + v.staleCacheBytes);
    // Released before an out-of-memory error: not part of what the GPU must hold.
    expect(v.totalBytes).toBe(f.totalBytes);
    expect(Number.isInteger(v.staleCacheBytes)).toBe(true);
  });

  it("expandable segments strand nothing; the hf preset defaults to variable-length batches", () => {
    const expandable = estimateTrainingFromSpec(llama8b, {
      ...options,
      variableLengthBatches: true,
      expandableSegments: true,
    });
    expect(expandable.memory.perGpu.staleCacheBytes).toBe(0);
    const hf = estimateTrainingFromSpec(llama8b, { ...options, framework: "hf" });
    expect(hf.assumptions.variableLengthBatches).toBe(true);
    expect(hf.memory.perGpu.staleCacheBytes).toBeGreaterThan(0);
    expect(estimateTrainingFromSpec(llama8b, options).assumptions.variableLengthBatches).toBe(
      false,
    );
  });
});
