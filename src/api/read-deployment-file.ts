import { VramfitError } from "../errors.js";
import type { UserDeployment } from "../deploy/checklist/user-deployment.js";
import { parseUserDeployment } from "../deploy/checklist/deployment-file.js";
import { readJsonFile } from "../io/files/read-json-file.js";

/** Largest deployment file vramfit will read; real ones are a few hundred bytes. */
export const MAX_DEPLOYMENT_FILE_BYTES = 1024 * 1024;

/**
 * Reads, JSON-parses and validates a deployment file (`vramfit check deployment.json`).
 *
 * @throws {VramfitError} `DEPLOYMENT_INVALID` when the file is missing, not a regular file, too
 * large, not JSON, or does not match the deployment schema.
 */
export async function readDeploymentFile(path: string): Promise<UserDeployment> {
  const json = await readJsonFile(path, {
    maxBytes: MAX_DEPLOYMENT_FILE_BYTES,
    fail: ({ problem, hint, cause }) =>
      new VramfitError(
        "DEPLOYMENT_INVALID",
        `Cannot use the deployment file ${path}: ${problem}.`,
        {
          hint:
            hint ??
            'A deployment file is JSON: {"model": "org/name", "workload": "realtime", "gpu": "nvidia-a100-80gb-sxm", "gpuCount": 2, ...}.',
          cause,
        },
      ),
  });
  return parseUserDeployment(json, path);
}
