import { resolve } from "node:path";
import { estimateInference } from "../../api/estimate-inference.js";
import { estimateTraining } from "../../api/estimate-training.js";
import { estimateTrainingFromSpec } from "../../memory/training/estimate-training.js";
import type { GpuCatalogFile } from "../../hardware/catalog-file.js";
import { catalogFromOptions } from "../../hardware/catalog-options.js";
import type { GpuCatalog } from "../../hardware/catalog.js";
import { rankGpusWithCatalog, type GpuRanking } from "../../hardware/rank-gpus.js";
import { rankInstancesWithCatalog, type InstanceRanking } from "../../hardware/rank-instances.js";
import {
  rankGpusForTraining,
  rankInstancesForTraining,
  type TrainingRankingEstimates,
} from "../../hardware/rank-training.js";
import type { RankOptions } from "../../hardware/rank-options.js";
import { readCatalogFile } from "../../io/files/read-catalog-file.js";
import { withUserPrices } from "../price-catalog.js";
import type { RankableEstimate } from "../../hardware/prepare-ranking.js";
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
import { firstGivenFlag, parseCommandLine, type ParsedCommandLine } from "../parse-command-line.js";
import { renderGpusReport } from "../render/gpus.js";
import {
  DEFAULT_TOP,
  RANK_FLAGS,
  RANK_FLAGS_HELP,
  rankOptionsFromFlags,
  topFromFlags,
} from "../rank-flags.js";
import { singleModelArgument } from "../model-command-line.js";
import { TRAINING_FLAGS, trainingOptionsFromFlags } from "../training-flags.js";
import { UsageError } from "../usage-error.js";
import { resolveModelArgument } from "./model-argument.js";
import { renderJson } from "../render/json.js";
import { didYouMean } from "../../options/did-you-mean.js";
import type { InferenceEstimate } from "../../memory/estimate-inference.js";
import type { AcceleratorSpec } from "../../hardware/accelerator.js";
import { parseChoice } from "../args.js";
import { PLOT_FLAGS, plotPathFromFlags, writePlot } from "../plot-flags.js";

/** The training flags `gpus --workload training` takes; the ranking picks GPUs and sharding itself. */
const TRAINING_RANK_FLAGS = {
  method: TRAINING_FLAGS.method,
  rank: TRAINING_FLAGS.rank,
  targets: TRAINING_FLAGS.targets,
  optimizer: TRAINING_FLAGS.optimizer,
  precision: TRAINING_FLAGS.precision,
  base: TRAINING_FLAGS.base,
  "grad-checkpointing": TRAINING_FLAGS["grad-checkpointing"],
} as const;

const TRAINING_RANK_FLAGS_HELP = `  --method M         full | lora | qlora (default full)
  --rank N           LoRA rank (default 16)
  --targets T        LoRA targets: all-linear | attention | qv | q,k,v,o,gate,up,down
  --optimizer O      adamw | adamw-8bit | sgd | sgd-momentum | adafactor (default adamw)
  --precision P      mixed | amp | fp32 | bf16 (default mixed)
  --base B           LoRA base weights: bf16 | fp16 | fp32 | int8 | nf4
  --grad-checkpointing  recompute activations`;

const HELP = `Usage: vramfit gpus <model> [options]

Ranks GPUs and cloud instances for serving <model>: whether it fits each accelerator and at which
tensor-parallel degree, the per-GPU memory, time to first token, decode speed, and the cheapest
known price with its date and source. With --workload training it ranks the training memory
instead (model states fully sharded over the GPUs it picks, activations per GPU).

<model>  a Hub repo id (e.g. meta-llama/Meta-Llama-3-70B), a path to a config.json,
         or a folder holding one.

Options:
${[INFERENCE_FLAGS_HELP, RANK_FLAGS_HELP, MODEL_FLAGS_HELP, OUTPUT_FLAGS_HELP].filter(Boolean).join("\n")}

Chart (serving):
  --plot FILE.svg    also write memory vs context as an SVG line chart: the usable memory of
                     1, 2, 4 and 8 cards (--gpu-util, 1.5 GiB reserve per card) as horizontal lines,
                     the longest context each holds marked; an existing file is replaced
  --plot-gpu ID      the cards of the chart (default: the best match that fits)
  --plot-axis A      context | batch: what the chart varies (default context)

With --workload training (--context is the sequence length, --batch the micro-batch per GPU):
${TRAINING_RANK_FLAGS_HELP}

Examples:
  vramfit gpus meta-llama/Meta-Llama-3-70B --context 4k --batch 8
  vramfit gpus meta-llama/Meta-Llama-3-70B --weights int4 --workload batch --cloud aws --spot
  vramfit gpus meta-llama/Meta-Llama-3-8B --workload training --method qlora --context 2k
  vramfit gpus meta-llama/Meta-Llama-3-70B --context 4k --batch 8 --plot context.svg
`;

