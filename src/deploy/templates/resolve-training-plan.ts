import { InvalidOptionError } from "../../errors.js";
import type { TrainingDataset, TrainingPlan, Warmup } from "./plans.js";
import {
  AXOLOTL_ATTN_IMPLEMENTATIONS,
  LORA_PRESETS,
  type AxolotlAttnImplementation,
} from "./training-catalog.js";
import {
  optionalBoolean,
  optionalChoice,
  optionalInteger,
  optionalNumber,
  optionalText,
  requireText,
} from "./validate.js";

/** Defaults of {@link TrainingPlan} that do not depend on the method (the rest come from `LORA_PRESETS`). */
export const DEFAULT_TRAINING_PLAN = {
  targetModules: "all-linear",
  gradientCheckpointing: true,
  attnImplementation: "flash_attention_2",
  numGpus: 1,
  /** axolotl's own example data set; a placeholder to replace. */
  datasets: [{ path: "mhenrichsen/alpaca_2k_test", type: "alpaca" }],
} as const;

/** A {@link TrainingPlan} with every default applied and every value checked. */
export interface ResolvedTrainingPlan {
  readonly baseModel: string;
  readonly method: "lora" | "qlora" | "full";
  /** Full training: the ZeRO stage (0: no DeepSpeed). */
  readonly zeroStage: 0 | 1 | 2 | 3;
  /** Full training: optimizer states in CPU memory. */
  readonly offloadOptimizer: boolean;
  readonly rank: number;
  readonly alpha: number;
  readonly dropout: number;
  readonly targetModules: readonly string[] | "all-linear";
  readonly learningRate: number;
  readonly lrScheduler: string;
  readonly warmup: Warmup;
  readonly microBatchSize: number;
  readonly gradientAccumulationSteps: number;
  readonly sequenceLength: number;
  readonly numEpochs: number;
  readonly optimizer: string;
  readonly gradientCheckpointing: boolean;
  readonly attnImplementation: AxolotlAttnImplementation;
  readonly gpuCount: number;
  readonly datasets: readonly TrainingDataset[];
  readonly outputDir: string;
  /** Sequences per optimizer step: micro-batch × accumulation × GPUs. */
  readonly effectiveBatchSize: number;
  /** One line per group of defaults applied. */
  readonly notes: readonly string[];
}

/**
 * Checks a training plan and fills unset hyper-parameters from the method's preset
 * (`LORA_PRESETS`) and {@link DEFAULT_TRAINING_PLAN}.
 *
 * @throws {InvalidOptionError} for a missing or malformed field, or a warm-up given both as steps and as a ratio.
 */
