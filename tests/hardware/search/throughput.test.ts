import { describe, expect, it } from "vitest";
import {
  allReduceSeconds,
  ridgePoint,
  steadyState,
  tensorParallelSeconds,
} from "../../../src/hardware/search/throughput.js";

const factors = {
  communicationEfficiency: 0.7,
  allReduceLatencySeconds: 10e-6,
  pcieFallbackBytesPerSecond: 31.5e9,
};

describe("throughput at batch", () => {
  it("a ring all-reduce moves 2(n−1)/n of the bytes per GPU (NCCL bus bandwidth)", () => {
    // 1 GB over 4 GPUs at 450 GB/s × 0.7: 1.5 GB / 315 GB/s = 4.7619 ms, plus 10 µs.
    expect(allReduceSeconds(1e9, 4, 450e9, factors)).toBeCloseTo(1.5e9 / 315e9 + 10e-6, 12);
    expect(allReduceSeconds(1e9, 1, 450e9, factors)).toBe(0);
  });

  it("a prefill of 3,840 tokens on Llama-3-70B at TP 4 over NVLink 4 spends 49.5 ms in all-reduces", () => {
    // 2 all-reduces × 80 layers, each 3,840 × 8,192 × 2 B = 62,914,560 B:
    // 1.5 × 62,914,560 / 315e9 = 0.29959 ms + 0.01 ms = 0.30959 ms; × 160 = 49.535 ms.
    const seconds = tensorParallelSeconds(
      { layers: 80, hiddenSize: 8192, activationBytes: 2 },
      3840,
      4,
      450e9,
      factors,
    );
    expect(seconds).toBeCloseTo(160 * ((1.5 * 62_914_560) / 315e9 + 10e-6), 9);
    expect(
      tensorParallelSeconds(
        { layers: 80, hiddenSize: 8192, activationBytes: 2 },
        1,
        4,
        null,
        factors,
      ),
    ).toBeNull();
  });

  it("PCIe costs more than NVLink for the same all-reduce", () => {
    expect(allReduceSeconds(1e8, 2, 31.5e9, factors)).toBeGreaterThan(
      allReduceSeconds(1e8, 2, 300e9, factors),
    );
  });

  it("the ridge point of an H100 SXM at BF16: 989 TFLOPS × 0.5 over 3.35 TB/s × 0.7 = 210.9 FLOPs/byte", () => {
    expect(ridgePoint(989e12, 0.5, 3.35e12, 0.7)).toBeCloseTo(494.5e12 / 2.345e12, 9);
  });

  it("continuous batching: prefills of the batch stall every user's decode", () => {
    // 8 slots, 256 output tokens, 300 ms prefill, 20 ms step: cycle = 8 × 0.3 + 256 × 0.02 = 7.52 s.
    const steady = steadyState(8, 256, 0.3, 0.02);
    expect(steady.tokensPerSecond).toBeCloseTo((8 * 256) / 7.52, 9);
    expect(steady.requestsPerSecond).toBeCloseTo(8 / 7.52, 9);
    expect(steady.interTokenLatencySeconds).toBeCloseTo(7.52 / 256, 12);
    expect(steady.tokensPerSecondPerUser).toBeCloseTo(256 / 7.52, 9);
    expect(steady.prefillShare).toBeCloseTo(2.4 / 7.52, 12);
  });
});
