import { resolve } from "node:path";
import { validateDeployment } from "../../api/plan-deployment.js";
import { readDeploymentFile } from "../../api/read-deployment-file.js";
import type { Command } from "../command.js";
import { MODEL_FLAGS, MODEL_FLAGS_HELP, resolveOptionsFromFlags } from "../flags.js";
import type { ExitCode } from "../io.js";
import { RANK_FLAGS } from "../rank-flags.js";
import { renderChecklist } from "../render/checklist.js";
import { UsageError } from "../usage-error.js";
import { catalogFileFromFlag } from "./gpus.js";
import { resolveModelArgument } from "./model-argument.js";
import { parseCommandLine } from "../parse-command-line.js";
import { renderJson } from "../render/json.js";

const HELP = `Usage: vramfit check <deployment.json> [options]

Runs the thirteen pre-deployment checks on your own deployment: workload classified; config.json
fields; KV heads, not query heads; KV cache at the real context and concurrency; image tokens;
weights at the precision that loads; framework overhead; fit per GPU under the TP, with KV-head
divisibility; bandwidth vs FLOPS; full training vs LoRA; pricing vs duration and fault
tolerance; context within max_position_embeddings; a plan's own targets met. Each is pass,
warn or fail with its reason.

Exit status: 0 when no check fails (warnings allowed), 1 when any check fails or the file is
invalid, 2 for a usage error: use it to gate a CI pipeline.

<deployment.json>, the fields (only gpu and gpuCount are required):
  model                 Hub repo id, or a path to a config.json (relative to the current folder)
  workload              realtime | batch | lora | qlora | full
  gpu, gpuCount         catalog id (nvidia-a100-80gb-sxm) or name; GPUs in all
  tensorParallel, pipelineParallel
  contextLength, batchSize        serving: --max-model-len and --max-num-seqs; training:
                                  sequence length and micro-batch per GPU
  weights               auto | fp32 | bf16 | fp16 | fp8 | int8 | int4 | int4-g128
  kvCacheDtype, imagesPerRequest, engine, gpuMemoryUtilization, overheadFraction
  pricing               on-demand | reserved | spot | autoscaling
  checkpointing, durationHours, zeroStage, gradientCheckpointing, loraRank
  sizing                what your own sizing assumed, to check: kvHeads, layers, headDim,
                        kvCacheGB, weightsGB (GB = 10^9 bytes), contextLength, batchSize,
                        imageTokensPerRequest
  description           free text, ignored

Options:
  --catalog FILE     your accelerators and instances (JSON), added to the built-in catalog
${MODEL_FLAGS_HELP}
  --json             print the checklist as JSON (sizes in bytes)
  -h, --help         show this help

Example deployment.json:
  {"model": "meta-llama/Meta-Llama-3-70B", "workload": "realtime",
   "gpu": "nvidia-a100-80gb-sxm", "gpuCount": 1, "contextLength": 4096, "batchSize": 8,
   "precision": "bf16", "pricing": "on-demand"}
`;

const OPTIONS = {
  catalog: RANK_FLAGS.catalog,
  ...MODEL_FLAGS,
  json: { type: "boolean" },
  help: { type: "boolean", short: "h" },
} as const;

/** `vramfit check`: the pre-deployment checklist of a deployment file; exit 1 when a check fails. */
export const checkCommand: Command = {
  name: "check",
  help: HELP,
  async run(argv, io): Promise<ExitCode> {
    const parsed = parseCommandLine(argv, OPTIONS, HELP, io);
    if (parsed === null) return 0;
    const { values, positionals } = parsed;
    const [file, extra] = positionals;
    if (file === undefined) throw new UsageError("check needs a deployment file: deployment.json.");
    if (extra !== undefined) throw new UsageError(`Unexpected argument "${extra}".`);
    const deployment = await readDeploymentFile(resolve(io.cwd, file));
    const catalog = await catalogFileFromFlag(values.catalog, io);
    const report = await validateDeployment(deployment, {
      ...resolveOptionsFromFlags(values, io),
      catalog,
      ...(deployment.model === undefined
        ? {}
        : { model: resolveModelArgument(deployment.model, io) }),
    });
    io.stdout(values.json === true ? renderJson(report) : renderChecklist(report));
    return report.passed ? 0 : 1;
  },
};
