import fc from "fast-check";
import { describe, expect, it } from "vitest";
import {
  memoryBreakdownChart,
  memoryCurveChart,
  renderChart,
  type MemoryBreakdownChart,
} from "../../src/charts.js";
import { optionsAt } from "../../src/charts/curve.js";
import {
  ACCELERATORS,
  BUNDLED_MODELS,
  estimateInferenceFromSpec,
  parseModelConfig,
} from "../../src/index.js";
import { WEIGHT_PRECISION_IDS } from "../../src/memory/precision.js";

const SERVABLE = BUNDLED_MODELS.map((model) => ({
  repo: model.repo,
  spec: parseModelConfig(model.config),
})).filter((model) => model.spec.encoderOnly !== true);

/** A bundled model with a workload it accepts (pre-quantized checkpoints keep their precision). */
const workload = fc
  .record({
    model: fc.constantFrom(...SERVABLE),
    context: fc.integer({ min: 1, max: 65_536 }),
    batch: fc.integer({ min: 1, max: 64 }),
    weights: fc.constantFrom(...WEIGHT_PRECISION_IDS),
    engine: fc.constantFrom("vllm", "llamacpp", "transformers" as const),
  })
  .map(({ model, context, batch, weights, engine }) =>
    estimateInferenceFromSpec(model.spec, {
      contextLength: context,
      batchSize: batch,
      weights: model.spec.quantization === undefined ? weights : undefined,
      engine,
    }),
  );

const accelerator = fc.constantFrom(...Object.values(ACCELERATORS));

/** Characters XML 1.0 forbids even escaped. */
// eslint-disable-next-line no-control-regex -- the forbidden characters are the point
const NOT_XML = /[\u0000-\u0008\u000B\u000C\u000E-\u001F\uFFFE\uFFFF]/;

/** Every number in an SVG's attributes. */
function attributeNumbers(svg: string): number[] {
  return [...svg.matchAll(/ (?:x|y|x1|x2|y1|y2|cx|cy|r|width|height)="([^"]*)"/g)].map((m) =>
    Number(m[1]),
  );
}

describe("charts (properties)", () => {
  it("re-estimating at the asked x reproduces the estimate's KV cache and state", () => {
    fc.assert(
      fc.property(
        workload,
        fc.constantFrom("contextLength", "batchSize" as const),
        (estimate, knob) => {
          const x =
            knob === "contextLength"
              ? estimate.assumptions.contextLength
              : estimate.assumptions.batchSize;
          const again = estimateInferenceFromSpec(estimate.spec, optionsAt(estimate, knob, x));
          expect(again.memory.kvCacheBytes).toBe(estimate.memory.kvCacheBytes);
          expect(again.memory.stateCacheBytes).toBe(estimate.memory.stateCacheBytes);
          expect(again.memory.weightsBytes).toBe(estimate.memory.weightsBytes);
        },
      ),
      { numRuns: 60 },
    );
  });

  it("the curve rises with x, every coordinate is finite, and each crossing is the last x that fits", () => {
    fc.assert(
      fc.property(
        workload,
        accelerator,
        fc.constantFrom("context", "batch" as const),
        fc.double({ min: 0.5, max: 1, noNaN: true }),
        (estimate, card, axis, utilization) => {
          const chart = memoryCurveChart(estimate, {
            accelerator: card,
            axis,
            gpuMemoryUtilization: utilization,
            samples: 16,
          });
          for (const [previous, next] of chart.points
            .slice(1)
            .map((p, i) => [chart.points[i]!, p])) {
            expect(next!.x).toBeGreaterThan(previous!.x);
            expect(next!.bytes).toBeGreaterThanOrEqual(previous!.bytes);
          }
          for (const line of chart.lines) {
            if (line.crossing === null || line.usableBytes === null) continue;
            expect(line.crossing.bytes).toBeLessThanOrEqual(line.usableBytes);
            if (!line.crossing.wholeRange) {
              const knob = axis === "context" ? "contextLength" : "batchSize";
              const next = estimateInferenceFromSpec(
                estimate.spec,
                optionsAt(estimate, knob, line.crossing.x + 1),
              ).memory;
              expect(
                estimate.memory.weightsBytes + next.kvCacheBytes + next.stateCacheBytes,
              ).toBeGreaterThan(line.usableBytes);
            }
          }
          const svg = renderChart(chart);
          expect(attributeNumbers(svg).every(Number.isFinite)).toBe(true);
          expect(svg).not.toMatch(/NaN|Infinity|undefined/);
          expect(renderChart(chart)).toBe(svg); // deterministic
        },
      ),
      { numRuns: 40 },
    );
  });

  it("the breakdown's segments add up to its total and every figure is in the description", () => {
    fc.assert(
      fc.property(workload, fc.constantFrom("gb", "gib" as const), (estimate, unit) => {
        const chart = memoryBreakdownChart(estimate, { unit });
        expect(chart.segments.reduce((sum, s) => sum + s.bytes, 0)).toBe(chart.totalBytes);
        const svg = renderChart(chart);
        expect(attributeNumbers(svg).every(Number.isFinite)).toBe(true);
        const widths = [...svg.matchAll(/class="segment"[^>]* width="([^"]*)"/g)].map((m) =>
          Number(m[1]),
        );
        expect(widths.every((width) => width > 0 && width <= 600)).toBe(true);
      }),
      { numRuns: 60 },
    );
  });

  it("escapes whatever text a spec carries, and drops what XML forbids", () => {
    const binary = fc.string({ unit: "binary" });
    fc.assert(
      fc.property(binary, binary, (title, part) => {
        const chart: MemoryBreakdownChart = {
          kind: "memory-breakdown",
          title,
          unit: "gb",
          segments: [{ label: part, bytes: 1 }],
          totalBytes: 1,
        };
        const svg = renderChart(chart);
        // Only the chart's own elements: text never opens a tag.
        const tags = new Set([...svg.matchAll(/<\/?([^\s>/]*)/g)].map((match) => match[1]));
        expect(
          [...tags].every((tag) =>
            ["svg", "title", "desc", "rect", "text", "line", "g"].includes(tag!),
          ),
        ).toBe(true);
        expect(svg).not.toMatch(NOT_XML);
        // Reading the entities back gives the title, less the characters XML forbids.
        const shown = /<title id="vramfit-breakdown-title">([^<]*)<\/title>/.exec(svg)![1]!;
        const read = shown
          .replaceAll("&lt;", "<")
          .replaceAll("&gt;", ">")
          .replaceAll("&quot;", '"')
          .replaceAll("&#39;", "'")
          .replaceAll("&amp;", "&");
        expect(read).toBe(title.replace(new RegExp(NOT_XML, "g"), ""));
      }),
    );
  });
});
