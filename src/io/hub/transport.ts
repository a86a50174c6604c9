import { VERSION } from "../../version.js";
import { HubError } from "../../errors.js";
import {
  badResponse,
  errorFromAnswer,
  errorFromFailure,
  isRetryableStatus,
  retryAfterSeconds,
  type FailedAnswer,
  type HubCallContext,
  type TransportFailure,
} from "./hub-errors.js";
import type { HubSettings } from "./settings.js";

/** How hard to retry; the defaults suit an interactive CLI (huggingface_hub uses 5 tries, 1–8 s). */
export interface RetryPolicy {
  /** Retries after the first try. */
  readonly retries: number;
  /** Backoff before the first retry, doubled each time, randomized ×1–2 (p-retry). */
  readonly minBackoffMs: number;
  /** Largest backoff. */
  readonly maxBackoffMs: number;
  /** Total time after which no retry starts. */
  readonly maxRetryTimeMs: number;
  /** A `Retry-After` longer than this is not waited for: the error says how long to wait. */
  readonly maxWaitMs: number;
}

/** The retry policy of every Hub request. */
export const DEFAULT_RETRY_POLICY: RetryPolicy = {
  retries: 3,
  minBackoffMs: 200,
  maxBackoffMs: 2000,
  maxRetryTimeMs: 30_000,
  maxWaitMs: 30_000,
};

/**
 * Largest body read into memory: metadata only. The biggest real file vramfit reads is a
 * sharded index of a huge MoE (tens of MB); weights are only ever read by header ranges.
 */
export const MAX_BODY_BYTES = 64 * 1024 * 1024;

const MAX_REDIRECTS = 5;

/** What one GET should look like. */
export interface TransportRequest {
  readonly url: string;
  readonly method: "GET" | "HEAD";
  readonly headers: Headers;
  /** For a Range request: the largest 200 (whole file) answer accepted from a server that ignores Range. */
  readonly wholeFileLimit?: number | undefined;
}

/** Sends one request with retries; resolves to a fully read 2xx response, or rejects with a {@link HubError}. */
export type Transport = (request: TransportRequest) => Promise<Response>;

/** A failure worth another try. */
class Transient extends Error {
  constructor(
    readonly failure: TransportFailure | { readonly kind: "status"; readonly answer: FailedAnswer },
    readonly waitSeconds?: number | undefined,
  ) {
    super(failure.kind);
  }
}

/** A body that ended before its Content-Length. */
class CutShort extends Error {}

/**
 * The one place vramfit talks HTTP. Each request: a per-try timeout, redirects followed by
 * hand so the token goes to the Hub endpoint's origin only (never to a CDN it redirects to),
 * retries with p-retry for 408/429/5xx, timeouts and dropped connections (honouring
 * `Retry-After` and `RateLimit`, within a bounded total time), no retry for other 4xx,
 * the body read completely under a size limit, and every failure turned into a
 * {@link HubError} carrying the Hub's `X-Error-Code` meaning and `X-Request-Id`.
 */
