import { describe, expect, it } from "vitest";
import { parse } from "yaml";
import {
  planDeploymentFromSpec,
  renderAxolotlYaml,
  renderTemplates,
  renderVllmCommand,
  validateDeploymentFromSpec,
} from "../../../src/deploy.js";
import { INSTANCES } from "../../../src/index.js";
import { CHECK_IDS } from "../../../src/deploy/checklist/checks.js";
import { validatePlan } from "../../../src/deploy/checklist/validate-deployment.js";
import { bundledSpec, llama3_70bAwqSpec } from "../../helpers/blueprint.js";
import { flagValue, llama3_70bSpec } from "../../helpers/templates.js";

// The worked example, every figure worked by hand from published numbers:
// - Llama-3-70B: 70,553,706,496 parameters (truth.json); 80 layers, 64 query heads, 8 KV heads,
//   head_dim 128, vocabulary 128,256, untied head. Projections per layer: q, o 8,192 × 8,192; k, v
//   8,192 × 1,024; MLP 3 × 8,192 × 28,672 → 855,638,016 × 80 = 68,451,041,280; the rest
//   (embedding, head, norms) 2,102,665,216.
// - KV cache at 4,096 tokens × 8, BF16: 2 × 80 × 8 × 128 × 2 B × 4,096 × 8 = 10,737,418,240 B.
// - Per GPU, vLLM's own budget (docs/methodology.md#serving-fit): 0.92 × the total
//   torch.cuda.mem_get_info reports (H100 SXM 79.22 GiB, logged in vllm PR #12126; A100 80GB
//   81,920 − 512 MiB, derived), less the weights with the rotary cache (8,192 × 128 × 2 B), the
//   profile run's forward pass (8,192 batched tokens on an H100, 2,048 on an A100, at
//   2 × (3 × 8,192 + 3 × 28,672 / TP) B per token: the plan runs --max-num-seqs 8, so the sampler
//   is smaller), 0.10 GiB non-torch at TP 1 (0.25 GiB at TP 2) and 0.5 GiB of CUDA graphs.
// - AWQ 4-bit group 128: 4 + (16 + 4) / 128 = 4.15625 bits per projection weight, 16-bit rest.
const PARAMS = 70_553_706_496;
const LINEAR = 68_451_041_280;
const OTHER = PARAMS - LINEAR; // 2,102,665,216
const KV = 2 * 80 * 8 * 128 * 2 * 4096 * 8;
const GIB = 1024 ** 3;
const H100 = 81_559 * 1024 ** 2;
const H100_CAP = Math.floor(Math.round(79.22 * GIB) * 0.92); // 78,256,881,113
const A100_80_CAP = Math.floor((81_920 - 512) * 1024 ** 2 * 0.92); // 78,533,477,007
const ROTARY = 8192 * 128 * 2;
const forward = (tokens: number, tp: number): number => tokens * 2 * (3 * 8192 + (3 * 28_672) / tp);
const RESERVE_TP1 = Math.round(0.1 * GIB) + Math.round(0.5 * GIB);
const RESERVE_TP2 = Math.round(0.25 * GIB) + Math.round(0.5 * GIB);
const BF16_WEIGHTS = PARAMS * 2; // 141,107,412,992
const AWQ_WEIGHTS = (LINEAR * 4.15625) / 8 + OTHER * 2; // 39,767,785,472

const llama70b = llama3_70bSpec();
const awq = llama3_70bAwqSpec();
const request = { workload: "realtime", contextLength: 4096, batchSize: 8 } as const;

