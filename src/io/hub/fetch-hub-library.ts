// The three @huggingface/hub 2.17.5 calls vramfit makes, written with `fetch` only, so a
// browser bundle needs neither the library (whose `exports` send bundlers to a build that
// imports fs, os, path and stream) nor any Node built-in. Each part names the library file
// it mirrors (node_modules/@huggingface/hub/src/...): same URLs, same Range windows, same
// results and error classes; tests/io/hub/fetch-hub-library.test.ts runs both side by side.
import type {
  HubFile,
  HubFileParams,
  HubLibrary,
  HubModelInfo,
  HubModelInfoParams,
  HubSafetensorsHeader,
  HubSafetensorsMetadata,
} from "./hub-library.js";
import {
  countParameters,
  tensorProblem,
  unsafeShardName,
  type ModelConfig,
} from "./safetensors-rules.js";
import { HUB_URL, modelInfoUrl } from "./model-info-url.js";

const MAX_HEADER_LENGTH = 25_000_000; // parse-safetensors-metadata.ts, as the limits below
const MAX_CONFIG_LENGTH = 10_000_000;
const MAX_SHARD_COUNT = 10_000;
const PARALLEL_DOWNLOADS = 20;
const MAX_INDEX_BYTES = 250_000_000; // parse-safetensors-index.ts

/** An error answer from the Hub (error.ts `HubApiError`). */
export class HubApiError extends Error {
  /** The Hub's `X-Request-Id`, when it sent one. */
  requestId?: string | undefined;
  constructor(
    readonly url: string,
    readonly statusCode: number,
    requestId?: string,
    message?: string,
  ) {
    super(message);
    this.requestId = requestId;
  }
}

/** An answer of the wrong shape (error.ts `InvalidApiResponseFormatError`). */
export class InvalidApiResponseFormatError extends Error {}

/** A malformed safetensors file or index (parse-safetensors-metadata.ts). */
export class SafetensorParseError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "SafetensorParseError";
  }
}

/** error.ts `createApiError`: status, URL and request id, with the Hub's message when JSON. */
async function apiError(response: Response): Promise<never> {
  const requestId = response.headers.get("X-Request-Id") ?? undefined;
  const error = new HubApiError(response.url, response.status, requestId);
  error.message = `Api error with status ${error.statusCode}`;
  if (response.headers.get("Content-Type")?.startsWith("application/json") === true) {
    const json = (await response.json()) as Record<string, string | undefined>;
    error.message = json.error || json.message || error.message; // "" falls through too
    if (json.error_description) error.message += `: ${json.error_description}`;
  } else {
    await response.text();
  }
  error.message += `. URL: ${error.url}${requestId ? `. Request ID: ${requestId}` : ""}`;
  throw error;
}

/**
 * lib/model-info.ts: one GET with the default `expand` keys, then the asked ones (`filePaths`
 * is `siblings`); revision `HEAD` when none is given.
 */
export async function modelInfo(params: HubModelInfoParams): Promise<HubModelInfo> {
  const fields = params.additionalFields ?? [];
  const url = modelInfoUrl(params);
  const response = await (params.fetch ?? fetch)(url, { headers: {} });
  if (!response.ok) return apiError(response);
  const data = (await response.json()) as Record<string, unknown> & {
    siblings?: { rfilename: string }[];
  };
  const additional: Record<string, unknown> = {};
  for (const field of fields) {
    additional[field] =
      field === "filePaths" ? (data.siblings ?? []).map((s) => s.rfilename) : data[field];
  }
  return {
    ...additional,
    id: data._id,
    name: data.id,
    private: data.private,
    task: data.pipeline_tag,
    downloads: data.downloads,
    gated: data.gated,
    likes: data.likes,
    updatedAt: new Date(data.lastModified as string),
  } as unknown as HubModelInfo; // as upstream casts it: the fields asked for are in `additional`
}

/** A file on the Hub: its size, and reads of it (utils/WebBlob.ts, `fetchRange`). */
interface RemoteFile extends HubFile {
  /** Bytes `start` to `end` (exclusive, clipped to the file), as `WebBlob.slice(start, end)`. */
  range(start: number, end: number): Promise<Response>;
}

/**
 * lib/file-download-info.ts, then a WebBlob over the URL: a `bytes=0-0` probe learns the size
 * from Content-Range; null for 404 `EntryNotFound`. The probe does not ask for Xet file info
 * (vramfit reads headers, never weights, and its own fetch drops that Accept type too).
 */
