import * as z from "zod/mini";
import { HubError, InvalidConfigError, VramfitError } from "../../errors.js";
import { explainIssue } from "../../options/explain-issue.js";
import { defaultFetch, loadHubLibrary, preconnect } from "#platform";
import { MAX_CONFIG_FILE_BYTES } from "../limits.js";
import { HF_QUANT_CONFIG_FILE } from "../repo-files.js";
import type { HubCache, HubSnapshot } from "./cache.js";
import { COMMIT_SHA } from "./commit-sha.js";
import { createHubFetch } from "./hub-fetch.js";
import { readRedirectOrigin, writeRedirectOrigin } from "./redirect-origin.js";
import { badResponse, redact, redactError, type HubCallContext } from "./hub-errors.js";
import { MODEL_INFO_FIELDS, modelInfoUrlFor, takeEarlyAnswer } from "./early-reads.js";
import type { HubLibrary } from "./hub-library.js";
import type { HubSettings } from "./settings.js";
import { createTransport, DEFAULT_RETRY_POLICY, type Transport } from "./transport.js";
import {
  buffersIn,
  filesToPrefetch,
  planWeights,
  storedBytes,
  type WeightsPlan,
  type WeightsSummary,
} from "./weights.js";

/** The fields of model info vramfit uses, checked: the Hub's answer is untrusted input. */
const count = z.int().check(z.nonnegative());
const ModelInfoSchema = z.object({
  name: z.string().check(z.regex(/^(?:[\w.-]+\/)?[\w.-]+$/, "expected a repo id")),
  sha: z.string().check(z.regex(COMMIT_SHA, "expected a 40-hex commit sha")),
  gated: z.nullish(z.union([z.boolean(), z.string()])),
  filePaths: z.array(z.string()).check(z.maxLength(1_000_000)),
  safetensors: z.nullish(z.object({ parameters: z.record(z.string(), count), total: count })),
});

/** A snapshot read online, and anything the reader should know about how. */
export interface HubRead {
  readonly snapshot: HubSnapshot;
  /** Whether the files came from vramfit's cache (after one model-info request, or none for a commit). */
  readonly fromCache: boolean;
  /** Things that went wrong without stopping the estimate (a cache that cannot be written). */
  readonly warnings: readonly string[];
}

/**
 * Reads a repo from the Hub: one model-info call resolves the revision to a commit and
 * lists the files; config.json (with ModelOpt's hf_quant_config.json when the repo lists
 * it), the index and the safetensors headers are then read at that commit, all in parallel,
 * one request per file (see `readAheadBytes`). A cold estimate of a model with `n` shards
 * costs `3 + n` requests on 2 round trips (model info; everything else), one more for a repo
 * with hf_quant_config.json; a single-file model 3 requests; a branch whose commit is already
 * cached, only the model-info call. A read that needs no request at all never comes here:
 * ./look-up.ts answers it from the cache first.
 */
export async function readHubModel(
  repo: string,
  settings: HubSettings,
  cache: HubCache | undefined,
): Promise<HubRead> {
  try {
    const read = await readUnredacted(repo, settings, cache);
    return {
      ...read,
      snapshot: redactSnapshot(read.snapshot, settings.token),
      warnings: read.warnings.map((warning) => redact(warning, settings.token)),
    };
  } catch (error) {
    throw redactError(error, settings.token);
  }
}

/**
 * A snapshot's server-given strings redacted (config.json's text, file names, dtype names), so
 * nothing token-shaped reaches the estimate, its JSON or the cache.
 */
function redactSnapshot(snapshot: HubSnapshot, token: string | undefined): HubSnapshot {
  const clean = (text: string) => redact(text, token);
  const byDtype = (counts: Readonly<Record<string, number>>) =>
    Object.fromEntries(Object.entries(counts).map(([dtype, count]) => [clean(dtype), count]));
  const { weights } = snapshot;
  return {
    ...snapshot,
    configText: clean(snapshot.configText),
    ...(snapshot.quantConfigText === undefined
      ? {}
      : { quantConfigText: clean(snapshot.quantConfigText) }),
    weights:
      weights.kind === "none"
        ? { kind: "none", weightFiles: weights.weightFiles.map(clean) }
        : weights.kind === "hub-summary"
          ? { ...weights, parametersByDtype: byDtype(weights.parametersByDtype) }
          : {
              ...weights,
              parametersByDtype: byDtype(weights.parametersByDtype),
              files: weights.files.map(clean),
            },
  };
}

