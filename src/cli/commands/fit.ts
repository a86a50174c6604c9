import { fitOnGpu } from "../../api/fit-on-gpu.js";
import { SERVING_ENGINE_IDS } from "../../memory/serving/engine-version.js";
import { KV_CACHE_DTYPE_IDS, WEIGHT_PRECISION_IDS } from "../../memory/precision.js";
import { parseChoice, parseCount, parseFraction } from "../args.js";
import type { Command } from "../command.js";
import {
  MODEL_FLAGS,
  MODEL_FLAGS_HELP,
  OUTPUT_FLAGS,
  OUTPUT_FLAGS_HELP,
  resolveOptionsFromFlags,
  unitFromFlags,
} from "../flags.js";
import { singleModelArgument } from "../model-command-line.js";
import { parseCommandLine } from "../parse-command-line.js";
import { renderFit } from "../render/fit.js";
import { renderJson } from "../render/json.js";
import { UsageError } from "../usage-error.js";
import { readCatalogFile } from "../../io/files/read-catalog-file.js";
import { resolve } from "node:path";
import { resolveModelArgument } from "./model-argument.js";

const HELP = `Usage: vramfit fit <model> --gpu ID [options]

Whether <model> fits one GPU (or a TP × PP group of them) under vLLM or SGLang, sized the way the
engine sizes itself at start-up: the total torch.cuda.mem_get_info reports × the utilization,
less the weights as loaded, the activation peak of its profile run, non-torch and CUDA-graph
memory; the rest in KV blocks. Prints the engine's own memory-profiling lines, the verdict
(starts, holds the batch, or the engine's refusal), the longest max_model_len that fits and the
itemized budget with each term's rule and source. Exits 1 when it does not fit.

<model>  a Hub repo id (e.g. meta-llama/Llama-3.1-8B-Instruct), a path to a config.json,
         or a folder holding one.

Options:
  --gpu ID           catalog id, e.g. nvidia-rtx-3090, nvidia-h100-sxm (vramfit gpus lists them)
  --tp N             tensor-parallel size (default 1)
  --pp N             pipeline-parallel size (default 1)
  --gpu-util F       vLLM --gpu-memory-utilization / SGLang --mem-fraction-static
                     (default: the engine's; vLLM 0.92, 0.9 through v0.10)
  --context N        max_model_len (4096 or 4k; default the model's max_position_embeddings)
  --batch N          sequences of that length that must fit at once (default 1)
  --engine E         ${SERVING_ENGINE_IDS.join(" | ")} (default vllm)
  --engine-version V the release whose memory rules apply, e.g. 0.6.4 (default latest)
  --max-num-batched-tokens N  the profile run's batch (SGLang: chunked prefill size)
  --max-num-seqs N   vLLM max_num_seqs (default: vLLM's for the GPU, 256 or 1,024)
  --enforce-eager    no CUDA graphs
  --kv-dtype D       auto | ${KV_CACHE_DTYPE_IDS.join(" | ")} (default auto)
  --weights P        auto | ${WEIGHT_PRECISION_IDS.join(" | ")} (default auto)
  --block-size N     tokens per KV block (default 16)
  --catalog FILE     your accelerators (JSON), added to the built-in catalog
${[MODEL_FLAGS_HELP, OUTPUT_FLAGS_HELP].join("\n")}

Examples:
  vramfit fit meta-llama/Llama-3.1-8B-Instruct --gpu nvidia-rtx-3090 --context 29000 --gpu-util 0.9 --engine-version 0.6.4
  vramfit fit meta-llama/Meta-Llama-3-70B --gpu nvidia-h100-sxm --tp 2 --context 4k --batch 8 --max-num-seqs 8
`;

const OPTIONS = {
  gpu: { type: "string" },
  tp: { type: "string" },
  pp: { type: "string" },
  "gpu-util": { type: "string" },
  context: { type: "string" },
  batch: { type: "string" },
  engine: { type: "string" },
  "engine-version": { type: "string" },
  "max-num-batched-tokens": { type: "string" },
  "max-num-seqs": { type: "string" },
  "enforce-eager": { type: "boolean" },
  "kv-dtype": { type: "string" },
  weights: { type: "string" },
  "block-size": { type: "string" },
  catalog: { type: "string" },
  ...MODEL_FLAGS,
  ...OUTPUT_FLAGS,
} as const;

const BLOCK_SIZES = ["1", "8", "16", "32", "64", "128", "256"] as const;

/** `vramfit fit`: one GPU (or group) under an engine's own start-up budget. */
export const fitCommand: Command = {
  name: "fit",
  help: HELP,
  async run(argv, io) {
    const parsed = parseCommandLine(argv, OPTIONS, HELP, io);
    if (parsed === null) return 0;
    const { values, positionals } = parsed;
    const model = singleModelArgument(positionals, "fit");
    if (values.gpu === undefined) {
      throw new UsageError("--gpu is required (a catalog id such as nvidia-h100-sxm).");
    }
    const count = (flag: string, value: string | undefined, allowK = false) =>
      value === undefined ? undefined : parseCount(flag, value, { allowK });
    const utilization =
      values["gpu-util"] === undefined
        ? undefined
        : parseFraction("--gpu-util", values["gpu-util"]);
    if (utilization === 0) throw new UsageError("--gpu-util expects a fraction above 0.");
    const fit = await fitOnGpu(resolveModelArgument(model, io), {
      gpu: values.gpu,
      tensorParallel: count("--tp", values.tp),
      pipelineParallel: count("--pp", values.pp),
      gpuMemoryUtilization: utilization,
      contextLength: count("--context", values.context, true),
      batchSize: count("--batch", values.batch),
      engine:
        values.engine === undefined
          ? undefined
          : parseChoice("--engine", values.engine, SERVING_ENGINE_IDS),
      engineVersion: values["engine-version"],
      maxNumBatchedTokens: count(
        "--max-num-batched-tokens",
        values["max-num-batched-tokens"],
        true,
      ),
      maxNumSeqs: count("--max-num-seqs", values["max-num-seqs"]),
      enforceEager: values["enforce-eager"],
      kvCacheDtype:
        values["kv-dtype"] === undefined
          ? undefined
          : parseChoice("--kv-dtype", values["kv-dtype"], ["auto", ...KV_CACHE_DTYPE_IDS]),
      weights:
        values.weights === undefined
          ? undefined
          : parseChoice("--weights", values.weights, ["auto", ...WEIGHT_PRECISION_IDS]),
      blockSize:
        values["block-size"] === undefined
          ? undefined
          : (Number(parseChoice("--block-size", values["block-size"], BLOCK_SIZES)) as 16),
      catalog:
        values.catalog === undefined
          ? undefined
          : await readCatalogFile(resolve(io.cwd, values.catalog)),
      ...resolveOptionsFromFlags(values, io),
    });
    io.stdout(values.json === true ? renderJson(fit) : renderFit(fit, unitFromFlags(values)));
    return fit.fits ? 0 : 1;
  },
};
