/**
 * The plans the template generators take, built from a blueprint's decisions, so
 * `renderTemplates(plan.templates, targets)` writes the chosen deployment.
 */
import type { GpuCatalog } from "../../hardware/catalog.js";
import type { GpuMatch } from "../../hardware/rank-gpus.js";
import type { InferenceEstimate } from "../../memory/estimate-inference.js";
import type { TrainingEstimate } from "../../memory/training/estimate-training.js";
import { linearModules } from "../../memory/training/modules.js";
import { LORA_TARGET_PRESETS } from "../../memory/training/lora.js";
import type { ModelSpec } from "../../model/model-spec.js";
import type { InfraPlan, ServingPlan, TrainingPlan } from "../templates/plans.js";
import type { TemplateTarget } from "../templates/render-templates.js";
import type { VllmEngineVersion } from "../templates/vllm-versions.js";
import type { PricingDecision } from "./pricing.js";

/** The repo id the templates name when the model was given as a config object. */
export const MODEL_ID_PLACEHOLDER = "your-org/your-model";

/** The serving replica: the chosen parallelism, the context and batch the KV cache was sized for. */
export function servingPlanFrom(
  spec: ModelSpec,
  modelId: string,
  inference: InferenceEstimate,
  row: GpuMatch,
  options: {
    readonly kvCacheDtype: ServingPlan["kvCacheDtype"];
    readonly gpuMemoryUtilization: number;
    readonly engineVersion: VllmEngineVersion;
  },
): ServingPlan {
  const a = inference.assumptions;
  return {
    modelId,
    ...(spec.quantization === undefined
      ? { weights: a.weights }
      : { checkpointQuantization: spec.quantization.method }),
    kvCacheDtype: options.kvCacheDtype ?? "auto",
    tensorParallel: row.tensorParallel ?? 1,
    pipelineParallel: row.pipelineParallel,
    // vLLM counts image placeholder tokens in max_model_len.
    maxModelLen: a.sequenceLength,
    maxNumSeqs: a.batchSize,
    gpuMemoryUtilization: options.gpuMemoryUtilization,
    ...(a.imagesPerRequest > 0 ? { imagesPerPrompt: a.imagesPerRequest } : {}),
    gpuName: row.name,
    engineVersion: options.engineVersion,
    numAttentionHeads: spec.numAttentionHeads,
    numKeyValueHeads: spec.numKeyValueHeads,
    ...(spec.maxPositionEmbeddings === undefined
      ? {}
      : { maxPositionEmbeddings: spec.maxPositionEmbeddings }),
  };
}

/** What the AWS fleet rents for the plan's replicas, priced at the pricing decision's rate. */
export interface FleetRent {
  readonly kind: "fleet-rent";
  /** The launch template's instance type (the cheapest fleet for the replicas). */
  readonly instanceType: string;
  /** Instances the group starts with. */
  readonly instances: number;
  /** GPUs on one instance. */
  readonly gpusPerInstance: number;
  /** Replicas one instance runs. */
  readonly replicasPerInstance: number;
  /** GPUs the replicas use: replicas × TP × PP. */
  readonly gpusUsed: number;
  /** GPUs rented: instances × GPUs per instance (≥ used). */
  readonly gpusRented: number;
  /** Dollars per hour for the instances (Spot for a Spot fleet, else On-Demand). */
  readonly usdPerHour: number;
  /** Spot or On-Demand. */
  readonly market: "spot" | "on-demand";
  /** Where the price comes from, and its date. */
  readonly priceSource: string;
}

/**
 * The AWS fleet that runs the plan's replicas, or why there is none. The instance type is the one
 * whose whole instances cost least for the replicas (not the cheapest per GPU: an 8-GPU instance
 * for one 2-GPU replica rents 6 idle GPUs), and each instance runs only as many replicas as the
 * plan has, so the template's capacity and cost are the plan's.
 */
