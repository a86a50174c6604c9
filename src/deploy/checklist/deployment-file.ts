import * as z from "zod/mini";
import { VramfitError } from "../../errors.js";
import { INFERENCE_ENGINE_IDS } from "../../memory/engine.js";
import { KV_CACHE_DTYPE_IDS, WEIGHT_PRECISION_IDS } from "../../memory/precision.js";
import { PRICING_MODEL_IDS } from "../blueprint/pricing.js";
import { WORKLOAD_CLASS_IDS } from "../blueprint/request.js";
import type { UserDeployment } from "./user-deployment.js";
import { explainIssue } from "../../options/explain-issue.js";

/*
 * The JSON file form of a deployment (`vramfit check deployment.json`). Objects are strict, so a
 * misspelt field is reported rather than silently ignored; sizes a person writes by hand are in
 * GB (10^9 bytes), as the field names say.
 */

const count = z.int().check(z.positive());
const gigabytes = z.number().check(z.positive());

/** What the owner's own sizing assumed (`sizing` in the file). */
export const UserSizingSchema = z.strictObject({
  kvHeads: z.optional(count),
  layers: z.optional(count),
  headDim: z.optional(count),
  kvCacheGB: z.optional(gigabytes),
  weightsGB: z.optional(gigabytes),
  contextLength: z.optional(count),
  batchSize: z.optional(count),
  imageTokensPerRequest: z.optional(z.int().check(z.nonnegative())),
});

/** A deployment file: `gpu` and `gpuCount` are required; see `UserDeployment` for every field. */
export const UserDeploymentSchema = z.strictObject({
  /** Free text for people; ignored. */
  description: z.optional(z.string()),
  model: z.optional(z.string().check(z.minLength(1))),
  workload: z.optional(z.enum(WORKLOAD_CLASS_IDS)),
  gpu: z.string().check(z.minLength(1)),
  gpuCount: count,
  tensorParallel: z.optional(count),
  pipelineParallel: z.optional(count),
  contextLength: z.optional(count),
  batchSize: z.optional(count),
  weights: z.optional(z.enum(["auto", ...WEIGHT_PRECISION_IDS])),
  kvCacheDtype: z.optional(z.enum(["auto", ...KV_CACHE_DTYPE_IDS])),
  imagesPerRequest: z.optional(z.int().check(z.nonnegative())),
  engine: z.optional(z.enum(INFERENCE_ENGINE_IDS)),
  gpuMemoryUtilization: z.optional(z.number().check(z.positive(), z.lte(1))),
  overheadFraction: z.optional(z.number().check(z.gte(0), z.lte(1))),
  pricing: z.optional(z.enum(PRICING_MODEL_IDS)),
  checkpointing: z.optional(z.boolean()),
  durationHours: z.optional(z.number().check(z.positive())),
  zeroStage: z.optional(z.union([z.literal(0), z.literal(1), z.literal(2), z.literal(3)])),
  gradientCheckpointing: z.optional(z.boolean()),
  loraRank: z.optional(count),
  sizing: z.optional(UserSizingSchema),
});

/**
 * Validates a parsed deployment file (the object, not the text).
 *
 * @throws {VramfitError} `DEPLOYMENT_INVALID` naming the JSON path of the first bad field.
 * @example
 * parseUserDeployment({ model: "meta-llama/Meta-Llama-3-70B", workload: "realtime", gpu: "nvidia-a100-80gb-sxm", gpuCount: 2 })
 */
export function parseUserDeployment(json: unknown, subject = "deployment object"): UserDeployment {
  const result = UserDeploymentSchema.safeParse(json, { reportInput: true });
  if (!result.success) {
    const issue = result.error.issues[0];
    const path = issue === undefined ? "" : issue.path.join(".");
    throw new VramfitError(
      "DEPLOYMENT_INVALID",
      `Invalid deployment ${subject}${path === "" ? "" : ` at "${path}"`}: ${explainIssue(issue)}.`,
      {
        hint: 'A deployment is {"model": "org/name", "workload": "realtime", "gpu": "nvidia-a100-80gb-sxm", "gpuCount": 2, ...}; see the README (vramfit check) for the fields.',
        cause: result.error,
      },
    );
  }
  // `description` is for people; it rides along and nothing reads it.
  return result.data;
}
