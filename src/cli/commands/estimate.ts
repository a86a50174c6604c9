import { parseArgs } from "node:util";
import { estimateInference } from "../../api/estimate-inference.js";
import type { InferenceOptions } from "../../memory/inference-options.js";
import { KV_CACHE_DTYPE_IDS, WEIGHT_PRECISION_IDS } from "../../memory/precision.js";
import { parseChoice, parseCount, parseFraction, parseParameterCount } from "../args.js";
import type { Command } from "../command.js";
import { renderInferenceEstimate } from "../render/estimate.js";
import { UsageError } from "../usage-error.js";
import { resolveModelArgument } from "./model-argument.js";

const HELP = `Usage: vramfit estimate <model> [options]

Estimates the GPU memory to serve <model>: weights + KV cache + framework overhead.

<model>  a Hub repo id (e.g. meta-llama/Meta-Llama-3-70B), a path to a config.json,
         or a folder holding one.

Options:
  --context N        tokens per sequence, prompt + output (4096 or 4k; default 4096,
                     capped at the model's max_position_embeddings)
  --batch N          concurrent sequences (default 1)
  --weights P        auto | ${WEIGHT_PRECISION_IDS.join(" | ")} (default auto: the checkpoint's dtype)
  --kv-dtype D       auto | ${KV_CACHE_DTYPE_IDS.join(" | ")} (default auto: the compute dtype)
  --overhead F       framework reserve as a fraction of the weights, 0-1 or 12% (default 0.12)
  --params N         parameter count to use instead of the config's (70e9, 70B)
  --units U          gb (10^9 bytes, default) | gib (2^30 bytes)
  --json             print the estimate as JSON (all sizes in bytes)
  -h, --help         show this help

Example:
  vramfit estimate meta-llama/Meta-Llama-3-70B --context 4k --batch 8 --weights int4
`;

const OPTIONS = {
  context: { type: "string" },
  batch: { type: "string" },
  weights: { type: "string" },
  "kv-dtype": { type: "string" },
  overhead: { type: "string" },
  params: { type: "string" },
  units: { type: "string" },
  json: { type: "boolean" },
  help: { type: "boolean", short: "h" },
} as const;

/** `vramfit estimate`: the inference memory estimate. */
export const estimateCommand: Command = {
  name: "estimate",
  summary: "GPU memory to serve a model: weights, KV cache, overhead",
  help: HELP,
  async run(argv, io) {
    const { values, positionals } = parseArgs({
      args: [...argv],
      options: OPTIONS,
      allowPositionals: true,
    });
    if (values.help === true) {
      io.stdout(HELP);
      return 0;
    }
    const model = positionals[0];
    if (model === undefined)
      throw new UsageError("estimate needs a model: a repo id, a config.json or a folder.");
    if (positionals.length > 1)
      throw new UsageError(`Unexpected argument "${positionals[1] ?? ""}".`);

    const options: InferenceOptions = {
      contextLength:
        values.context === undefined
          ? undefined
          : parseCount("--context", values.context, { allowK: true }),
      batchSize: values.batch === undefined ? undefined : parseCount("--batch", values.batch),
      weights:
        values.weights === undefined
          ? undefined
          : parseChoice("--weights", values.weights, ["auto", ...WEIGHT_PRECISION_IDS]),
      kvCacheDtype:
        values["kv-dtype"] === undefined
          ? undefined
          : parseChoice("--kv-dtype", values["kv-dtype"], ["auto", ...KV_CACHE_DTYPE_IDS]),
      overheadFraction:
        values.overhead === undefined ? undefined : parseFraction("--overhead", values.overhead),
      parameterCount:
        values.params === undefined ? undefined : parseParameterCount("--params", values.params),
    };
    const unit =
      values.units === undefined ? "gb" : parseChoice("--units", values.units, ["gb", "gib"]);

    const estimate = await estimateInference(resolveModelArgument(model, io), options);
    io.stdout(
      values.json === true
        ? `${JSON.stringify(estimate, null, 2)}\n`
        : renderInferenceEstimate(estimate, unit),
    );
    return 0;
  },
};