export function infraPlanFrom(
  catalog: GpuCatalog,
  row: GpuMatch,
  details: {
    readonly replicas: number;
    readonly pricing: PricingDecision;
    readonly region: string;
    readonly clouds: readonly string[];
  },
): {
  readonly infra: InfraPlan | undefined;
  readonly rent: FleetRent | undefined;
  readonly note: string | null;
} {
  const gpusPerReplica = (row.tensorParallel ?? 1) * row.pipelineParallel;
  if (details.clouds.length > 0 && !details.clouds.includes("aws")) {
    return {
      infra: undefined,
      rent: undefined,
      note: "Terraform and CloudFormation templates are AWS-only: add aws to the clouds to get them",
    };
  }
  const spot = details.pricing.spotInFleet;
  const replicas = Math.max(1, details.replicas);
  const candidates = Object.values(catalog.instances)
    .filter(
      (instance) =>
        instance.provider === "aws" &&
        instance.acceleratorId === row.acceleratorId &&
        instance.gpuCount >= gpusPerReplica,
    )
    .flatMap((instance) => {
      const usdPerHour = (spot ? instance.spotUsdPerHour : null) ?? instance.onDemandUsdPerHour;
      if (usdPerHour === null) return [];
      const replicasPerInstance = Math.min(
        Math.floor(instance.gpuCount / gpusPerReplica),
        replicas,
      );
      const instances = Math.ceil(replicas / replicasPerInstance);
      const market: FleetRent["market"] =
        spot && instance.spotUsdPerHour != null ? "spot" : "on-demand";
      return [
        { instance, replicasPerInstance, instances, usdPerHour: usdPerHour * instances, market },
      ];
    })
    .sort((a, b) => a.usdPerHour - b.usdPerHour || a.instance.gpuCount - b.instance.gpuCount);
  const best = candidates[0];
  if (best === undefined || row.pipelineParallel > 1) {
    return {
      infra: undefined,
      rent: undefined,
      note: `no AWS instance in the catalog holds one replica (${gpusPerReplica} × ${row.name}): no Terraform or CloudFormation template for this plan`,
    };
  }
  const { instance, replicasPerInstance, instances } = best;
  const instanceTypes = candidates
    .filter((candidate) => candidate.instance.gpuCount === instance.gpuCount)
    .map((candidate) => candidate.instance.name);
  const rent: FleetRent = {
    kind: "fleet-rent",
    instanceType: instance.name,
    instances,
    gpusPerInstance: instance.gpuCount,
    replicasPerInstance,
    gpusUsed: replicas * gpusPerReplica,
    gpusRented: instances * instance.gpuCount,
    usdPerHour: best.usdPerHour,
    market: best.market,
    priceSource: `${instance.priceSource} (as of ${instance.priceAsOf})`,
  };
  const idle = rent.gpusRented - rent.gpusUsed;
  return {
    infra: {
      region: details.region,
      instanceTypes: [...new Set(instanceTypes)],
      gpusPerInstance: instance.gpuCount,
      replicasPerInstance,
      // Batch work is retryable: Spot only, scaled to zero between jobs. Real-time replicas stay
      // On-Demand, and the plan's instances are the floor.
      minSize: spot ? 0 : instances,
      maxSize: Math.max(instances * 2, 2),
      ...(spot ? { desiredCapacity: instances } : {}),
      onDemandBaseCapacity: spot ? 0 : instances,
      onDemandPercentageAboveBaseCapacity: spot ? 0 : 100,
    },
    rent,
    note:
      idle > 0
        ? `the fleet rents ${instances} × ${instance.name} (${rent.gpusRented} GPUs) for ${rent.gpusUsed} used: ${idle} GPU(s) idle; it costs $${rent.usdPerHour.toFixed(2)}/h ${rent.market}, the whole instances`
        : null,
  };
}

/** The axolotl / PEFT run of a LoRA or QLoRA plan, matching the estimate it was sized from. */
export function trainingPlanFrom(
  spec: ModelSpec,
  modelId: string,
  training: TrainingEstimate,
): TrainingPlan | undefined {
  const a = training.assumptions;
  if (training.method === "full") {
    // The estimate's layout: GPUs, ZeRO stage, offload, micro-batch, checkpointing.
    return {
      baseModel: modelId,
      method: "full",
      sequenceLength: a.sequenceLength,
      microBatchSize: a.microBatchSize,
      gpuCount: a.gpuCount,
      zeroStage: a.zeroStage,
      offloadOptimizer: a.offloadOptimizer,
      gradientCheckpointing: a.gradientCheckpointing,
      attnImplementation: a.attention === "eager" ? "eager" : "flash_attention_2",
      // The optimizer the estimate sized: 32-bit AdamW states unless it assumed 8-bit ones.
      optimizer: a.optimizer === "adamw-8bit" ? "adamw_bnb_8bit" : "adamw_torch_fused",
    };
  }
  return {
    baseModel: modelId,
    method: training.method,
    rank: a.rank ?? 16,
    targetModules: targetModules(spec, a.targets ?? []),
    sequenceLength: a.sequenceLength,
    microBatchSize: a.microBatchSize,
    gpuCount: a.gpuCount,
    gradientCheckpointing: a.gradientCheckpointing,
    attnImplementation: a.attention === "eager" ? "eager" : "flash_attention_2",
    ...(a.optimizer === "adamw-8bit" ? { optimizer: "adamw_bnb_8bit" } : {}),
  };
}

/** `"all-linear"` when every role of the preset is adapted, else the module names. */
function targetModules(spec: ModelSpec, targets: readonly string[]): TrainingPlan["targetModules"] {
  const modules = linearModules(spec);
  const present = new Set(modules.flatMap((module) => module.targets));
  const allLinear = LORA_TARGET_PRESETS["all-linear"].filter((role) => present.has(role));
  if (allLinear.every((role) => targets.includes(role))) return "all-linear";
  const names = modules
    .filter((module) => module.targets.some((role) => targets.includes(role)))
    .map((module) => module.name.split(".").at(-1) ?? module.name);
  return [...new Set(names)];
}

/** The template targets a plan's templates can render. */
export function templateTargetsFor(plans: {
  readonly serving?: ServingPlan | undefined;
  readonly training?: TrainingPlan | undefined;
  readonly infra?: InfraPlan | undefined;
}): TemplateTarget[] {
  const targets: TemplateTarget[] = [];
  if (plans.serving !== undefined) targets.push("vllm", "tgi", "k8s");
  if (plans.serving !== undefined && plans.infra !== undefined)
    targets.push("terraform", "cloudformation");
  if (plans.training !== undefined) {
    targets.push("axolotl");
    if (plans.training.method !== "full") targets.push("peft");
  }
  return targets;
}
