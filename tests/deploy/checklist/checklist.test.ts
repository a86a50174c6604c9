import { describe, expect, it } from "vitest";
import {
  parseUserDeployment,
  validateDeploymentFromSpec,
  type CheckId,
  type DeploymentChecklist,
  type UserDeployment,
} from "../../../src/deploy.js";
import { InvalidOptionError, VramfitError } from "../../../src/index.js";
import { bundledSpec, llama3_70bAwqSpec } from "../../helpers/blueprint.js";
import { llama3_70bSpec } from "../../helpers/templates.js";

// Figures worked by hand (sources in tests/plan/blueprint/worked-example.test.ts): Llama-3-70B
// BF16 weights 141,107,412,992 B; KV at 4,096 × 8 = 10,737,418,240 B (327,680 B per token);
// AWQ weights 39,767,785,472 B. Per GPU, vLLM's budget: on two A100 80GB at TP 2, half the
// weights + the rotary cache (2 MiB) + the profile run's forward of 2,048 tokens
// (2 × (3 × 8,192 + 3 × 28,672 / 2) B each) + 0.25 GiB non-torch + 0.5 GiB CUDA graphs + half
// the KV cache = 77,006,643,200 B, under 0.92 × (81,920 − 512) MiB = 78,533,477,007 B.
const TWO_A100_PER_GPU =
  141_107_412_992 / 2 +
  8192 * 128 * 2 +
  2048 * 2 * (3 * 8192 + (3 * 28_672) / 2) +
  Math.round(0.25 * 1024 ** 3) +
  Math.round(0.5 * 1024 ** 3) +
  10_737_418_240 / 2;
const llama70b = llama3_70bSpec();
const llama8b = bundledSpec("meta-llama/Meta-Llama-3-8B");

const twoA100: UserDeployment = {
  model: "meta-llama/Meta-Llama-3-70B",
  workload: "realtime",
  gpu: "nvidia-a100-80gb-sxm",
  gpuCount: 2,
  contextLength: 4096,
  batchSize: 8,
  weights: "bf16",
  pricing: "on-demand",
};

function status(report: DeploymentChecklist, id: CheckId): string {
  return report.checks.find((check) => check.id === id)?.status ?? "missing";
}

function reason(report: DeploymentChecklist, id: CheckId): string {
  return report.checks.find((check) => check.id === id)?.reason ?? "";
}

describe("a sound deployment: Llama-3-70B on two A100 80GB, TP 2", () => {
  const report = validateDeploymentFromSpec(llama70b, twoA100);

  it("passes all thirteen checks with their figures (no targets stated: check 13 passes)", () => {
    expect(report.counts).toEqual({ pass: 13, warn: 0, fail: 0 });
    expect(reason(report, "config")).toBe(
      "80 layers, 64 query heads, 8 KV heads, head_dim 128 (= 8,192 / 64)",
    );
    expect(reason(report, "kv-heads")).toContain("327,680 B per token");
    expect(reason(report, "kv-heads")).toContain(
      `${(327_680 * 8).toLocaleString("en-US")} B (8× too much)`,
    );
    expect(reason(report, "kv-cache")).toBe(
      "10.74 GB = 327,680 B × 4,096 tokens × 8 sequences (BF16)",
    );
    expect((TWO_A100_PER_GPU / 1e9).toFixed(2)).toBe("77.01");
    expect(reason(report, "fit")).toContain("77.01 GB per GPU ≤ 78.53 GB budget at TP 2");
    expect(reason(report, "fit")).toContain("4 of 8 KV heads per GPU");
  });

  it("finds the GPU by its display name too", () => {
    const byName = validateDeploymentFromSpec(llama70b, { ...twoA100, gpu: "A100 SXM4 80GB" });
    expect(byName.deployment.acceleratorId).toBe("nvidia-a100-80gb-sxm");
  });
});