export function createTransport(
  settings: HubSettings,
  context: HubCallContext,
  policy: RetryPolicy = DEFAULT_RETRY_POLICY,
): Transport {
  const endpointOrigin = new URL(settings.endpoint).origin;
  const { token } = settings;

  async function send(
    url: string,
    request: TransportRequest,
    signal: AbortSignal,
  ): Promise<{ response: Response; url: string }> {
    let current = url;
    for (let hop = 0; ; hop++) {
      const headers = new Headers(request.headers);
      headers.set("user-agent", `vramfit/${VERSION}`);
      if (token !== undefined && new URL(current).origin === endpointOrigin) {
        headers.set("authorization", `Bearer ${token}`);
      } else {
        headers.delete("authorization");
      }
      const response = await settings.fetch(current, {
        method: request.method,
        headers,
        redirect: "manual",
        signal,
      });
      const location = response.headers.get("location");
      if (response.status < 300 || response.status > 399 || location === null) {
        return { response, url: current };
      }
      await response.body?.cancel();
      if (hop === MAX_REDIRECTS) {
        throw badResponse(context, url, `more than ${MAX_REDIRECTS} redirects`);
      }
      current = new URL(location, current).href;
    }
  }

  async function attempt(request: TransportRequest, tries: number): Promise<Response> {
    const timeout = AbortSignal.timeout(settings.timeoutMs);
    const signal =
      settings.signal === undefined ? timeout : AbortSignal.any([settings.signal, timeout]);
    let answered = false;
    try {
      const { response, url } = await send(request.url, request, signal);
      answered = true;
      if (!response.ok) {
        const answer = {
          status: response.status,
          headers: response.headers,
          bodyText: await readText(response),
          url,
        };
        if (isRetryableStatus(response.status)) {
          throw new Transient(
            { kind: "status", answer },
            retryAfterSeconds(response.headers, Date.now()),
          );
        }
        throw errorFromAnswer(answer, context, tries, token);
      }
      return await buffered(request, response);
    } catch (error) {
      if (settings.signal?.aborted === true) throw settings.signal.reason;
      if (error instanceof HubError || error instanceof Transient) throw error;
      if (timeout.aborted) {
        throw new Transient({ kind: "timeout", timeoutMs: settings.timeoutMs, url: request.url });
      }
      if (error instanceof CutShort) {
        throw new Transient({ kind: "cut-short", detail: error.message, url: request.url });
      }
      if (error instanceof TypeError) {
        const detail = describeNetworkError(error);
        const kind = answered ? "cut-short" : "network";
        throw new Transient({ kind, detail, url: request.url });
      }
      throw error;
    }
  }

  /** Reads the whole body (bounded) and checks it against what the headers promised. */
  async function buffered(request: TransportRequest, response: Response): Promise<Response> {
    const range = request.headers.get("range");
    const requested = range === null ? undefined : parseRangeHeader(range);
    const requestId = response.headers.get("x-request-id") ?? undefined;
    let limit = MAX_BODY_BYTES;
    if (requested !== undefined && response.status === 200) {
      // RFC 9110 lets a server ignore Range. Fine for a small file; a weights file would be gigabytes.
      limit = request.wholeFileLimit ?? 0;
      const length = Number(response.headers.get("content-length") ?? Number.NaN);
      if (!(length <= limit)) {
        await response.body?.cancel();
        throw badResponse(
          context,
          request.url,
          "the server ignored the Range header and sent the whole file",
          requestId,
        );
      }
    } else if (requested !== undefined && response.status === 206) {
      limit = requested.end === undefined ? MAX_BODY_BYTES : requested.end - requested.start + 1;
    }
    const bytes = await readBody(response, limit, () =>
      badResponse(context, request.url, `the answer is larger than ${limit} bytes`, requestId),
    );
    if (response.status === 206)
      checkContentRange(response, bytes.length, requested, request.url, requestId);
    const headers = new Headers(response.headers);
    headers.delete("content-encoding"); // the body is already decoded
    headers.set("content-length", String(bytes.length));
    const copy = new Response(request.method === "HEAD" ? null : bytes, {
      status: response.status,
      statusText: response.statusText,
      headers,
    });
    // @huggingface/hub keeps reading from `response.url`; keep the URL it asked for.
    Object.defineProperty(copy, "url", { value: request.url });
    return copy;
  }

  function checkContentRange(
    response: Response,
    received: number,
    requested: { start: number; end: number | undefined } | undefined,
    url: string,
    requestId: string | undefined,
  ): void {
    const match = /^bytes (\d+)-(\d+)\/(\d+)$/.exec(response.headers.get("content-range") ?? "");
    const [start, end, total] = [match?.[1], match?.[2], match?.[3]].map(Number) as [
      number,
      number,
      number,
    ];
    if (
      match === null ||
      end < start ||
      end >= total ||
      (requested !== undefined && start !== requested.start)
    ) {
      throw badResponse(context, url, "a partial answer without a valid Content-Range", requestId);
    }
    if (received !== end - start + 1) {
      throw badResponse(
        context,
        url,
        `the answer was truncated: ${received} bytes for the range ${start}-${end}`,
        requestId,
      );
    }
  }

  /**
   * Waits before a retry: what the Hub asked for (`Retry-After`, `RateLimit`) plus an
   * exponential backoff (doubling from `minBackoffMs`, randomized ×1–2, at most
   * `maxBackoffMs`). A rate limit pauses every read sharing `settings.backoff`. Gives up now
   * (throws) when the Hub asks for longer than `maxWaitMs` or the wait would pass
   * `maxRetryTimeMs`.
   */
  async function waitBeforeRetry(
    error: Transient,
    retriesConsumed: number,
    startedMs: number,
  ): Promise<void> {
    const askedMs = (error.waitSeconds ?? 0) * 1000;
    if (askedMs > policy.maxWaitMs) throw error;
    const backoffMs = Math.min(
      policy.maxBackoffMs,
      Math.round((1 + Math.random()) * policy.minBackoffMs * 2 ** retriesConsumed),
    );
    const delayMs = askedMs + backoffMs;
    if (Date.now() - startedMs + delayMs > policy.maxRetryTimeMs) throw error;
    const { failure } = error;
    if (failure.kind === "status" && failure.answer.status === 429)
      settings.backoff?.pause(delayMs);
    settings.onProgress?.({
      kind: "retry-wait",
      repo: context.repo,
      reason: retryReason(failure),
      delayMs,
      nextTry: retriesConsumed + 2,
      tries: policy.retries + 1,
    });
    await sleep(delayMs, settings.signal);
  }

  return async (request) => {
    const { default: pRetry } = await import("p-retry");
    const startedMs = Date.now();
    let tries = 0;
    try {
      return await pRetry(
        async () => {
          await settings.backoff?.wait(settings.signal);
          return attempt(request, ++tries);
        },
        {
          retries: policy.retries,
          // The wait before each retry is this file's (waitBeforeRetry), so progress can say it.
          minTimeout: 0,
          maxTimeout: 0,
          ...(settings.signal === undefined ? {} : { signal: settings.signal }),
          shouldRetry: ({ error }) => error instanceof Transient,
          onFailedAttempt: async ({ error, retriesLeft, retriesConsumed }) => {
            if (!(error instanceof Transient) || retriesLeft === 0) return;
            await waitBeforeRetry(error, retriesConsumed, startedMs);
          },
        },
      );
    } catch (error) {
      if (!(error instanceof Transient)) throw error;
      const { failure } = error;
      throw failure.kind === "status"
        ? errorFromAnswer(failure.answer, context, tries, token)
        : errorFromFailure(failure, context, tries, token);
    }
  };
}

