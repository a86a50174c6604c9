import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { runBuiltCli } from "../helpers/cli.js";

describe("vramfit plan and check through the built binary", () => {
  it("are listed in vramfit --help", async () => {
    const { stdout } = await runBuiltCli(["--help"]);
    expect(stdout).toMatch(/plan\s+Deployment blueprint/);
    expect(stdout).toMatch(/check\s+Twelve pre-deployment checks/);
  });

  it("plan --json: Llama-3-70B BF16 on H100 takes TP 2; its checklist fails only the missed 350 ms TTFT target", async () => {
    const { code, stdout } = await runBuiltCli([
      "plan",
      "meta-llama/Meta-Llama-3-70B",
      "--workload",
      "realtime",
      "--context",
      "4096",
      "--batch",
      "8",
      "--gpu",
      "nvidia-h100-sxm",
      "--json",
    ]);
    expect(code).toBe(0);
    const { plan, checklist } = JSON.parse(stdout);
    // vLLM's budget at TP 2 on an H100 (tests/deploy/blueprint/worked-example.test.ts): half the
    // weights + rotary cache + the forward of 8,192 tokens + 0.25 GiB non-torch + 0.5 GiB CUDA
    // graphs + half the KV cache.
    expect(plan.chosen.perGpuBytes).toBe(
      141_107_412_992 / 2 +
        8192 * 128 * 2 +
        8192 * 2 * (3 * 8192 + (3 * 28_672) / 2) +
        Math.round(0.25 * 1024 ** 3) +
        Math.round(0.5 * 1024 ** 3) +
        10_737_418_240 / 2,
    );
    expect(plan.chosen.tensorParallel).toBe(2);
    expect(checklist.counts.fail).toBe(1);
    expect(checklist.checks[12].status).toBe("fail");
  });

  it("check exits 1 on a failing deployment and 0 on a sound one", async () => {
    const cwd = mkdtempSync(join(tmpdir(), "vramfit-check-"));
    const deployment = {
      model: "meta-llama/Meta-Llama-3-70B",
      workload: "realtime",
      gpu: "nvidia-h100-sxm",
      gpuCount: 1,
      contextLength: 4096,
      batchSize: 8,
      pricing: "on-demand",
    };
    writeFileSync(join(cwd, "one.json"), JSON.stringify(deployment));
    writeFileSync(join(cwd, "two.json"), JSON.stringify({ ...deployment, gpuCount: 2 }));
    const one = await runBuiltCli(["check", "one.json"], { cwd });
    expect(one.code).toBe(1);
    expect(one.stdout).toContain("GB short");
    expect((await runBuiltCli(["check", "two.json"], { cwd })).code).toBe(0);
  });
});