describe("each check catches its mistake", () => {
  it("1: no workload class", () => {
    const { workload: _none, ...rest } = twoA100;
    expect(status(validateDeploymentFromSpec(llama70b, rest), "workload")).toBe("fail");
  });

  it("3: a sizing that used the 64 query heads as KV heads", () => {
    const report = validateDeploymentFromSpec(llama70b, { ...twoA100, sizing: { kvHeads: 64 } });
    expect(status(report, "kv-heads")).toBe("fail");
    expect(reason(report, "kv-heads")).toContain("8× too large");
  });

  it("4: a KV cache sized for one sequence (1.34 GB) when eight run at once (10.74 GB)", () => {
    const report = validateDeploymentFromSpec(llama70b, {
      ...twoA100,
      sizing: { kvCacheGB: 1.34 },
    });
    expect(status(report, "kv-cache")).toBe("fail");
    // 1.34e9 / 327,680 B = 4,089 tokens' worth.
    expect(reason(report, "kv-cache")).toContain(
      `(${Math.floor(1.34e9 / 327_680).toLocaleString("en-US")} tokens)`,
    );
    const unstated = validateDeploymentFromSpec(llama70b, { ...twoA100, batchSize: undefined });
    expect(status(unstated, "kv-cache")).toBe("warn");
  });

  it("5: images sent to a text model; a vision model sized without images", () => {
    expect(
      status(
        validateDeploymentFromSpec(llama70b, { ...twoA100, imagesPerRequest: 1 }),
        "multimodal",
      ),
    ).toBe("fail");
    const llava = bundledSpec("llava-hf/llava-1.5-7b-hf");
    const textOnly = validateDeploymentFromSpec(llava, { ...twoA100, gpuCount: 1 });
    expect(status(textOnly, "multimodal")).toBe("warn");
    expect(reason(textOnly, "multimodal")).toContain("576 tokens");
    const withImages = validateDeploymentFromSpec(llava, {
      ...twoA100,
      gpuCount: 1,
      imagesPerRequest: 2,
      sizing: { imageTokensPerRequest: 576 },
    });
    expect(status(withImages, "multimodal")).toBe("fail"); // 2 × 576 = 1,152 needed
  });

  it("6: BF16 claimed for an AWQ checkpoint; the naive 35 GB for its 39.77 GB", () => {
    const awq = llama3_70bAwqSpec();
    const single = { ...twoA100, gpuCount: 1 };
    const claimed = validateDeploymentFromSpec(awq, single);
    expect(status(claimed, "precision")).toBe("fail");
    expect(reason(claimed, "precision")).toContain("39.77 GB");
    const naive = validateDeploymentFromSpec(awq, {
      ...single,
      weights: "auto",
      sizing: { weightsGB: 35 },
    });
    expect(status(naive, "precision")).toBe("fail");
    expect(
      status(validateDeploymentFromSpec(awq, { ...single, weights: "auto" }), "precision"),
    ).toBe("pass");
  });

  it("6: online FP8 passes on Hopper and warns on Ampere (Marlin W8A16); INT8 from 16-bit warns", () => {
    const h100 = { ...twoA100, gpu: "nvidia-h100-sxm", gpuCount: 1, weights: "fp8" } as const;
    expect(
      status(validateDeploymentFromSpec(llama70b, { ...h100, gpuCount: 2 }), "precision"),
    ).toBe("pass");
    expect(
      status(validateDeploymentFromSpec(llama70b, { ...twoA100, weights: "fp8" }), "precision"),
    ).toBe("warn");
    expect(
      status(validateDeploymentFromSpec(llama70b, { ...twoA100, weights: "int8" }), "precision"),
    ).toBe("warn");
  });

  it("7: utilization 0.97 warns, 0.99 fails, a 5 % hand reserve warns", () => {
    expect(
      status(
        validateDeploymentFromSpec(llama70b, { ...twoA100, gpuMemoryUtilization: 0.97 }),
        "overhead",
      ),
    ).toBe("warn");
    expect(
      status(
        validateDeploymentFromSpec(llama70b, { ...twoA100, gpuMemoryUtilization: 0.99 }),
        "overhead",
      ),
    ).toBe("fail");
    expect(
      status(
        validateDeploymentFromSpec(llama70b, { ...twoA100, overheadFraction: 0.05 }),
        "overhead",
      ),
    ).toBe("warn");
  });

  it("8: TP 3 cannot split 64 heads; 3 GPUs at TP 2 leave one idle", () => {
    const tp3 = validateDeploymentFromSpec(llama70b, {
      ...twoA100,
      gpuCount: 3,
      tensorParallel: 3,
    });
    expect(status(tp3, "fit")).toBe("fail");
    expect(reason(tp3, "fit")).toContain("TP 3 does not divide the 64 attention heads");
    const idle = validateDeploymentFromSpec(llama70b, {
      ...twoA100,
      gpuCount: 3,
      tensorParallel: 2,
    });
    expect(status(idle, "fit")).toBe("warn");
    expect(reason(idle, "fit")).toContain("1 of 3 GPUs idle");
  });

  it("9: decode-heavy serving on an L40S (0.864 TB/s) warns; an H100 passes", () => {
    const l40s = validateDeploymentFromSpec(llama8b, {
      ...twoA100,
      gpu: "nvidia-l40s",
      gpuCount: 1,
    });
    expect(status(l40s, "bandwidth")).toBe("warn");
    expect(reason(l40s, "bandwidth")).toContain("0.86 TB/s");
    const h100 = validateDeploymentFromSpec(llama8b, {
      ...twoA100,
      gpu: "nvidia-h100-sxm",
      gpuCount: 1,
    });
    expect(status(h100, "bandwidth")).toBe("pass");
    // Decode arithmetic intensity ≈ the batch (2 FLOPs per 2-byte weight per sequence) < the
    // H100's ridge 989 / 3.35 ≈ 295 FLOP/B.
    expect(reason(h100, "bandwidth")).toContain("ridge 295 FLOP/B");
  });

  it("11: Spot for real-time serving fails; reserved for 100 hours warns", () => {
    expect(
      status(validateDeploymentFromSpec(llama70b, { ...twoA100, pricing: "spot" }), "pricing"),
    ).toBe("fail");
    expect(
      status(
        validateDeploymentFromSpec(llama70b, {
          ...twoA100,
          pricing: "reserved",
          durationHours: 100,
        }),
        "pricing",
      ),
    ).toBe("warn");
    expect(
      status(validateDeploymentFromSpec(llama70b, { ...twoA100, pricing: undefined }), "pricing"),
    ).toBe("warn");
  });

  it("12: 16,384 tokens past Llama-3's 8,192 positions", () => {
    const report = validateDeploymentFromSpec(llama70b, {
      ...twoA100,
      gpuCount: 4,
      contextLength: 16_384,
    });
    expect(status(report, "context")).toBe("fail");
    expect(reason(report, "context")).toContain("max_position_embeddings is 8,192");
  });
});