describe("Llama-3-70B, real-time, 4K context, batch 8, BF16 → two 80 GB GPUs, TP 2", () => {
  const plan = planDeploymentFromSpec(llama70b, {
    ...request,
    weights: "bf16",
    gpu: "nvidia-h100-sxm",
    modelId: "meta-llama/Meta-Llama-3-70B-Instruct",
  });

  it("VRAM: 141.11 GB of weights + 10.74 GB of KV cache; one GPU is too small, two fit at 77.84 GB each", () => {
    expect(plan.inference?.memory.weightsBytes).toBe(BF16_WEIGHTS);
    expect(plan.inference?.memory.kvCacheBytes).toBe(KV);
    expect(BF16_WEIGHTS).toBeGreaterThan(H100_CAP); // 141.11 GB > 78.26 GB
    const perGpu = BF16_WEIGHTS / 2 + ROTARY + forward(8192, 2) + RESERVE_TP2 + KV / 2; // 77,837,115,392
    expect(perGpu).toBeLessThanOrEqual(H100_CAP);
    expect(plan.chosen.gpusPerReplica).toBe(2);
    expect(plan.chosen.tensorParallel).toBe(2);
    expect(plan.chosen.perGpuBytes).toBe(perGpu);
    expect(plan.chosen.memoryBytesPerGpu).toBe(H100);
  });

  it("the decision tree records five steps in order, each with a choice and a reason", () => {
    expect(plan.steps.map((step) => step.step)).toEqual([
      "workload",
      "modality",
      "vram",
      "topology",
      "pricing",
    ]);
    expect(plan.steps[0]?.choice).toBe("real-time inference");
    expect(plan.steps[1]?.choice).toBe("text");
    expect(plan.steps[2]?.choice).toBe("168.78 GB (10^9 bytes) at BF16"); // 141.11 + 10.74 + 16.93
    expect(plan.steps[3]?.choice).toBe("2 × H100 SXM 80GB, TP 2, 1 replica");
    expect(plan.steps[4]?.choice).toBe("On-Demand");
    for (const step of plan.steps) expect(step.reason.length).toBeGreaterThan(20);
  });

  it("vLLM serves it with --tensor-parallel-size 2 and --dtype bfloat16", () => {
    expect(plan.templates.serving).toBeDefined();
    const { argv } = renderVllmCommand(plan.templates.serving!);
    expect(flagValue(argv, "--tensor-parallel-size")).toBe("2");
    expect(flagValue(argv, "--dtype")).toBe("bfloat16");
    expect(flagValue(argv, "--max-model-len")).toBe("4096");
    expect(flagValue(argv, "--max-num-seqs")).toBe("8");
    expect(argv).not.toContain("--quantization");
  });

  it("renders every template it lists, the AWS fleet on p5.48xlarge (4 TP-2 replicas per 8 GPUs)", () => {
    expect(plan.templateTargets).toEqual(["vllm", "tgi", "k8s", "terraform", "cloudformation"]);
    expect(plan.templates.infra?.instanceTypes).toEqual(["p5.48xlarge"]);
    expect(plan.templates.infra?.gpusPerInstance).toBe(8);
    const { files } = renderTemplates(plan.templates, plan.templateTargets);
    expect(files.map((file) => file.path)).toContain("terraform/json/main.tf.json");
  });

  it("TTFT: the 3,840-token prompt takes 567 ms on two H100s (misses 350 ms); TP 4 would take 284 ms", () => {
    // Prefill FLOPs 2 × P × 3,840 + 2 × 80 × 3,840² × 8,192, over 2 × 989 TFLOPS × 0.5.
    const flops = 2 * PARAMS * 3840 + 2 * 80 * 3840 ** 2 * 8192;
    expect(plan.chosen.ttftSeconds).toBeCloseTo(flops / (2 * 989e12 * 0.5), 9);
    expect(plan.chosen.meetsTtftTarget).toBe(false);
    expect(plan.steps[3]?.reason).toContain(
      `TP 4 (4 GPUs per replica) brings it to ${((flops / (4 * 989e12 * 0.5)) * 1000).toFixed(0)} ms`,
    );
  });

  it("next to the naive baseline (BF16 on A100 80GB, TP 2): 3.35 / 2.039 the decode speed, 312 / 989 the TTFT", () => {
    const baseline = plan.baseline!;
    expect(baseline.baseline.acceleratorId).toBe("nvidia-a100-80gb-sxm");
    expect(baseline.baseline.tensorParallel).toBe(2);
    // Decode is memory-bound on both, at the same bytes per GPU: the bandwidth ratio.
    expect(baseline.ratios.tokensPerSecond).toBeCloseTo(3.35 / 2.039, 9);
    // Prefill is compute-bound on both: the dense BF16 ratio.
    expect(baseline.ratios.ttft).toBeCloseTo(312 / 989, 9);
    // $ per 1M tokens: the price per GPU-hour ratio over the speed ratio, at the catalog's
    // cheapest On-Demand prices holding 2 GPUs: p5.48xlarge $98.32 / 8 vs RunPod 8 × A100 SXM $15.12 / 8.
    const h100 = INSTANCES["aws/p5.48xlarge"].onDemandUsdPerHour / 8;
    const a100 = INSTANCES["runpod/8x_A100-80GB-SXM_SECURE"].onDemandUsdPerHour / 8;
    expect(baseline.ratios.usdPerMillionTokens).toBeCloseTo(h100 / a100 / (3.35 / 2.039), 9);
    expect(baseline.ttftTargetMs).toBe(350);
    expect(baseline.chosen.meetsTtftTarget).toBe(false);
    expect(baseline.baseline.meetsTtftTarget).toBe(false);
  });

  it("the checklist: thirteen checks in order; the missed 350 ms TTFT fails check 13, naming what meets it", () => {
    const report = validatePlan(plan);
    expect(report.checks.map((check) => check.id)).toEqual(CHECK_IDS);
    expect(report.checks.map((check) => check.number)).toEqual([
      1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13,
    ]);
    expect(report.checks.filter((check) => check.status === "fail").map((c) => c.id)).toEqual([
      "targets",
    ]);
    expect(report.passed).toBe(false);
    // The pinned 2 × H100 takes 567 ms; TP 4 on a GPU of the same 989 TFLOPS takes
    // 283.7 ms + 49.5 ms of all-reduces (tests/hardware/search) = 333 ms.
    expect(report.checks[12]?.reason).toContain("TTFT 567 ms misses the 350 ms target");
    expect(report.checks[12]?.reason).toContain("TP 4, BF16 weights");
    expect(report.checks[12]?.reason).toContain("(TTFT 333 ms");
  });
});

