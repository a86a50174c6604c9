import { describe, expectTypeOf, it } from "vitest";
import {
  memoryBreakdownChart,
  memoryCurveChart,
  renderChart,
  type ChartSpec,
  type CurveChartOptions,
  type MemoryBreakdownChart,
  type MemoryCurveChart,
} from "../../src/charts.js";
import type { AcceleratorSpec, InferenceEstimate, TrainingEstimate } from "../../src/index.js";

describe("vramfit/charts types", () => {
  it("renderChart takes either chart and returns the SVG text", () => {
    expectTypeOf(renderChart).parameter(0).toEqualTypeOf<ChartSpec>();
    expectTypeOf(renderChart).returns.toEqualTypeOf<string>();
    expectTypeOf<ChartSpec["kind"]>().toEqualTypeOf<"memory-breakdown" | "memory-curve">();
  });

  it("the builders take estimates and return plain specs", () => {
    expectTypeOf(memoryBreakdownChart)
      .parameter(0)
      .toEqualTypeOf<InferenceEstimate | TrainingEstimate>();
    expectTypeOf(memoryBreakdownChart).returns.toEqualTypeOf<MemoryBreakdownChart>();
    expectTypeOf(memoryCurveChart).parameter(0).toEqualTypeOf<InferenceEstimate>();
    expectTypeOf(memoryCurveChart).returns.toEqualTypeOf<MemoryCurveChart>();
  });

  it("the curve needs its cards; everything else is optional", () => {
    expectTypeOf<CurveChartOptions["accelerator"]>().toEqualTypeOf<AcceleratorSpec>();
    expectTypeOf<{ accelerator: AcceleratorSpec }>().toExtend<CurveChartOptions>();
    expectTypeOf<{ axis: "context" }>().not.toExtend<CurveChartOptions>();
  });
});
