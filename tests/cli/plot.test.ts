import { existsSync, mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { memoryBreakdownChart, memoryCurveChart, renderChart } from "../../src/charts.js";
import { ACCELERATORS, estimateInference, rankGpus } from "../../src/index.js";
import { runCli } from "../helpers/cli.js";

const LLAMA_70B = "meta-llama/Meta-Llama-3-70B";

function folder(): string {
  return mkdtempSync(join(tmpdir(), "vramfit-plot-"));
}

describe("--plot", () => {
  it("estimate --plot writes the breakdown chart of the same estimate, in --units, relative to the working folder", async () => {
    const cwd = folder();
    const result = await runCli(
      [
        "estimate",
        LLAMA_70B,
        "--context",
        "4k",
        "--batch",
        "8",
        "--units",
        "gib",
        "--plot",
        "charts/memory.svg",
      ],
      { cwd },
    );
    expect(result.code).toBe(0);
    expect(result.stderr).toBe("wrote charts/memory.svg (memory breakdown)\n");
    const estimate = await estimateInference(LLAMA_70B, {
      contextLength: 4096,
      batchSize: 8,
      offline: true,
    });
    const written = readFileSync(join(cwd, "charts", "memory.svg"), "utf8");
    expect(written).toBe(renderChart(memoryBreakdownChart(estimate, { unit: "gib" })));
    expect(written).toContain("KV cache (BF16): 10.00 GiB (10,737,418,240 bytes)");
  });

  it("--json keeps stdout pure JSON and still writes the chart", async () => {
    const cwd = folder();
    const result = await runCli(["estimate", LLAMA_70B, "--json", "--plot", "m.svg"], { cwd });
    expect(JSON.parse(result.stdout).kind).toBe("inference");
    expect(existsSync(join(cwd, "m.svg"))).toBe(true);
  });

  it("replaces an existing chart (the name was typed on purpose), atomically", async () => {
    const cwd = folder();
    writeFileSync(join(cwd, "m.svg"), "old");
    const result = await runCli(["estimate", LLAMA_70B, "--plot", "m.svg"], { cwd });
    expect(result.code).toBe(0);
    expect(readFileSync(join(cwd, "m.svg"), "utf8")).toMatch(/^<svg /);
  });

  it("refuses a path that is not .svg, before computing anything (exit 2)", async () => {
    const cwd = folder();
    writeFileSync(join(cwd, "config.json"), "{}");
    const result = await runCli(["estimate", LLAMA_70B, "--plot", "config.json"], { cwd });
    expect(result.code).toBe(2);
    expect(result.stdout).toBe("");
    expect(result.stderr).toContain(
      '--plot writes an SVG file; "config.json" does not end in .svg.',
    );
    expect(readFileSync(join(cwd, "config.json"), "utf8")).toBe("{}");
  });

  it("says what it cannot write (a file where its folder should be), exit 1", async () => {
    const cwd = folder();
    writeFileSync(join(cwd, "file.svg"), "");
    const failed = await runCli(["estimate", LLAMA_70B, "--plot", "file.svg/y.svg"], { cwd });
    expect(failed.code).toBe(1);
    expect(failed.stderr).toMatch(/^error: Cannot write .*file\.svg\/y\.svg: E\w+\./);
  });

  it("gpus --plot draws memory vs context on the best match's cards, as the library would", async () => {
    const cwd = folder();
    const result = await runCli(
      [
        "gpus",
        LLAMA_70B,
        "--context",
        "4k",
        "--batch",
        "8",
        "--family",
        "h100",
        "--plot",
        "context.svg",
      ],
      { cwd },
    );
    expect(result.code).toBe(0);
    expect(result.stderr).toBe("wrote context.svg (memory vs context)\n");
    const options = { contextLength: 4096, batchSize: 8, offline: true };
    const best = (await rankGpus(LLAMA_70B, { ...options, families: ["h100"] })).matches.find(
      (match) => match.fits,
    )!;
    const chart = memoryCurveChart(await estimateInference(LLAMA_70B, options), {
      accelerator: ACCELERATORS[best.acceleratorId as keyof typeof ACCELERATORS],
    });
    expect(readFileSync(join(cwd, "context.svg"), "utf8")).toBe(renderChart(chart));
  });

  it("gpus --plot-gpu picks the cards and --plot-axis batch the knob; --gpu-util moves the lines", async () => {
    const cwd = folder();
    const result = await runCli(
      [
        "gpus",
        LLAMA_70B,
        "--plot",
        "b.svg",
        "--plot-gpu",
        "nvidia-a100-80gb-sxm",
        "--plot-axis",
        "batch",
        "--gpu-util",
        "0.9",
      ],
      { cwd },
    );
    expect(result.code).toBe(0);
    const svg = readFileSync(join(cwd, "b.svg"), "utf8");
    expect(svg).toContain("memory vs batch size");
    expect(svg).toContain("0.9 × 85.90 GB");
  });

  it("gpus: --plot-gpu needs --plot, names a known GPU, and training has no context chart", async () => {
    expect((await runCli(["gpus", LLAMA_70B, "--plot-gpu", "nvidia-h100-sxm"])).stderr).toContain(
      "--plot-gpu goes with --plot.",
    );
    const unknown = await runCli(["gpus", LLAMA_70B, "--plot", "c.svg", "--plot-gpu", "h100"], {
      cwd: folder(),
    });
    expect(unknown.code).toBe(2);
    expect(unknown.stdout).toBe("");
    expect(unknown.stderr).toContain('--plot-gpu: no accelerator "h100" in the catalog.');
    const training = await runCli(["gpus", LLAMA_70B, "--workload", "training", "--plot", "c.svg"]);
    expect(training.code).toBe(2);
    expect(training.stderr).toContain("--workload training has no such chart");
  });
});