describe("the same workload on an AWQ INT4 checkpoint → one A100 80GB, TP 1, no --quantization", () => {
  const plan = planDeploymentFromSpec(awq, {
    ...request,
    gpu: "nvidia-a100-80gb-sxm",
    modelId: "TechxGenus/Meta-Llama-3-70B-Instruct-AWQ",
  });

  it("sizes the checkpoint as stored: 39.77 GB of weights, 51.60 GB on one GPU", () => {
    expect(plan.inference?.memory.weightsBytes).toBe(AWQ_WEIGHTS);
    const perGpu = AWQ_WEIGHTS + ROTARY + forward(2048, 1) + RESERVE_TP1 + KV; // 51,604,530,790
    expect(perGpu).toBeLessThanOrEqual(A100_80_CAP);
    expect(plan.chosen.tensorParallel).toBe(1);
    expect(plan.chosen.gpuCount).toBe(1);
    expect(plan.chosen.perGpuBytes).toBe(perGpu);
    expect(plan.steps[2]?.choice).toContain("AWQ 4-bit, group 128");
  });

  it("vLLM gets TP 1 and no --quantization flag (it reads quantization_config)", () => {
    const { argv } = renderVllmCommand(plan.templates.serving!);
    expect(flagValue(argv, "--tensor-parallel-size")).toBe("1");
    expect(argv).not.toContain("--quantization");
    expect(plan.templates.serving?.checkpointQuantization).toBe("awq");
  });

  it("the quantization matrix marks INT4 as this checkpoint and sizes the others from its base", () => {
    expect(plan.quantization.map((row) => [row.label, row.isCheckpoint, row.weightsBytes])).toEqual(
      [
        ["BF16", false, BF16_WEIGHTS],
        ["FP8", false, PARAMS],
        ["INT8", false, PARAMS],
        ["INT4", true, AWQ_WEIGHTS],
      ],
    );
    const fp8 = plan.quantization[1]!;
    expect(fp8.onChosenGpu?.engineSupport.status).toBe("fallback"); // A100: Marlin W8A16
    expect(plan.quantization[3]?.onChosenGpu?.engineSupport.status).toBe("native");
  });

  it("the checklist passes it", () => {
    const report = validatePlan(plan);
    expect(report.checks.find((check) => check.id === "precision")?.reason).toContain(
      "pre-quantized checkpoint detected (AWQ 4-bit, group 128)",
    );
    // The pinned A100's prefill misses the 350 ms TTFT target: only check 13 fails.
    expect(report.checks.filter((check) => check.status === "fail").map((c) => c.id)).toEqual([
      "targets",
    ]);
  });
});

describe("the checklist fails one 80 GB GPU at BF16, naming the shortfall in GB", () => {
  const report = validateDeploymentFromSpec(llama70b, {
    model: "meta-llama/Meta-Llama-3-70B",
    workload: "realtime",
    gpu: "nvidia-a100-80gb-sxm",
    gpuCount: 1,
    contextLength: 4096,
    batchSize: 8,
    weights: "bf16",
    pricing: "on-demand",
  });
  const fit = report.checks.find((check) => check.id === "fit")!;

  it("check 8 fails: 152.94 GB needed, 78.53 GB budget, 74.41 GB short; TP 2 would fit", () => {
    const need = BF16_WEIGHTS + ROTARY + forward(2048, 1) + RESERVE_TP1 + KV; // 152,944,158,310
    const budget = A100_80_CAP;
    expect(fit.number).toBe(8);
    expect(fit.status).toBe("fail");
    expect(fit.figures.shortfallBytes).toBe(need - budget);
    expect(fit.reason).toContain(`${((need - budget) / 1e9).toFixed(2)} GB short`);
    expect(fit.reason).toContain("152.94 GB per GPU");
    expect(fit.reason).toContain("TP 2 fits");
    expect(report.passed).toBe(false);
    expect(report.counts.fail).toBe(1);
  });
});

