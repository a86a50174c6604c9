/**
 * The last decision of the blueprint: how to pay for the GPUs. One rule table decides it from
 * the workload class, the run's length and whether it can resume after an interruption; the
 * checklist (check 11) judges a user's own choice against the same rules.
 */
import type { InstanceSpec } from "../../hardware/instance.js";
import { formatInteger } from "../../units.js";
import { cheapestGpuPrice, type PricePoint } from "../../hardware/price.js";
import { WORKLOADS } from "../../hardware/workloads.js";
import { WORKLOAD_CLASSES, type WorkloadClass } from "./request.js";

/** How GPUs are paid for. `autoscaling` is a group with an On-Demand base and Spot above it. */
export type PricingModel = "on-demand" | "reserved" | "spot" | "autoscaling";

/** What each pricing model is, with the figures and sources behind it. */
export const PRICING_MODELS = {
  "on-demand": {
    label: "On-Demand",
    summary: "pay by the hour, no commitment, never interrupted",
    source: "provider list prices (the instance catalog, each price with its date)",
  },
  reserved: {
    label: "reserved (1- or 3-year commitment)",
    summary:
      "a 1- or 3-year commitment: AWS g6e.xlarge reserved instances ran ≈ 37–41 % (1 year) and ≈ 57–62 % (3 years) below On-Demand",
    source:
      "1-year reserved g6e.xlarge ≈ 37–41 % below on-demand (Modal's AWS price table, 2025-08-12; docs/methodology.md#cost-and-workloads); the shortest AWS reservation term is 1 year",
  },
  spot: {
    label: "Spot (interruptible)",
    summary:
      "spare capacity the provider can reclaim with a 2-minute notice: 48–84 % below On-Demand for AWS GPU instances in the snapshot",
    source:
      "AWS EC2 user guide, Spot Instance interruption notices (2 minutes): https://docs.aws.amazon.com/AWSEC2/latest/UserGuide/spot-instance-termination-notices.html; spot discounts from the SkyPilot catalog snapshot (github.com/skypilot-org/skypilot-catalog catalogs/v7/aws/vms.csv @001367d2)",
  },
  autoscaling: {
    label: "autoscaling group (On-Demand base, Spot above it)",
    summary:
      "an autoscaling group scaled on vLLM's queue depth: an On-Demand base for the steady load, Spot for bursts, scaling to zero when idle",
    source: "AWS Auto Scaling MixedInstancesPolicy (the CloudFormation and Terraform templates)",
  },
} as const satisfies Record<
  PricingModel,
  { readonly label: string; readonly summary: string; readonly source: string }
>;

/** Every {@link PricingModel}. */
export const PRICING_MODEL_IDS = Object.keys(PRICING_MODELS) as readonly PricingModel[];

/**
 * Thresholds of the pricing rules (vramfit's choices, documented in docs/methodology.md):
 * - `longRunHours`: a training run longer than this must checkpoint to run on Spot (an interruption
 *   then costs at most the work since the last checkpoint);
 * - `reservedMinHours`: 1 year, the shortest AWS reservation term;
 * - reserved discounts: the low end of the AWS g6e.xlarge figures (1 year ≈ 37 %, 3 years ≈ 57 %).
 */
export const PRICING_RULES = {
  longRunHours: 1,
  reservedMinHours: 8760,
  reservedDiscountOneYear: 0.37,
  reservedDiscountThreeYears: 0.57,
} as const;

/** The blueprint's pricing choice, and how the fleet templates follow it. */
export interface PricingDecision {
  /** The model chosen. */
  readonly model: PricingModel;
  /** Why, in one sentence. */
  readonly reason: string;
  /** The ranking's pricing advice for the workload. */
  readonly advice: string;
  /** Whether the fleet may run Spot capacity (above its On-Demand base). */
  readonly spotInFleet: boolean;
  /** The prices of the options for the chosen GPUs, each with its source and date. */
  readonly options: PricingOptions;
}

