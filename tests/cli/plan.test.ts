import { mkdtempSync, readFileSync, statSync, writeFileSync, mkdirSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { parse } from "yaml";
import { runCli } from "../helpers/cli.js";
import { llama3_70bAwqConfig } from "../helpers/blueprint.js";

const LLAMA_70B = "meta-llama/Meta-Llama-3-70B";
const WORKED = ["--workload", "realtime", "--context", "4k", "--batch", "8"];

function tempDir(): string {
  return mkdtempSync(join(tmpdir(), "vramfit-plan-"));
}

describe("vramfit plan (in-process)", () => {
  it("the worked example: BF16 on H100 → 2 GPUs, TP 2; writes vllm/serve.sh with --tensor-parallel-size 2", async () => {
    const cwd = tempDir();
    const { code, stdout, stderr } = await runCli(
      [
        "plan",
        LLAMA_70B,
        ...WORKED,
        "--weights",
        "bf16",
        "--gpu",
        "nvidia-h100-sxm",
        "--emit",
        "vllm",
        "--out",
        "out",
      ],
      { cwd },
    );
    expect(stderr).toBe("");
    expect(code).toBe(0);
    expect(stdout).toContain("4. Topology  2 × H100 SXM 80GB, TP 2, 1 replica");
    expect(stdout).toContain("Per GPU GB (10^9)");
    expect(stdout).toContain("12 pass, 0 warn, 1 fail");
    expect(stdout).toMatch(/FAIL\s+13\. The plan meets its own targets/);
    expect(stdout).toContain(`Wrote 3 files to ${join(cwd, "out")}`);
    const serve = readFileSync(join(cwd, "out", "vllm", "serve.sh"), "utf8");
    expect(serve).toContain("--tensor-parallel-size 2");
    expect(statSync(join(cwd, "out", "vllm", "serve.sh")).mode & 0o111).not.toBe(0);
    // Every price printed points at a dated source.
    const prices = stdout
      .split("Prices (a dated snapshot, not live prices)\n")[1]!
      .split("Pricing advice")[0]!;
    for (const line of prices.trim().split("\n")) expect(line).toMatch(/as of .+; source /);
  });

  it("prints what the AWS fleet rents: instances, GPUs used of rented, $/hour (as in --json)", async () => {
    const text = await runCli(["plan", LLAMA_70B, ...WORKED, "--weights", "bf16"]);
    const json = await runCli(["plan", LLAMA_70B, ...WORKED, "--weights", "bf16", "--json"]);
    const { fleet } = (
      JSON.parse(json.stdout) as { plan: { fleet: Record<string, number | string> } }
    ).plan;
    // The replicas use replicas × TP × PP GPUs; whole instances rent the rest idle.
    const idle = Number(fleet.gpusRented) - Number(fleet.gpusUsed);
    expect(idle).toBeGreaterThanOrEqual(0);
    expect(text.stdout).toContain(
      `AWS fleet: ${fleet.instances} × ${fleet.instanceType} (${fleet.market}), `,
    );
    expect(text.stdout).toContain(
      `${fleet.gpusUsed} of ${fleet.gpusRented} GPUs used${idle > 0 ? ` (${idle} idle)` : ""}, $${Number(fleet.usdPerHour).toFixed(2)}/hour`,
    );
  });

  it("--engine-version picks the vLLM release: its image in the templates; an unchecked one is refused", async () => {
    const cwd = tempDir();
    const argv = ["plan", LLAMA_70B, ...WORKED, "--gpu", "nvidia-h100-sxm", "--emit", "vllm"];
    const older = await runCli([...argv, "--engine-version", "0.27", "--out", "old"], { cwd });
    expect(older.stderr).toBe("");
    expect(older.code).toBe(0);
    const docker = readFileSync(join(cwd, "old", "vllm", "docker-run.sh"), "utf8");
    expect(docker).toContain("vllm/vllm-openai:v0.27.1");
    expect(docker).toContain("Flags for vLLM 0.27");
    const unchecked = await runCli([...argv, "--engine-version", "0.31", "--out", "new"], { cwd });
    expect(unchecked.code).not.toBe(0);
    expect(unchecked.stderr).toContain("--engine-version");
    expect(unchecked.stderr).toContain("0.29");
  });

  it("refuses to overwrite files unless --force, and writes nothing then", async () => {
    const cwd = tempDir();
    mkdirSync(join(cwd, "out", "vllm"), { recursive: true });
    writeFileSync(join(cwd, "out", "vllm", "serve.sh"), "mine\n");
    const argv = [
      "plan",
      LLAMA_70B,
      ...WORKED,
      "--gpu",
      "nvidia-h100-sxm",
      "--emit",
      "vllm",
      "--out",
      "out",
    ];
    const refused = await runCli(argv, { cwd });
    expect(refused.code).toBe(1);
    expect(refused.stderr).toContain("Not overwriting 1 file");
    expect(refused.stderr).toContain("--force");
    expect(readFileSync(join(cwd, "out", "vllm", "serve.sh"), "utf8")).toBe("mine\n");
    expect(() => statSync(join(cwd, "out", "vllm", "config.yaml"))).toThrow();
    const forced = await runCli([...argv, "--force"], { cwd });
    expect(forced.code).toBe(0);
    expect(readFileSync(join(cwd, "out", "vllm", "serve.sh"), "utf8")).toContain("vllm serve");
  });

  it("an AWQ checkpoint (a local config.json) → one A100 80GB, TP 1, no --quantization", async () => {
    const cwd = tempDir();
    const model = join(cwd, "llama-3-70b-awq");
    mkdirSync(model);
    writeFileSync(join(model, "config.json"), JSON.stringify(llama3_70bAwqConfig()));
    const { code, stdout } = await runCli(
      [
        "plan",
        "llama-3-70b-awq",
        ...WORKED,
        "--gpu",
        "nvidia-a100-80gb-sxm",
        "--emit",
        "vllm",
        "--json",
      ],
      { cwd },
    );
    expect(code).toBe(0);
    const { plan, checklist, written } = JSON.parse(stdout);
    expect(plan.chosen.tensorParallel).toBe(1);
    expect(plan.chosen.gpuCount).toBe(1);
    // The pinned A100 misses the 350 ms TTFT target: check 13 fails, the rest pass.
    expect(
      checklist.checks
        .filter((c: { status: string }) => c.status === "fail")
        .map((c: { id: string }) => c.id),
    ).toEqual(["targets"]);
    expect(written.paths).toContain("vllm/serve.sh");
    const serve = readFileSync(join(cwd, "vramfit-plan", "vllm", "serve.sh"), "utf8");
    expect(serve).toContain(`vllm serve ${model}`);
    expect(serve).toContain("--tensor-parallel-size 1");
    expect(serve).not.toContain("--quantization");
  });

  it("QLoRA: --emit all writes an axolotl YAML that parses", async () => {
    const cwd = tempDir();
    const { code } = await runCli(
      ["plan", "meta-llama/Meta-Llama-3-8B", "--workload", "qlora", "--emit", "all", "--out", "ft"],
      { cwd },
    );
    expect(code).toBe(0);
    const config = parse(readFileSync(join(cwd, "ft", "axolotl", "config.yaml"), "utf8"));
    expect(config.adapter).toBe("qlora");
    expect(config.load_in_4bit).toBe(true);
  });

  it("full training suggests LoRA; --units gib labels GiB (2^30)", async () => {
    const { code, stdout } = await runCli([
      "plan",
      "meta-llama/Meta-Llama-3-8B",
      "--workload",
      "full",
      "--gpu",
      "nvidia-h100-sxm",
      "--units",
      "gib",
    ]);
    expect(code).toBe(0);
    expect(stdout).toContain(
      "Suggestion: LoRA (rank 16, all linear layers) fits on 1 × H100 SXM 80GB where full training needs 2",
    );
    expect(stdout).toContain("Per GPU GiB (2^30)");
    expect(stdout).not.toContain("GB (10^9)");
  });

  it("usage errors exit 2: no --workload, an unknown template, --out without --emit", async () => {
    expect((await runCli(["plan", LLAMA_70B])).code).toBe(2);
    const badEmit = await runCli(["plan", LLAMA_70B, "--workload", "batch", "--emit", "helm"]);
    expect(badEmit.code).toBe(2);
    expect(badEmit.stderr).toContain(
      "--emit expects one of vllm, tgi, k8s, axolotl, peft, terraform, cloudformation",
    );
    expect((await runCli(["plan", LLAMA_70B, "--workload", "batch", "--out", "x"])).code).toBe(2);
    expect((await runCli(["plan", LLAMA_70B, "--workload", "chat"])).code).toBe(2);
  });

  it("a template the plan cannot render is an error that names the missing plan", async () => {
    const { code, stderr } = await runCli([
      "plan",
      "meta-llama/Meta-Llama-3-8B",
      "--workload",
      "qlora",
      "--emit",
      "vllm",
      "--out",
      join(tempDir(), "o"),
    ]);
    expect(code).toBe(2);
    expect(stderr).toContain("--emit vllm: a qlora plan emits axolotl, peft");
  });
});

describe("vramfit check (in-process)", () => {
  function deploymentFile(deployment: Record<string, unknown>): { cwd: string; file: string } {
    const cwd = tempDir();
    writeFileSync(join(cwd, "deployment.json"), JSON.stringify(deployment));
    return { cwd, file: "deployment.json" };
  }
  const oneGpu = {
    model: LLAMA_70B,
    workload: "realtime",
    gpu: "nvidia-a100-80gb-sxm",
    gpuCount: 1,
    contextLength: 4096,
    batchSize: 8,
    weights: "bf16",
    pricing: "on-demand",
  };

  it("exits 1 on one 80 GB GPU at BF16, naming the 74.41 GB shortfall", async () => {
    const { cwd, file } = deploymentFile(oneGpu);
    const { code, stdout } = await runCli(["check", file], { cwd });
    expect(code).toBe(1);
    // vLLM's budget on one A100 80GB (docs/methodology.md#serving-fit): weights + rotary cache
    // (8,192 × 128 × 2 B) + the profile run's forward of 2,048 tokens (2 × (3 × 8,192 + 3 × 28,672) B
    // each) + 0.10 GiB non-torch + 0.5 GiB CUDA graphs + 10,737,418,240 B of KV cache, against
    // 0.92 × (81,920 − 512) MiB.
    const need =
      2 * 70_553_706_496 +
      8192 * 128 * 2 +
      2048 * 2 * (3 * 8192 + 3 * 28_672) +
      Math.round(0.1 * 1024 ** 3) +
      Math.round(0.5 * 1024 ** 3) +
      10_737_418_240;
    const budget = Math.floor((81_920 - 512) * 1024 ** 2 * 0.92);
    const short = (need - budget) / 1e9;
    expect(stdout).toContain(`${short.toFixed(2)} GB short`);
    expect(stdout).toMatch(/FAIL\s+8\. Fits per GPU/);
    expect(stdout).toContain("12 pass, 0 warn, 1 fail");
  });

  it("exits 0 on two GPUs; --json prints the checklist", async () => {
    const { cwd, file } = deploymentFile({ ...oneGpu, gpuCount: 2 });
    const { code, stdout } = await runCli(["check", file, "--json"], { cwd });
    expect(code).toBe(0);
    const report = JSON.parse(stdout);
    expect(report.passed).toBe(true);
    expect(report.checks).toHaveLength(13);
  });

  it("a misspelt field is an error naming it; the help says how to gate CI", async () => {
    const { cwd, file } = deploymentFile({ ...oneGpu, gpus: 2 });
    const bad = await runCli(["check", file], { cwd });
    expect(bad.code).toBe(1);
    expect(bad.stderr).toContain('unknown field "gpus"');
    const help = await runCli(["check", "--help"]);
    expect(help.stdout).toContain("1 when any check fails");
    expect(help.stdout).toContain("CI");
    expect((await runCli(["check"])).code).toBe(2);
  });
});
