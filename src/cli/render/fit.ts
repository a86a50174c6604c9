import type { GpuFit } from "../../hardware/fit-on-gpu.js";
import { formatInteger, bytesToGiB, type MemoryUnit } from "../../units.js";
import { describeSource, unitHeader, unitValue } from "./estimate.js";
import { renderTable } from "./table.js";

/** Two-decimal GiB as vLLM prints it ("23.58GiB"). */
const vllmGiB = (bytes: number): string => `${bytesToGiB(bytes).toFixed(2)}GiB`;

/**
 * The report of `vramfit fit`. Its first lines are worded as the engine's own start-up log (vLLM's
 * "Memory profiling" and "Maximum concurrency" lines, SGLang's "KV Cache is allocated"), so a user
 * can hold them against a real log; the itemized budget with each term's rule and source follows.
 * Pure: returns the text.
 */
export function renderFit(fit: GpuFit, unit: MemoryUnit): string {
  const a = fit.assumptions;
  const b = fit.budget;
  const engine = fit.engine.id === "sglang" ? "SGLang" : "vLLM";
  const lines = [
    `${fit.model.id ?? fit.model.architecture ?? "model"} on ${fit.gpu.count} × ${fit.gpu.name} · ${engine} ${fit.engine.version}`,
    `  config      ${describeSource(fit.model.source)}`,
    `  rules       ${fit.engine.rules}`,
    `  settings    max_model_len ${formatInteger(a.contextLength)} · batch ${a.batchSize} · TP ${a.tensorParallel}${a.pipelineParallel > 1 ? ` × PP ${a.pipelineParallel}` : ""} · ${fit.engine.id === "sglang" ? "mem_fraction_static" : "gpu_memory_utilization"} ${a.gpuMemoryUtilization} · ${fit.engine.id === "sglang" ? "chunked_prefill_size" : "max_num_batched_tokens"} ${formatInteger(a.maxNumBatchedTokens)}${fit.engine.id === "sglang" ? "" : ` · max_num_seqs ${formatInteger(a.maxNumSeqs)} · block_size ${a.blockSize}`} · ${a.weights.toUpperCase()} weights · ${a.kvCacheDtype.toUpperCase()} KV cache${a.enforceEager ? " · enforce_eager" : ""}`,
    "",
    "  As the engine would log it:",
    ...engineLines(fit).map((line) => `    ${line}`),
    "",
    `  ${fit.fits ? "FITS" : fit.starts ? "STARTS, TOO SMALL" : "REFUSED"}  ${fit.verdict}`,
    `  Longest max_model_len for ${a.batchSize} sequence${a.batchSize === 1 ? "" : "s"}: ${fit.maxContextLength === 0 ? "none" : `${formatInteger(fit.maxContextLength)} tokens`}`,
    "",
    "  Budget per GPU",
    renderTable(
      ["Term", unitHeader(unit), "Bytes", "Rule"],
      [
        [
          "Total (driver)",
          unitValue(b.total.bytes, unit),
          formatInteger(b.total.bytes),
          b.total.rule,
        ],
        [
          "Utilization cap",
          unitValue(b.utilizationCap.bytes, unit),
          formatInteger(b.utilizationCap.bytes),
          b.utilizationCap.rule,
        ],
        [
          "− Weights",
          unitValue(b.weights.bytes, unit),
          formatInteger(b.weights.bytes),
          b.weights.rule,
        ],
        [
          "− Activation peak",
          unitValue(b.activationPeak.bytes, unit),
          formatInteger(b.activationPeak.bytes),
          b.activationPeak.rule,
        ],
        [
          "− Non-torch",
          unitValue(b.nonTorch.bytes, unit),
          formatInteger(b.nonTorch.bytes),
          b.nonTorch.rule,
        ],
        [
          "− CUDA graphs",
          unitValue(b.cudaGraphs.bytes, unit),
          formatInteger(b.cudaGraphs.bytes),
          b.cudaGraphs.rule,
        ],
        [
          "= KV cache",
          fit.shortfallBytes > 0
            ? `−${unitValue(fit.shortfallBytes, unit)}`
            : unitValue(b.kvCache.bytes, unit),
          fit.shortfallBytes > 0
            ? `−${formatInteger(fit.shortfallBytes)}`
            : formatInteger(b.kvCache.bytes),
          b.kvCache.rule,
        ],
      ],
      ["left", "right", "right", "left"],
    ),
    "",
    "  Sources",
    ...(
      [
        ["total", b.total],
        ["utilization cap", b.utilizationCap],
        ["weights", b.weights],
        ["activation peak", b.activationPeak],
        ["non-torch", b.nonTorch],
        ["CUDA graphs", b.cudaGraphs],
        ["KV cache", b.kvCache],
      ] as const
    ).map(([term, value]) => `    ${term}: ${value.source}`),
    "",
    "  Assumptions",
    ...a.notes.map((note) => `    - ${note}`),
  ];
  if (fit.warnings.length > 0) {
    lines.push("", "  Warnings", ...fit.warnings.map((warning) => `    ! ${warning}`));
  }
  return `${lines.join("\n")}\n`;
}