describe("training deployments", () => {
  const ddp: UserDeployment = {
    model: "meta-llama/Meta-Llama-3-8B",
    workload: "full",
    gpu: "nvidia-a100-80gb-sxm",
    gpuCount: 8,
    pricing: "spot",
    durationHours: 48,
  };
  const report = validateDeploymentFromSpec(llama8b, ddp);

  it("8: plain data parallel holds every model state on each GPU: 194.87 GB > 85.90 GB; ZeRO-3 over 2 fits", () => {
    // The optimizer step peaks: 16 bytes per parameter of states, DDP's bucket copy of the 16-bit
    // gradients (2) and torch's foreach buffer (4): 22 × 8,030,261,248, × 1.1 + 512 MiB.
    const need = 22 * 8_030_261_248 * 1.1 + 512 * 1024 ** 2;
    const fit = report.checks.find((check) => check.id === "fit")!;
    expect(fit.status).toBe("fail");
    expect(Math.abs(Number(fit.figures.perGpuBytes) - need)).toBeLessThanOrEqual(1);
    expect(fit.reason).toContain(`${((need - 81_920 * 1024 ** 2) / 1e9).toFixed(2)} GB short`);
    expect(fit.reason).toContain("ZeRO-3 over 2 × A100 SXM4 80GB fits");
  });

  it("10: LoRA would fit on one GPU of the eight; 11: Spot for 48 h without checkpoints fails", () => {
    expect(status(report, "lora")).toBe("warn");
    expect(reason(report, "lora")).toContain("7 fewer GPUs");
    expect(status(report, "pricing")).toBe("fail");
    expect(
      status(validateDeploymentFromSpec(llama8b, { ...ddp, checkpointing: true }), "pricing"),
    ).toBe("pass");
  });

  it("3 and 4 do not apply to training; ZeRO-3 over two GPUs fits", () => {
    const zero3 = validateDeploymentFromSpec(llama8b, {
      ...ddp,
      gpuCount: 2,
      zeroStage: 3,
      checkpointing: true,
    });
    expect(status(zero3, "kv-heads")).toBe("pass");
    expect(reason(zero3, "kv-heads")).toContain("training");
    expect(status(zero3, "fit")).toBe("pass");
  });

  it("QLoRA on an AWQ checkpoint is refused by check 6", () => {
    const report = validateDeploymentFromSpec(llama3_70bAwqSpec(), { ...ddp, workload: "qlora" });
    expect(status(report, "precision")).toBe("fail");
  });
});

describe("bad deployments are errors, not checks", () => {
  it("an unknown GPU, a zero count, TP larger than the GPUs", () => {
    expect(() => validateDeploymentFromSpec(llama70b, { ...twoA100, gpu: "nvidia-h1000" })).toThrow(
      InvalidOptionError,
    );
    expect(() => validateDeploymentFromSpec(llama70b, { ...twoA100, gpuCount: 0 })).toThrow(
      InvalidOptionError,
    );
    expect(() => validateDeploymentFromSpec(llama70b, { ...twoA100, tensorParallel: 4 })).toThrow(
      /needs 4 GPUs/,
    );
  });
});

describe("the JSON file form", () => {
  it("accepts a full deployment and rejects a misspelt field with its path", () => {
    expect(
      parseUserDeployment({ ...twoA100, description: "prod", sizing: { kvHeads: 8 } }).gpuCount,
    ).toBe(2);
    expect(() => parseUserDeployment({ ...twoA100, gpus: 2 })).toThrow(/unknown field "gpus"/);
    try {
      parseUserDeployment({ ...twoA100, gpuCount: 0 }, "deployment.json");
      expect.unreachable();
    } catch (error) {
      expect(error).toBeInstanceOf(VramfitError);
      expect((error as VramfitError).code).toBe("DEPLOYMENT_INVALID");
      expect((error as VramfitError).message).toContain('deployment.json at "gpuCount"');
    }
    expect(() => parseUserDeployment({ ...twoA100, pricing: "cheap" })).toThrow(/expected one of/);
  });
});
