import { VERSION } from "../../version.js";
import { HubError } from "../../errors.js";
import {
  badResponse,
  errorFromAnswer,
  errorFromFailure,
  isCertificateProblem,
  isRetryableStatus,
  redactError,
  retryAfterSeconds,
  type FailedAnswer,
  type HubCallContext,
  type TransportFailure,
  untrustedCertificate,
} from "./hub-errors.js";
import { BufferedResponse } from "../http/buffered-response.js";
import { discardBody, readAtMost } from "../http/direct-body.js";
import { HttpHeaders } from "../http/http-headers.js";
import { createHubBackoff, type HubBackoff } from "./progress.js";
import type { HubSettings } from "./settings.js";
import { sleep } from "./sleep.js";

/** How hard to retry; the defaults suit an interactive CLI (huggingface_hub uses 5 tries, 1–8 s). */
export interface RetryPolicy {
  /** Retries after the first try. */
  readonly retries: number;
  /** Backoff before the first retry, doubled each time, randomized ×1–2 (p-retry). */
  readonly minBackoffMs: number;
  /** Largest backoff. */
  readonly maxBackoffMs: number;
  /**
   * Longest one try may take. A try also gets at most its share of the time budget
   * (`timeoutMs / (retries + 1)`), so a server that never answers costs `timeoutMs`, tries and
   * all.
   */
  readonly maxAttemptMs: number;
  /** A `Retry-After` longer than this is not waited for: the error says how long to wait. */
  readonly maxWaitMs: number;
  /**
   * Requests in flight at once for one model: a repo with thousands of shards is read this many
   * headers at a time, and a rate limit pauses them all (@huggingface/hub parses 20 shard
   * headers at a time, huggingface_hub downloads with 8 workers).
   */
  readonly concurrency: number;
}

