import { describe, expectTypeOf, it } from "vitest";
import {
  estimateTraining,
  estimateTrainingFromSpec,
  type HubOptions,
  type TrainingEstimate,
  type TrainingFramework,
  type TrainingMethod,
  type TrainingOptions,
  type TrainingPhase,
  type TrainingWarningCode,
} from "../../src/index.js";
import type { LoraTarget } from "../../src/model/weight-shapes.js";
import type { OptimizerId } from "../../src/memory/training/optimizers.js";
import type { ZeroStage } from "../../src/memory/training/training-options.js";

describe("training types", () => {
  it("estimateTraining is async and parallel to estimateTrainingFromSpec", () => {
    expectTypeOf(estimateTraining).returns.resolves.toEqualTypeOf<TrainingEstimate>();
    expectTypeOf(estimateTrainingFromSpec).returns.toEqualTypeOf<TrainingEstimate>();
    expectTypeOf(estimateTraining)
      .parameter(1)
      .toEqualTypeOf<(TrainingOptions & HubOptions) | undefined>();
  });

  it("methods, optimizers, targets and ZeRO stages are literal unions", () => {
    expectTypeOf<TrainingMethod>().toEqualTypeOf<"full" | "lora" | "qlora">();
    expectTypeOf<OptimizerId>().toEqualTypeOf<
      | "adamw"
      | "adamw-8bit"
      | "paged-adamw"
      | "paged-adamw-8bit"
      | "sgd"
      | "sgd-momentum"
      | "adafactor"
    >();
    expectTypeOf<ZeroStage>().toEqualTypeOf<0 | 1 | 2 | 3>();
    expectTypeOf<LoraTarget>().toEqualTypeOf<
      "q" | "k" | "v" | "o" | "gate" | "up" | "down" | "router"
    >();
  });

  it("options reject a ZeRO stage 4 and an unknown method at compile time", () => {
    // @ts-expect-error: ZeRO has stages 0-3
    const zero: TrainingOptions = { zeroStage: 4 };
    // @ts-expect-error: "dora" is not a TrainingMethod
    const method: TrainingOptions = { method: "dora" };
    expectTypeOf(zero).toExtend<TrainingOptions>();
    expectTypeOf(method).toExtend<TrainingOptions>();
  });

  it("frameworks, phases and warning codes are literal unions a program can branch on", () => {
    expectTypeOf<TrainingFramework>().toEqualTypeOf<
      "hf" | "torchtune" | "litgpt" | "axolotl" | "deepspeed"
    >();
    expectTypeOf<TrainingPhase>().toEqualTypeOf<"forward" | "backward" | "optimizer">();
    expectTypeOf<"UNKNOWN_FAMILY">().toExtend<TrainingWarningCode>();
    expectTypeOf<TrainingEstimate["warningCodes"]>().toEqualTypeOf<
      readonly TrainingWarningCode[]
    >();
    expectTypeOf<TrainingEstimate["memory"]["perGpu"]["phase"]>().toEqualTypeOf<TrainingPhase>();
  });

  it("sizes are plain numbers of bytes; LoRA details are absent for full training", () => {
    expectTypeOf<TrainingEstimate["memory"]["perGpu"]["totalBytes"]>().toEqualTypeOf<number>();
    expectTypeOf<
      TrainingEstimate["memory"]["perGpu"]["peakAllocatedBytes"]
    >().toEqualTypeOf<number>();
    expectTypeOf<
      TrainingEstimate["memory"]["perGpu"]["peakReservedBytes"]
    >().toEqualTypeOf<number>();
    expectTypeOf<TrainingEstimate["lora"]>().toExtend<object | undefined>();
  });
});
