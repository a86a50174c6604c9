// The built page (web/dist) driven in headless Chromium as a person would use it, its numbers
// checked against the library run here in Node and against the CLI's --json.
import type { Browser, Page } from "playwright-core";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { memoryCurveChart } from "../../src/charts.js";
import {
  ACCELERATORS,
  BUNDLED_MODELS,
  estimateInferenceFromSpec,
  parseModelConfig,
  rankGpusForEstimate,
  VramfitError,
} from "../../src/index.js";
import { launchChromium, WEB_DIST } from "../helpers/browser.js";
import { runCli } from "../helpers/cli.js";
import { serveFolder, type StaticServer } from "../helpers/static-server.js";

const LLAMA_70B = "meta-llama/Meta-Llama-3-70B";
const H100 = "nvidia-h100-sxm";

let browser: Browser;
let site: StaticServer;

beforeAll(async () => {
  site = await serveFolder(WEB_DIST);
  browser = await launchChromium();
});

afterAll(async () => {
  await browser.close();
  await site.close();
});

/** Errors the pages opened by the current test reported: thrown, or logged to the console. */
let errors: string[] = [];

afterEach(() => {
  expect(errors).toEqual([]);
  errors = [];
});

async function open(query: string): Promise<Page> {
  const page = await (await browser.newContext()).newPage();
  page.on("pageerror", (error) => errors.push(error.message));
  page.on("console", (message) => {
    if (message.type() === "error") errors.push(message.text());
  });
  await page.goto(`${site.url}/${query}`);
  await page.waitForSelector("#breakdown svg");
  return page;
}

/** The longest context the chart marks for a number of cards. */
async function marker(page: Page, cards: number): Promise<number> {
  const value = await page.getAttribute(`#curve g.crossing[data-gpus="${cards}"]`, "data-max-x");
  return Number(value);
}

