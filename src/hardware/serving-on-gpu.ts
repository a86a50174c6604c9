import {
  servingFit,
  servingFitsAt,
  servingMaxContextLength,
  servingNeeds,
  type ServingNeeds,
} from "../memory/serving/serving-fit.js";
import type {
  ServingFitFigures,
  ServingGpu,
  ServingParallel,
} from "../memory/serving/serving-types.js";
import type { AcceleratorSpec } from "./accelerator.js";
import { executionOn } from "./execution.js";
import type { GpuRequirement, ServingRequirement } from "./requirement.js";

/**
 * The bridge from the catalog to the serving budget of src/memory/serving: an accelerator as the
 * engine's start-up sees it, and the budget of a serving requirement on it. `fitOnGpu`, the GPU
 * and instance rankings, the blueprint and the checklist all size serving through here, so they
 * agree (docs/methodology.md#serving-fit).
 */

/** An accelerator as the serving budget reads it. */
export function servingGpuOf(accelerator: AcceleratorSpec): ServingGpu {
  return {
    name: accelerator.name,
    family: accelerator.family,
    memoryBytes: accelerator.memoryBytes,
    cudaMemoryBytes: accelerator.cudaMemoryBytes,
    cudaMemorySource: accelerator.cudaMemorySource,
    computeCapability: accelerator.computeCapability,
  };
}

/** The parallelism of one trial, with the weight bytes a precision fallback adds on this GPU. */
function parallelOf(
  requirement: GpuRequirement,
  accelerator: AcceleratorSpec,
  tp: number,
  pp: number,
): ServingParallel {
  return {
    tensorParallel: tp,
    pipelineParallel: pp,
    extraWeightsBytes: executionOn(requirement, accelerator).extraWeightsBytes,
  };
}

/** A requirement that carries serving shapes. */
export type ServingGpuRequirement = GpuRequirement & { readonly serving: ServingRequirement };

/** Whether a requirement is sized with the serving budget. */
export function hasServing(requirement: GpuRequirement): requirement is ServingGpuRequirement {
  return requirement.serving !== undefined;
}

/** The itemized serving budget of a requirement on one accelerator at `tp × pp`. */
export function servingFitOn(
  requirement: ServingGpuRequirement,
  accelerator: AcceleratorSpec,
  tp: number,
  pp = 1,
): ServingFitFigures {
  const { model, settings } = requirement.serving;
  return servingFit(
    model,
    settings,
    servingGpuOf(accelerator),
    parallelOf(requirement, accelerator, tp, pp),
  );
}

/** The serving needs of a requirement on one accelerator at `tp × pp`, in numbers only. */
export function servingNeedsOn(
  requirement: ServingGpuRequirement,
  accelerator: AcceleratorSpec,
  tp: number,
  pp = 1,
): ServingNeeds {
  const { model, settings } = requirement.serving;
  return servingNeeds(
    model,
    settings,
    servingGpuOf(accelerator),
    parallelOf(requirement, accelerator, tp, pp),
  );
}

/** Whether the engine starts and holds the requirement's batch on one accelerator at `tp × pp`. */
export function servingFitsOn(
  requirement: ServingGpuRequirement,
  accelerator: AcceleratorSpec,
  tp: number,
  pp = 1,
): boolean {
  const { model, settings } = requirement.serving;
  return servingFitsAt(
    model,
    settings,
    servingGpuOf(accelerator),
    parallelOf(requirement, accelerator, tp, pp),
  );
}

/**
 * The longest context at which the engine starts and holds the requirement's batch (and, with
 * `batchSize`, that many sequences) on one accelerator at `tp × pp`.
 */
export function servingMaxContextOn(
  requirement: ServingGpuRequirement,
  accelerator: AcceleratorSpec,
  tp: number,
  pp = 1,
  batchSize = requirement.serving.settings.batchSize,
): number {
  const { model, settings } = requirement.serving;
  return servingMaxContextLength(
    model,
    { ...settings, batchSize },
    servingGpuOf(accelerator),
    parallelOf(requirement, accelerator, tp, pp),
  );
}

/**
 * The serving budget's rule in one line, for reports: which engine and release, and what must
 * fit under what.
 */
export function servingBudgetRule(serving: ServingRequirement): string {
  const { engine, release, gpuMemoryUtilization } = serving.settings;
  const version = `${release.major}.${release.minor}.${release.patch}`;
  return engine === "sglang"
    ? `SGLang ${version}: weights + KV pool ≤ ${gpuMemoryUtilization ?? "mem_fraction_static"} × the free memory at start`
    : `vLLM ${version}: weights as loaded + activation peak + non-torch + CUDA graphs + KV blocks ≤ ${gpuMemoryUtilization ?? "gpu_memory_utilization"} × the total the driver reports`;
}
