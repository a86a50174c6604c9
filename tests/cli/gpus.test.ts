import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { runBuiltCli, runCli } from "../helpers/cli.js";

// Offline: these tests read the bundled snapshot, never a Hub.
const env = { HF_HUB_OFFLINE: "1" };
const LLAMA_70B = "meta-llama/Meta-Llama-3-70B";

// vLLM's budget for Llama-3-70B BF16 at 8 × 4,096 tokens, worked by hand
// (docs/methodology.md#serving-fit): an H100 SXM reports 79.22 GiB to torch.cuda.mem_get_info
// (vllm PR #12126); the ranking runs vLLM with --max-num-seqs 8, so the profile run's peak is the
// forward pass of 8,192 tokens; 0.25 GiB non-torch and 0.5 GiB CUDA graphs per GPU.
const GIB = 1024 ** 3;
const H100_TOTAL = Math.round(79.22 * GIB); // 85,061,827,297 B
const ROTARY = 8192 * 128 * 2;
const RESERVE_TP = Math.round(0.25 * GIB) + Math.round(0.5 * GIB);
const forward = (tp: number): number => 8192 * 2 * (3 * 8192 + (3 * 28_672) / tp);
const WEIGHTS = 70_553_706_496 * 2;
// 8 sequences × 256 blocks of 16 tokens × 80 layers × 2 (K, V) × KV heads per GPU × 128 × 2 B.
const kvBlocks = (tp: number): number => 8 * 256 * 16 * 80 * 2 * (8 / tp) * 128 * 2;
const perGpu = (tp: number): number =>
  WEIGHTS / tp + ROTARY + forward(tp) + RESERVE_TP + kvBlocks(tp);

