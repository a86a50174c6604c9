import { describe, expect, it } from "vitest";
import {
  planDeploymentFromSpec,
  renderTemplates,
  type DeploymentPlan,
} from "../../../src/deploy.js";
import { ACCELERATORS, InvalidOptionError } from "../../../src/index.js";
import {
  choosePricing,
  judgePricing,
  type PricingOptions,
} from "../../../src/deploy/blueprint/pricing.js";
import { engineSupport } from "../../../src/deploy/blueprint/quantization.js";
import { bundledSpec } from "../../helpers/blueprint.js";
import { llama3_70bSpec } from "../../helpers/templates.js";

// Hand figures for Llama-3-70B BF16 on two H100 SXM (see worked-example.test.ts for the sources):
// one decode step reads 141,107,412,992 / 2 + 10,737,418,240 / 2 = 75,922,415,616 B per GPU at
// 3.35 TB/s × 0.7, and 8 sequences advance per step.
const PARAMS = 70_553_706_496;
const STEP_SECONDS = 75_922_415_616 / (3.35e12 * 0.7);
const TOKENS_PER_SECOND = 8 / STEP_SECONDS; // ≈ 247.09 per replica
const TTFT = (2 * PARAMS * 3840 + 2 * 80 * 3840 ** 2 * 8192) / (2 * 989e12 * 0.5);

const llama70b = llama3_70bSpec();
const onH100 = {
  workload: "realtime",
  contextLength: 4096,
  batchSize: 8,
  weights: "bf16",
  gpu: "nvidia-h100-sxm",
} as const;

function plan70b(
  extra: Partial<Parameters<typeof planDeploymentFromSpec>[1]> = {},
): DeploymentPlan {
  return planDeploymentFromSpec(llama70b, {
    ...onH100,
    ...extra,
    modelId: "meta-llama/Meta-Llama-3-70B-Instruct",
  });
}

describe("replicas for a target load", () => {
  it("tokens/s: ceil(1,000 / 247.09) = 5 replicas of 2 GPUs", () => {
    const plan = plan70b({ targetTokensPerSecond: 1000 });
    expect(plan.chosen.tokensPerSecondPerReplica).toBeCloseTo(TOKENS_PER_SECOND, 6);
    expect(plan.chosen.replicas).toBe(Math.ceil(1000 / TOKENS_PER_SECOND));
    expect(plan.chosen.replicas).toBe(5);
    expect(plan.chosen.gpuCount).toBe(10);
    // One p5.48xlarge holds 4 TP-2 replicas: two instances, all On-Demand for real-time serving.
    expect(plan.templates.infra?.minSize).toBe(2);
    expect(plan.templates.infra?.onDemandBaseCapacity).toBe(2);
    expect(plan.templates.infra?.onDemandPercentageAboveBaseCapacity).toBe(100);
  });

  it("requests/s: a request takes TTFT + 256 output tokens × the step time; 8 run at once", () => {
    const perReplica = 8 / (TTFT + 256 * STEP_SECONDS); // ≈ 0.903 requests/s
    const plan = plan70b({ targetRequestsPerSecond: 3 });
    expect(plan.chosen.requestsPerSecondPerReplica).toBeCloseTo(perReplica, 6);
    expect(plan.chosen.replicas).toBe(Math.ceil(3 / perReplica));
  });

  it("no target: one replica, said so", () => {
    const plan = plan70b();
    expect(plan.chosen.replicas).toBe(1);
    expect(plan.steps[3]?.reason).toContain("no target load given: one replica");
  });
});

