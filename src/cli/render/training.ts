import { FRAMEWORK_PRESETS } from "../../memory/training/frameworks.js";
import { CROSS_ENTROPY } from "../../memory/training/loss.js";
import type { TrainingEstimate } from "../../memory/training/estimate-training.js";
import { OPTIMIZERS } from "../../memory/training/optimizers.js";
import { BASE_PRECISIONS, TRAINING_PRECISIONS } from "../../memory/training/precision.js";
import type { TrainingTradeOff } from "../../memory/training/trade-offs.js";
import { formatInteger, type MemoryUnit } from "../../units.js";
import { describeSource, unitHeader, unitValue } from "./estimate.js";
import { renderTable } from "./table.js";

const METHOD_TITLES = {
  full: "full training",
  lora: "LoRA fine-tuning",
  qlora: "QLoRA fine-tuning",
} as const;

/** "16-bit" or "FP32" for a width in bytes. */
function widthLabel(bytes: number): string {
  return bytes === 4 ? "FP32" : bytes === 2 ? "16-bit" : `${perElement(bytes)}/param`;
}

/** Bytes per element as text: "4 B", "2.03 B". */
function perElement(bytes: number): string {
  return `${+bytes.toFixed(2)} B`;
}

function baseLabel(estimate: TrainingEstimate): string {
  const { basePrecision, doubleQuantization } = estimate.assumptions;
  const quantization = estimate.spec.quantization;
  if (basePrecision === "checkpoint" && quantization !== undefined) {
    return `${quantization.method} ${quantization.bits}-bit, as stored`;
  }
  if (basePrecision === "nf4" && !doubleQuantization) return "NF4, no double quantization";
  return basePrecision === undefined || basePrecision === "checkpoint"
    ? "base"
    : BASE_PRECISIONS[basePrecision].label;
}

/** The component rows of the per-GPU table: the parts at the peak, then the allocator's and the driver's view. */
function componentRows(estimate: TrainingEstimate, unit: MemoryUnit): string[][] {
  const { memory, assumptions: a, bytesPerParameter: perParam, parameters } = estimate;
  const gpu = memory.perGpu;
  const trainable = formatInteger(parameters.trainable);
  const sharded = a.gpuCount > 1 ? " (this GPU's share)" : "";
  const row = (label: string, bytes: number, detail = ""): string[] => [
    label,
    unitValue(bytes, unit),
    formatInteger(bytes),
    detail,
  ];
  const rows: string[][] = [];
  if (estimate.method !== "full") {
    rows.push(
      row(
        `Frozen base weights (${baseLabel(estimate)})`,
        gpu.frozenWeightsBytes,
        `${formatInteger(parameters.frozen)} parameters${sharded}`,
      ),
    );
  }
  const what = estimate.method === "full" ? "Weights" : "Adapter weights";
  const master =
    perParam.masterWeights === 0
      ? "none: the weights are the master copy"
      : `× ${perElement(perParam.masterWeights)}`;
  const offloaded = a.offloadOptimizer || a.offloadParameters;
  const checkpointing = a.gradientCheckpointing
    ? ", checkpointed"
    : a.selectiveCheckpointing
      ? ", selectively checkpointed"
      : "";
  rows.push(
    row(
      `${what} (${widthLabel(perParam.weights)})`,
      gpu.weightsBytes,
      `${trainable} × ${perElement(perParam.weights)}${sharded}`,
    ),
    row(
      `Gradients (${widthLabel(perParam.gradients)})`,
      gpu.gradientsBytes,
      gpu.gradientsBytes === 0 ? "none alive at the peak" : `× ${perElement(perParam.gradients)}`,
    ),
    row(
      `Optimizer states (${OPTIMIZERS[a.optimizer].label})`,
      gpu.optimizerStatesBytes,
      offloaded
        ? "offloaded to host"
        : OPTIMIZERS[a.optimizer].paged
          ? "paged: outside the allocator, below"
          : `× ${perElement(perParam.optimizerStates)}`,
    ),
    row(
      "Master weights (FP32)",
      gpu.masterWeightsBytes,
      offloaded && perParam.masterWeights > 0 ? "offloaded to host" : master,
    ),
    row(
      `Activations (${a.attention} attention${checkpointing})`,
      gpu.activationsBytes,
      `${formatInteger(estimate.activations.tokens)} tokens × ${estimate.spec.numLayers} layers`,
    ),
    row(
      `Logits at the loss (${CROSS_ENTROPY[a.crossEntropy].label}, ${a.lossPrecision})`,
      gpu.logitsBytes,
      a.head === "classifier"
        ? "classifier head: no vocabulary logits"
        : `${formatInteger(a.logitsToKeep * a.microBatchSize)} positions × ${formatInteger(estimate.spec.vocabSize)} vocab`,
    ),
    row("Temporary weight copies", gpu.temporaryWeightsBytes, temporaryDetail(estimate)),
    row(
      "Optimizer step buffers",
      gpu.optimizerStepBytes,
      gpu.optimizerStepBytes > 0 ? "torch's foreach AdamW: one state-sized buffer" : "",
    ),
    row("Peak allocated", gpu.peakAllocatedBytes, "torch.cuda.max_memory_allocated()"),
    row(
      `Allocator reserve (${+(a.fragmentationFraction * 100).toFixed(2)} %)`,
      gpu.fragmentationBytes,
    ),
    ...(gpu.staleCacheBytes > 0
      ? [
          row(
            "Stale allocator cache",
            gpu.staleCacheBytes,
            "an earlier, shorter batch's logits blocks (variable-length batches)",
          ),
        ]
      : []),
    row("Peak reserved", gpu.peakReservedBytes, "torch.cuda.max_memory_reserved()"),
  );
  if (gpu.pagedBytes > 0) {
    rows.push(row("Paged optimizer states", gpu.pagedBytes, "CUDA managed memory"));
  }
  rows.push(
    row("CUDA context", gpu.cudaContextBytes),
    row(
      "Total per GPU",
      gpu.totalBytes,
      gpu.staleCacheBytes > 0
        ? "what must fit; nvidia-smi also shows the stale cache"
        : "what nvidia-smi shows",
    ),
  );
  return rows;
}

