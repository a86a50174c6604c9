// npm run accuracy: every measured training run of fixtures/measurements/training.json replayed
// against the built library, each compared like with like (max_memory_allocated with
// peakAllocatedBytes, max_memory_reserved with peakReservedBytes, nvidia-smi with totalBytes),
// then the runs not modelled with their reason. `--markdown` prints the tables docs/accuracy.md
// keeps. Tests enforce the bar (tests/memory/training/corpus.test.ts); this script only reports.
import { estimateTrainingFromSpec, parseModelConfig } from "../../../dist/index.js";
import {
  readTrainingCorpus,
  replayTrainingCorpus,
  summarizeByStatistic,
} from "../lib/training-corpus.mjs";

const root = new URL("../../..", import.meta.url).pathname;
const markdown = process.argv.includes("--markdown");
const corpus = readTrainingCorpus(root);
const { modelled, notModelled } = replayTrainingCorpus(
  { estimateTrainingFromSpec, parseModelConfig },
  corpus,
);
const summaries = summarizeByStatistic(modelled);

const gib = (bytes) => (bytes / 2 ** 30).toFixed(2);
const percent = (error) => `${error >= 0 ? "+" : ""}${(error * 100).toFixed(1)} %`;
const STATISTICS = { allocated: "allocated", reserved: "reserved", device: "nvidia-smi" };
const setting = (row) => {
  const a = row.estimate.assumptions;
  const parts = [a.framework ?? "", a.method];
  if (a.method !== "full") parts.push(`r${a.rank}`);
  parts.push(`${a.microBatchSize} × ${a.sequenceLength}`);
  if (a.gpuCount > 1) {
    parts.push(
      `${a.gpuCount} GPUs ${a.zeroStage === 0 ? "DDP" : `${a.shardingEngine === "fsdp" ? "FSDP" : "ZeRO"}-${a.zeroStage}`}`,
    );
  }
  if (a.gradientCheckpointing) parts.push("ckpt");
  if (a.selectiveCheckpointing) parts.push("SAC");
  if (a.compile) parts.push("compile");
  return parts.filter(Boolean).join(" ");
};

const LABELS = {
  all: "all",
  allocated: "max_memory_allocated",
  reserved: "max_memory_reserved",
  device: "nvidia-smi",
};
const summaryLine = (key) => {
  const s = summaries[key];
  return `${LABELS[key]}: ${s.count} runs, median error ${(s.medianError * 100).toFixed(1)} %, ${s.withinTen} within ±10 %, ${s.withinTwenty} within ±20 % (${(s.withinTwentyPercent * 100).toFixed(0)} %), ${s.beyondThirtyFive} beyond ±35 %, worst ${(s.worstError * 100).toFixed(1)} %, ${s.under} under the measurement`;
};
const line = [
  `${summaries.all.count} modelled, ${notModelled.length} not modelled`,
  ...Object.keys(LABELS).map(summaryLine),
].join("\n");

if (markdown) {
  console.log(
    "| Statistic | Runs | Median error | Within ±10 % | Within ±20 % | Beyond ±35 % | Worst | Under the measurement |",
  );
  console.log("| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: |");
  for (const key of Object.keys(LABELS)) {
    const s = summaries[key];
    console.log(
      `| ${LABELS[key]} | ${s.count} | ${(s.medianError * 100).toFixed(1)} % | ${s.withinTen} | ${s.withinTwenty} (${(s.withinTwentyPercent * 100).toFixed(0)} %) | ${s.beyondThirtyFive} | ${(s.worstError * 100).toFixed(1)} % | ${s.under} |`,
    );
  }
  console.log("");
  console.log(
    "| Run | Model | Setting | Statistic | Measured (GiB) | vramfit (GiB) | Error | Peak |",
  );
  console.log("| --- | --- | --- | --- | ---: | ---: | ---: | --- |");
  for (const row of modelled) {
    console.log(
      `| ${row.id} | ${row.model} | ${setting(row)} | ${STATISTICS[row.statistic]} | ${gib(row.measuredBytes)} | ${gib(row.predictedBytes)} | ${percent(row.error)} | ${row.phase} |`,
    );
  }
  console.log("");
  console.log("| Not modelled | Model | Why |");
  console.log("| --- | --- | --- |");
  for (const row of notModelled) console.log(`| ${row.id} | ${row.model} | ${row.reason} |`);
} else {
  for (const row of modelled) {
    console.log(
      `${row.id.padEnd(62)} ${STATISTICS[row.statistic].padEnd(10)} ${gib(row.measuredBytes).padStart(7)} ${gib(row.predictedBytes).padStart(7)} GiB ${percent(row.error).padStart(9)}  ${row.phase}: ${row.moment}`,
    );
  }
  console.log(`\n${line}`);
  console.log(`\nNot modelled (${notModelled.length}):`);
  for (const row of notModelled) console.log(`  ${row.id}: ${row.reason}`);
}