/** What the chosen GPUs cost under each pricing model. */
export interface PricingOptions {
  /** On-Demand price for the GPUs one replica (or training group) uses, or `null` when none is known. */
  readonly onDemand: PricePoint | null;
  /** Spot price for the same GPUs, or `null`. */
  readonly spot: PricePoint | null;
  /** On-Demand × (1 − 0.37): a 1-year reservation, estimated from the AWS discount above. */
  readonly reservedOneYearUsdPerHour: number | null;
  /** On-Demand × (1 − 0.57): a 3-year reservation, estimated. */
  readonly reservedThreeYearsUsdPerHour: number | null;
}

/** The inputs of the pricing rules. */
export interface PricingInputs {
  /** Workload class. */
  readonly workload: WorkloadClass;
  /** How long the deployment or run lasts, in hours, when known. */
  readonly durationHours: number | null;
  /** Whether a training run checkpoints. */
  readonly checkpointing: boolean;
}

/**
 * Chooses the pricing model:
 * - real-time serving: On-Demand (reserved when it runs a year or more); never Spot, whose
 *   interruptions drop live requests;
 * - batch inference: an autoscaling group on Spot that scales to zero (the work is retryable);
 * - training: Spot when the run checkpoints (or is at most 1 hour long); On-Demand otherwise.
 */
export function choosePricing(inputs: PricingInputs, options: PricingOptions): PricingDecision {
  const kind = WORKLOAD_CLASSES[inputs.workload];
  const advice = WORKLOADS[kind.rankingWorkload].pricingAdvice;
  const longRun =
    inputs.durationHours === null || inputs.durationHours > PRICING_RULES.longRunHours;
  const decide = (model: PricingModel, reason: string, spotInFleet: boolean): PricingDecision => ({
    model,
    reason,
    advice,
    spotInFleet,
    options,
  });
  switch (inputs.workload) {
    case "realtime":
      return inputs.durationHours !== null && inputs.durationHours >= PRICING_RULES.reservedMinHours
        ? decide(
            "reserved",
            `latency-critical serving kept ${hours(inputs.durationHours)}: a 1-year reservation cuts On-Demand by ≈ 37 % and is never interrupted`,
            false,
          )
        : decide(
            "on-demand",
            "latency-critical serving: Spot interruptions (2-minute notice) would drop live requests; scale On-Demand replicas on queue depth, and reserve the steady base once it runs a year",
            false,
          );
    case "batch":
      return decide(
        "autoscaling",
        "retryable batch work: Spot capacity in an autoscaling group that scales to zero between jobs",
        true,
      );
    default:
      if (inputs.checkpointing) {
        return decide(
          "spot",
          "the run checkpoints, so an interruption costs only the work since the last checkpoint",
          false,
        );
      }
      return longRun
        ? decide(
            "on-demand",
            `no checkpoints and a run ${inputs.durationHours === null ? "of unknown length" : `of ${hours(inputs.durationHours)}`}: a Spot interruption would lose all of it`,
            false,
          )
        : decide(
            "spot",
            `a short run (${hours(inputs.durationHours)}): an interruption loses at most ${PRICING_RULES.longRunHours} hour`,
            false,
          );
  }
}

/** A user's pricing choice judged against the rules: the status and reason of check 11. */
export interface PricingVerdict {
  /** pass, warn or fail. */
  readonly status: "pass" | "warn" | "fail";
  /** One line. */
  readonly reason: string;
}

