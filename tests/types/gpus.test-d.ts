import { describe, expectTypeOf, it } from "vitest";
import {
  rankGpus,
  rankGpusForEstimate,
  rankInstances,
  type ErrorCode,
  type GpuRanking,
  type InferenceEstimate,
  type InstanceRanking,
  type ModelInput,
  type TrainingEstimate,
} from "../../src/index.js";
import { rankGpusForRequirement } from "../../src/hardware/rank-gpus.js";
import type { GpuRequirement } from "../../src/hardware/requirement.js";
import { requirementFromTraining } from "../../src/hardware/training-requirement.js";
import type { Workload } from "../../src/hardware/workloads.js";

describe("GPU ranking types", () => {
  it("rankGpus and rankInstances take an estimate (serving or training) or a model and resolve to rankings", () => {
    expectTypeOf(rankGpus)
      .parameter(0)
      .toEqualTypeOf<InferenceEstimate | TrainingEstimate | ModelInput>();
    expectTypeOf(rankGpusForEstimate)
      .parameter(0)
      .toEqualTypeOf<InferenceEstimate | TrainingEstimate>();
    expectTypeOf(rankGpus).returns.resolves.toEqualTypeOf<GpuRanking>();
    expectTypeOf(rankInstances).returns.resolves.toEqualTypeOf<InstanceRanking>();
    expectTypeOf(rankGpusForEstimate).returns.toEqualTypeOf<GpuRanking>();
  });

  it("the pure ranking takes the requirement shape training will convert into", () => {
    expectTypeOf(rankGpusForRequirement).parameter(0).toEqualTypeOf<GpuRequirement>();
    expectTypeOf<GpuRequirement["kind"]>().toEqualTypeOf<"inference" | "training">();
    expectTypeOf(requirementFromTraining).returns.toEqualTypeOf<GpuRequirement>();
  });

  it("workloads and the new error code are literal unions", () => {
    expectTypeOf<Workload>().toEqualTypeOf<"realtime" | "decode" | "batch" | "training">();
    expectTypeOf<"CATALOG_INVALID">().toExtend<ErrorCode>();
  });
});
