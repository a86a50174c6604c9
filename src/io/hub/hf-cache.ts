import { COMMIT_SHA } from "./commit-sha.js";
import { findLocalConfig, readTextFile } from "#platform";

/** A config.json found in the Hugging Face cache. */
export interface HfCacheHit {
  /** Path of `snapshots/<sha>/config.json`. */
  readonly configPath: string;
  /** The commit of that snapshot. */
  readonly sha: string;
}

/**
 * Looks up a repo's config.json in the cache that the Python `huggingface_hub` (and so
 * transformers and vLLM) fills: `$HF_HUB_CACHE/models--org--name/refs/<revision>` holds the
 * commit, `snapshots/<sha>/config.json` the file. Read-only: vramfit never writes there.
 */
export async function findInHfCache(
  hfHubCacheDir: string,
  repo: string,
  revision: string,
): Promise<HfCacheHit | undefined> {
  const folder = `${hfHubCacheDir}/models--${repo.replace("/", "--")}`;
  const sha = COMMIT_SHA.test(revision)
    ? revision
    : (await readTextFile(`${folder}/refs/${revision}`, 100))?.trim();
  if (sha === undefined || !COMMIT_SHA.test(sha)) return undefined;
  const configPath = await findLocalConfig(`${folder}/snapshots/${sha}/config.json`).catch(
    () => undefined,
  );
  return configPath === undefined ? undefined : { configPath, sha };
}