describe("full training of Llama-3-8B suggests LoRA, with the GPU-count difference", () => {
  // Llama-3-8B: 8,030,261,248 parameters, 32 layers, vocabulary 128,256. Full training, mixed
  // AdamW, two H100s under DeepSpeed ZeRO-3 (its fused step): the loss's backward peaks with
  // weights, master and Adam states over two GPUs (7 bytes per parameter), the activations
  // (200,704 B per token per layer × 2,048 × 32, plus the final norm's FP32 input and the LM head's
  // input), four FP32 logit copies and the gathered embedding with its 16-bit gradient; × 1.1 for
  // the allocator, + 512 MiB of CUDA context.
  const P = 8_030_261_248;
  const peak =
    7 * P + 200_704 * 2048 * 32 + 2048 * 8 * 4096 + 2048 * 128_256 * 16 + 4 * 128_256 * 4096;
  const atTwo = peak * 1.1 + 512 * 1024 ** 2;
  const plan = planDeploymentFromSpec(bundledSpec("meta-llama/Meta-Llama-3-8B"), {
    workload: "full",
    gpu: "nvidia-h100-sxm",
    modelId: "meta-llama/Meta-Llama-3-8B",
  });

  it("full training takes two H100s: 128.48 GB of model states alone exceed one", () => {
    expect(16 * P).toBeGreaterThan(H100);
    expect(atTwo).toBeLessThanOrEqual(H100); // 83.85 GB ≤ 85.52 GB
    expect(plan.chosen.gpuCount).toBe(2);
    expect(Math.abs(plan.training!.memory.perGpu.totalBytes - atTwo)).toBeLessThanOrEqual(1);
    expect(plan.training?.assumptions.zeroStage).toBe(3);
  });

  it("LoRA (rank 16, all linear layers: 41,943,040 parameters) fits on one: suggested, one GPU fewer", () => {
    const suggestion = plan.loraSuggestion!;
    expect(suggestion.suggested).toBe(true);
    expect(suggestion.method).toBe("lora");
    expect(suggestion.fullGpus).toBe(2);
    expect(suggestion.gpus).toBe(1);
    expect(suggestion.trainableParameters).toBe(41_943_040);
    expect(suggestion.summary).toContain("1 fewer GPU");
    expect(suggestion.givesUp).toContain("LoRA Learns Less and Forgets Less");
  });

  it("spot pricing with checkpoints, and a full axolotl + ZeRO-3 config sized from the estimate", () => {
    expect(plan.pricing.model).toBe("spot");
    expect(plan.templateTargets).toEqual(["axolotl"]);
    const training = plan.templates.training!;
    expect(training).toMatchObject({ method: "full", gpuCount: 2, zeroStage: 3 });
    const { files, yaml } = renderAxolotlYaml(training);
    const config = parse(yaml) as Record<string, unknown>;
    // The estimate's micro-batch, sequence and checkpointing; ZeRO 3 over its 2 GPUs.
    expect(config.micro_batch_size).toBe(plan.training?.assumptions.microBatchSize);
    expect(config.sequence_len).toBe(plan.training?.assumptions.sequenceLength);
    expect(config.gradient_checkpointing).toBe(plan.training?.assumptions.gradientCheckpointing);
    const ds = JSON.parse(files[1]?.contents ?? "{}") as { zero_optimization: { stage: number } };
    expect(ds.zero_optimization.stage).toBe(3);
  });
});

describe("a QLoRA plan produces an axolotl YAML that parses", () => {
  const plan = planDeploymentFromSpec(bundledSpec("meta-llama/Meta-Llama-3-8B"), {
    workload: "qlora",
    contextLength: 2048,
    modelId: "meta-llama/Meta-Llama-3-8B",
  });

  it("one GPU, and axolotl keys matching the estimate", () => {
    expect(plan.chosen.gpuCount).toBe(1);
    expect(plan.templateTargets).toEqual(["axolotl", "peft"]);
    const { yaml } = renderAxolotlYaml(plan.templates.training!);
    const config = parse(yaml) as Record<string, unknown>;
    expect(config.adapter).toBe("qlora");
    expect(config.load_in_4bit).toBe(true);
    expect(config.base_model).toBe("meta-llama/Meta-Llama-3-8B");
    expect(config.lora_r).toBe(16);
    expect(config.sequence_len).toBe(2048);
    expect(config.lora_target_linear).toBe(true);
  });
});
