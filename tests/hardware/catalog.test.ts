import { describe, expect, it } from "vitest";
import {
  ACCELERATORS,
  INSTANCES,
  type AcceleratorSpec,
  type InstanceSpec,
} from "../../src/index.js";
import { DEFAULT_CATALOG, mergeCatalogs } from "../../src/hardware/catalog.js";
import { EXCLUDED_INSTANCES } from "../../src/hardware/instances.js";

const accelerators: [string, AcceleratorSpec][] = Object.entries(ACCELERATORS);
const MIB = 1024 ** 2;

describe("the accelerator catalog", () => {
  it("has at least 30 accelerators across NVIDIA, AMD and Intel", () => {
    expect(accelerators.length).toBeGreaterThanOrEqual(30);
    const vendors = new Set(accelerators.map(([, spec]) => spec.vendor));
    expect(vendors).toEqual(new Set(["nvidia", "amd", "intel"]));
    for (const id of [
      "nvidia-t4",
      "nvidia-b200",
      "nvidia-b300",
      "nvidia-rtx-4090",
      "amd-mi250x",
      "amd-mi355x",
      "intel-gaudi2",
      "intel-gaudi3",
    ]) {
      expect(ACCELERATORS).toHaveProperty(id);
    }
  });

  it("gives every row a source, a date and finite, positive figures (or null)", () => {
    for (const [id, spec] of accelerators) {
      expect(spec.sources.length, id).toBeGreaterThan(0);
      expect(spec.retrieved, id).toMatch(/^\d{4}-\d{2}-\d{2}$/);
      expect(spec.memoryBytes, id).toBeGreaterThan(0);
      for (const value of [
        spec.memoryBandwidthBytesPerSecond,
        spec.bf16DenseFlopsPerSecond,
        spec.fp16DenseFlopsPerSecond,
        spec.fp8DenseFlopsPerSecond,
        spec.int8DenseOpsPerSecond,
        spec.fp4DenseFlopsPerSecond,
      ]) {
        if (value !== null) expect(Number.isFinite(value) && value > 0, id).toBe(true);
      }
    }
  });

  it("uses the memory the driver reports (nvidia-smi / rocm-smi / hl-smi output in public logs)", () => {
    expect(ACCELERATORS["nvidia-h100-sxm"].memoryBytes).toBe(81_559 * MIB); // 'NVIDIA H100 80GB HBM3 … 81559MiB'
    expect(ACCELERATORS["nvidia-h200"].memoryBytes).toBe(143_771 * MIB);
    expect(ACCELERATORS["nvidia-b200"].memoryBytes).toBe(183_359 * MIB);
    expect(ACCELERATORS["nvidia-a100-80gb-sxm"].memoryBytes).toBe(81_920 * MIB);
    expect(ACCELERATORS["nvidia-l4"].memoryBytes).toBe(23_034 * MIB); // ≈ 22.5 GiB, not 24 GB
    expect(ACCELERATORS["nvidia-a10g"].memoryBytes).toBe(23_028 * MIB);
    expect(ACCELERATORS["nvidia-l40s"].memoryBytes).toBe(46_068 * MIB);
    expect(ACCELERATORS["nvidia-t4"].memoryBytes).toBe(15_360 * MIB);
    expect(ACCELERATORS["amd-mi300x"].memoryBytes).toBe(206_158_430_208); // rocm-smi: 192 GiB
    expect(ACCELERATORS["intel-gaudi2"].memoryBytes).toBe(98_304 * MIB); // hl-smi
    // Where no reported figure was found, the marketed GB is read as 10^9 bytes, and the row says so.
    expect(ACCELERATORS["nvidia-b300"]).toMatchObject({
      memoryBytes: 288e9,
      memorySource: "marketed",
    });
  });

  it("keeps three memory figures apart: marketed GB, what nvidia-smi reports, what torch.cuda.mem_get_info reports", () => {
    // vLLM's start-up logs print the mem_get_info total: "total_gpu_memory=23.58GiB" on an RTX 3090
    // (vllm#10517), "total_gpu_memory (79.22GiB)" on an H100 (vllm PR #12126), "(39.50GiB)" on an
    // A100 40GB (vllm#12330), "178.36 GiB" on a B200 (vllm PR #21489).
    const GIB = 1024 ** 3;
    expect(ACCELERATORS["nvidia-rtx-3090"].cudaMemoryBytes).toBe(Math.round(23.58 * GIB));
    expect(ACCELERATORS["nvidia-h100-sxm"].cudaMemoryBytes).toBe(Math.round(79.22 * GIB));
    expect(ACCELERATORS["nvidia-a100-40gb-sxm"].cudaMemoryBytes).toBe(Math.round(39.5 * GIB));
    expect(ACCELERATORS["nvidia-b200"].cudaMemoryBytes).toBe(Math.round(178.36 * GIB));
    expect(ACCELERATORS["nvidia-rtx-3090"].marketedMemoryGB).toBe(24);
    // Without a log, nvidia-smi's total less the median driver reserve of 512 MiB.
    expect(ACCELERATORS["nvidia-t4"].cudaMemoryBytes).toBe((15_360 - 512) * MIB);
    for (const [id, spec] of accelerators) {
      expect(Number.isSafeInteger(spec.cudaMemoryBytes), id).toBe(true);
      expect(spec.cudaMemoryBytes, id).toBeLessThan(spec.memoryBytes);
      expect(spec.memoryBytes - spec.cudaMemoryBytes, id).toBeLessThan(GIB);
      expect(spec.marketedMemoryGB, id).toBeGreaterThan(0);
      if (spec.cudaMemoryMeasured) expect(spec.cudaMemorySource, id).toMatch(/https:\/\//);
      else expect(spec.cudaMemorySource, id).toMatch(/^derived: /);
    }
  });

  it("cites only what users can open: no citation points at vramfit's research files", () => {
    for (const [id, spec] of accelerators) {
      for (const source of [...spec.sources, spec.cudaMemorySource]) {
        expect(source, id).not.toMatch(/reference\/|research|vramfit team/i);
      }
    }
    for (const [id, spec] of Object.entries(INSTANCES)) {
      expect(spec.priceSource, id).not.toMatch(/reference\/|vramfit team/i);
    }
  });

  it("holds dense tensor rates, never the shader FP16/FP32 figures (H100 267.6, A100 77.97, T4 65.13 TFLOPS)", () => {
    const shaderFigures = [267.6e12, 77.97e12, 65.13e12];
    for (const [id, spec] of accelerators) {
      for (const value of [spec.bf16DenseFlopsPerSecond, spec.fp16DenseFlopsPerSecond]) {
        expect(shaderFigures.includes(value ?? 0), id).toBe(false);
      }
    }
    // Dense datasheet figures (gpus.md: sparse headlines are exactly 2× these).
    expect(ACCELERATORS["nvidia-h100-sxm"].bf16DenseFlopsPerSecond).toBe(989e12);
    expect(ACCELERATORS["nvidia-h100-sxm"].fp8DenseFlopsPerSecond).toBe(1979e12);
    expect(ACCELERATORS["nvidia-a100-80gb-sxm"].bf16DenseFlopsPerSecond).toBe(312e12);
    expect(ACCELERATORS["nvidia-t4"].fp16DenseFlopsPerSecond).toBe(65e12);
  });

  it("records precision support: no BF16 on Turing/Volta, no native FP8 before Ada/Hopper, FP4 on Blackwell and MI355X", () => {
    for (const id of ["nvidia-t4", "nvidia-v100-16gb", "nvidia-v100-32gb"] as const) {
      expect(ACCELERATORS[id].bf16).toBe(false);
      expect(ACCELERATORS[id].fp8).toBe("none");
    }
    for (const id of ["nvidia-a100-80gb-sxm", "nvidia-a10g", "nvidia-rtx-3090"] as const) {
      expect(ACCELERATORS[id].fp8).toBe("weight-only");
      expect(ACCELERATORS[id].fp8DenseFlopsPerSecond).toBeNull();
    }
    for (const [id, spec] of accelerators) {
      if (spec.fp8 !== "native") expect(spec.fp8DenseFlopsPerSecond, id).toBeNull();
      expect(spec.fp4, id).toBe(spec.fp4DenseFlopsPerSecond !== null);
    }
    expect(
      accelerators
        .filter(([, spec]) => spec.fp4)
        .map(([id]) => id)
        .sort(),
    ).toEqual([
      "amd-mi355x",
      "nvidia-b200",
      "nvidia-b300",
      "nvidia-rtx-5090",
      "nvidia-rtx-pro-6000",
    ]);
  });
});

describe("the instance catalog", () => {
  const instances: [string, InstanceSpec][] = Object.entries(INSTANCES);

  it("covers AWS, GCP, Azure and GPU clouds, each row with whole GPUs the catalog knows", () => {
    const providers = new Set(instances.map(([, instance]) => instance.provider));
    for (const provider of ["aws", "gcp", "azure", "lambda", "runpod"])
      expect(providers).toContain(provider);
    for (const [id, instance] of instances) {
      expect(ACCELERATORS, id).toHaveProperty(instance.acceleratorId);
      expect(Number.isInteger(instance.gpuCount) && instance.gpuCount >= 1, id).toBe(true);
      expect(id).toBe(`${instance.provider}/${instance.name}`);
    }
  });

  it("gives every price a source and a date, and every kept row at least one price", () => {
    for (const [id, instance] of instances) {
      expect(instance.onDemandUsdPerHour !== null || instance.spotUsdPerHour !== null, id).toBe(
        true,
      );
      expect(instance.priceSource.length, id).toBeGreaterThan(0);
      expect(instance.priceAsOf.length, id).toBeGreaterThan(0);
      expect(instance.priceRetrieved, id).toMatch(/^\d{4}-\d{2}-\d{2}$/);
    }
  });

  it("keeps the snapshot's p5.48xlarge price and cleans out placeholder and fractional rows with a reason", () => {
    expect(INSTANCES["aws/p5.48xlarge"]).toMatchObject({ gpuCount: 8, onDemandUsdPerHour: 98.32 }); // instances.json
    const excluded = EXCLUDED_INSTANCES.map((row) => `${row.provider}/${row.name}`);
    expect(excluded).toContain("gcp/a3-highgpu-1g"); // VM part only
    expect(excluded).toContain("azure/Standard_NC8ads_A10_v4"); // a slice of one A10
    expect(excluded).toContain("azure/Standard_ND96isr_H100_v5"); // 12 GPUs listed for an 8-GPU VM
    for (const row of EXCLUDED_INSTANCES) expect(row.reason.length).toBeGreaterThan(10);
    for (const id of excluded) expect(INSTANCES).not.toHaveProperty(id);
  });
});

describe("mergeCatalogs", () => {
  const box = { ...INSTANCES["aws/g5.xlarge"], provider: "acme", name: "box" };

  it("extends: adds rows, and a row with a taken id replaces the built-in one", () => {
    const merged = mergeCatalogs(DEFAULT_CATALOG, {
      instances: { "acme/box": box, "aws/g5.xlarge": box },
    });
    expect(Object.keys(merged.instances)).toHaveLength(Object.keys(INSTANCES).length + 1);
    expect(merged.instances["aws/g5.xlarge"]).toBe(box);
    expect(merged.accelerators).toEqual(ACCELERATORS);
  });

  it("replaces table by table: a table the user leaves out keeps the built-in rows", () => {
    const merged = mergeCatalogs(DEFAULT_CATALOG, { instances: { "acme/box": box } }, "replace");
    expect(Object.keys(merged.instances)).toEqual(["acme/box"]);
    expect(merged.accelerators).toBe(DEFAULT_CATALOG.accelerators);
  });
});