const OPTIONS = {
  ...INFERENCE_FLAGS,
  ...RANK_FLAGS,
  ...TRAINING_RANK_FLAGS,
  ...MODEL_FLAGS,
  ...OUTPUT_FLAGS,
  ...PLOT_FLAGS,
  "plot-gpu": { type: "string" },
  "plot-axis": { type: "string" },
} as const;

/** `vramfit gpus`: ranked GPU and instance matches. */
export const gpusCommand: Command = {
  name: "gpus",
  help: HELP,
  async run(argv, io) {
    const parsed = parseCommandLine(argv, OPTIONS, HELP, io);
    if (parsed === null) return 0;
    const { values, positionals } = parsed;
    const model = singleModelArgument(positionals, "gpus");

    const rankOptions = rankOptionsFromFlags(values);
    const plot = plotFromFlags(values, rankOptions.workload === "training");
    const catalog = await catalogFromFlag(values.catalog, io);
    if (plot?.gpu !== undefined) plotAccelerator(catalog, plot.gpu);
    const unit = unitFromFlags(values);
    if (rankOptions.workload === "training") {
      const estimates = await trainingEstimates(resolveModelArgument(model, io), values, io);
      io.stdout(renderRanking(estimates, rankOptions, catalog, outputOf(values, unit)));
      return 0;
    }
    const estimate = await inferenceEstimate(resolveModelArgument(model, io), values, io);
    io.stdout(renderRanking(estimate, rankOptions, catalog, outputOf(values, unit)));
    if (plot !== null) {
      const svg = await contextChart(estimate, rankOptions, catalog, { ...plot, unit });
      await writePlot(plot.path, svg, `memory vs ${plot.axis}`, io);
    }
    return 0;
  },
};

type GpusFlagValues = ParsedCommandLine<typeof OPTIONS>["values"];

function outputOf(values: GpusFlagValues, unit: MemoryUnit) {
  return {
    json: values.json === true,
    unit,
    top: values.top === undefined ? null : topFromFlags(values),
    details: 3,
  };
}

/** What `--plot` asks for. */
interface PlotRequest {
  readonly path: string;
  readonly gpu: string | undefined;
  readonly axis: "context" | "batch";
}

/** The `--plot` flags, checked before anything is computed. @throws {UsageError} for a misuse. */
function plotFromFlags(values: GpusFlagValues, training: boolean): PlotRequest | null {
  const path = plotPathFromFlags(values);
  if (path === null) {
    const stray = firstGivenFlag(values, ["plot-gpu", "plot-axis"]);
    if (stray !== undefined) throw new UsageError(`--${stray} goes with --plot.`);
    return null;
  }
  if (training) {
    throw new UsageError(
      "--plot draws serving memory against context; --workload training has no such chart.",
    );
  }
  const axis = values["plot-axis"];
  return {
    path,
    gpu: values["plot-gpu"],
    axis: axis === undefined ? "context" : parseChoice("--plot-axis", axis, ["context", "batch"]),
  };
}

/**
 * The memory-vs-context (or batch) chart of `--plot`, on the cards `--plot-gpu` names or else
 * the ranking's best match that fits, with the ranking's utilization and per-GPU reserve.
 *
 * @throws {UsageError} for a `--plot-gpu` the catalog does not have.
 */
async function contextChart(
  estimate: InferenceEstimate,
  options: RankOptions,
  catalog: GpuCatalog,
  plot: PlotRequest & { readonly unit: MemoryUnit },
): Promise<string> {
  const id =
    plot.gpu ??
    rank(estimate, options, catalog).gpus.matches.find((match) => match.fits)?.acceleratorId ??
    Object.keys(catalog.accelerators)[0] ??
    "";
  const accelerator = plotAccelerator(catalog, id);
  const { memoryCurveChart, renderChart } = await import("../../charts.js");
  return renderChart(
    memoryCurveChart(estimate, {
      accelerator,
      axis: plot.axis,
      gpuMemoryUtilization: options.gpuMemoryUtilization,
      unit: plot.unit,
    }),
  );
}

