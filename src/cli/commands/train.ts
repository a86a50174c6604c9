import { estimateTraining } from "../../api/estimate-training.js";
import { estimateTrainingFromSpec } from "../../memory/training/estimate-training.js";
import { trainingTradeOffs } from "../../memory/training/trade-offs.js";
import type { Command } from "../command.js";
import {
  MODEL_FLAGS,
  MODEL_FLAGS_HELP,
  OUTPUT_FLAGS,
  OUTPUT_FLAGS_HELP,
  resolveOptionsFromFlags,
  unitFromFlags,
} from "../flags.js";
import { renderTrainingEstimate } from "../render/training.js";
import {
  TRAINING_FLAGS,
  TRAINING_FLAGS_HELP,
  trainingOptionsFromFlags,
} from "../training-flags.js";
import { singleModelArgument } from "../model-command-line.js";
import { resolveModelArgument } from "./model-argument.js";
import { parseCommandLine } from "../parse-command-line.js";
import { renderJson } from "../render/json.js";

const HELP = `Usage: vramfit train <model> [options]

Estimates the GPU memory to train or fine-tune <model>, per GPU: weights, gradients, optimizer
states and master weights (or a frozen base plus LoRA adapters), activations, the logits at the
loss, CUDA context and fragmentation. Prints a rank / target trade-off table for LoRA and QLoRA,
and the LoRA and QLoRA alternatives for full training.

<model>  a Hub repo id (e.g. meta-llama/Meta-Llama-3-8B), a path to a config.json,
         or a folder holding one.

Options:
${[TRAINING_FLAGS_HELP, MODEL_FLAGS_HELP, OUTPUT_FLAGS_HELP].filter(Boolean).join("\n")}

Examples:
  vramfit train meta-llama/Meta-Llama-3-8B --method lora --rank 16 --seq 2k
  vramfit train meta-llama/Meta-Llama-3-8B --gpus 8 --zero 3 --grad-checkpointing
`;

const OPTIONS = { ...TRAINING_FLAGS, ...MODEL_FLAGS, ...OUTPUT_FLAGS } as const;

/** `vramfit train`: the training and fine-tuning memory estimate. */
export const trainCommand: Command = {
  name: "train",
  help: HELP,
  async run(argv, io) {
    const parsed = parseCommandLine(argv, OPTIONS, HELP, io);
    if (parsed === null) return 0;
    const { values, positionals } = parsed;
    const model = singleModelArgument(positionals, "train");

    const options = trainingOptionsFromFlags(values);
    const unit = unitFromFlags(values);
    const estimate = await estimateTraining(resolveModelArgument(model, io), {
      ...options,
      ...resolveOptionsFromFlags(values, io),
    });
    if (values.json === true) {
      io.stdout(renderJson(estimate));
      return 0;
    }
    const checkpointed = estimate.assumptions.gradientCheckpointing
      ? undefined
      : estimateTrainingFromSpec(estimate.spec, { ...options, gradientCheckpointing: true });
    io.stdout(
      renderTrainingEstimate(
        estimate,
        trainingTradeOffs(estimate.spec, options),
        unit,
        checkpointed,
      ),
    );
    return 0;
  },
};