/** `bytes=a-b` or `bytes=a-`. */
export function parseRangeHeader(
  value: string,
): { start: number; end: number | undefined } | undefined {
  const match = /^bytes=(\d+)-(\d*)$/.exec(value.trim());
  if (match === null) return undefined;
  return { start: Number(match[1]), end: match[2] === "" ? undefined : Number(match[2]) };
}

async function readBody(
  response: Response,
  limit: number,
  tooLarge: () => Error,
): Promise<Uint8Array<ArrayBuffer>> {
  const declared = response.headers.get("content-length");
  if (declared !== null && Number(declared) > limit) {
    await response.body?.cancel();
    throw tooLarge();
  }
  if (response.body === null) return new Uint8Array(0);
  const chunks: Uint8Array[] = [];
  let length = 0;
  const reader = response.body.getReader();
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    length += value.byteLength;
    if (length > limit) {
      await reader.cancel();
      throw tooLarge();
    }
    chunks.push(value);
  }
  if (declared !== null && Number(declared) !== length) {
    throw new CutShort(`${length} of ${declared} bytes`);
  }
  const bytes = new Uint8Array(length);
  let offset = 0;
  for (const chunk of chunks) {
    bytes.set(chunk, offset);
    offset += chunk.byteLength;
  }
  return bytes;
}

/** The start of an error body, for the Hub's message; never fails. */
async function readText(response: Response): Promise<string> {
  try {
    const bytes = await readBody(response, 64 * 1024, () => new Error("too large"));
    return new TextDecoder().decode(bytes);
  } catch {
    return "";
  }
}

/** undici's `fetch failed` hides the reason in `cause` (ECONNREFUSED, ECONNRESET, ...). */
function describeNetworkError(error: TypeError): string {
  const cause = error.cause as { code?: unknown; message?: unknown } | undefined;
  const code = typeof cause?.code === "string" ? cause.code : undefined;
  const message = typeof cause?.message === "string" ? cause.message : undefined;
  if (code !== undefined && message !== undefined && !message.includes(code))
    return `${code}: ${message}`;
  return code ?? message ?? error.message;
}

/** Why a try failed, in words for a progress line. */
function retryReason(failure: Transient["failure"]): string {
  switch (failure.kind) {
    case "status":
      return failure.answer.status === 429
        ? "HTTP 429 (rate limited)"
        : `HTTP ${failure.answer.status}`;
    case "timeout":
      return `no answer within ${failure.timeoutMs} ms`;
    case "network":
      return `connection failed (${failure.detail})`;
    case "cut-short":
      return `answer cut short (${failure.detail})`;
  }
}

function sleep(ms: number, signal: AbortSignal | undefined): Promise<void> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(done, ms);
    function done(): void {
      signal?.removeEventListener("abort", abort);
      resolve();
    }
    function abort(): void {
      clearTimeout(timer);
      reject(signal?.reason as Error);
    }
    signal?.addEventListener("abort", abort, { once: true });
  });
}
