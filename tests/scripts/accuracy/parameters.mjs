// npm run accuracy: every fixture's parameter count from its config.json against the
// published count in truth.json, with the error, the active count and the KV bytes per token.
// `--markdown` prints the table docs/accuracy.md keeps. Tests enforce the tolerances
// (tests/model/accuracy.test.ts); this script only reports.
import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import {
  estimateInferenceFromSpec,
  kvCacheBytesPerToken,
  parseModelConfig,
} from "../../../dist/index.js";

const root = new URL("../../..", import.meta.url).pathname;
const modelsDir = join(root, "fixtures", "models");
const markdown = process.argv.includes("--markdown");
const integer = (value) => Math.round(value).toLocaleString("en-US");

function kind(spec) {
  const parts = [];
  if (spec.moe) parts.push(`MoE ${spec.moe.expertsPerToken}/${spec.moe.numExperts}`);
  if (spec.mla) parts.push("MLA");
  const layers = spec.attentionLayers;
  if (layers && layers.sliding > 0) parts.push(`sliding ${layers.sliding}/${spec.numLayers}`);
  if (layers && layers.chunked > 0) parts.push(`chunked ${layers.chunked}/${spec.numLayers}`);
  if (spec.stateSpace)
    parts.push(`${spec.stateSpace.kind} ${spec.stateSpace.numLayers}/${spec.numLayers}`);
  if (spec.vision) parts.push("vision");
  if (spec.quantization) parts.push(spec.quantization.method);
  if (spec.encoderOnly) parts.push("encoder");
  return parts.length === 0 ? "dense" : parts.join(", ");
}

const rows = [];
for (const dir of readdirSync(modelsDir).sort()) {
  const config = JSON.parse(readFileSync(join(modelsDir, dir, "config.json"), "utf8"));
  const truth = JSON.parse(readFileSync(join(modelsDir, dir, "truth.json"), "utf8"));
  const spec = parseModelConfig(config, { subject: truth.repo });
  const estimate = estimateInferenceFromSpec(spec);
  const counted = estimate.parameters.total;
  const published = truth.model_parameters_excluding_buffers ?? truth.params_total;
  const error = published === null ? null : (counted - published) / published;
  rows.push({
    repo: truth.repo,
    kind: kind(spec),
    counted,
    published,
    error,
    active: estimate.parameters.active,
    kvPerToken: kvCacheBytesPerToken(spec, "bf16"),
  });
}

const formatError = (error) => (error === null ? "n/a" : `${(error * 100).toFixed(3)} %`);
if (markdown) {
  console.log(
    "| Model | Kind | Counted from config.json | Published | Error | Active | KV B/token (BF16, vLLM) |",
  );
  console.log("| --- | --- | ---: | ---: | ---: | ---: | ---: |");
  for (const row of rows) {
    console.log(
      `| ${row.repo} | ${row.kind} | ${integer(row.counted)} | ${row.published === null ? "n/a" : integer(row.published)} | ${formatError(row.error)} | ${integer(row.active)} | ${integer(row.kvPerToken)} |`,
    );
  }
} else {
  for (const row of rows) {
    console.log(
      `${row.repo.padEnd(46)} ${integer(row.counted).padStart(19)} ${(row.published === null ? "n/a" : integer(row.published)).padStart(19)} ${formatError(row.error).padStart(10)}  active ${integer(row.active).padStart(17)}  KV ${integer(row.kvPerToken).padStart(9)} B/token  ${row.kind}`,
    );
  }
  const measured = rows.filter((row) => row.error !== null);
  const worst = Math.max(...measured.map((row) => Math.abs(row.error)));
  console.log(
    `\n${rows.length} fixtures, ${measured.length} with a published count; largest error ${(worst * 100).toFixed(3)} %`,
  );
}