export function resolveTrainingPlan(plan: TrainingPlan): ResolvedTrainingPlan {
  const notes: string[] = [];
  const baseModel = requireText("plan.baseModel", plan.baseModel, "meta-llama/Meta-Llama-3-8B");
  const method = optionalChoice("plan.method", plan.method, ["lora", "qlora", "full"] as const);
  if (method === undefined) {
    throw new InvalidOptionError("plan.method", "is required", {
      hint: 'Use "lora", "qlora" or "full".',
    });
  }
  const preset = LORA_PRESETS[method];
  const defaulted: string[] = [];
  /** Takes the plan's value, or the preset's and records that it did. */
  function orPreset<T>(
    name: string,
    value: T | undefined,
    presetValue: T,
    show = String(presetValue),
  ): T {
    if (value !== undefined) return value;
    defaulted.push(`${name} ${show}`);
    return presetValue;
  }

  const rank = orPreset("rank", optionalInteger("plan.rank", plan.rank), preset.rank);
  const alpha = orPreset("alpha", optionalInteger("plan.alpha", plan.alpha), preset.alpha);
  const dropoutHint = "Use a fraction from 0 (no dropout) to below 1, e.g. 0.05.";
  const dropoutGiven = optionalNumber(
    "plan.dropout",
    plan.dropout,
    { min: 0, max: 1 },
    dropoutHint,
  );
  if (dropoutGiven === 1)
    throw new InvalidOptionError("plan.dropout", "must be below 1", { hint: dropoutHint });
  const dropout = orPreset("dropout", dropoutGiven, preset.dropout);
  const learningRate = orPreset(
    "learningRate",
    optionalNumber(
      "plan.learningRate",
      plan.learningRate,
      { min: 0, max: 1, exclusiveMin: true },
      "LoRA learning rates are around 1e-4 to 2e-4.",
    ),
    preset.learningRate,
  );
  const lrScheduler = orPreset(
    "lrScheduler",
    optionalText("plan.lrScheduler", plan.lrScheduler, "cosine"),
    preset.lrScheduler,
  );
  const warmup = orPreset(
    "warmup",
    resolveWarmup(plan.warmup),
    preset.warmup as Warmup,
    JSON.stringify(preset.warmup),
  );
  const microBatchSize = orPreset(
    "microBatchSize",
    optionalInteger("plan.microBatchSize", plan.microBatchSize),
    preset.microBatchSize,
  );
  const gradientAccumulationSteps = orPreset(
    "gradientAccumulationSteps",
    optionalInteger("plan.gradientAccumulationSteps", plan.gradientAccumulationSteps),
    preset.gradientAccumulationSteps,
  );
  const sequenceLength = orPreset(
    "sequenceLength",
    optionalInteger("plan.sequenceLength", plan.sequenceLength),
    preset.sequenceLength,
  );
  const numEpochs = orPreset(
    "numEpochs",
    optionalNumber(
      "plan.numEpochs",
      plan.numEpochs,
      { min: 0, max: 1000, exclusiveMin: true },
      "Pass a positive number of epochs (fractions allowed).",
    ),
    preset.numEpochs,
  );
  const optimizer = orPreset(
    "optimizer",
    optionalText("plan.optimizer", plan.optimizer, "adamw_torch_fused"),
    preset.optimizer,
  );
  if (defaulted.length > 0) {
    notes.push(`${method} preset (${preset.source}): ${defaulted.join(", ")}`);
  }

  const targetModules = resolveTargets(plan.targetModules, notes);
  const gradientCheckpointing =
    optionalBoolean("plan.gradientCheckpointing", plan.gradientCheckpointing) ??
    DEFAULT_TRAINING_PLAN.gradientCheckpointing;
  const attnImplementation =
    optionalChoice(
      "plan.attnImplementation",
      plan.attnImplementation,
      AXOLOTL_ATTN_IMPLEMENTATIONS,
    ) ?? DEFAULT_TRAINING_PLAN.attnImplementation;
  if (plan.attnImplementation === undefined) {
    notes.push(
      "attnImplementation: default flash_attention_2 (needs the flash-attn package; sdpa works without it)",
    );
  }
  const numGpus = optionalInteger("plan.gpuCount", plan.gpuCount) ?? DEFAULT_TRAINING_PLAN.numGpus;
  const zeroGiven = optionalChoice("plan.zeroStage", plan.zeroStage, [0, 1, 2, 3] as const);
  const zeroStage = method === "full" ? (zeroGiven ?? (numGpus > 1 ? 3 : 0)) : 0;
  if (method === "full" && zeroGiven === undefined) {
    notes.push(
      `zeroStage: default ${zeroStage} (${numGpus > 1 ? "shard weights, gradients and optimizer states over the GPUs" : "one GPU: no DeepSpeed"})`,
    );
  }
  if (method !== "full" && zeroGiven !== undefined && zeroGiven !== 0) {
    throw new InvalidOptionError("plan.zeroStage", `applies to full training, not ${method}`, {
      hint: "Drop zeroStage, or set method to full.",
    });
  }
  const offloadOptimizer = optionalBoolean("plan.offloadOptimizer", plan.offloadOptimizer) ?? false;
  const datasets = resolveDatasets(plan.datasets, notes);
  const modelName = baseModel.split("/").at(-1) ?? baseModel;
  const outputDir =
    optionalText("plan.outputDir", plan.outputDir, "./outputs/lora") ??
    `./outputs/${method}-${modelName.toLowerCase()}`;

  return {
    baseModel,
    method,
    zeroStage,
    offloadOptimizer,
    rank,
    alpha,
    dropout,
    targetModules,
    learningRate,
    lrScheduler,
    warmup,
    microBatchSize,
    gradientAccumulationSteps,
    sequenceLength,
    numEpochs,
    optimizer,
    gradientCheckpointing,
    attnImplementation,
    gpuCount: numGpus,
    datasets,
    outputDir,
    effectiveBatchSize: microBatchSize * gradientAccumulationSteps * numGpus,
    notes,
  };
}

