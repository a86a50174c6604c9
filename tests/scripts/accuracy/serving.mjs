// npm run accuracy serving: every modelled case of fixtures/measurements/serving.json (real vLLM
// and SGLang start-up logs) replayed with fitOnGpuFromSpec, next to the log and to what vramfit
// gave before the engine budget (main at cc7a6c4: the flat 1.5 GiB reserve). `--markdown` prints
// the table docs/accuracy.md keeps. tests/serving-corpus.test.ts enforces the tolerances; this
// script only reports.
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { fitOnGpuFromSpec, parseModelConfig } from "../../../dist/index.js";

const root = new URL("../../..", import.meta.url).pathname;
const corpus = JSON.parse(
  readFileSync(join(root, "fixtures", "measurements", "serving.json"), "utf8"),
);
const markdown = process.argv.includes("--markdown");
const GIB = 1024 ** 3;

const rows = [];
for (const c of corpus.cases) {
  if (c.notModelled !== undefined) continue;
  const config = JSON.parse(readFileSync(join(root, c.replay.config), "utf8"));
  const fit = fitOnGpuFromSpec(parseModelConfig(config), {
    ...c.replay.options,
    ...(c.replay.catalog === undefined ? {} : { catalog: c.replay.catalog }),
  });
  const before = corpus.before.cases[c.id];
  const { kvCacheTokens, kvCacheGiB, started } = c.logged;
  let measure = "none";
  let logged = null;
  let ours = null;
  let was = null;
  if (kvCacheTokens !== undefined) {
    measure = "tokens";
    logged = kvCacheTokens;
    ours = fit.kvCache.tokens;
    was = before?.tokens ?? null;
  } else if (kvCacheGiB !== undefined && kvCacheGiB > 0) {
    measure = "GiB";
    logged = kvCacheGiB;
    ours = fit.kvCache.bytesPerGpu / GIB;
    was = before === undefined ? null : before.kvCacheBytes / GIB;
  }
  rows.push({
    id: c.id,
    engine: `${fit.engine.id} ${fit.engine.version}`,
    gpu: `${fit.gpu.count} × ${fit.gpu.name}`,
    measure,
    logged,
    ours,
    error: logged === null ? null : ours / logged - 1,
    was,
    wasError: logged === null || was === null ? null : was / logged - 1,
    started,
    starts: fit.starts,
    wasStarts: before?.starts ?? null,
    knownMiss: c.knownMiss !== undefined,
  });
}

const median = (values) => {
  const sorted = [...values].sort((a, b) => a - b);
  const middle = sorted.length / 2;
  return sorted.length % 2 === 1
    ? sorted[Math.floor(middle)]
    : (sorted[middle - 1] + sorted[middle]) / 2;
};
const worst = (values) => values.reduce((a, b) => (Math.abs(b) > Math.abs(a) ? b : a), 0);
const percent = (value) =>
  value === null ? "—" : `${value >= 0 ? "+" : "−"}${Math.abs(value * 100).toFixed(1)} %`;
const figure = (row, value) =>
  value === null
    ? "—"
    : row.measure === "tokens"
      ? Math.round(value).toLocaleString("en-US")
      : `${value.toFixed(2)} GiB`;
const verdict = (value) =>
  value === null || value === undefined ? "—" : value ? "starts" : "refuses";

const compared = rows.filter((row) => row.error !== null);
const errors = compared.map((row) => row.error);
const wasErrors = compared.filter((row) => row.wasError !== null).map((row) => row.wasError);
const verdicts = rows.filter((row) => typeof row.started === "boolean");
const summary = [
  `${rows.length} logs replayed (${compared.length} with a KV figure, ${verdicts.length} with a start-up verdict); ${corpus.cases.length - rows.length} listed in the corpus as not modelled, each with the reason.`,
  `KV room, now: median ${percent(median(errors))}, worst ${percent(worst(errors))}, ${errors.filter((e) => Math.abs(e) <= 0.1).length} of ${errors.length} within ±10 % (${((errors.filter((e) => Math.abs(e) <= 0.1).length / errors.length) * 100).toFixed(0)} %).`,
  `KV room, before (flat 1.5 GiB reserve, main cc7a6c4): median ${percent(median(wasErrors))}, worst ${percent(worst(wasErrors))}, ${wasErrors.filter((e) => Math.abs(e) <= 0.1).length} of ${wasErrors.length} within ±10 %.`,
  ...["vllm", "sglang"].map((engine) => {
    const mine = compared.filter((row) => row.engine.startsWith(engine));
    const was = mine.filter((row) => row.wasError !== null).map((row) => row.wasError);
    return `${engine === "vllm" ? "vLLM" : "SGLang"} alone (${mine.length} logs): median ${percent(median(mine.map((row) => row.error)))} now, ${percent(median(was))} before${engine === "sglang" ? " (main had no SGLang rule: before = its vLLM formula at mem_fraction_static)" : ""}.`;
  }),
  `Start-up verdicts, now: ${verdicts.filter((row) => row.starts === row.started).length} of ${verdicts.length} equal to the log; before: ${verdicts.filter((row) => row.wasStarts === row.started).length} of ${verdicts.length}.`,
];

if (markdown) {
  console.log(
    "| Log | Engine (rules) | GPUs | Logged | vramfit | Error | Before | Before error | Verdict: log / vramfit / before |",
  );
  console.log("| --- | --- | --- | ---: | ---: | ---: | ---: | ---: | --- |");
  for (const row of rows) {
    console.log(
      `| ${row.id}${row.knownMiss ? " (known miss)" : ""} | ${row.engine} | ${row.gpu} | ${figure(row, row.logged)} | ${figure(row, row.ours)} | ${percent(row.error)} | ${figure(row, row.was)} | ${percent(row.wasError)} | ${verdict(row.started)} / ${verdict(row.starts)} / ${verdict(row.wasStarts)} |`,
    );
  }
  console.log("");
  for (const line of summary) console.log(`- ${line}`);
} else {
  for (const row of rows) {
    console.log(
      [
        row.id.padEnd(48),
        row.engine.padEnd(14),
        figure(row, row.logged).padStart(11),
        figure(row, row.ours).padStart(11),
        percent(row.error).padStart(9),
        figure(row, row.was).padStart(11),
        percent(row.wasError).padStart(9),
        `${verdict(row.started)}/${verdict(row.starts)}/${verdict(row.wasStarts)}`,
        row.knownMiss ? "known miss" : "",
      ].join("  "),
    );
  }
  console.log("");
  for (const line of summary) console.log(line);
}