describe("the page, with a bundled model", () => {
  it("marks the longest context on 2 × H100 and follows a change of batch and context", async () => {
    const page = await open(`?gpu=${H100}`);
    // Llama-3-70B at BF16, 8 sequences: (2 × 77,068,532,449 − 141,107,412,992) / (327,680 × 8).
    expect(await marker(page, 2)).toBe(4970);

    await page.getByLabel("Batch (sequences)").fill("16");
    await page.waitForSelector('#curve g.crossing[data-gpus="2"][data-max-x="2485"]');
    // By hand: 13,029,651,906 bytes left for the KV cache / (327,680 B/token × 16) = 2,485.2.
    expect(await marker(page, 2)).toBe(2485);
    await page.getByLabel("Context (tokens)").fill("2048");
    await page.waitForSelector('#curve g.asked[data-x="2048"]');

    // The library, here in Node, on the same inputs.
    const spec = parseModelConfig(BUNDLED_MODELS.find((model) => model.repo === LLAMA_70B)!.config);
    const estimate = estimateInferenceFromSpec(spec, { contextLength: 2048, batchSize: 16 });
    const chart = memoryCurveChart(estimate, { accelerator: ACCELERATORS[H100] });
    expect(chart.lines[1]!.crossing!.x).toBe(2485);
    const h100 = rankGpusForEstimate(estimate).matches.find((row) => row.acceleratorId === H100)!;
    const row = page.locator(`#gpu-table tr[data-accelerator="${H100}"]`);
    expect(await row.getAttribute("data-tp")).toBe(String(h100.tensorParallel));
    expect(await row.getAttribute("data-per-gpu-bytes")).toBe(String(h100.perGpu!.totalBytes));
    expect(await row.getAttribute("data-max-context")).toBe(
      String(h100.capacity!.maxContextLength),
    );
    // The table's longest context comes from vLLM's start-up budget (activation peak, CUDA
    // graphs, whole blocks), the chart's lines from a flat 1.5 GiB reserve: they need not agree.

    // A link reproduces the view.
    const link = page.url();
    expect(link).toContain("batch=16");
    const again = await open(link.slice(site.url.length + 1));
    expect(await marker(again, 2)).toBe(2485);
    expect(await again.getByLabel("Context (tokens)").inputValue()).toBe("2048");
  });

  it("shows the numbers `vramfit ... --json` prints for the commands it names", async () => {
    const page = await open("?context=8192&batch=4&weights=fp8&kv=fp8&cloud=aws");
    const commands = (await page.textContent("#command"))!.split("\n");
    expect(commands).toEqual([
      `vramfit estimate ${LLAMA_70B} --context 8192 --batch 4 --weights fp8 --kv-dtype fp8 --offline`,
      `vramfit gpus ${LLAMA_70B} --context 8192 --batch 4 --weights fp8 --kv-dtype fp8 --cloud aws --offline`,
    ]);
    await page.click(".json summary");
    const shown = JSON.parse((await page.textContent("#json"))!);
    const [estimateArgs, gpusArgs] = commands.map((line) => [
      ...line.split(" ").slice(1),
      "--json",
    ]);
    const { schemaVersion: _a, ...estimate } = JSON.parse((await runCli(estimateArgs!)).stdout);
    const { schemaVersion: _b, ...ranking } = JSON.parse((await runCli(gpusArgs!)).stdout);
    expect(shown.estimate).toEqual(estimate);
    expect(shown.gpus).toEqual(ranking.gpus);
    expect(shown.instances).toEqual(ranking.instances);
  });

  it("trains: QLoRA with checkpointing shows what `vramfit train|gpus ... --json` prints", async () => {
    const page = await open(
      "?model=meta-llama/Meta-Llama-3-8B&mode=train&method=qlora&rank=32&seq=4096&checkpointing=1",
    );
    const commands = (await page.textContent("#command"))!.split("\n");
    expect(commands).toEqual([
      "vramfit train meta-llama/Meta-Llama-3-8B --method qlora --rank 32 --targets all-linear --seq 4096 --micro-batch 1 --grad-checkpointing --offline",
      "vramfit gpus meta-llama/Meta-Llama-3-8B --workload training --method qlora --rank 32 --targets all-linear --context 4096 --batch 1 --grad-checkpointing --offline",
    ]);
    await page.click(".json summary");
    const shown = JSON.parse((await page.textContent("#json"))!);
    const [trainArgs, gpusArgs] = commands.map((line) => [...line.split(" ").slice(1), "--json"]);
    const { schemaVersion: _a, ...estimate } = JSON.parse((await runCli(trainArgs!)).stdout);
    const { schemaVersion: _b, ...ranking } = JSON.parse((await runCli(gpusArgs!)).stdout);
    expect(shown.estimate).toEqual(estimate);
    expect(shown.gpus).toEqual(ranking.gpus);
    expect(shown.instances).toEqual(ranking.instances);
    expect(await page.getAttribute("#breakdown .total", "data-bytes")).toBe(
      String(estimate.memory.perGpu.totalBytes),
    );
  });

  it("switches units and keeps exact bytes in the breakdown's tooltips", async () => {
    const page = await open("");
    await page.getByLabel("GiB (2³⁰)").check();
    await page.waitForSelector("#breakdown text:text('10.00 GiB')");
    const tooltip = await page
      .locator("#breakdown rect.segment")
      .nth(1)
      .locator("title")
      .textContent();
    expect(tooltip).toBe("KV cache (BF16): 10.00 GiB (10,737,418,240 bytes), 6.4 %");
    expect(page.url()).toContain("unit=gib");
  });

  it("shows the library's own error for a malformed config.json", async () => {
    const page = await open("");
    const text = JSON.stringify({ model_type: "llama", num_hidden_layers: "eighty" });
    await page.getByLabel("config.json", { exact: true }).check();
    await page.getByLabel("Paste or drop a config.json").fill(text);
    await page.getByRole("button", { name: "Use this config" }).click();
    const error = page.locator("#model-error");
    await error.waitFor({ state: "visible" });
    let expected = "";
    try {
      parseModelConfig(JSON.parse(text), { subject: "pasted config.json" });
    } catch (caught) {
      const failure = caught as VramfitError;
      expected = `${failure.message}\nHint: ${failure.hint ?? ""}`;
    }
    expect(expected).toContain("num_hidden_layers");
    expect(await error.textContent()).toBe(expected);
    expect(await page.textContent("#breakdown")).toBe("");
  });

  it("plans a deployment: decisions, quantization, the checklist and each file to copy", async () => {
    const page = await open(`?plan=realtime&gpu=${H100}`);
    await page.waitForSelector("#plan .checks");
    const statuses = await page
      .locator("#plan .check")
      .evaluateAll((items) => items.map((item) => item.getAttribute("data-status")));
    expect(statuses).toHaveLength(13);
    expect(statuses.every((status) => ["pass", "warn", "fail"].includes(status!))).toBe(true);
    expect(await page.locator("#plan .steps li").count()).toBe(5);
    expect(await page.locator("#plan details.file").count()).toBeGreaterThan(0);
    expect(await page.textContent("#plan")).toContain("Quantization matrix");
  });

  it("works from the keyboard: the skip link, a unit by arrow keys, a table sorted with Enter", async () => {
    const page = await open(`?gpu=${H100}`);
    const focused = () =>
      page.evaluate(() => {
        const element = document.activeElement;
        return `${element?.tagName ?? ""}#${element?.id ?? ""} ${element?.textContent.trim() ?? ""}`;
      });
    await page.keyboard.press("Tab");
    expect(await focused()).toBe("A# Skip to the results");
    await page.keyboard.press("Enter");
    expect(await focused()).toMatch(/^SECTION#results /);

    await page.getByLabel("GB (10⁹)").focus();
    await page.keyboard.press("ArrowRight");
    await page.waitForSelector("#breakdown text:text('10.00 GiB')");
    expect(page.url()).toContain("unit=gib");

    const header = page.locator('#gpu-table th[data-column="max-context"]');
    await header.locator("button").focus();
    await page.keyboard.press("Enter");
    await page.waitForSelector('#gpu-table th[data-column="max-context"][aria-sort="ascending"]');
    // The table was drawn again; the focus stays on the header, so Enter sorts the other way.
    expect(await focused()).toBe("BUTTON# Max context");
    await page.keyboard.press("Enter");
    await page.waitForSelector('#gpu-table th[data-column="max-context"][aria-sort="descending"]');
    expect(page.url()).toContain("sort=-max-context");
    const contexts = (
      await page
        .locator("#gpu-table tbody tr")
        .evaluateAll((rows) => rows.map((row) => row.getAttribute("data-max-context")))
    )
      .filter((value) => value !== "")
      .map(Number);
    expect(contexts.length).toBeGreaterThan(1);
    expect(contexts).toEqual([...contexts].sort((a, b) => b - a));

    // Every form control has a name a screen reader can read.
    const unnamed = await page
      .locator("#inputs input, #inputs select, #inputs textarea, #inputs button")
      .evaluateAll((controls) =>
        controls
          .filter((control) => {
            const labelled = (control as HTMLInputElement).labels?.length ?? 0;
            return (
              labelled === 0 &&
              control.getAttribute("aria-label") === null &&
              control.tagName !== "BUTTON"
            );
          })
          .map((control) => control.id || control.getAttribute("name")),
      );
    expect(unnamed).toEqual([]);
  });
});