/** The retry policy of every Hub request. */
export const DEFAULT_RETRY_POLICY: RetryPolicy = {
  retries: 3,
  minBackoffMs: 200,
  maxBackoffMs: 2000,
  maxAttemptMs: 10_000,
  maxWaitMs: 30_000,
  concurrency: 16,
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

/** The time budget ran out before a try could start. */
class BudgetSpent extends Error {}

/**
 * At most `limit` tasks at once, the others queued in order; a pause of `backoff` holds every
 * task that has not started yet (a rate limit applies to all the requests, not to one, and to
 * every read that shares the backoff).
 */
class RequestGate {
  private active = 0;
  private readonly waiting: (() => void)[] = [];

  constructor(
    private readonly limit: number,
    readonly backoff: HubBackoff,
  ) {}

  async run<T>(task: () => Promise<T>, signal: AbortSignal | undefined): Promise<T> {
    await this.acquire(signal);
    try {
      await this.backoff.wait(signal);
      return await task();
    } finally {
      const next = this.waiting.shift();
      if (next === undefined) this.active -= 1;
      else next(); // the slot passes to the next task
    }
  }

  private acquire(signal: AbortSignal | undefined): Promise<void> {
    if (this.active < this.limit) {
      this.active += 1;
      return Promise.resolve();
    }
    return new Promise((resolve, reject) => {
      const start = (): void => {
        signal?.removeEventListener("abort", abort);
        resolve();
      };
      const abort = (): void => {
        const index = this.waiting.indexOf(start);
        if (index >= 0) this.waiting.splice(index, 1);
        reject(signal?.reason as Error);
      };
      this.waiting.push(start);
      signal?.addEventListener("abort", abort, { once: true });
    });
  }
}

/**
 * The one place vramfit talks HTTP. One transport serves one model read, within one time
 * budget (`settings.timeoutMs`, from its creation: every request, try, backoff and wait
 * together) and at most {@link RetryPolicy.concurrency} requests at once. Each request: a
 * per-try timeout, redirects followed by hand (http and https only) so the token goes to the
 * Hub endpoint's origin only (never to a CDN it redirects to), retries with p-retry for
 * 408/429/5xx, timeouts and dropped connections (honouring `Retry-After` and `RateLimit` for
 * every request at once, unless the wait outlasts the budget), no retry for other 4xx, the body
 * read completely under a size limit, and every failure turned into a redacted
 * {@link HubError} carrying the Hub's `X-Error-Code` meaning and `X-Request-Id`.
 */
export function createTransport(
  settings: HubSettings,
  context: HubCallContext,
  policy: RetryPolicy = DEFAULT_RETRY_POLICY,
): Transport {
  const endpointOrigin = new URL(settings.endpoint).origin;
  const { token, timeoutMs } = settings;
  const deadline = Date.now() + timeoutMs;
  const attemptMs = Math.min(policy.maxAttemptMs, Math.ceil(timeoutMs / (policy.retries + 1)));
  const gate = new RequestGate(policy.concurrency, settings.backoff ?? createHubBackoff());
  const left = (): number => deadline - Date.now();
  /** Whether a `Retry-After` of this many seconds is waited for (else vramfit gives up). */
  const waits = (waitSeconds: number): boolean =>
    waitSeconds * 1000 <= policy.maxWaitMs && waitSeconds * 1000 < left();

  async function send(
    url: string,
    request: TransportRequest,
    signal: AbortSignal,
  ): Promise<{ response: Response; url: string }> {
    let current = url;
    for (let hop = 0; ; hop++) {
      const headers = new HttpHeaders(request.headers);
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
      if (response.type === "opaqueredirect") {
        // A browser hides where a redirect goes (no status, no Location), so it cannot be followed
        // by hand. Let the browser follow it: on a hop to another origin it drops the
        // Authorization header itself (Fetch standard, HTTP-redirect fetch), as the hand-followed
        // path below does, so the token still reaches the Hub endpoint only.
        const followed = await settings.fetch(current, {
          method: request.method,
          headers,
          redirect: "follow",
          signal,
        });
        return { response: followed, url: followed.url || current };
      }
      const location = response.headers.get("location");
      if (response.status < 300 || response.status > 399 || location === null) {
        return { response, url: current };
      }
      await discardBody(response);
      if (hop === MAX_REDIRECTS) {
        throw badResponse(context, url, `more than ${MAX_REDIRECTS} redirects`);
      }
      const next = URL.canParse(location, current) ? new URL(location, current) : undefined;
      if (next === undefined || (next.protocol !== "https:" && next.protocol !== "http:")) {
        // Not worth a retry: the same answer would come again.
        throw badResponse(context, url, "a redirect to something other than an http(s) URL");
      }
      if (next.origin !== new URL(current).origin) settings.onRedirect?.(next.origin);
      current = next.href;
    }
  }

  async function attempt(request: TransportRequest, tries: number): Promise<Response> {
    const budget = left();
    if (budget <= 0) throw new BudgetSpent();
    const tryMs = Math.min(attemptMs, budget);
    const timeout = AbortSignal.timeout(tryMs);
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
          const waitSeconds = retryAfterSeconds(response.headers, Date.now());
          // Pause the other requests now, before this one's slot passes to the next.
          if (waitSeconds !== undefined && waits(waitSeconds))
            gate.backoff.pause(waitSeconds * 1000);
          throw new Transient({ kind: "status", answer }, waitSeconds);
        }
        throw errorFromAnswer(answer, context, tries, token);
      }
      return await buffered(request, response);
    } catch (error) {
      if (settings.signal?.aborted === true) throw settings.signal.reason;
      if (error instanceof HubError || error instanceof Transient) throw error;
      if (timeout.aborted) {
        throw new Transient({ kind: "timeout", timeoutMs: tryMs, url: request.url });
      }
      if (error instanceof CutShort) {
        throw new Transient({ kind: "cut-short", detail: error.message, url: request.url });
      }
      if (error instanceof TypeError) {
        const detail = describeNetworkError(error);
        const code = (error.cause as { code?: unknown } | undefined)?.code;
        if (typeof code === "string" && isCertificateProblem(code)) {
          throw untrustedCertificate(context, request.url, detail);
        }
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
    const ignoredRange = (): HubError =>
      badResponse(
        context,
        request.url,
        "the server ignored the Range header and sent the whole file",
        requestId,
      );
    if (requested !== undefined && response.status === 200) {
      // RFC 9110 lets a server ignore Range. Fine for a small file (even sent chunked, without a
      // Content-Length: the limit is counted as it arrives); a weights file would be gigabytes.
      limit = request.wholeFileLimit ?? 0;
      const declared = response.headers.get("content-length");
      if (declared !== null && !(Number(declared) <= limit)) {
        await discardBody(response);
        throw ignoredRange();
      }
      const bytes = await readBody(response, limit, ignoredRange);
      return copyOf(request, response, bytes);
    } else if (requested !== undefined && response.status === 206) {
      limit = requested.end === undefined ? MAX_BODY_BYTES : requested.end - requested.start + 1;
    }
    const bytes = await readBody(response, limit, () =>
      badResponse(context, request.url, `the answer is larger than ${limit} bytes`, requestId),
    );
    if (response.status === 206)
      checkContentRange(response, bytes.length, requested, request.url, requestId);
    return copyOf(request, response, bytes);
  }

  /** A response holding the body read, as the caller asked for it. */
  function copyOf(
    request: TransportRequest,
    response: Response,
    bytes: Uint8Array<ArrayBuffer>,
  ): Response {
    const headers = new HttpHeaders(response.headers);
    headers.delete("content-encoding"); // the body is already decoded
    headers.set("content-length", String(bytes.length));
    // @huggingface/hub keeps reading from `response.url`: keep the URL it asked for.
    return new BufferedResponse({
      status: response.status,
      statusText: response.statusText,
      headers,
      url: request.url,
      body: request.method === "HEAD" ? null : bytes,
    });
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

  // Every error leaves redacted: request ids, messages and bodies come from the server.
  return (request) =>
    retried(request).catch((error: unknown) => {
      throw redactError(error, token);
    });

  async function retried(request: TransportRequest): Promise<Response> {
    const { default: pRetry } = await import("p-retry");
    let tries = 0;
    let stopped: string | undefined;
    let lastFailure: Transient | undefined;
    try {
      return await pRetry(() => gate.run(() => attempt(request, ++tries), settings.signal), {
        retries: policy.retries,
        // The wait before each retry is onFailedAttempt's, so progress can say how long.
        minTimeout: 0,
        maxTimeout: 0,
        maxRetryTime: timeoutMs,
        ...(settings.signal === undefined ? {} : { signal: settings.signal }),
        shouldRetry: ({ error }) => error instanceof Transient && left() > 0,
        onFailedAttempt: async ({ error, retriesLeft, retriesConsumed }) => {
          if (error instanceof Transient) lastFailure = error;
          if (!(error instanceof Transient) || retriesLeft === 0 || left() <= 0) return;
          // The Hub says how long: every request waits that long, plus the backoff, or vramfit
          // gives up now, saying why, when the wait outlasts the budget.
          if (error.waitSeconds !== undefined && !waits(error.waitSeconds)) {
            stopped = `vramfit stopped: the wait is longer than the ${seconds(Math.max(0, left()))} s left of its ${seconds(timeoutMs)} s timeout (--timeout, timeoutMs)`;
            throw error;
          }
          // Exponential backoff, randomized ×1–2; a small budget gets small backoffs.
          const backoffMs = Math.min(
            Math.min(policy.maxBackoffMs, attemptMs / 2),
            Math.round(
              (1 + Math.random()) *
                Math.min(policy.minBackoffMs, attemptMs / 4) *
                2 ** retriesConsumed,
            ),
          );
          const delayMs = (error.waitSeconds ?? 0) * 1000 + backoffMs;
          if (error.waitSeconds !== undefined && delayMs >= left()) {
            stopped = `vramfit stopped: the wait is longer than the ${seconds(Math.max(0, left()))} s left of its ${seconds(timeoutMs)} s timeout (--timeout, timeoutMs)`;
            throw error;
          }
          const { failure } = error;
          if (failure.kind === "status" && failure.answer.status === 429) {
            gate.backoff.pause(delayMs);
          }
          settings.onProgress?.({
            kind: "retry-wait",
            repo: context.repo,
            reason: retryReason(failure),
            delayMs,
            nextTry: retriesConsumed + 2,
            tries: policy.retries + 1,
          });
          // A backoff past the budget is cut short: the next try then reports the budget spent.
          await sleep(Math.min(delayMs, Math.max(0, left())), settings.signal);
        },
      });
    } catch (error) {
      if (error instanceof BudgetSpent && lastFailure?.failure.kind === "status") {
        // Rate-limited (or failing) until the budget ran out: that is what to report.
        throw errorFromAnswer(
          lastFailure.failure.answer,
          context,
          tries - 1,
          token,
          `vramfit stopped: its ${seconds(timeoutMs)} s timeout ran out (--timeout, timeoutMs)`,
        );
      }
      if (error instanceof BudgetSpent) {
        throw errorFromFailure(
          { kind: "budget", timeoutMs, url: request.url },
          context,
          tries - 1,
          token,
        );
      }
      if (!(error instanceof Transient)) throw error;
      // A last try cut short by the budget: the budget is what ran out.
      const failure: TransportFailure | { kind: "status"; answer: FailedAnswer } =
        error.failure.kind === "timeout" && left() <= 0
          ? { kind: "budget", timeoutMs, url: request.url }
          : error.failure;
      throw failure.kind === "status"
        ? errorFromAnswer(failure.answer, context, tries, token, stopped)
        : errorFromFailure(failure, context, tries, token);
    }
  }
}

/** Milliseconds as seconds for a message: `30`, `2.5`. */
function seconds(ms: number): string {
  return String(Math.round(ms / 100) / 10);
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
    await discardBody(response);
    throw tooLarge();
  }
  const bytes = await readAtMost(response, limit);
  if (bytes === undefined) throw tooLarge();
  if (declared !== null && Number(declared) !== bytes.length) {
    throw new CutShort(`${bytes.length} of ${declared} bytes`);
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
    default:
      return failure.kind;
  }
}
