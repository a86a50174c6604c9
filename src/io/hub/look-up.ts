import { readConfigFile, readHfQuantConfig } from "#platform";
import { HF_QUANT_CONFIG_FILE } from "../repo-files.js";
import type { CheckpointFacts } from "../../memory/checkpoint.js";
import type { ModelSource } from "../../model/model-source.js";
import { recentlyConfirmedCommit } from "./branch-ref.js";
import { HubCache, type HubSnapshot } from "./cache.js";
import { COMMIT_SHA } from "./commit-sha.js";
import { findInHfCache } from "./hf-cache.js";
import { parseUntrustedJson } from "./json.js";
import type { HubSettings } from "./settings.js";
import { checkpointFacts } from "./weights.js";

/** A repo's config.json (parsed, not yet validated) and what came with it. */
export interface ModelLookup {
  /** config.json, parsed. */
  readonly config: unknown;
  /** hf_quant_config.json, parsed, when the repo has one (ModelOpt checkpoints). */
  readonly hfQuantConfig?: unknown;
  /** How config errors name it: `org/name@<commit>` or a file path. */
  readonly subject: string;
  /** Where it came from. */
  readonly source: ModelSource;
  /** Facts from the stored weights, when known. */
  readonly checkpoint: CheckpointFacts | undefined;
  /** What the reader of the estimate should know. */
  readonly warnings: readonly string[];
}

/**
 * Reads a repo through the Hub (and vramfit's cache, keyed by commit). A cached model costs no
 * request when the revision is a commit, or a branch or tag the Hub confirmed within
 * `branchMaxAgeMs`; else the Hub reader is loaded and asked (./read-hub-model.ts).
 *
 * @throws {HubError} when the Hub refuses or fails; see its `code`.
 * @throws {InvalidConfigError} for a config.json that is not JSON or too large.
 */
export async function lookUpOnline(repo: string, settings: HubSettings): Promise<ModelLookup> {
  const cache = hubCache(settings);
  if (cache !== undefined) {
    const known = await cachedWithoutAsking(cache, repo, settings);
    if (known !== undefined) {
      return fromSnapshot(known, settings.revision, cache.entryPath(repo, known.sha), []);
    }
  }
  // Loaded here, not up front: an offline, local or cached estimate never needs the Hub reader
  // and its transport (about 27 KB of the CLI's code to compile at every start).
  const { readHubModel } = await import("./read-hub-model.js");
  const read = await readHubModel(repo, settings, cache);
  const path = read.fromCache ? cache?.entryPath(repo, read.snapshot.sha) : undefined;
  return fromSnapshot(read.snapshot, settings.revision, path, read.warnings);
}

/**
 * The cached snapshot when no request is needed: the revision is a commit (a commit never
 * changes), or a branch or tag the Hub confirmed less than `branchMaxAgeMs` ago.
 */
async function cachedWithoutAsking(
  cache: HubCache,
  repo: string,
  settings: HubSettings,
): Promise<HubSnapshot | undefined> {
  const { revision } = settings;
  const sha = COMMIT_SHA.test(revision)
    ? revision
    : await recentlyConfirmedCommit(cache.folder(repo), revision, settings.branchMaxAgeMs);
  return sha === undefined ? undefined : cache.read(repo, sha);
}

/**
 * Looks a repo up without the network: vramfit's cache (the commit a branch last pointed
 * to, or the commit asked for), then the Hugging Face cache. Undefined when neither has it.
 *
 * @throws {InvalidConfigError} for a cached config.json that is not JSON.
 */
export async function lookUpOffline(
  repo: string,
  settings: HubSettings,
): Promise<ModelLookup | undefined> {
  const { revision } = settings;
  const cache = hubCache(settings);
  if (cache !== undefined) {
    const sha = COMMIT_SHA.test(revision) ? revision : (await cache.readRef(repo, revision))?.sha;
    const snapshot = sha === undefined ? undefined : await cache.read(repo, sha);
    if (snapshot !== undefined) {
      return fromSnapshot(snapshot, revision, cache.entryPath(repo, snapshot.sha), []);
    }
  }
  if (settings.hfHubCacheDir !== undefined) {
    const hit = await findInHfCache(settings.hfHubCacheDir, repo, revision);
    if (hit !== undefined) {
      return {
        config: await readConfigFile(hit.configPath),
        hfQuantConfig: await readHfQuantConfig(hit.configPath),
        subject: hit.configPath,
        source: { kind: "hf-cache", repo, revision, sha: hit.sha, path: hit.configPath },
        checkpoint: undefined,
        warnings: [],
      };
    }
  }
  return undefined;
}

function hubCache(settings: HubSettings): HubCache | undefined {
  return settings.cacheDir === undefined
    ? undefined
    : new HubCache(settings.cacheDir, settings.endpoint);
}

/** A snapshot as a lookup; `cachePath` says it came from vramfit's cache rather than the Hub just now. */
function fromSnapshot(
  snapshot: HubSnapshot,
  revision: string,
  cachePath: string | undefined,
  warnings: readonly string[],
): ModelLookup {
  const subject = `${snapshot.repo}@${snapshot.sha.slice(0, 12)}`;
  const { weights } = snapshot;
  const noWeights =
    weights.kind === "none"
      ? [
          `${subject} has no safetensors weights${weights.weightFiles.length === 0 ? "" : ` (only ${weights.weightFiles.slice(0, 4).join(", ")})`}: the parameter count is counted from config.json`,
        ]
      : [];
  const common = { repo: snapshot.repo, revision, sha: snapshot.sha, endpoint: snapshot.endpoint };
  const quantConfigText = snapshot.quantConfigText;
  return {
    config: parseUntrustedJson(snapshot.configText, subject),
    hfQuantConfig:
      quantConfigText === undefined
        ? undefined
        : parseUntrustedJson(quantConfigText, `${subject} ${HF_QUANT_CONFIG_FILE}`),
    subject,
    source:
      cachePath === undefined
        ? { kind: "hub", ...common }
        : { kind: "cache", ...common, path: cachePath, retrieved: snapshot.fetchedAt },
    checkpoint: checkpointFacts(weights),
    warnings: [...warnings, ...noWeights],
  };
}