describe("workload classes decide the pricing and the fleet", () => {
  it("batch: an autoscaling group on Spot, no On-Demand base", () => {
    const plan = plan70b({ workload: "batch" });
    expect(plan.pricing.model).toBe("autoscaling");
    expect(plan.pricing.spotInFleet).toBe(true);
    expect(plan.templates.infra?.onDemandBaseCapacity).toBe(0);
    expect(plan.templates.infra?.onDemandPercentageAboveBaseCapacity).toBe(0);
    expect(plan.chosen.price?.kind).toBe("spot");
    expect(plan.inference?.assumptions.batchSize).toBe(8); // given; batch's default is 32
  });

  it("real-time kept a year or more: reserved, ≈ 37 % below On-Demand", () => {
    const plan = plan70b({ durationHours: 8760 });
    expect(plan.pricing.model).toBe("reserved");
    const onDemand = plan.pricing.options.onDemand?.usdPerHour ?? 0;
    expect(plan.chosen.usdPerHour).toBeCloseTo(onDemand * 0.63, 9);
  });

  it("training without checkpoints for 48 hours: On-Demand; with them: Spot", () => {
    const spec = bundledSpec("meta-llama/Meta-Llama-3-8B");
    const noCheckpoints = planDeploymentFromSpec(spec, {
      workload: "lora",
      checkpointing: false,
      durationHours: 48,
    });
    expect(noCheckpoints.pricing.model).toBe("on-demand");
    const checkpoints = planDeploymentFromSpec(spec, { workload: "lora", durationHours: 48 });
    expect(checkpoints.pricing.model).toBe("spot");
  });

  it("trainingTokens sizes the run's hours: tokens / tokens per second / 3,600", () => {
    const plan = planDeploymentFromSpec(bundledSpec("meta-llama/Meta-Llama-3-8B"), {
      workload: "qlora",
      trainingTokens: 1e8,
      gpu: "nvidia-h100-sxm",
    });
    const hours = plan.steps[3]?.figures.hours;
    expect(hours).toBeCloseTo(1e8 / (plan.chosen.tokensPerSecond ?? 1) / 3600, 9);
  });
});

describe("modality: a vision model with images per request", () => {
  const plan = planDeploymentFromSpec(bundledSpec("llava-hf/llava-1.5-7b-hf"), {
    workload: "realtime",
    contextLength: 4096,
    batchSize: 4,
    imagesPerRequest: 2,
    gpu: "nvidia-l40s",
    modelId: "llava-hf/llava-1.5-7b-hf",
  });

  it("counts 2 × 576 image tokens (LLaVA-1.5: (336 / 14)²) in each sequence and in --max-model-len", () => {
    expect(plan.steps[1]?.choice).toBe("vision: 2 images per request");
    expect(plan.steps[1]?.figures.imageTokensPerSequence).toBe(2 * 576);
    expect(plan.inference?.assumptions.sequenceLength).toBe(4096 + 1152);
    expect(plan.templates.serving?.maxModelLen).toBe(4096 + 1152);
    expect(plan.templates.serving?.imagesPerPrompt).toBe(2);
  });
});

describe("the quantization matrix", () => {
  const plan = plan70b();

  it("BF16 / FP8 / INT8 / INT4 weights: 2, 1, 1 bytes per parameter and realistic group-128 INT4", () => {
    expect(plan.quantization.map((row) => row.label)).toEqual(["BF16", "FP8", "INT8", "INT4"]);
    expect(plan.quantization.map((row) => row.weightsBytes)).toEqual([
      2 * PARAMS,
      PARAMS,
      PARAMS,
      (68_451_041_280 * 4.15625) / 8 + (PARAMS - 68_451_041_280) * 2,
    ]);
    for (const row of plan.quantization) {
      expect(row.quality.length).toBeGreaterThan(10);
      if (row.label !== "BF16") expect(row.qualitySource).toContain("arXiv 2411.02355");
    }
  });

  it("on the H100, FP8 runs natively and needs half the BF16 GPUs per token of weights", () => {
    const fp8 = plan.quantization[1]!.onChosenGpu!;
    expect(fp8.engineSupport.status).toBe("native");
    // 70.55 + 10.74 / 1 + 1.61 = 82.90 GB > 78.68 GB at TP 1; TP 2 fits.
    expect(PARAMS + 10_737_418_240 + 1.5 * 1024 ** 3).toBeGreaterThan(0.92 * 81_559 * 1024 ** 2);
    expect(fp8.tensorParallel).toBe(2);
  });

  it("the smallest fit is the least total GPU memory among GPUs that run the precision", () => {
    for (const row of plan.quantization) {
      const fit = row.smallestFit!;
      const accelerator = ACCELERATORS[fit.acceleratorId as keyof typeof ACCELERATORS];
      expect(engineSupport(row.precision, accelerator).status).not.toBe("unsupported");
      expect(fit.gpuCount * fit.memoryBytes).toBeGreaterThan(row.weightsBytes);
    }
  });
});