async function readUnredacted(
  repo: string,
  settings: HubSettings,
  cache: HubCache | undefined,
): Promise<HubRead> {
  const { revision } = settings;

  const context: HubCallContext = {
    repo,
    revision,
    endpoint: settings.endpoint,
    tokenSource: settings.tokenSource,
  };
  const failures: HubError[] = [];
  // The Hub's CDN (where it redirects file reads): remembered from the last read, and connected
  // to while the model info is on its way (./redirect-origin.ts). Not with the caller's fetch.
  const cdnCacheDir = settings.fetch === defaultFetch ? settings.cacheDir : undefined;
  const rememberedCdn =
    cdnCacheDir === undefined
      ? Promise.resolve(undefined)
      : readRedirectOrigin(cdnCacheDir, settings.endpoint);
  let redirectedTo: string | undefined;
  const transport = createTransport(
    {
      ...settings,
      onRedirect: (origin) => {
        redirectedTo ??= origin;
      },
    },
    context,
  );
  const recording: Transport = (request) =>
    transport(request).catch((error: unknown) => {
      if (error instanceof HubError) failures.push(error);
      throw error;
    });
  const hubFetch = createHubFetch(recording, settings.offline);
  const common = { hubUrl: settings.endpoint, fetch: hubFetch };
  settings.onProgress?.({ kind: "resolving", repo, revision });
  // The model info travels while the Hub client loads (about 20 ms of a cold start), or was
  // sent even sooner by the CLI (./early-reads.ts); the client's own request takes the answer.
  const infoUrl = modelInfoUrlFor(repo, settings);
  hubFetch.prefetch(infoUrl, takeEarlyAnswer(infoUrl, settings.token));
  void rememberedCdn.then((origin) => {
    if (origin !== undefined) preconnect(origin);
  });
  const hub = await loadHubLibrary();
  // The library reads the safetensors index through web streams, which Node compiles on first
  // use (about 7 ms): made once now, that happens while the model info is on its way, not after.
  new TransformStream();
  const guard = <T>(run: () => Promise<T>): Promise<T> =>
    run().catch((error: unknown) => {
      throw toVramfitError(error, hub, context, settings, failures);
    });

  const rawInfo = await guard(() =>
    hub.modelInfo({
      name: repo,
      revision,
      additionalFields: [...MODEL_INFO_FIELDS],
      ...common,
    }),
  );
  const parsed = ModelInfoSchema.safeParse(rawInfo);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    throw badResponse(
      context,
      `${settings.endpoint}/api/models/${repo}`,
      `model info field "${issue?.path.join(".") ?? ""}" is invalid (${explainIssue(issue)})`,
    );
  }
  const info = parsed.data;
  context.gated = info.gated !== undefined && info.gated !== null && info.gated !== false;

  const warnings: string[] = [];
  // The branch's commit is written beside the reads below, not before them: a cache write is no
  // reason to hold the next round trip back. Every way out of this function waits for it.
  const refWritten =
    cache === undefined || COMMIT_SHA.test(revision)
      ? Promise.resolve()
      : cache.writeRef(repo, revision, info.sha).catch((error: unknown) => {
          warnings.push(cacheWarning(cache.folder(repo), error));
        });
  try {
    if (cache !== undefined) {
      const cached = await cache.read(repo, info.sha);
      if (cached !== undefined) return { snapshot: cached, fromCache: true, warnings };
    }

    if (!info.filePaths.includes("config.json")) {
      throw new HubError(
        "HUB_FILE_NOT_FOUND",
        `${repo}@${info.sha.slice(0, 12)} has no config.json (files: ${summarize(info.filePaths)}).`,
        { repo, revision },
        {
          hint: "vramfit reads transformers models; pass a local config.json or a ModelSpec instead.",
        },
      );
    }
    const at = { repo: info.name, revision: info.sha, ...common };
    const plan = planWeights(info.filePaths, info.safetensors ?? undefined);
    const prefetched = filesToPrefetch(plan, info.filePaths);
    settings.onProgress?.({
      kind: "reading-files",
      repo,
      commit: info.sha,
      weightFiles: prefetched.filter((path) => path.endsWith(".safetensors")).length,
    });
    // The first wave only: as many as the transport runs at once (the parse reads the rest).
    for (const path of prefetched.slice(0, DEFAULT_RETRY_POLICY.concurrency)) {
      // Start the weight files with config.json rather than after it (see filesToPrefetch).
      const url = `${settings.endpoint}/${info.name}/resolve/${info.sha}/${encodeFilePath(path)}`;
      // The answer is already read into the window; the parse below reports any error.
      common.fetch(url, { headers: { Range: "bytes=0-0" } }).catch(() => undefined);
    }
    const subject = `${repo}@${info.sha.slice(0, 12)}`;
    // ModelOpt checkpoints may declare their quantization only in hf_quant_config.json: read it
    // in the same round trip as config.json when the repo lists it.
    const hasQuantConfig = info.filePaths.includes(HF_QUANT_CONFIG_FILE);
    const [configText, quantConfigText, weights] = await Promise.all([
      guard(() => readJsonText(hub, at, "config.json", subject)),
      hasQuantConfig
        ? guard(() => readJsonText(hub, at, HF_QUANT_CONFIG_FILE, subject))
        : Promise.resolve(undefined),
      guard(() => readWeights(hub, at, plan)),
    ]);

    // Redacted before it is cached: the files' text and names come from the server.
    const snapshot = redactSnapshot(
      {
        repo,
        sha: info.sha,
        endpoint: settings.endpoint,
        fetchedAt: new Date().toISOString(),
        configText,
        quantConfigText,
        weights,
      },
      settings.token,
    );
    if (cache !== undefined) {
      await cache.write(snapshot).catch((error: unknown) => {
        warnings.push(cacheWarning(cache.folder(repo), error));
      });
    }
    return { snapshot, fromCache: false, warnings };
  } finally {
    await refWritten;
    const remembered = await rememberedCdn;
    if (cdnCacheDir !== undefined && redirectedTo !== undefined && redirectedTo !== remembered) {
      await writeRedirectOrigin(cdnCacheDir, settings.endpoint, redirectedTo).catch(
        () => undefined,
      );
    }
  }
}

