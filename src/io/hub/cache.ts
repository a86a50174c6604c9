import * as z from "zod/mini";
import { MAX_CONFIG_FILE_BYTES } from "../limits.js";
import { readTextFile, writeFileAtomic } from "#platform";
import type { WeightsSummary } from "./weights.js";
import { readBranchRef, repoCacheFolder, writeBranchRef, type BranchRef } from "./branch-ref.js";
import { COMMIT_SHA } from "./commit-sha.js";

/**
 * What vramfit keeps of one repo at one commit: config.json, ModelOpt's hf_quant_config.json
 * when the repo has one, and the weights summary, never weights.
 */
export interface HubSnapshot {
  /** The repo id as the caller wrote it. */
  readonly repo: string;
  /** The 40-hex commit the files were read at. */
  readonly sha: string;
  /** The Hub endpoint they came from. */
  readonly endpoint: string;
  /** When they were read (ISO). */
  readonly fetchedAt: string;
  /** config.json as the Hub served it. */
  readonly configText: string;
  /** hf_quant_config.json as the Hub served it, when the repo has one. */
  readonly quantConfigText?: string | undefined;
  /** The safetensors summary. */
  readonly weights: WeightsSummary;
}

const Count = z.int().check(z.nonnegative());
const ByDtype = z.record(z.string(), Count);

/**
 * Version 2 of the cache entry (version 2 adds `quantConfigText`); a change of shape bumps it,
 * and old entries read as misses, so a version-1 entry of a ModelOpt repo is fetched again
 * rather than read without its hf_quant_config.json.
 */
const ENTRY_FORMAT = 2;
const EntrySchema = z.object({
  format: z.literal(ENTRY_FORMAT),
  repo: z.string(),
  sha: z.string().check(z.regex(COMMIT_SHA)),
  endpoint: z.string(),
  fetchedAt: z.string(),
  configText: z.string().check(z.maxLength(MAX_CONFIG_FILE_BYTES)),
  quantConfigText: z.optional(z.string().check(z.maxLength(MAX_CONFIG_FILE_BYTES))),
  weights: z.discriminatedUnion("kind", [
    z.object({
      kind: z.literal("safetensors"),
      parameterCount: Count,
      parametersByDtype: ByDtype,
      storedWeightsBytes: Count,
      files: z.array(z.string()),
    }),
    z.object({ kind: z.literal("hub-summary"), parameterCount: Count, parametersByDtype: ByDtype }),
    z.object({ kind: z.literal("none"), weightFiles: z.array(z.string()) }),
  ]),
});

/**
 * vramfit's on-disk metadata cache, one folder per endpoint and repo:
 * `<cacheDir>/hub/<host>/models--<org>--<name>/snapshots/<sha>.json` (immutable: a commit
 * never changes) and `refs/<revision>` (the commit a branch or tag pointed to when last
 * read online, and when: ./branch-ref.ts). Entries are written atomically; an entry that does not
 * parse or does not match its key reads as a miss, so it is fetched again and replaced.
 */
export class HubCache {
  constructor(
    private readonly cacheDir: string,
    private readonly endpoint: string,
  ) {}

  /** The folder of one repo. */
  folder(repo: string): string {
    return repoCacheFolder(this.cacheDir, this.endpoint, repo);
  }

  /** The entry file of one commit. */
  entryPath(repo: string, sha: string): string {
    return `${this.folder(repo)}/snapshots/${sha}.json`;
  }

  /** The cached snapshot of `repo` at `sha`, or undefined (missing or corrupt). */
  async read(repo: string, sha: string): Promise<HubSnapshot | undefined> {
    const text = await readTextFile(this.entryPath(repo, sha), 3 * MAX_CONFIG_FILE_BYTES);
    if (text === undefined) return undefined;
    let json: unknown;
    try {
      json = JSON.parse(text);
    } catch {
      return undefined;
    }
    const parsed = EntrySchema.safeParse(json);
    if (!parsed.success) return undefined;
    const entry = parsed.data;
    if (entry.repo !== repo || entry.sha !== sha || entry.endpoint !== this.endpoint)
      return undefined;
    // Valid JSON around a damaged config.json (a disk error, a hand edit): read the Hub again
    // rather than fail on this entry forever.
    if (!isJsonObject(entry.configText)) return undefined;
    return {
      repo: entry.repo,
      sha: entry.sha,
      endpoint: entry.endpoint,
      fetchedAt: entry.fetchedAt,
      configText: entry.configText,
      quantConfigText: entry.quantConfigText,
      weights: entry.weights,
    };
  }

  /** Stores a snapshot (atomically). */
  async write(snapshot: HubSnapshot): Promise<void> {
    const entry = { format: ENTRY_FORMAT, ...snapshot };
    await writeFileAtomic(
      this.entryPath(snapshot.repo, snapshot.sha),
      `${JSON.stringify(entry)}\n`,
    );
  }

  /** The commit `revision` pointed to when last read online, and when that was. */
  readRef(repo: string, revision: string): Promise<BranchRef | undefined> {
    return readBranchRef(this.folder(repo), revision);
  }

  /** Records the commit a branch or tag points to, as of now. */
  writeRef(repo: string, revision: string, sha: string): Promise<void> {
    return writeBranchRef(this.folder(repo), revision, sha);
  }
}

/** Whether `text` parses as a JSON object, as every config.json does. */
function isJsonObject(text: string): boolean {
  try {
    const value: unknown = JSON.parse(text);
    return typeof value === "object" && value !== null && !Array.isArray(value);
  } catch {
    return false;
  }
}