/** The catalog's accelerator `--plot-gpu` names. @throws {UsageError} when there is none. */
function plotAccelerator(catalog: GpuCatalog, id: string): AcceleratorSpec {
  const accelerator = catalog.accelerators[id];
  if (accelerator === undefined) {
    throw new UsageError(`--plot-gpu: no accelerator "${id}" in the catalog.`, {
      hint: didYouMean(id, Object.keys(catalog.accelerators)),
    });
  }
  return accelerator;
}

/** The serving estimate to rank; training flags are refused here, since they would be ignored. */
async function inferenceEstimate(
  model: string,
  values: GpusFlagValues,
  io: CliIo,
): Promise<InferenceEstimate> {
  const stray = firstGivenFlag(values, Object.keys(TRAINING_RANK_FLAGS));
  if (stray !== undefined) {
    throw new UsageError(`--${stray} goes with --workload training.`);
  }
  return estimateInference(model, {
    ...inferenceOptionsFromFlags(values),
    ...resolveOptionsFromFlags(values, io),
  });
}

/** Estimate flags that only a serving estimate uses. */
const SERVING_ONLY_FLAGS = [
  "weights",
  "kv-dtype",
  "overhead",
  "params",
  "engine",
  "images",
  "image-size",
] as const;

/**
 * The training estimates to rank: sequence from --context, micro-batch from --batch, on one GPU
 * and with ZeRO-3 over two; the ranking sizes one GPU from the first and larger groups from the
 * second ({@link rankGpusForTraining}).
 */
async function trainingEstimates(
  model: string,
  values: GpusFlagValues,
  io: CliIo,
): Promise<TrainingRankingEstimates> {
  const stray = firstGivenFlag(values, SERVING_ONLY_FLAGS);
  if (stray !== undefined) {
    throw new UsageError(`--${stray} sizes serving; --workload training does not use it.`);
  }
  const inference = inferenceOptionsFromFlags(values);
  const options = {
    ...trainingOptionsFromFlags(values),
    sequenceLength: inference.contextLength,
    microBatchSize: inference.batchSize,
  };
  const single = await estimateTraining(model, {
    ...options,
    ...resolveOptionsFromFlags(values, io),
  });
  const sharded = estimateTrainingFromSpec(single.spec, { ...options, gpuCount: 2, zeroStage: 3 });
  return { single, sharded: { ...sharded, model: single.model } };
}

/**
 * Ranks GPUs and instances for an estimate and renders them (text or JSON). Shared with
 * `vramfit estimate --rank-gpus`.
 */
export function renderRanking(
  estimate: RankableEstimate | TrainingRankingEstimates,
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
  // JSON keeps the first --top rows of each table; text prints them and says how many there were.
  const top = output.json ? (output.top ?? undefined) : undefined;
  const { gpus, instances } = rank(estimate, { ...options, top }, catalog);
  if (output.json) return renderJson({ gpus, instances });
  return renderGpusReport({
    gpus,
    instances,
    top: output.top ?? DEFAULT_TOP,
    unit: output.unit,
    details: output.details,
  });
}

/** Both rankings of an estimate (a training run is ranked from its two estimates). */
export function rank(
  estimate: RankableEstimate | TrainingRankingEstimates,
  options: RankOptions,
  catalog: GpuCatalog,
): { readonly gpus: GpuRanking; readonly instances: InstanceRanking } {
  if ("single" in estimate) {
    return {
      gpus: rankGpusForTraining(estimate, options, catalog),
      instances: rankInstancesForTraining(estimate, options, catalog),
    };
  }
  return {
    gpus: rankGpusWithCatalog(estimate, options, catalog),
    instances: rankInstancesWithCatalog(estimate, options, catalog),
  };
}

/**
 * The `--catalog` file, read and validated (the catalog file format), over the user's price file
 * from `vramfit prices update` when there is one ({@link withUserPrices}), or `undefined`.
 *
 * @throws {VramfitError} `CATALOG_INVALID` for a file that cannot be used.
 */
export async function catalogFileFromFlag(
  path: string | undefined,
  io: CliIo,
): Promise<GpuCatalogFile | undefined> {
  const file = path === undefined ? undefined : await readCatalogFile(resolve(io.cwd, path));
  return withUserPrices(file, io);
}

/**
 * The catalog to rank over: the built-in one, plus the `--catalog` file when given.
 *
 * @throws {VramfitError} `CATALOG_INVALID` for a file that cannot be used.
 */
export async function catalogFromFlag(path: string | undefined, io: CliIo): Promise<GpuCatalog> {
  const catalog = await catalogFileFromFlag(path, io);
  return catalogFromOptions(
    { catalog },
    path === undefined ? "catalog" : `catalog ${resolve(io.cwd, path)}`,
  );
}
