import { VramfitError } from "../errors.js";
import type { UserDeployment } from "../plan/checklist/user-deployment.js";
import { parseUserDeployment } from "../schema/deployment.js";

/** Largest deployment file vramfit will read; real ones are a few hundred bytes. */
export const MAX_DEPLOYMENT_FILE_BYTES = 1024 * 1024;

/**
 * Reads, JSON-parses and validates a deployment file (`vramfit check deployment.json`).
 *
 * @throws {VramfitError} `DEPLOYMENT_INVALID` when the file is missing, too large, not JSON, or
 * does not match the deployment schema.
 */
export async function readDeploymentFile(path: string): Promise<UserDeployment> {
  const fs = await import("node:fs/promises");
  const stats = await fs.stat(path).catch(() => undefined);
  if (stats?.isFile() !== true) throw invalid(path, "no such file", "Check the path.");
  if (stats.size > MAX_DEPLOYMENT_FILE_BYTES) {
    throw invalid(
      path,
      `the file is ${stats.size} bytes, more than the ${MAX_DEPLOYMENT_FILE_BYTES} allowed`,
    );
  }
  let json: unknown;
  try {
    json = JSON.parse(await fs.readFile(path, "utf8"));
  } catch (error) {
    throw invalid(path, `not valid JSON (${(error as Error).message})`, undefined, error);
  }
  return parseUserDeployment(json, path);
}

function invalid(path: string, problem: string, hint?: string, cause?: unknown): VramfitError {
  return new VramfitError(
    "DEPLOYMENT_INVALID",
    `Cannot use the deployment file ${path}: ${problem}.`,
    {
      hint:
        hint ??
        'A deployment file is JSON: {"model": "org/name", "workload": "realtime", "gpu": "nvidia-a100-80gb-sxm", "gpuCount": 2, ...}.',
      cause,
    },
  );
}
