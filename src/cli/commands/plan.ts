import { resolve } from "node:path";
import { planDeployment } from "../../api/plan-deployment.js";
import { validatePlan } from "../../deploy/checklist/validate-deployment.js";
import { WORKLOAD_CLASS_IDS, type PlanRequest } from "../../deploy/blueprint/request.js";
import {
  renderTemplates,
  TEMPLATE_TARGET_IDS,
  type TemplateTarget,
} from "../../deploy/templates/render-templates.js";
import { writeTemplateFiles } from "../../io/files/write-template-files.js";
import { parseChoice } from "../args.js";
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
import { singleModelArgument } from "../model-command-line.js";
import { RANK_FLAGS, rankOptionsFromFlags } from "../rank-flags.js";
import { renderPlanReport } from "../render/plan.js";
import { TRAINING_FLAGS, trainingOptionsFromFlags } from "../training-flags.js";
import { UsageError } from "../usage-error.js";
import { catalogFileFromFlag } from "./gpus.js";
import { resolveModelArgument } from "./model-argument.js";
import { parseCommandLine } from "../parse-command-line.js";
import { renderJson } from "../render/json.js";

const HELP = `Usage: vramfit plan <model> --workload W [options]

Plans a deployment of <model>: walks workload class → modality → VRAM → topology (GPU, count,
TP/PP, replicas) → pricing, printing each choice and why; a BF16 / FP8 / INT8 / INT4 trade-off
matrix; the LoRA alternative to full training; the comparison with BF16 on A100 80GB; and the
thirteen-check pre-deployment checklist. --emit writes the configs (vLLM, TGI, Kubernetes, axolotl,
PEFT, Terraform, CloudFormation) for the plan.

<model>  a Hub repo id (e.g. meta-llama/Meta-Llama-3-70B), a path to a config.json,
         or a folder holding one.

Plan:
  --workload W       ${WORKLOAD_CLASS_IDS.join(" | ")} (required)
  --gpu ID           plan on this accelerator (e.g. nvidia-h100-sxm); default: the ranking chooses
  --rps N            requests/s the whole deployment must serve (sizes the replicas)
  --tps N            output tokens/s the whole deployment must produce (sizes the replicas)
  --duration H       hours the run (or the serving deployment) lasts: decides Spot / reserved
  --no-checkpointing the training run cannot resume after an interruption (no Spot for long runs)
  --training-tokens N  tokens the training run processes (sizes its hours and cost)
  --cloud C          aws | gcp | azure | lambda | runpod | ... (comma-separated)
  --family F         GPU family, vendor or architecture: h100,a100 | amd | hopper
  --max-ttft MS      time-to-first-token target (default 350 for realtime)
  --prompt N         prompt tokens for the TTFT (default: context less up to 256 output tokens)
  --gpu-util F       fraction of GPU memory usable (default 0.92 serving, 1 training)
  --catalog FILE     your accelerators and instances (JSON), added to the built-in catalog
  --region R         AWS region of the Terraform / CloudFormation fleet (default us-east-1)
  --engine-version V vLLM release the templates target: 0.27 | 0.28 | 0.29 (default 0.29)
  --rank N           LoRA rank (lora, qlora; default 16)
  --targets T        LoRA targets: all-linear | attention | qv | q,k,v,o,gate,up,down
  --optimizer O      training optimizer (default adamw)
  --grad-checkpointing  recompute activations in training

Sizing (for training, --context is the sequence length and --batch the micro-batch per GPU):
${INFERENCE_FLAGS_HELP}

Templates:
  --emit T           comma-separated: ${TEMPLATE_TARGET_IDS.join(", ")}, or all (what the plan supports)
  --out DIR          folder to write them to (default ./vramfit-plan)
  --force            overwrite files that already exist (otherwise nothing is written)

${[MODEL_FLAGS_HELP, OUTPUT_FLAGS_HELP].join("\n")}

Examples:
  vramfit plan meta-llama/Meta-Llama-3-70B --workload realtime --context 4k --batch 8 --gpu nvidia-h100-sxm
  vramfit plan meta-llama/Meta-Llama-3-8B --workload qlora --emit axolotl,peft --out ./finetune
  vramfit plan meta-llama/Meta-Llama-3-70B --workload batch --cloud aws --emit vllm,terraform
`;

const OPTIONS = {
  workload: { type: "string" },
  gpu: { type: "string" },
  rps: { type: "string" },
  tps: { type: "string" },
  duration: { type: "string" },
  "no-checkpointing": { type: "boolean" },
  "training-tokens": { type: "string" },
  region: { type: "string" },
  "engine-version": { type: "string" },
  emit: { type: "string" },
  out: { type: "string" },
  force: { type: "boolean" },
  cloud: RANK_FLAGS.cloud,
  family: RANK_FLAGS.family,
  "max-ttft": RANK_FLAGS["max-ttft"],
  prompt: RANK_FLAGS.prompt,
  "gpu-util": RANK_FLAGS["gpu-util"],
  catalog: RANK_FLAGS.catalog,
  rank: TRAINING_FLAGS.rank,
  targets: TRAINING_FLAGS.targets,
  optimizer: TRAINING_FLAGS.optimizer,
  "grad-checkpointing": TRAINING_FLAGS["grad-checkpointing"],
  ...INFERENCE_FLAGS,
  ...MODEL_FLAGS,
  ...OUTPUT_FLAGS,
} as const;

