import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { runCli } from "../helpers/cli.js";
import { loadFixture } from "../helpers/fixtures.js";

const LLAMA_8B = "meta-llama/Meta-Llama-3-8B";
// Offline, so these keep passing once the Hub client lands.
const env = { HF_HUB_OFFLINE: "1" };
const train = (...argv: string[]) => runCli(["train", ...argv], { env });

describe("vramfit train (in-process)", () => {
  it("LoRA r16 all-linear: 41,943,040 trainable, every figure labelled GB (10^9)", async () => {
    const { code, stdout, stderr } = await train(LLAMA_8B, "--method", "lora", "--rank", "16");
    expect(stderr).toBe("");
    expect(code).toBe(0);
    expect(stdout).toContain("41,943,040 trainable (0.52 %)");
    expect(stdout).toContain("GB (10^9)");
    expect(stdout).not.toContain("GiB (2^30)");
    // 8,030,261,248 × 2 bytes of frozen BF16 base.
    expect(stdout).toMatch(/Frozen base weights \(BF16\)\s+16\.06\s+16,060,522,496/);
    expect(stdout).toMatch(/Optimizer states \(AdamW\)\s+0\.34\s+335,544,320/);
  });

  it("without checkpointing, shows what --grad-checkpointing would need", async () => {
    const plain = await train(LLAMA_8B, "--method", "lora", "--json");
    const checkpointed = await train(
      LLAMA_8B,
      "--method",
      "lora",
      "--grad-checkpointing",
      "--json",
    );
    const gb = (out: string): string => (JSON.parse(out).memory.perGpu.totalBytes / 1e9).toFixed(2);
    const { stdout } = await train(LLAMA_8B, "--method", "lora");
    expect(stdout).toContain(`Needs ${gb(plain.stdout)} GB of GPU memory.`);
    expect(stdout).toContain(`With --grad-checkpointing: ${gb(checkpointed.stdout)} GB per GPU`);
    const already = await train(LLAMA_8B, "--method", "lora", "--grad-checkpointing");
    expect(already.stdout).not.toContain("With --grad-checkpointing");
  });

  it("prints the rank × target trade-off table for LoRA", async () => {
    const { stdout } = await train(LLAMA_8B, "--method", "lora");
    expect(stdout).toContain("rank and target trade-offs");
    for (const [rank, targets, trainable] of [
      ["8", "qv", "3,407,872"],
      ["16", "qv", "6,815,744"],
      ["16", "attention", "13,631,488"],
      ["16", "all-linear", "41,943,040"],
      ["32", "all-linear", "83,886,080"],
    ]) {
      expect(stdout).toMatch(new RegExp(`lora\\s+${rank}\\s+${targets}\\s+${trainable}`));
    }
  });

  it("full training shows the same run as LoRA and QLoRA", async () => {
    const { code, stdout } = await train(LLAMA_8B);
    expect(code).toBe(0);
    expect(stdout).toContain("full training");
    expect(stdout).toMatch(/Master weights \(FP32\)\s+32\.12/); // 4 × 8.03 B
    expect(stdout).toMatch(/qlora\s+16\s+all-linear\s+41,943,040/);
  });

  it("--units gib labels every figure GiB (2^30)", async () => {
    const { stdout } = await train(LLAMA_8B, "--method", "qlora", "--units", "gib");
    expect(stdout).toContain("GiB (2^30)");
    expect(stdout).not.toContain("GB (10^9)");
    expect(stdout).toMatch(/CUDA context\s+0\.50\s+536,870,912/);
  });

  it("--json prints the estimate in bytes; flags map to options", async () => {
    const { code, stdout } = await train(
      LLAMA_8B,
      "--method",
      "lora",
      "--targets",
      "q_proj,v_proj",
      "--optimizer",
      "adamw-8bit",
      "--seq",
      "4k",
      "--micro-batch",
      "2",
      "--grad-checkpointing",
      "--gpus",
      "4",
      "--zero",
      "3",
      "--offload-optimizer",
      "--loss",
      "fused",
      "--json",
    );
    expect(code).toBe(0);
    const estimate = JSON.parse(stdout);
    expect(estimate.parameters.trainable).toBe(6_815_744);
    expect(estimate.assumptions).toMatchObject({
      method: "lora",
      targets: ["q", "v"],
      optimizer: "adamw-8bit",
      sequenceLength: 4096,
      microBatchSize: 2,
      gradientCheckpointing: true,
      gpuCount: 4,
      zeroStage: 3,
      offloadOptimizer: true,
      crossEntropy: "fused",
    });
    expect(estimate.memory.perGpu.logitsBytes).toBe(0);
    expect(estimate.memory.hostBytesPerGpu).toBeGreaterThan(0);
    expect(estimate.model.source.kind).toBe("bundled");
  });

  it("the new knobs map to options, and the peak's phase and statistics are printed", async () => {
    const { code, stdout } = await train(
      LLAMA_8B,
      "--framework",
      "torchtune",
      "--method",
      "qlora",
      "--lora-dropout",
      "0.05",
      "--compile",
      "--offload-activations",
      "--attention",
      "eager",
      "--softmax-precision",
      "bf16",
      "--dropout",
      "--loss",
      "chunked",
      "--loss-precision",
      "bf16",
      "--logits-to-keep",
      "512",
      "--grad-accum",
      "4",
      "--keep-quantized-inputs",
      "--json",
    );
    expect(code).toBe(0);
    const estimate = JSON.parse(stdout);
    expect(estimate.assumptions).toMatchObject({
      framework: "torchtune",
      method: "qlora",
      loraDropout: 0.05,
      compile: true,
      offloadActivations: true,
      gradientCheckpointing: true, // torchtune's default
      attention: "eager",
      softmaxPrecision: "bf16",
      dropout: true,
      crossEntropy: "chunked",
      lossPrecision: "bf16",
      logitsToKeep: 512,
      gradientAccumulationSteps: 4,
      keepQuantizedInputs: true,
      precision: "bf16",
    });
    expect(estimate.memory.perGpu.peakAllocatedBytes).toBeLessThan(
      estimate.memory.perGpu.peakReservedBytes,
    );
    expect(estimate.timeline.length).toBeGreaterThanOrEqual(4);
    const sharded = JSON.parse(
      (
        await train(
          LLAMA_8B,
          "--gpus",
          "8",
          "--zero",
          "3",
          "--sharding",
          "fsdp",
          "--no-reshard",
          "--offload-params",
          "--offload-optimizer",
          "--optimizer",
          "paged-adamw-8bit",
          "--fused-optimizer",
          "--optimizer-in-backward",
          "--selective-checkpointing",
          "--head",
          "classifier",
          "--json",
        )
      ).stdout,
    );
    expect(sharded.assumptions).toMatchObject({
      shardingEngine: "fsdp",
      reshardAfterForward: false,
      offloadParameters: true,
      optimizer: "paged-adamw-8bit",
      fusedOptimizer: true,
      optimizerInBackward: true,
      selectiveCheckpointing: true,
      head: "classifier",
    });
    expect(sharded.memory.perGpu.logitsBytes).toBe(0);

    const text = (await train(LLAMA_8B, "--method", "lora")).stdout;
    expect(text).toMatch(/peak\s+backward: the loss's backward/);
    expect(text).toMatch(
      /Peak allocated\s+[\d.]+\s+[\d,]+\s+torch\.cuda\.max_memory_allocated\(\)/,
    );
    expect(text).toMatch(/Peak reserved\s+[\d.]+\s+[\d,]+\s+torch\.cuda\.max_memory_reserved\(\)/);
    expect(text).toMatch(/Total per GPU\s+[\d.]+\s+[\d,]+\s+what nvidia-smi shows/);
    expect(text).toContain("Timeline (allocated on one GPU)");
  });

  it("an unknown family is a coded warning, printed", async () => {
    const folder = mkdtempSync(join(tmpdir(), "vramfit-persimmon-"));
    // adept/persimmon-8b-base's config.json: model_type "persimmon" is not a family vramfit knows.
    writeFileSync(
      join(folder, "config.json"),
      JSON.stringify({
        model_type: "persimmon",
        hidden_size: 4096,
        intermediate_size: 16384,
        num_attention_heads: 64,
        num_hidden_layers: 36,
        vocab_size: 262144,
        max_position_embeddings: 16384,
      }),
    );
    const { code, stdout } = await train(join(folder, "config.json"), "--method", "lora");
    expect(code).toBe(0);
    expect(stdout).toMatch(
      /! \[UNKNOWN_FAMILY\] model_type "persimmon" is not a family vramfit knows/,
    );
    const json = JSON.parse((await train(join(folder, "config.json"), "--json")).stdout);
    expect(json.warningCodes).toContain("UNKNOWN_FAMILY");
  });

  it("offload prints host memory separately", async () => {
    const { stdout } = await train(LLAMA_8B, "--gpus", "8", "--zero", "3", "--offload-optimizer");
    // 12 bytes × 8.03 B / 8 ranks = 12.05 GB per GPU; 96.36 GB in all.
    expect(stdout).toMatch(/Host \(CPU\) memory .*: 12\.05 GB per GPU, 96\.36 GB in all/);
  });

  it("reads a local config.json", async () => {
    const dir = mkdtempSync(join(tmpdir(), "vramfit-train-"));
    writeFileSync(
      join(dir, "config.json"),
      JSON.stringify(loadFixture("Qwen__Qwen2.5-0.5B").config),
    );
    const { code, stdout } = await runCli(["train", ".", "--method", "qlora"], { env, cwd: dir });
    expect(code).toBe(0);
    expect(stdout).toContain("QLoRA fine-tuning");
    expect(stdout).toContain("494,032,768 total");
  });

  it("bad options exit 2 with the option named; an unknown model exits 1", async () => {
    const zero = await train(LLAMA_8B, "--zero", "4");
    expect(zero.code).toBe(2);
    expect(zero.stderr).toMatch(/Invalid --zero: expected one of 0, 1, 2 or 3, got 4/);
    const rank = await train(LLAMA_8B, "--method", "lora", "--rank", "0");
    expect(rank.code).toBe(2);
    expect(rank.stderr).toMatch(/--rank expects a positive whole number/);
    const batch = await train(LLAMA_8B, "--micro-batch=-2");
    expect(batch.code).toBe(2);
    const optimizer = await train(LLAMA_8B, "--optimizer", "lamb");
    expect(optimizer.code).toBe(2);
    expect(optimizer.stderr).toMatch(/--optimizer expects one of adamw, adamw-8bit/);
    const target = await train(LLAMA_8B, "--method", "lora", "--targets", "q,attn");
    expect(target.code).toBe(2);
    expect(target.stderr).toMatch(/unknown target "attn"/);
    expect((await train("nobody/nothing")).code).toBe(1);
    expect((await train()).code).toBe(2);
  });

  it("--help lists every flag of the issue", async () => {
    const { code, stdout } = await train("--help");
    expect(code).toBe(0);
    for (const flag of [
      "--method",
      "--rank",
      "--targets",
      "--optimizer",
      "--seq",
      "--micro-batch",
      "--grad-checkpointing",
      "--zero",
      "--gpus",
      "--json",
      "--framework",
      "--dropout",
      "--lora-dropout",
      "--loss",
      "--loss-precision",
      "--logits-to-keep",
      "--attention",
      "--selective-checkpointing",
      "--compile",
      "--optimizer-in-backward",
      "--sharding",
      "--no-reshard",
      "--offload-params",
      "--keep-quantized-inputs",
    ]) {
      expect(stdout).toContain(flag);
    }
  });
});