describe("engine support follows vLLM's hardware table", () => {
  it("FP8 native on Hopper and Ada, Marlin W8A16 on Ampere, none on Turing", () => {
    expect(engineSupport("fp8", ACCELERATORS["nvidia-h100-sxm"]).status).toBe("native");
    expect(engineSupport("fp8", ACCELERATORS["nvidia-l40s"]).status).toBe("native");
    expect(engineSupport("fp8", ACCELERATORS["nvidia-a100-80gb-sxm"]).status).toBe("fallback");
    expect(engineSupport("fp8", ACCELERATORS["nvidia-t4"]).status).toBe("unsupported");
  });

  it("INT4 Marlin needs Ampere (8.0+); Turing runs AWQ without Marlin; Volta GPTQ only; AMD none", () => {
    expect(engineSupport("int4", ACCELERATORS["nvidia-a100-80gb-sxm"]).status).toBe("native");
    expect(engineSupport("int4", ACCELERATORS["nvidia-t4"]).status).toBe("fallback");
    expect(engineSupport("int4", ACCELERATORS["nvidia-v100-32gb"]).note).toContain("GPTQ only");
    expect(engineSupport("int4", ACCELERATORS["amd-mi300x"]).status).toBe("unsupported");
  });
});

describe("pricing rules", () => {
  const prices: PricingOptions = {
    onDemand: null,
    spot: null,
    reservedOneYearUsdPerHour: null,
    reservedThreeYearsUsdPerHour: null,
  };

  it("never Spot for real-time; Spot for checkpointed training; On-Demand for long runs without checkpoints", () => {
    expect(
      choosePricing({ workload: "realtime", durationHours: null, checkpointing: true }, prices)
        .model,
    ).toBe("on-demand");
    expect(
      choosePricing({ workload: "full", durationHours: 100, checkpointing: true }, prices).model,
    ).toBe("spot");
    expect(
      choosePricing({ workload: "full", durationHours: 100, checkpointing: false }, prices).model,
    ).toBe("on-demand");
    expect(
      choosePricing({ workload: "lora", durationHours: 0.5, checkpointing: false }, prices).model,
    ).toBe("spot");
  });

  it("judges a stated choice: Spot real-time fails, reserved for 100 hours warns", () => {
    expect(
      judgePricing("spot", { workload: "realtime", durationHours: null, checkpointing: false })
        .status,
    ).toBe("fail");
    expect(
      judgePricing("reserved", { workload: "batch", durationHours: 100, checkpointing: false })
        .status,
    ).toBe("warn");
    expect(
      judgePricing("spot", { workload: "full", durationHours: 48, checkpointing: false }).status,
    ).toBe("fail");
    expect(
      judgePricing("spot", { workload: "full", durationHours: 48, checkpointing: true }).status,
    ).toBe("pass");
    expect(
      judgePricing("on-demand", { workload: "batch", durationHours: null, checkpointing: false })
        .status,
    ).toBe("warn");
  });
});

describe("bad requests", () => {
  it("an unknown workload class, a pinned GPU the catalog lacks, a negative load", () => {
    expect(() => planDeploymentFromSpec(llama70b, { workload: "chat" as never })).toThrow(
      InvalidOptionError,
    );
    expect(() => plan70b({ gpu: "nvidia-h1000" })).toThrow(/no accelerator "nvidia-h1000"/);
    expect(() => plan70b({ targetTokensPerSecond: -1 })).toThrow(InvalidOptionError);
    expect(() => plan70b({ region: "mars" })).toThrow(/AWS region/);
  });

  it("training knobs on a serving workload, which it would ignore", () => {
    expect(() => plan70b({ training: { rank: 8 } })).toThrow(
      /Invalid option training\.rank: applies to the lora, qlora and full workloads, not realtime/,
    );
    // Left undefined (as the CLI passes them when no flag is given), they are fine.
    expect(() => plan70b({ training: { rank: undefined } })).not.toThrow();
  });

  it("a model given without a repo id names a placeholder in the templates, with a warning", () => {
    const plan = planDeploymentFromSpec(llama70b, onH100);
    expect(plan.templates.serving?.modelId).toBe("your-org/your-model");
    expect(plan.warnings.join(" ")).toContain("no repo id given");
  });

  it("GCP only: no AWS fleet templates, said so", () => {
    const plan = plan70b({ gpu: "nvidia-a100-80gb-sxm", clouds: ["gcp"] });
    expect(plan.templates.infra).toBeUndefined();
    expect(plan.templateTargets).not.toContain("terraform");
    expect(plan.warnings.join(" ")).toContain("AWS-only");
    expect(renderTemplates(plan.templates, plan.templateTargets).files.length).toBeGreaterThan(0);
  });
});