interface FileAccess {
  readonly repo: string;
  readonly revision: string;
  readonly hubUrl: string;
  readonly fetch: typeof fetch;
}

/** A small JSON file of the repo (config.json, hf_quant_config.json) as text, size-checked. */
async function readJsonText(
  hub: HubLibrary,
  at: FileAccess,
  path: string,
  subject: string,
): Promise<string> {
  const blob = await hub.downloadFile({ ...at, path });
  if (blob === null) {
    throw new HubError("HUB_FILE_NOT_FOUND", `${subject} has no ${path}.`, { repo: at.repo });
  }
  if (blob.size > MAX_CONFIG_FILE_BYTES) {
    throw new InvalidConfigError({
      subject: path === "config.json" ? subject : `${subject} ${path}`,
      path: "",
      problem: `the file is ${blob.size} bytes, more than the ${MAX_CONFIG_FILE_BYTES} a ${path} can be`,
    });
  }
  return blob.text();
}

async function readWeights(
  hub: HubLibrary,
  at: FileAccess,
  plan: WeightsPlan,
): Promise<WeightsSummary> {
  if (plan.kind === "hub-summary") return plan.summary;
  if (plan.kind === "none") return { kind: "none", weightFiles: plan.weightFiles };
  const parsed = await hub.parseSafetensorsMetadata({
    ...at,
    path: plan.path,
    computeParametersCount: true,
  });
  const headers = (parsed.sharded ? Object.values(parsed.headers) : [parsed.header]) as Record<
    string,
    unknown
  >[];
  const buffers = buffersIn(headers);
  const parametersByDtype: Record<string, number> = {};
  let parameterCount = 0;
  for (const [dtype, counted] of Object.entries(parsed.parameterCount)) {
    const count = counted - (buffers.elementsByDtype[dtype] ?? 0);
    if (!(count > 0)) continue; // also skips a missing (NaN) count
    parametersByDtype[dtype] = count;
    parameterCount += count;
  }
  if (parameterCount === 0) return { kind: "none", weightFiles: parsed.filepaths };
  return {
    kind: "safetensors",
    parameterCount,
    parametersByDtype,
    storedWeightsBytes: storedBytes(headers) - buffers.bytes,
    files: parsed.filepaths,
  };
}

/** Library errors as vramfit errors; a Hub failure behind a parse error wins over it. */
function toVramfitError(
  error: unknown,
  hub: HubLibrary,
  context: HubCallContext,
  settings: HubSettings,
  failures: readonly HubError[],
): unknown {
  if (settings.signal?.aborted === true) return settings.signal.reason;
  if (error instanceof VramfitError) return error;
  const transportFailure = failures[0];
  if (transportFailure !== undefined) return transportFailure;
  const url = `${settings.endpoint}/${context.repo}`;
  if (error instanceof hub.SafetensorParseError) {
    return new HubError(
      "WEIGHTS_INVALID",
      `Malformed safetensors weights in ${context.repo}: ${error.message}`,
      { repo: context.repo, revision: context.revision, url },
      {
        hint: "The repo's weight files are broken; pass parameterCount (--params) to estimate from a known count.",
        cause: error,
      },
    );
  }
  if (error instanceof hub.InvalidApiResponseFormatError || error instanceof SyntaxError) {
    return badResponse(context, url, error.message);
  }
  if (error instanceof hub.HubApiError) {
    return badResponse(context, error.url, `HTTP ${error.statusCode}`, error.requestId);
  }
  return error;
}

function cacheWarning(folder: string, error: unknown): string {
  const code = (error as { code?: unknown }).code;
  return `could not write vramfit's cache in ${folder} (${typeof code === "string" ? code : String(error)}); the next run will fetch again`;
}

function summarize(files: readonly string[]): string {
  return files.length === 0
    ? "none"
    : files.length > 8
      ? `${files.slice(0, 8).join(", ")}, ...`
      : files.join(", ");
}

/** A repo path as @huggingface/hub puts it in a URL (each segment encoded), so both reads share one window. */
function encodeFilePath(path: string): string {
  return path.split("/").map(encodeURIComponent).join("/");
}