/** The folder `--emit` writes to when `--out` is not given. */
export const DEFAULT_PLAN_OUT = "vramfit-plan";

/** `vramfit plan`: the deployment blueprint, its checklist, and the templates it writes. */
export const planCommand: Command = {
  name: "plan",
  help: HELP,
  async run(argv, io) {
    const parsed = parseCommandLine(argv, OPTIONS, HELP, io);
    if (parsed === null) return 0;
    const { values, positionals } = parsed;
    const model = singleModelArgument(positionals, "plan");
    if (values.workload === undefined) {
      throw new UsageError(`plan needs --workload: ${WORKLOAD_CLASS_IDS.join(", ")}.`);
    }
    const workload = parseChoice("--workload", values.workload, WORKLOAD_CLASS_IDS);
    const emit = emitTargets(values.emit);
    if (emit === null && (values.out !== undefined || values.force === true)) {
      throw new UsageError("--out and --force go with --emit.");
    }
    const inference = inferenceOptionsFromFlags(values);
    const rank = rankOptionsFromFlags({
      cloud: values.cloud,
      family: values.family,
      "max-ttft": values["max-ttft"],
      prompt: values.prompt,
      "gpu-util": values["gpu-util"],
    });
    const training = trainingOptionsFromFlags({
      rank: values.rank,
      targets: values.targets,
      optimizer: values.optimizer,
      "grad-checkpointing": values["grad-checkpointing"],
    });
    const request: PlanRequest = {
      workload,
      contextLength: inference.contextLength,
      batchSize: inference.batchSize,
      weights: inference.weights,
      kvCacheDtype: inference.kvCacheDtype,
      overheadFraction: inference.overheadFraction,
      parameterCount: inference.parameterCount,
      engine: inference.engine,
      imagesPerRequest: inference.imagesPerRequest,
      imageSize: inference.imageSize,
      promptTokens: rank.promptTokens,
      maxTtftMs: rank.maxTtftMs,
      families: rank.families,
      clouds: rank.clouds,
      gpuMemoryUtilization: rank.gpuMemoryUtilization,
      gpu: values.gpu,
      targetRequestsPerSecond: positiveNumber("--rps", values.rps),
      targetTokensPerSecond: positiveNumber("--tps", values.tps),
      durationHours: positiveNumber("--duration", values.duration),
      trainingTokens: positiveNumber("--training-tokens", values["training-tokens"]),
      checkpointing: values["no-checkpointing"] === true ? false : undefined,
      region: values.region,
      engineVersion: values["engine-version"] as PlanRequest["engineVersion"],
      training: {
        rank: training.rank,
        targets: training.targets,
        optimizer: training.optimizer,
        gradientCheckpointing: training.gradientCheckpointing,
      },
    };
    const catalog = await catalogFileFromFlag(values.catalog, io);
    const plan = await planDeployment(resolveModelArgument(model, io), {
      ...request,
      ...resolveOptionsFromFlags(values, io),
      catalog,
    });
    const checklist = validatePlan(plan, { catalog });

    let written = null;
    let templateNotes: readonly string[] = [];
    if (emit !== null) {
      const unsupported =
        emit === "all" ? [] : emit.filter((target) => !plan.templateTargets.includes(target));
      if (unsupported.length > 0) {
        throw new UsageError(
          `--emit ${unsupported.join(",")}: a ${plan.workload.class} plan emits ${plan.templateTargets.join(", ") || "no file"}`,
          {
            hint: "Serving workloads (realtime, batch) emit vllm, tgi and k8s, and terraform and cloudformation when an AWS instance holds a replica; training workloads (lora, qlora, full) emit axolotl and peft. --emit all writes what the plan supports.",
          },
        );
      }
      const targets = emit === "all" ? plan.templateTargets : emit;
      const rendered = renderTemplates(plan.templates, targets);
      written = await writeTemplateFiles(
        resolve(io.cwd, values.out ?? DEFAULT_PLAN_OUT),
        rendered.files,
        {
          force: values.force,
        },
      );
      templateNotes = rendered.notes;
    }
    if (values.json === true) {
      io.stdout(renderJson({ plan, checklist, written }));
      return 0;
    }
    io.stdout(
      renderPlanReport({ plan, checklist, unit: unitFromFlags(values), written, templateNotes }),
    );
    return 0;
  },
};

/** The `--emit` list: target names, or "all". @throws {UsageError} for an unknown name. */
function emitTargets(value: string | undefined): readonly TemplateTarget[] | "all" | null {
  if (value === undefined) return null;
  const names = value
    .split(",")
    .map((name) => name.trim().toLowerCase())
    .filter(Boolean);
  if (names.length === 1 && names[0] === "all") return "all";
  if (names.length === 0) throw new UsageError(`--emit expects template names, got "${value}".`);
  return names.map((name) => parseChoice("--emit", name, TEMPLATE_TARGET_IDS));
}

function positiveNumber(flag: string, value: string | undefined): number | undefined {
  if (value === undefined) return undefined;
  const number = Number(value.trim());
  if (value.trim() === "" || !Number.isFinite(number) || number <= 0) {
    throw new UsageError(`${flag} expects a positive number, got "${value}".`);
  }
  return number;
}