function temporaryDetail(estimate: TrainingEstimate): string {
  const parts: string[] = [];
  const a = estimate.assumptions;
  if (a.zeroStage === 3 && (a.dataParallel > 1 || a.offloadParameters)) {
    parts.push(
      a.shardingEngine === "fsdp"
        ? `FSDP gathers ${a.reshardAfterForward ? "2 units" : "every unit"}`
        : "ZeRO-3 gathers the largest layer",
    );
  }
  if (
    estimate.method !== "full" &&
    a.basePrecision !== "bf16" &&
    a.basePrecision !== "fp16" &&
    a.basePrecision !== "fp32"
  ) {
    parts.push("16-bit copy of the largest dequantized projection");
  }
  return parts.join("; ");
}

/** The step's moments with their allocated bytes, the peak marked. */
function renderTimeline(estimate: TrainingEstimate, unit: MemoryUnit): string[] {
  const peak = estimate.memory.perGpu;
  const rows = estimate.timeline.map((moment) => [
    moment.phase,
    moment.moment,
    unitValue(moment.allocatedBytes, unit),
    moment.phase === peak.phase && moment.moment === peak.moment ? "peak" : "",
  ]);
  return [
    "",
    "  Timeline (allocated on one GPU)",
    renderTable(["Phase", "Moment", unitHeader(unit), ""], rows, ["left", "left", "right", "left"]),
  ];
}

/** The trade-off table: LoRA ranks × targets, or full training against LoRA and QLoRA. */
function renderTradeOffs(
  estimate: TrainingEstimate,
  tradeOffs: readonly TrainingTradeOff[],
  unit: MemoryUnit,
): string[] {
  if (tradeOffs.length === 0) return [];
  const title =
    estimate.method === "full"
      ? "  Same run with LoRA or QLoRA (per GPU)"
      : `  ${estimate.method === "qlora" ? "QLoRA" : "LoRA"} rank and target trade-offs (same run, per GPU)`;
  const rows = tradeOffs.map((row) => [
    row.method,
    row.rank === undefined ? "-" : String(row.rank),
    row.targets ?? "-",
    formatInteger(row.trainableParameters),
    unitValue(row.trainableStatesBytes, unit),
    unitValue(row.perGpuBytes, unit),
  ]);
  return [
    "",
    title,
    renderTable(
      [
        "Method",
        "Rank",
        "Targets",
        "Trainable params",
        `Trainable states ${unitHeader(unit)}`,
        `Total ${unitHeader(unit)}`,
      ],
      rows,
      ["left", "right", "left", "right", "right", "right"],
    ),
  ];
}

/**
 * The human-readable report of `vramfit train`: the per-GPU breakdown, totals, host memory,
 * the trade-off table, assumptions and warnings. Pure: returns the text.
 *
 * @param checkpointed - the same run with gradient checkpointing, shown as a hint when it is off.
 */