async function openFile(params: HubFileParams): Promise<RemoteFile | null> {
  const hubUrl = params.hubUrl ?? HUB_URL;
  const revision = encodeURIComponent(params.revision ?? "main");
  const given = `${hubUrl}/${modelName(params.repo)}/resolve/${revision}/${params.path}`;
  const doFetch = params.fetch ?? fetch;
  const probe = await doFetch(given, { method: "GET", headers: { Range: "bytes=0-0" } });
  if (probe.status === 404 && probe.headers.get("X-Error-Code") === "EntryNotFound") return null;
  if (!probe.ok) return apiError(probe);
  await probe.body?.cancel();
  const contentRange = probe.headers.get("content-range");
  if (!contentRange) throw new InvalidApiResponseFormatError("Expected size information");
  const size = parseInt(contentRange.split("/")[1] ?? "");
  if (isNaN(size)) throw new InvalidApiResponseFormatError("Invalid file size received");
  if (!(probe.headers.get("X-Linked-ETag") ?? probe.headers.get("ETag"))) {
    throw new InvalidApiResponseFormatError("Expected ETag");
  }
  // Reads follow a same-origin redirect (or CloudFront's), never another host's URL.
  const sameHost =
    probe.url !== "" &&
    (new URL(probe.url).origin === new URL(hubUrl).origin ||
      probe.headers.get("X-Cache")?.endsWith(" cloudfront") === true);
  const url = new URL(sameHost ? probe.url : given);
  const ok = (response: Response) => (response.ok ? response : apiError(response));
  return {
    size,
    text: () =>
      doFetch(url, {})
        .then(ok)
        .then((response) => response.text()),
    range: (start, end) =>
      doFetch(url, { headers: { Range: `bytes=${start}-${Math.min(end, size) - 1}` } }).then(ok),
  };
}

/** utils/toRepoId.ts for the only repos vramfit reads: models, `org/name`. */
function modelName(repo: string): string {
  if (
    /^(?:models?|spaces?|datasets?|buckets?|kernels?)\//.test(repo) ||
    repo.split("/").length > 2
  ) {
    throw new TypeError(`Only model repos are supported, not "${repo}"`);
  }
  return repo;
}

/** lib/download-file.ts: the file at a revision, or null when the Hub has no such file. */
export function downloadFile(params: HubFileParams): Promise<HubFile | null> {
  return openFile(params);
}

/**
 * lib/parse-safetensors-metadata.ts: config.json first (its quantization_config decides how
 * packed weights count), then one header (`.safetensors`) or the index and every shard's
 * header, 20 at a time (`.safetensors.index.json`), with the parameters counted by dtype.
 */
export async function parseSafetensorsMetadata(
  params: HubFileParams & { readonly computeParametersCount: true },
): Promise<HubSafetensorsMetadata> {
  const { path } = params;
  modelName(params.repo);
  const config = (await readConfig(params)) as ModelConfig | null; // fetchModelConfig
  const quant = config?.quantization_config ?? config?.text_config?.quantization_config;
  const expertDtype = config?.expert_dtype ?? config?.text_config?.expert_dtype;
  if (/\.safetensors$/.test(path)) {
    const header = await readHeader(params, path);
    const parameterCount = countParameters([header], quant, expertDtype);
    return { sharded: false, header, parameterCount, filepaths: [path] };
  }
  if (!/\.safetensors\.index\.json$/.test(path)) {
    throw new Error("model id does not seem to contain safetensors weights");
  }
  const shards = await readShardNames(params, path); // parseShardedIndex
  for (const name of shards) {
    const reason = unsafeShardName(name); // fetchAllHeaders
    if (reason !== undefined) {
      throw new SafetensorParseError(`Unsafe shard filename in weight_map: "${name}" (${reason})`);
    }
  }
  const prefix = path.slice(0, path.lastIndexOf("/") + 1);
  const read = shards.map((name) => async () => {
    return [name, await readHeader(params, prefix + encodeShardName(name))] as const;
  });
  const headers = Object.fromEntries(await inPool(read));
  const parameterCount = countParameters(Object.values(headers), quant, expertDtype);
  const filepaths = [path, ...Object.keys(headers).map((name) => prefix + name)];
  return { sharded: true, headers, parameterCount, filepaths };
}

