/**
 * The comparison every plan carries: the chosen GPUs next to the naive baseline people start
 * from, BF16 weights on A100 80GB, side by side with the ratios.
 */
import type { GpuMatch } from "../../hardware/rank-gpus.js";
import type { BaselineComparison, ComparedDeployment } from "./plan-types.js";

/** The baseline accelerator: A100 SXM4 80GB (the catalog's `nvidia-a100-80gb-sxm`). */
export const BASELINE_ACCELERATOR_ID = "nvidia-a100-80gb-sxm";

/** One side of the comparison from a ranking row. */
export function comparedFrom(
  label: string,
  row: GpuMatch,
  ttftTargetMs: number | null,
): ComparedDeployment {
  const fits = row.fits;
  return {
    label: fits
      ? `${label} on ${row.gpuCount ?? 1} × ${row.name} (TP ${row.tensorParallel ?? 1}${row.pipelineParallel > 1 ? `, PP ${row.pipelineParallel}` : ""})`
      : `${label} on ${row.name} (does not fit)`,
    acceleratorId: row.acceleratorId,
    fits,
    gpuCount: fits ? row.gpuCount : null,
    tensorParallel: fits ? row.tensorParallel : null,
    tokensPerSecond: row.tokensPerSecond,
    usdPerMillionTokens: row.usdPerMillionOutputTokens,
    ttftSeconds: row.ttftSeconds,
    meetsTtftTarget:
      ttftTargetMs === null || row.ttftSeconds === null
        ? null
        : row.ttftSeconds * 1000 <= ttftTargetMs,
    price: row.price,
  };
}

/**
 * Puts the chosen plan next to the baseline: ratios chosen ÷ baseline for tokens/s (above 1: more
 * throughput), $ per 1M tokens and TTFT (below 1: cheaper, faster). Both sides use the same kind
 * of price (On-Demand for serving, Spot for training), so the ratio compares hardware and
 * precision, not pricing models.
 */
export function compareWithBaseline(
  chosen: ComparedDeployment,
  baseline: ComparedDeployment,
  ttftTargetMs: number | null,
): BaselineComparison {
  const ratio = (a: number | null, b: number | null): number | null =>
    a === null || b === null || b <= 0 ? null : a / b;
  const ratios = {
    tokensPerSecond: ratio(chosen.tokensPerSecond, baseline.tokensPerSecond),
    usdPerMillionTokens: ratio(chosen.usdPerMillionTokens, baseline.usdPerMillionTokens),
    ttft: ratio(chosen.ttftSeconds, baseline.ttftSeconds),
  };
  const parts: string[] = [];
  if (!baseline.fits) parts.push(`the baseline (${baseline.label}) does not fit`);
  if (ratios.tokensPerSecond !== null) {
    parts.push(`${ratios.tokensPerSecond.toFixed(2)}× the baseline's tokens/s`);
  }
  if (ratios.usdPerMillionTokens !== null) {
    parts.push(`${ratios.usdPerMillionTokens.toFixed(2)}× its $ per 1M tokens`);
  }
  if (chosen.ttftSeconds !== null && baseline.ttftSeconds !== null) {
    const target =
      ttftTargetMs === null
        ? ""
        : ` (target ${ttftTargetMs} ms: ${met(chosen)} vs ${met(baseline)})`;
    parts.push(
      `TTFT ${(chosen.ttftSeconds * 1000).toFixed(0)} ms vs ${(baseline.ttftSeconds * 1000).toFixed(0)} ms${target}`,
    );
  }
  return {
    baseline,
    chosen,
    ratios,
    ttftTargetMs,
    summary: parts.length === 0 ? "no figures to compare" : `The plan: ${parts.join("; ")}.`,
  };
}

function met(side: ComparedDeployment): string {
  return side.meetsTtftTarget === true ? "met" : "missed";
}
