import { resolve } from "node:path";
import { parseArgs } from "node:util";
import { estimateInference } from "../../api/estimate-inference.js";
import { checkedCatalog } from "../../api/rank-gpus.js";
import { DEFAULT_CATALOG, mergeCatalogs, type GpuCatalog } from "../../gpus/catalog.js";
import { rankGpusForEstimate } from "../../gpus/rank-gpus.js";
import { rankInstancesForEstimate } from "../../gpus/rank-instances.js";
import type { RankOptions } from "../../gpus/rank-options.js";
import { readCatalogFile } from "../../local/read-catalog-file.js";
import type { InferenceEstimate } from "../../memory/estimate-inference.js";
import type { MemoryUnit } from "../../units.js";
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
import type { CliIo } from "../io.js";
import { renderGpusReport } from "../render/gpus.js";
import {
  DEFAULT_TOP,
  RANK_FLAGS,
  RANK_FLAGS_HELP,
  rankOptionsFromFlags,
  topFromFlags,
} from "../rank-flags.js";
import { singleModelArgument } from "../model-command-line.js";
import { resolveModelArgument } from "./model-argument.js";

const HELP = `Usage: vramfit gpus <model> [options]

Ranks GPUs and cloud instances for serving <model>: whether it fits each accelerator and at which
tensor-parallel degree, the per-GPU memory, time to first token, decode speed, and the cheapest
known price with its date and source.

<model>  a Hub repo id (e.g. meta-llama/Meta-Llama-3-70B), a path to a config.json,
         or a folder holding one.

Options:
${[INFERENCE_FLAGS_HELP, RANK_FLAGS_HELP, MODEL_FLAGS_HELP, OUTPUT_FLAGS_HELP].filter(Boolean).join("\n")}

Examples:
  vramfit gpus meta-llama/Meta-Llama-3-70B --context 4k --batch 8
  vramfit gpus meta-llama/Meta-Llama-3-70B --weights int4 --workload batch --cloud aws --spot
`;

const OPTIONS = { ...INFERENCE_FLAGS, ...RANK_FLAGS, ...MODEL_FLAGS, ...OUTPUT_FLAGS } as const;

/** `vramfit gpus`: ranked GPU and instance matches. */
export const gpusCommand: Command = {
  name: "gpus",
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
    const model = singleModelArgument(positionals, "gpus");

    const rankOptions = rankOptionsFromFlags(values);
    const catalog = await catalogFromFlag(values.catalog, io);
    const estimate = await estimateInference(resolveModelArgument(model, io), {
      ...inferenceOptionsFromFlags(values),
      ...resolveOptionsFromFlags(values, io),
    });
    io.stdout(
      renderRanking(estimate, rankOptions, catalog, {
        json: values.json === true,
        unit: unitFromFlags(values),
        top: values.top === undefined ? null : topFromFlags(values),
        details: 3,
      }),
    );
    return 0;
  },
};

/**
 * Ranks GPUs and instances for an estimate and renders them (text or JSON). Shared with
 * `vramfit estimate --gpus`.
 */
export function renderRanking(
  estimate: InferenceEstimate,
  options: RankOptions,
  catalog: GpuCatalog,
  output: {
    readonly json: boolean;
    readonly unit: MemoryUnit;
    /** Rows per table; `null`: every row in JSON, 10 in text. */
    readonly top: number | null;
    readonly details: number;
  },
): string {
  if (output.json) {
    // JSON keeps the first --top rows of each table; text prints them and says how many there were.
    const top = output.top ?? undefined;
    const gpus = rankGpusForEstimate(estimate, { ...options, catalog, top });
    const instances = rankInstancesForEstimate(estimate, { ...options, catalog, top });
    return `${JSON.stringify({ gpus, instances }, null, 2)}\n`;
  }
  const gpus = rankGpusForEstimate(estimate, { ...options, catalog });
  const instances = rankInstancesForEstimate(estimate, { ...options, catalog });
  return renderGpusReport({
    gpus,
    instances,
    top: output.top ?? DEFAULT_TOP,
    unit: output.unit,
    details: output.details,
  });
}

/**
 * The catalog to rank over: the built-in one, plus the `--catalog` file when given.
 *
 * @throws {VramfitError} `CATALOG_INVALID` for a file that cannot be used.
 */
export async function catalogFromFlag(path: string | undefined, io: CliIo): Promise<GpuCatalog> {
  if (path === undefined) return DEFAULT_CATALOG;
  const file = resolve(io.cwd, path);
  const parsed = await readCatalogFile(file);
  return checkedCatalog(mergeCatalogs(DEFAULT_CATALOG, parsed, parsed.mode), `catalog ${file}`);
}