/** The lines the engine's own start-up would print for this budget. */
function engineLines(fit: GpuFit): string[] {
  const a = fit.assumptions;
  const b = fit.budget;
  const kv = fit.shortfallBytes > 0 ? -fit.shortfallBytes : b.kvCache.bytes;
  const concurrency =
    fit.maxConcurrency === null
      ? []
      : [
          `Maximum concurrency for ${formatInteger(a.contextLength)} tokens per request: ${fit.maxConcurrency.toFixed(2)}x`,
        ];
  if (fit.engine.id === "sglang") {
    const halfGiB = bytesToGiB(fit.kvCache.tokens * fit.kvCache.bytesPerToken) / 2;
    const freeAtStart = b.utilizationCap.bytes / a.gpuMemoryUtilization;
    return [
      `Load weight begin. avail mem=${bytesToGiB(freeAtStart).toFixed(2)} GB`,
      `Load weight end. avail mem=${bytesToGiB(freeAtStart - b.weights.bytes).toFixed(2)} GB, mem usage=${bytesToGiB(b.weights.bytes).toFixed(2)} GB.`,
      `KV Cache is allocated. #tokens: ${fit.kvCache.tokens}, K size: ${halfGiB.toFixed(2)} GB, V size: ${halfGiB.toFixed(2)} GB`,
      `max_total_num_tokens=${fit.kvCache.tokens}, context_len=${a.contextLength}`,
      ...(fit.refusal === null ? [] : [fit.refusal]),
    ];
  }
  const v0Style = [
    `the current vLLM instance can use total_gpu_memory (${vllmGiB(b.total.bytes)}) x gpu_memory_utilization (${a.gpuMemoryUtilization.toFixed(2)}) = ${vllmGiB(b.utilizationCap.bytes)}`,
    `model weights take ${vllmGiB(b.weights.bytes)}; non_torch_memory takes ${vllmGiB(b.nonTorch.bytes)}; PyTorch activation peak memory takes ${vllmGiB(b.activationPeak.bytes)};${b.cudaGraphs.bytes > 0 ? ` CUDA graph memory takes ${vllmGiB(b.cudaGraphs.bytes)};` : ""} the rest of the memory reserved for KV Cache is ${kv < 0 ? "-" : ""}${vllmGiB(Math.abs(kv))}.`,
  ];
  const blocks = `# GPU blocks: ${fit.kvCache.blocks} (${formatInteger(fit.kvCache.tokens)} tokens of ${fit.kvCache.blockSize})`;
  const v1 = fit.engine.rules.startsWith("vLLM V1");
  return [
    ...v0Style,
    ...(v1
      ? [
          `Available KV cache memory: ${kv < 0 ? "-" : ""}${vllmGiB(Math.abs(kv)).replace("GiB", " GiB")}`,
          `GPU KV cache size: ${formatInteger(fit.kvCache.tokens)} tokens`,
        ]
      : [blocks]),
    ...concurrency,
    ...(fit.refusal === null ? [] : [fit.refusal]),
  ];
}