export function renderTrainingEstimate(
  estimate: TrainingEstimate,
  tradeOffs: readonly TrainingTradeOff[],
  unit: MemoryUnit,
  checkpointed?: TrainingEstimate,
): string {
  const { spec, memory, assumptions: a, parameters } = estimate;
  const unitName = unit === "gib" ? "GiB" : "GB";
  const loraTitle =
    estimate.lora === undefined
      ? ""
      : ` (rank ${estimate.lora.rank}, ${estimate.lora.targets.join(", ")})`;
  const share = parameters.total === 0 ? 0 : (100 * parameters.trainable) / parameters.total;
  const moe =
    spec.moe === undefined
      ? ""
      : ` · MoE ${spec.moe.numExperts} experts, ${spec.moe.expertsPerToken} per token`;
  const gpuWord = a.gpuCount === 1 ? "GPU" : "GPUs";

  const lines = [
    `${estimate.model.id ?? spec.architecture ?? "model"}: ${METHOD_TITLES[estimate.method]}${loraTitle}`,
    `  config       ${describeSource(estimate.model.source)}`,
    `  model        ${spec.architecture ?? spec.modelType ?? "unknown architecture"} · ${spec.numLayers} layers · hidden ${spec.hiddenSize} · ${spec.numAttentionHeads} query heads / ${spec.numKeyValueHeads} KV heads${moe}`,
    `  parameters   ${formatInteger(parameters.total)} total · ${formatInteger(parameters.trainable)} trainable (${share < 1 ? share.toFixed(2) : share.toFixed(1)} %)`,
    `  parallelism  ${a.gpuCount} ${gpuWord} · tensor parallel ${a.tensorParallel} · data parallel ${a.dataParallel} · ZeRO ${a.zeroStage}${a.zeroStage > 0 ? ` (${a.shardingEngine === "fsdp" ? "FSDP" : "DeepSpeed"})` : ""}${a.offloadOptimizer ? " · optimizer offloaded" : ""}${a.offloadParameters ? " · parameters offloaded" : ""}`,
    ...(a.framework === undefined
      ? []
      : [
          `  framework    ${FRAMEWORK_PRESETS[a.framework].label} (its defaults fill the options left out)`,
        ]),
    `  peak         ${memory.perGpu.phase}: ${memory.perGpu.moment}`,
    "",
    renderTable(["Per GPU", unitHeader(unit), "Bytes", ""], componentRows(estimate, unit), [
      "left",
      "right",
      "right",
      "left",
    ]),
    "",
    a.gpuCount === 1
      ? `  Needs ${unitValue(memory.perGpu.totalBytes, unit)} ${unitName} of GPU memory.`
      : `  Needs ${unitValue(memory.perGpu.totalBytes, unit)} ${unitName} on each of ${a.gpuCount} GPUs (${unitValue(memory.totalBytes, unit)} ${unitName} in all).`,
  ];
  if (checkpointed !== undefined && !a.gradientCheckpointing) {
    const saved = memory.perGpu.totalBytes - checkpointed.memory.perGpu.totalBytes;
    lines.push(
      `  With --grad-checkpointing: ${unitValue(checkpointed.memory.perGpu.totalBytes, unit)} ${unitName} per GPU (${unitValue(saved, unit)} ${unitName} less, about a third more compute).`,
    );
  }
  if (a.offloadOptimizer || a.offloadParameters) {
    lines.push(
      `  Host (CPU) memory for offloaded ${a.offloadParameters ? "weights, gradients, " : ""}optimizer states and master weights: ${unitValue(memory.hostBytesPerGpu, unit)} ${unitName} per GPU, ${unitValue(memory.hostTotalBytes, unit)} ${unitName} in all.`,
    );
  }
  lines.push(...renderTimeline(estimate, unit));
  lines.push(...renderTradeOffs(estimate, tradeOffs, unit));
  lines.push(
    "",
    "  Assumptions",
    `    ${formatInteger(a.sequenceLength)} tokens × micro-batch ${a.microBatchSize} · ${OPTIMIZERS[a.optimizer].label} · ${TRAINING_PRECISIONS[a.precision].label} · ${CROSS_ENTROPY[a.crossEntropy].label} in ${a.lossPrecision}`,
    ...a.notes.map((note) => `    - ${note}`),
  );
  if (estimate.warnings.length > 0) {
    lines.push(
      "",
      "  Warnings",
      ...estimate.warnings.map(
        (warning, index) => `    ! [${estimate.warningCodes[index] ?? "APPROXIMATION"}] ${warning}`,
      ),
    );
  }
  return `${lines.join("\n")}\n`;
}
