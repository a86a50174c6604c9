import { estimateInference } from "../../api/estimate-inference.js";
import type { Command } from "../command.js";
import {
  INFERENCE_FLAGS,
  INFERENCE_FLAGS_HELP,
  inferenceOptionsFromFlags,
  MODEL_FLAGS,
  MODEL_FLAGS_HELP,
  OUTPUT_FLAGS,
  OUTPUT_FLAGS_HELP,
  resolveOptionsFromFlags,
  unitFromFlags,
} from "../flags.js";
import { renderInferenceEstimate } from "../render/estimate.js";
import { singleModelArgument } from "../model-command-line.js";
import { resolveModelArgument } from "./model-argument.js";
import { RANK_FLAGS, rankOptionsFromFlags, topFromFlags } from "../rank-flags.js";
import { firstGivenFlag, parseCommandLine } from "../parse-command-line.js";
import { UsageError } from "../usage-error.js";
import { renderJson } from "../render/json.js";

const HELP = `Usage: vramfit estimate <model> [options]

Estimates the GPU memory to serve <model>: weights + KV cache + framework overhead.

<model>  a Hub repo id (e.g. meta-llama/Meta-Llama-3-70B), a path to a config.json,
         or a folder holding one.

Options:
${[INFERENCE_FLAGS_HELP, MODEL_FLAGS_HELP, OUTPUT_FLAGS_HELP].filter(Boolean).join("\n")}
  --from FILE        estimate every model listed in FILE (one repo id or path per line, #
                     comments; - for standard input), 4 at a time; --json prints JSON Lines
                     as each finishes; exit 1 when any model failed
  --rank-gpus        also rank GPUs and instances for the estimate (takes the flags of
                     "vramfit gpus", e.g. --workload, --cloud, --top; default top 5)

Example:
  vramfit estimate meta-llama/Meta-Llama-3-70B --context 4k --batch 8 --weights int4
`;

const OPTIONS = {
  ...INFERENCE_FLAGS,
  ...MODEL_FLAGS,
  ...OUTPUT_FLAGS,
  ...RANK_FLAGS,
  "rank-gpus": { type: "boolean" },
  from: { type: "string" },
} as const;

/** `vramfit estimate`: the inference memory estimate. */
export const estimateCommand: Command = {
  name: "estimate",
  help: HELP,
  async run(argv, io) {
    const parsed = parseCommandLine(argv, OPTIONS, HELP, io);
    if (parsed === null) return 0;
    const { values, positionals } = parsed;
    const options = {
      ...inferenceOptionsFromFlags(values),
      ...resolveOptionsFromFlags(values, io),
    };
    const unit = unitFromFlags(values);
    if (values.from !== undefined) {
      if (positionals.length > 0)
        throw new UsageError("Give models either as <model> or with --from, not both.");
      if (values["rank-gpus"] === true)
        throw new UsageError("--rank-gpus ranks one model; run vramfit gpus per model.");
      const { estimateFromList } = await import("./estimate-many.js");
      return estimateFromList(values.from, options, { json: values.json === true, unit }, io);
    }
    const model = singleModelArgument(positionals, "estimate");
    const rankOptions = values["rank-gpus"] === true ? rankOptionsFromFlags(values) : undefined;
    if (rankOptions === undefined) {
      const stray = firstGivenFlag(values, Object.keys(RANK_FLAGS));
      if (stray !== undefined) throw new UsageError(`--${stray} goes with --rank-gpus.`);
    } else if (rankOptions.workload === "training") {
      throw new UsageError(
        "estimate sizes serving; rank a training run with: vramfit gpus <model> --workload training.",
      );
    }
    // The ranking code loads only with --rank-gpus, so a plain estimate starts fast.
    const ranking = rankOptions === undefined ? undefined : await import("./gpus.js");
    const catalog = await ranking?.catalogFromFlag(values.catalog, io);
    const estimate = await estimateInference(resolveModelArgument(model, io), options);
    if (rankOptions === undefined || ranking === undefined || catalog === undefined) {
      io.stdout(
        values.json === true ? renderJson(estimate) : renderInferenceEstimate(estimate, unit),
      );
      return 0;
    }
    // --rank-gpus: the estimate, then the top matches.
    const top = values.top === undefined ? 5 : topFromFlags(values);
    if (values.json === true) {
      const { gpus, instances } = ranking.rank(estimate, { ...rankOptions, top }, catalog);
      io.stdout(renderJson({ estimate, gpus, instances }));
    } else {
      io.stdout(renderInferenceEstimate(estimate, unit));
      io.stdout(
        `\n${ranking.renderRanking(estimate, rankOptions, catalog, { json: false, unit, top, details: 0 })}`,
      );
    }
    return 0;
  },
};
