/**
 * The commit a branch or tag pointed to when vramfit last asked the Hub, kept in
 * `<cacheDir>/hub/<host>/models--<org>--<name>/refs/<revision>`: the commit on the first line,
 * the time the Hub said so on the second. A model read within `branchMaxAgeMs` of that time
 * trusts it and costs no request (./read-hub-model.ts); offline reads use it whatever its age
 * (./look-up.ts). Small and free of the cache entry's schema, so the CLI's early request
 * (src/cli/early-model-read.ts) can check it before the rest of the code loads.
 */
import { readTextFile, writeFileAtomic } from "#platform";
import { COMMIT_SHA } from "./commit-sha.js";

/** How long a branch's commit is trusted without asking the Hub again, by default. */
export const DEFAULT_BRANCH_MAX_AGE_MS = 10 * 60 * 1000;

/** A branch's or tag's commit, and when the Hub last confirmed it. */
export interface BranchRef {
  readonly sha: string;
  /** Milliseconds since the epoch; `undefined` in a file written before vramfit kept it. */
  readonly checkedAtMs: number | undefined;
}

/** The folder of one Hub endpoint in vramfit's cache: `<cacheDir>/hub/<host>`. */
export function endpointCacheFolder(cacheDir: string, endpoint: string): string {
  const host = new URL(endpoint).host.replace(/[^\w.-]/g, "_");
  return `${cacheDir}/hub/${host}`;
}

/** The folder of one repo in vramfit's Hub cache. */
export function repoCacheFolder(cacheDir: string, endpoint: string, repo: string): string {
  return `${endpointCacheFolder(cacheDir, endpoint)}/models--${repo.replace("/", "--")}`;
}

/** The file of one branch or tag. */
function refPath(folder: string, revision: string): string {
  return `${folder}/refs/${encodeURIComponent(revision)}`;
}

/** The ref kept in `folder` for `revision`, or `undefined` (none, or not a commit). */
export async function readBranchRef(
  folder: string,
  revision: string,
): Promise<BranchRef | undefined> {
  const text = await readTextFile(refPath(folder, revision), 200);
  const [sha, checkedAt] = (text ?? "").split("\n").map((line) => line.trim());
  if (sha === undefined || !COMMIT_SHA.test(sha)) return undefined;
  const checkedAtMs =
    checkedAt === undefined || checkedAt === "" ? Number.NaN : Date.parse(checkedAt);
  return { sha, checkedAtMs: Number.isFinite(checkedAtMs) ? checkedAtMs : undefined };
}

/** Records that the Hub said `revision` is at `sha`, now. */
export async function writeBranchRef(folder: string, revision: string, sha: string): Promise<void> {
  await writeFileAtomic(refPath(folder, revision), `${sha}\n${new Date().toISOString()}\n`);
}

/**
 * The commit kept in `folder` for `revision` when the Hub confirmed it less than `maxAgeMs` ago,
 * else `undefined` (never confirmed, too old, or confirmed "in the future" by a clock that
 * moved back).
 */
export async function recentlyConfirmedCommit(
  folder: string,
  revision: string,
  maxAgeMs: number,
): Promise<string | undefined> {
  const ref = await readBranchRef(folder, revision);
  if (ref?.checkedAtMs === undefined) return undefined;
  const ageMs = Date.now() - ref.checkedAtMs;
  return ageMs >= 0 && ageMs < maxAgeMs ? ref.sha : undefined;
}
