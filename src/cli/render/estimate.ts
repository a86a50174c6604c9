import type { InferenceEstimate } from "../../memory/estimate-inference.js";
import { WEIGHT_PRECISIONS } from "../../memory/precision.js";
import type { ModelSource, ParameterSource } from "../../model/model-source.js";
import { formatInteger, bytesToGB, bytesToGiB, type MemoryUnit } from "../../units.js";
import { architectureLines } from "./architecture.js";
import { renderTable } from "./table.js";

/** Human text for a model source: "bundled snapshot (retrieved 2026-11-28)". */
export function describeSource(source: ModelSource): string {
  switch (source.kind) {
    case "bundled":
      return `vramfit's bundled snapshot of ${source.repo ?? "the repo"} (retrieved ${source.retrieved ?? "unknown"}; offline copy, not the live Hub file)`;
    case "file":
      return `local file ${source.path ?? ""}`;
    case "object":
      return "config object passed in";
    case "spec":
      return "model spec passed in";
    case "hub":
      return `${source.repo ?? "repo"} on ${source.endpoint ?? "the Hub"}, revision ${source.revision ?? "main"} (commit ${shortSha(source.sha)}), read just now`;
    case "cache":
      return `vramfit's cache of ${source.repo ?? "the repo"}, revision ${source.revision ?? "main"} (commit ${shortSha(source.sha)}, fetched ${source.retrieved ?? "earlier"} from ${source.endpoint ?? "the Hub"})`;
    case "hf-cache":
      return `the Hugging Face cache ${source.path ?? ""} (commit ${shortSha(source.sha)}; offline copy)`;
  }
}

function shortSha(sha: string | undefined): string {
  return sha === undefined ? "unknown" : sha.slice(0, 12);
}

const PARAMETER_SOURCES: Readonly<Record<ParameterSource, string>> = {
  config: "counted from config.json",
  override: "given with --params",
  safetensors: "read from the safetensors headers, exact",
  "hub-summary": "from the Hub's safetensors summary",
};

/** A byte count in the chosen unit, number only (the unit is in the column header). */
export function unitValue(bytes: number, unit: MemoryUnit): string {
  return (unit === "gib" ? bytesToGiB(bytes) : bytesToGB(bytes)).toFixed(2);
}

/** The column header naming the unit: "GB (10^9)" or "GiB (2^30)". */
export function unitHeader(unit: MemoryUnit): string {
  return unit === "gib" ? "GiB (2^30)" : "GB (10^9)";
}

/** The human-readable report of `vramfit estimate`. Pure: returns the text. */
export function renderInferenceEstimate(estimate: InferenceEstimate, unit: MemoryUnit): string {
  const { spec, memory, assumptions, parameters } = estimate;
  const unitName = unit === "gib" ? "GiB" : "GB";
  const stored = assumptions.checkpointQuantization;
  const weightsLabel =
    stored === undefined
      ? WEIGHT_PRECISIONS[assumptions.weights].label
      : `${stored.label ?? stored.method}, as stored`;
  const overheadPercent = `${+(assumptions.overheadFraction * 100).toFixed(2)} %`;

  const rows = [
    [
      `Weights (${weightsLabel})`,
      unitValue(memory.weightsBytes, unit),
      formatInteger(memory.weightsBytes),
      "",
    ],
    [
      `KV cache (${assumptions.kvCacheDtype.toUpperCase()})`,
      unitValue(memory.kvCacheBytes, unit),
      formatInteger(memory.kvCacheBytes),
      `${formatInteger(memory.kvCacheBytesPerToken)} B/token × ${formatInteger(assumptions.sequenceLength)} tokens × ${assumptions.batchSize} seq${(spec.attentionLayers?.sliding ?? 0) + (spec.attentionLayers?.chunked ?? 0) > 0 ? " (windowed layers may keep fewer)" : ""}`,
    ],
    ...(memory.stateCacheBytes > 0
      ? [
          [
            "State cache (Mamba)",
            unitValue(memory.stateCacheBytes, unit),
            formatInteger(memory.stateCacheBytes),
            `constant per sequence × ${assumptions.batchSize} seq`,
          ],
        ]
      : []),
    [
      `Overhead (${overheadPercent} of weights)`,
      unitValue(memory.overheadBytes, unit),
      formatInteger(memory.overheadBytes),
      "headline rule of thumb",
    ],
    [
      "Total (headline rule)",
      unitValue(memory.totalBytes, unit),
      formatInteger(memory.totalBytes),
      "",
    ],
  ];
  const g = memory.perGpu;
  const engineName = g.engine === "sglang" ? "SGLang" : "vLLM";
  const engineLine = `  Engine-calibrated, one GPU (${engineName} ${g.engineVersion} at TP 1 on an 80 GiB GPU, max_num_seqs ${assumptions.batchSize}): weights as loaded ${unitValue(g.weightsBytes, unit)} + activation peak ${unitValue(g.activationPeakBytes, unit)} + non-torch ${unitValue(g.nonTorchBytes, unit)} + CUDA graphs ${unitValue(g.cudaGraphBytes, unit)} + KV blocks ${unitValue(g.kvCacheBytes, unit)} = ${unitValue(g.totalBytes, unit)} ${unitName}.`;

  const lines = [
    estimate.model.id ?? spec.architecture ?? "model",
    `  config      ${describeSource(estimate.model.source)}`,
    `  model       ${spec.architecture ?? spec.modelType ?? "unknown architecture"} · ${spec.numLayers} layers · hidden ${spec.hiddenSize} · ${spec.numAttentionHeads === 0 ? "no attention" : `${spec.numAttentionHeads} query heads / ${spec.numKeyValueHeads} KV heads · head_dim ${spec.headDim}`}`,
    `  parameters  ${formatInteger(parameters.total)} (${PARAMETER_SOURCES[parameters.source]})`,
    ...architectureLines(estimate),
    "",
    renderTable(["Component", unitHeader(unit), "Bytes", ""], rows, [
      "left",
      "right",
      "right",
      "left",
    ]),
    "",
    `  Needs ${unitValue(memory.totalBytes, unit)} ${unitName} of GPU memory in total (all GPUs together) by the headline rule: weights + KV cache + ${overheadPercent} of the weights for the framework.`,
    engineLine,
    "  That budget, on a real card and split over GPUs, is what vramfit fit, gpus, plan and check use: vramfit fit <model> --gpu ID.",
    "",
    "  Assumptions",
    `    context ${formatInteger(assumptions.contextLength)} tokens · batch ${assumptions.batchSize} · weights ${weightsLabel} · KV cache ${assumptions.kvCacheDtype.toUpperCase()} · overhead ${overheadPercent}`,
    ...assumptions.notes.map((note) => `    - ${note}`),
  ];
  if (estimate.warnings.length > 0) {
    lines.push("", "  Warnings", ...estimate.warnings.map((warning) => `    ! ${warning}`));
  }
  return `${lines.join("\n")}\n`;
}