function resolveWarmup(warmup: Warmup | undefined): Warmup | undefined {
  if (warmup === undefined) return undefined;
  if (typeof warmup !== "object" || (warmup as unknown) === null) {
    throw new InvalidOptionError("plan.warmup", "expected an object", {
      hint: "Pass { steps: 10 } or { ratio: 0.1 }.",
    });
  }
  const hasSteps = "steps" in warmup;
  const hasRatio = "ratio" in warmup;
  if (hasSteps === hasRatio) {
    throw new InvalidOptionError(
      "plan.warmup",
      hasSteps ? "gives both steps and ratio" : "gives neither steps nor ratio",
      {
        hint: "Pass { steps: 10 } or { ratio: 0.1 }: axolotl refuses warmup_steps with warmup_ratio.",
      },
    );
  }
  if ("steps" in warmup) {
    return { steps: optionalInteger("plan.warmup.steps", warmup.steps, 0) ?? 0 };
  }
  const hint = "A warm-up ratio is a fraction of the run below 1, e.g. 0.1.";
  const ratio = optionalNumber("plan.warmup.ratio", warmup.ratio, { min: 0, max: 1 }, hint) ?? 0;
  if (ratio === 1) throw new InvalidOptionError("plan.warmup.ratio", "must be below 1", { hint });
  return { ratio };
}

function resolveTargets(
  targets: TrainingPlan["targetModules"],
  notes: string[],
): readonly string[] | "all-linear" {
  if (targets === undefined) {
    notes.push("targetModules: default all-linear (every linear layer but the output head)");
    return DEFAULT_TRAINING_PLAN.targetModules;
  }
  if (targets === "all-linear") return targets;
  if (!Array.isArray(targets) || targets.length === 0) {
    throw new InvalidOptionError(
      "plan.targetModules",
      'expected "all-linear" or a non-empty list',
      {
        hint: 'e.g. ["q_proj", "k_proj", "v_proj", "o_proj"].',
      },
    );
  }
  const names = targets as readonly unknown[];
  names.forEach((name, index) => requireText(`plan.targetModules[${index}]`, name, "q_proj"));
  return names as readonly string[];
}

function resolveDatasets(
  datasets: readonly TrainingDataset[] | undefined,
  notes: string[],
): readonly TrainingDataset[] {
  if (datasets === undefined) {
    notes.push(
      "datasets: placeholder mhenrichsen/alpaca_2k_test (alpaca), axolotl's example: replace it with your data",
    );
    return DEFAULT_TRAINING_PLAN.datasets;
  }
  if (!Array.isArray(datasets) || datasets.length === 0) {
    throw new InvalidOptionError("plan.datasets", "expected a non-empty list", {
      hint: 'e.g. [{ "path": "org/my-data", "type": "chat_template" }].',
    });
  }
  return (datasets as readonly TrainingDataset[]).map((dataset, index) => ({
    path: requireText(`plan.datasets[${index}].path`, dataset.path, "org/my-data"),
    type: requireText(`plan.datasets[${index}].type`, dataset.type, "alpaca"),
  }));
}