describe("vramfit gpus (in-process)", () => {
  it("ranks GPUs and instances with units on every size and a dated source on every price", async () => {
    const { code, stdout, stderr } = await runCli(
      ["gpus", LLAMA_70B, "--context", "4k", "--batch", "8"],
      { env },
    );
    expect(stderr).toBe("");
    expect(code).toBe(0);
    expect(stdout).toContain("Per GPU GB (10^9)");
    expect(stdout).toContain("Budget GB (10^9)");
    // TP 2: 70.56 + 1.11 + 0.81 + 5.37 = 77.84 GB per GPU against 0.92 × 85.06 GB = 78.26 GB.
    expect((perGpu(2) / 1e9).toFixed(2)).toBe("77.84");
    expect((Math.floor(H100_TOTAL * 0.92) / 1e9).toFixed(2)).toBe("78.26");
    expect(stdout).toMatch(/H100 SXM 80GB\s+yes\*?\s+2\s+2\s+77\.84\s+78\.26/);
    const h100 = await runCli(
      ["gpus", LLAMA_70B, "--context", "4k", "--batch", "8", "--family", "h100"],
      {
        env,
      },
    );
    expect(h100.stdout).toContain(
      "TP 2 fits: 77.84 GB per GPU ≤ 78.26 GB vLLM budget (0.92 × 85.06 GB the driver reports)",
    );
    // Every price cell points at a footnote, and every footnote carries a date and a source.
    const cells = [...stdout.matchAll(/\d+\.\d\d \[(\d+)\]/g)].map((match) => match[1]);
    expect(cells.length).toBeGreaterThan(5);
    for (const index of new Set(cells)) {
      expect(stdout).toMatch(
        new RegExp(`\\[${index}\\] \\S+ (on-demand|spot) .*; as of .+, read 2026-11-28; source `),
      );
    }
    expect(stdout).toContain("Pricing advice (realtime)");
  });

  it("details answer the inverse questions: most sequences at 4K, longest context at batch 8", async () => {
    const { stdout } = await runCli(
      ["gpus", LLAMA_70B, "--context", "4k", "--batch", "8", "--family", "h100", "--top", "1"],
      { env },
    );
    // At TP 2 each H100 keeps 0.92 × 79.22 GiB less its weights and vLLM's reserve for the KV
    // cache: 5,788,474,841 B = 2,208 blocks of 16 tokens (2,621,440 B each, 4 of 8 KV heads).
    const kvPerGpu =
      Math.floor(H100_TOTAL * 0.92) - (WEIGHTS / 2 + ROTARY) - forward(2) - RESERVE_TP;
    const blocks = Math.floor(kvPerGpu / (16 * 80 * 2 * 4 * 128 * 2));
    expect(blocks).toBe(2208);
    const maxBatch = Math.floor(blocks / 256); // 8 sequences of 4,096 tokens
    const maxContext = Math.floor(blocks / 8) * 16; // 8 of up to 4,416 tokens
    expect(stdout).toContain(
      `room for the KV cache: ${(kvPerGpu / 1e9).toFixed(2)} GB per GPU, enough for ${maxBatch} sequences of 4,096 tokens, or 8 of up to ${maxContext.toLocaleString("en-US")} tokens`,
    );
  });

  it("--gpu-util 0.9 (vLLM ≤ 0.10) needs four H100s; --units gib labels sizes GiB (2^30)", async () => {
    const { stdout } = await runCli(
      [
        "gpus",
        LLAMA_70B,
        "--context",
        "4096",
        "--batch",
        "8",
        "--gpu-util",
        "0.9",
        "--family",
        "h100",
        "--units",
        "gib",
      ],
      { env },
    );
    expect(stdout).toContain("Per GPU GiB (2^30)");
    expect(stdout).not.toContain("GB (10^9)");
    // TP 2 needs 77.84 GB > 0.9 × 85.06 GB = 76.56 GB; TP 4: 39,523,586,048 B = 36.81 GiB.
    expect(perGpu(2)).toBeGreaterThan(Math.floor(H100_TOTAL * 0.9));
    expect((perGpu(4) / GIB).toFixed(2)).toBe("36.81");
    expect(stdout).toMatch(/H100 SXM 80GB\s+yes\S*\s+4\s+4\s+36\.81/);
  });

  it("--json prints both rankings in bytes, seconds and dollars, with the cleaned-out rows", async () => {
    const { code, stdout } = await runCli(
      [
        "gpus",
        LLAMA_70B,
        "--weights",
        "int4",
        "--workload",
        "batch",
        "--cloud",
        "aws,gcp",
        "--spot",
        "--json",
      ],
      { env },
    );
    expect(code).toBe(0);
    const { gpus, instances } = JSON.parse(stdout);
    expect(gpus.workload.id).toBe("batch");
    expect(gpus.assumptions.spot).toBe(true);
    expect(
      instances.matches.every((match: { instance: { provider: string } }) =>
        ["aws", "gcp"].includes(match.instance.provider),
      ),
    ).toBe(true);
    expect(instances.excluded.length).toBeGreaterThan(10);
    const a100 = gpus.matches.find(
      (match: { acceleratorId: string }) => match.acceleratorId === "nvidia-a100-80gb-sxm",
    );
    expect(a100.tensorParallel).toBe(1);
    expect(a100.price.kind).toBe("spot");
  });

  it("--catalog adds a user's accelerator and priced instance", async () => {
    const dir = mkdtempSync(join(tmpdir(), "vramfit-cli-catalog-"));
    writeFileSync(
      join(dir, "fleet.json"),
      JSON.stringify({
        accelerators: {
          "acme-x1": {
            name: "Acme X1",
            memoryGiB: 192,
            memoryBandwidthTBps: 10,
            bf16DenseTflops: 3000,
          },
        },
        instances: {
          "acme/x1": {
            provider: "acme",
            name: "x1",
            acceleratorId: "acme-x1",
            gpuCount: 1,
            onDemandUsdPerHour: 0.5,
            priceSource: "our price list",
            priceAsOf: "2026-11-01",
          },
        },
      }),
    );
    const { code, stdout } = await runCli(
      ["gpus", LLAMA_70B, "--catalog", "fleet.json", "--workload", "batch"],
      {
        env,
        cwd: dir,
      },
    );
    expect(code).toBe(0);
    expect(stdout).toMatch(/1\s+Acme X1\s+yes/);
    expect(stdout).toContain("acme/x1 on-demand $0.5000/GPU-hour (any region); as of 2026-11-01");
  });

  it("reports usage errors (exit 2) and bad catalogs (exit 1) with a hint", async () => {
    const bad = await runCli(["gpus", LLAMA_70B, "--workload", "gaming"], { env });
    expect(bad.code).toBe(2);
    expect(bad.stderr).toContain("--workload expects one of realtime, decode, batch, training");
    const missing = await runCli(["gpus", LLAMA_70B, "--catalog", "/nonexistent/fleet.json"], {
      env,
    });
    expect(missing.code).toBe(1);
    expect(missing.stderr).toContain("Cannot use the GPU catalog");
    expect(missing.stderr).toContain("hint:");
    const none = await runCli(["gpus"], { env });
    expect(none.code).toBe(2);
  });

  it("--workload training ranks the training memory, not the serving estimate", async () => {
    const LLAMA_8B = "meta-llama/Meta-Llama-3-8B";
    const full = await runCli(["gpus", LLAMA_8B, "--workload", "training", "--json"], { env });
    expect(full.code).toBe(0);
    const { gpus } = JSON.parse(full.stdout);
    expect(gpus.requirement.kind).toBe("training");
    const perGpu = (id: string): { shards: number; bytes: number } => {
      const row = gpus.matches.find(
        (match: { acceleratorId: string }) => match.acceleratorId === id,
      );
      return { shards: row.gpuCount, bytes: row.perGpu.totalBytes };
    };
    // Full AdamW mixed precision: 16 B for each of Llama-3-8B's 8,030,261,248 published
    // parameters, grown 5 % for fragmentation, fully sharded over the GPUs. Only the shard of
    // the model states differs between an 80 GB A100 (2 GPUs) and a 40 GB one (8 GPUs).
    const a100x80 = perGpu("nvidia-a100-80gb-sxm");
    const a100x40 = perGpu("nvidia-a100-40gb-sxm");
    expect([a100x80.shards, a100x40.shards]).toEqual([2, 8]);
    const states = 16 * 8_030_261_248 * 1.05;
    expect(a100x80.bytes - a100x40.bytes).toBeCloseTo(states * (1 / 2 - 1 / 8), -3);

    // QLoRA on one GPU: the same per-GPU total as `vramfit train --method qlora`.
    const qlora = await runCli(
      ["gpus", LLAMA_8B, "--workload", "training", "--method", "qlora", "--json"],
      { env },
    );
    const train = await runCli(["train", LLAMA_8B, "--method", "qlora", "--json"], { env });
    const l4 = JSON.parse(qlora.stdout).gpus.matches.find(
      (match: { acceleratorId: string }) => match.acceleratorId === "nvidia-l4",
    );
    expect(l4.gpuCount).toBe(1);
    expect(l4.perGpu.totalBytes).toBeCloseTo(JSON.parse(train.stdout).memory.perGpu.totalBytes, 0);

    const text = await runCli(["gpus", LLAMA_8B, "--workload", "training", "--top", "3"], { env });
    expect(text.stdout).toContain("fits when   model states / GPUs (fully sharded)");
    expect(text.stdout).toMatch(/Shards\s+GPUs/);
    expect(text.stdout).toContain("train tok/s");
  });

  it("refuses training flags without --workload training, and serving flags with it", async () => {
    const rank = await runCli(["gpus", LLAMA_70B, "--rank", "8"], { env });
    expect(rank.code).toBe(2);
    expect(rank.stderr).toContain("--rank goes with --workload training");
    const weights = await runCli(
      ["gpus", LLAMA_70B, "--workload", "training", "--weights", "int4"],
      { env },
    );
    expect(weights.code).toBe(2);
    expect(weights.stderr).toContain("--weights sizes serving");
  });

  it("vramfit estimate --rank-gpus prints the estimate, then the top 5 matches", async () => {
    const { code, stdout } = await runCli(
      ["estimate", LLAMA_70B, "--context", "4k", "--batch", "8", "--rank-gpus"],
      { env },
    );
    expect(code).toBe(0);
    expect(stdout).toMatch(/Total \(headline rule\)\s+168\.78/);
    expect(stdout).toContain("GPUs (5 of 32)");
    expect(stdout).toContain("Prices (a dated snapshot, not live prices)");
    const json = JSON.parse(
      (await runCli(["estimate", LLAMA_70B, "--rank-gpus", "--top", "2", "--json"], { env }))
        .stdout,
    );
    expect(json.estimate.memory.kvCacheBytes).toBe(2 * 80 * 8 * 128 * 2 * 4096);
    expect(json.gpus.matches.length).toBe(2);
    expect(json.instances.matches.length).toBe(2);
  });

  it("vramfit estimate refuses ranking flags without --rank-gpus, and a training ranking", async () => {
    const stray = await runCli(["estimate", LLAMA_70B, "--workload", "batch"], { env });
    expect(stray.code).toBe(2);
    expect(stray.stderr).toContain("--workload goes with --rank-gpus");
    const training = await runCli(
      ["estimate", LLAMA_70B, "--rank-gpus", "--workload", "training"],
      {
        env,
      },
    );
    expect(training.code).toBe(2);
    expect(training.stderr).toContain("vramfit gpus <model> --workload training");
  });
});

describe("the built binary", () => {
  it("runs vramfit gpus offline", async () => {
    const { code, stdout } = await runBuiltCli(
      ["gpus", LLAMA_70B, "--weights", "int4", "--top", "3"],
      { env },
    );
    expect(code).toBe(0);
    expect(stdout).toContain("GPUs (3 of 32)");
    expect(stdout).toContain("GB (10^9)");
  });
});