/** Judges a stated pricing model against {@link choosePricing}'s rules (checklist check 11). */
export function judgePricing(
  model: PricingModel | undefined,
  inputs: PricingInputs,
): PricingVerdict {
  const serving = WORKLOAD_CLASSES[inputs.workload].kind === "serving";
  const duration = inputs.durationHours;
  const shortOfReservation = duration === null || duration < PRICING_RULES.reservedMinHours;
  if (model === undefined) {
    return {
      status: "warn",
      reason: `no pricing model stated; for ${WORKLOAD_CLASSES[inputs.workload].label} the rule is ${choosePricing(inputs, NO_PRICES).model}`,
    };
  }
  if (model === "reserved" && shortOfReservation) {
    return {
      status: "warn",
      reason: `reserved capacity commits for at least a year; ${duration === null ? "no duration is stated" : `this runs ${hours(duration)}`}`,
    };
  }
  if (inputs.workload === "realtime") {
    if (model === "spot") {
      return {
        status: "fail",
        reason:
          "Spot for latency-critical serving: an interruption (2-minute notice) drops live requests; use On-Demand or reserved",
      };
    }
    if (model === "autoscaling") {
      return {
        status: "warn",
        reason:
          "an autoscaling group with Spot above its base: keep real-time replicas On-Demand (set the On-Demand share to 100 %)",
      };
    }
    if (model === "on-demand" && !shortOfReservation) {
      return {
        status: "warn",
        reason: `On-Demand for ${hours(duration)}: a 1-year reservation would cost ≈ 37 % less`,
      };
    }
    return {
      status: "pass",
      reason: `${PRICING_MODELS[model].label} suits latency-critical serving`,
    };
  }
  if (serving) {
    return model === "on-demand"
      ? {
          status: "warn",
          reason:
            "On-Demand for retryable batch work: Spot in an autoscaling group ran 48–84 % cheaper in the snapshot",
        }
      : { status: "pass", reason: `${PRICING_MODELS[model].label} suits retryable batch work` };
  }
  // Training.
  const longRun = duration === null || duration > PRICING_RULES.longRunHours;
  if (model === "spot") {
    if (!inputs.checkpointing && longRun) {
      return {
        status: "fail",
        reason: `Spot without checkpoints for a run ${duration === null ? "of unknown length" : `of ${hours(duration)}`}: one interruption loses the whole run; enable checkpointing or use On-Demand`,
      };
    }
    return {
      status: "pass",
      reason: inputs.checkpointing
        ? "Spot with checkpoints: an interruption costs only the work since the last checkpoint"
        : `Spot for a run of at most ${PRICING_RULES.longRunHours} hour`,
    };
  }
  if (model === "autoscaling") {
    return {
      status: "warn",
      reason: "a training run uses a fixed group of GPUs; autoscaling groups are for serving",
    };
  }
  if (model === "on-demand" && inputs.checkpointing && longRun) {
    return {
      status: "warn",
      reason:
        "On-Demand for a run that checkpoints: Spot would cost far less (48–84 % below On-Demand in the snapshot)",
    };
  }
  return { status: "pass", reason: `${PRICING_MODELS[model].label} suits this run` };
}

const NO_PRICES: PricingOptions = {
  onDemand: null,
  spot: null,
  reservedOneYearUsdPerHour: null,
  reservedThreeYearsUsdPerHour: null,
};

/**
 * What `gpuCount` GPUs of an accelerator cost under each pricing model: the cheapest On-Demand
 * and Spot prices per GPU-hour among instances holding a whole tensor-parallel group (each with
 * its source and date), and reservations estimated from the On-Demand price.
 */
export function pricingOptions(
  acceleratorId: string,
  instances: Readonly<Record<string, InstanceSpec>>,
  group: {
    readonly clouds: readonly string[];
    readonly gpuCount: number;
    readonly tensorParallel: number;
  },
): PricingOptions {
  const at = (spot: boolean): PricePoint | null =>
    cheapestGpuPrice(acceleratorId, instances, { ...group, spot });
  const onDemand = at(false);
  return {
    onDemand,
    spot: at(true),
    reservedOneYearUsdPerHour:
      onDemand === null ? null : onDemand.usdPerHour * (1 - PRICING_RULES.reservedDiscountOneYear),
    reservedThreeYearsUsdPerHour:
      onDemand === null
        ? null
        : onDemand.usdPerHour * (1 - PRICING_RULES.reservedDiscountThreeYears),
  };
}

function hours(value: number): string {
  return value >= 48 ? `${formatInteger(value / 24)} days` : `${value} h`;
}