/** config.json parsed, or null when it is missing, unreadable or not JSON (never an error). */
async function readConfig(params: HubFileParams): Promise<unknown> {
  try {
    const file = await openFile({ ...params, path: "config.json" });
    return file && (JSON.parse(await (await file.range(0, MAX_CONFIG_LENGTH)).text()) as unknown);
  } catch {
    return null;
  }
}

/** `parseSingleFile`: the 8-byte little-endian length, then that many bytes of JSON, checked. */
async function readHeader(params: HubFileParams, path: string): Promise<HubSafetensorsHeader> {
  const fail = (problem: string) =>
    new SafetensorParseError(`Failed to parse file ${path}: ${problem}`);
  const file = await openFile({ ...params, path });
  if (!file) throw fail("failed to fetch safetensors header length.");
  const prefix = await (await file.range(0, 8)).arrayBuffer();
  const length = prefix.byteLength < 8 ? 0n : new DataView(prefix).getBigUint64(0, true);
  if (length <= 0n) throw fail("safetensors header is malformed.");
  if (length > MAX_HEADER_LENGTH) {
    throw fail(
      `safetensor header is too big. Maximum supported size is ${MAX_HEADER_LENGTH} bytes.`,
    );
  }
  let header: unknown;
  try {
    header = JSON.parse(await (await file.range(8, 8 + Number(length))).text());
  } catch {
    throw fail("safetensors header is not valid JSON.");
  }
  if (!isRecord(header)) throw fail("safetensors header is not a JSON object.");
  for (const [name, info] of Object.entries(header)) {
    const problem = name === "__metadata__" ? undefined : tensorProblem(info, file.size);
    if (problem !== undefined) throw fail(`tensor "${name}" ${problem}`);
  }
  return header;
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

/** parse-safetensors-index.ts: the distinct string values of `weight_map`, first seen first. */
async function readShardNames(params: HubFileParams, path: string): Promise<string[]> {
  const index = await openFile({ ...params, path });
  const fail = (problem: string) =>
    new SafetensorParseError(`Failed to parse file ${path}: ${problem}`);
  if (!index) throw fail("failed to fetch safetensors index.");
  try {
    if (index.size > MAX_INDEX_BYTES) {
      throw new Error(
        `safetensors index is too big. Maximum supported size is ${MAX_INDEX_BYTES} bytes.`,
      );
    }
    const json: unknown = JSON.parse(await index.text());
    if (!isRecord(json)) throw new Error("safetensors index must be a JSON object");
    const map = isRecord(json.weight_map) ? Object.values(json.weight_map) : [];
    const names = [...new Set(map.filter((name) => typeof name === "string"))];
    if (names.length > MAX_SHARD_COUNT) {
      throw new Error(
        `Too many shard files (>${MAX_SHARD_COUNT}). Maximum supported is ${MAX_SHARD_COUNT}.`,
      );
    }
    return names;
  } catch (error) {
    throw fail(error instanceof Error ? error.message : "not a valid JSON.");
  }
}

/** `encodeShardFilename`: each path segment URL-encoded. */
function encodeShardName(name: string): string {
  return name.split("/").map(encodeURIComponent).join("/");
}

/**
 * utils/promisesQueue.ts: the tasks, {@link PARALLEL_DOWNLOADS} at a time, results in order;
 * after a failure no task starts.
 */
async function inPool<T>(tasks: (() => Promise<T>)[]): Promise<T[]> {
  const results: T[] = [];
  const queue = tasks.entries(); // shared: each worker takes the next task
  let failed = false;
  const worker = async (): Promise<void> => {
    for (const [at, task] of queue) {
      if (failed) return;
      results[at] = await task().catch((error: unknown) => {
        failed = true;
        throw error;
      });
    }
  };
  await Promise.all(Array.from({ length: Math.min(PARALLEL_DOWNLOADS, tasks.length) }, worker));
  return results;
}

/**
 * The fetch-only {@link HubLibrary}: @huggingface/hub's `modelInfo`, `downloadFile` and
 * `parseSafetensorsMetadata` as vramfit calls them, and its three error classes.
 */
export const FETCH_HUB_LIBRARY: HubLibrary = {
  modelInfo,
  downloadFile,
  parseSafetensorsMetadata,
  SafetensorParseError,
  InvalidApiResponseFormatError,
  HubApiError,
};
