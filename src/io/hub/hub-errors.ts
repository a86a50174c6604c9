import { HubError, type HubErrorCode } from "../../errors.js";
import type { TokenSource } from "./settings.js";

/** What an error message may say about the call: the repo, the revision, the endpoint, never the token. */
export interface HubCallContext {
  /** The repo id. */
  readonly repo: string;
  /** The revision asked for. */
  readonly revision: string;
  /** The Hub endpoint. */
  readonly endpoint: string;
  /** Where the token came from, when one is sent. */
  readonly tokenSource: TokenSource | undefined;
  /** Whether the repo is gated, once model info has said so. */
  gated?: boolean | undefined;
}

/** A non-2xx answer, as the transport saw it. */
export interface FailedAnswer {
  readonly status: number;
  readonly headers: Headers;
  /** The start of the body, for the Hub's `{"error": "..."}` message. */
  readonly bodyText: string;
  readonly url: string;
}

/** A request that got no usable answer. */
export type TransportFailure =
  | { readonly kind: "timeout"; readonly timeoutMs: number; readonly url: string }
  | { readonly kind: "network"; readonly detail: string; readonly url: string }
  | { readonly kind: "cut-short"; readonly detail: string; readonly url: string }
  | { readonly kind: "budget"; readonly timeoutMs: number; readonly url: string };

const OFFLINE_HINT =
  "Run with --offline (or offline: true, HF_HUB_OFFLINE=1) to use vramfit's cache, the Hugging Face cache or the bundled snapshot.";

/** Statuses worth another try: timeouts, rate limits and server errors, as huggingface_hub retries. */
export function isRetryableStatus(status: number): boolean {
  return status === 408 || status === 429 || status >= 500;
}

/**
 * Seconds the Hub asks to wait: `RateLimit: "api";r=0;t=55` (the Hub's IETF-draft header,
 * when nothing remains) wins over `Retry-After` (seconds or an HTTP date).
 */
export function retryAfterSeconds(headers: Headers, nowMs: number): number | undefined {
  const limit = /"[^"]*"\s*;\s*r\s*=\s*(\d+)\s*;\s*t\s*=\s*(\d+)/.exec(
    headers.get("ratelimit") ?? "",
  );
  if (limit !== null && Number(limit[1]) === 0) return Number(limit[2]);
  const retryAfter = headers.get("retry-after")?.trim();
  if (retryAfter === undefined || retryAfter === "") return undefined;
  if (/^\d+$/.test(retryAfter)) return Number(retryAfter);
  const date = Date.parse(retryAfter);
  return Number.isNaN(date) ? undefined : Math.max(0, Math.ceil((date - nowMs) / 1000));
}

/**
 * Turns a non-2xx answer into a {@link HubError}, reading the Hub's `X-Error-Code` header
 * (RepoNotFound, RevisionNotFound, EntryNotFound, GatedRepo) first, as huggingface_hub's
 * `hf_raise_for_status` does, then the status.
 */
export function errorFromAnswer(
  answer: FailedAnswer,
  context: HubCallContext,
  tries: number,
  token: string | undefined,
  stopped?: string,
): HubError {
  const { status, headers, url } = answer;
  const errorCode = headers.get("x-error-code") ?? undefined;
  const hubMessage = redact(hubMessageOf(answer), token);
  const requestId = redact(headers.get("x-request-id") ?? "", token) || undefined;
  const { repo, revision, endpoint, tokenSource } = context;
  const tag = `HTTP ${status}${requestId === undefined ? "" : `, request id ${requestId}`}`;
  const said = hubMessage === "" ? "" : ` The Hub said: "${hubMessage}"`;
  const isFile = !new URL(url).pathname.includes("/api/");
  const details = { repo, revision, status, requestId, url, retryAfterSeconds: undefined };
  const make = (code: HubErrorCode, message: string, hint: string): HubError =>
    new HubError(code, `${message} (${tag}).${said}`, details, { hint });
  const page = `${endpoint}/${repo}`;

  if (status === 429) {
    const wait = retryAfterSeconds(headers, Date.now());
    return new HubError(
      "HUB_RATE_LIMITED",
      `The Hub rate-limited the requests for ${repo} (${tag}, ${tries} tries)${wait === undefined ? "" : `; it asks to wait ${wait} s`}${stopped === undefined ? "" : `, and ${stopped}`}.`,
      { ...details, retryAfterSeconds: wait },
      {
        hint: `Wait and try again${tokenSource === undefined ? "; set HF_TOKEN, since logged-in requests get higher limits" : ""}. ${OFFLINE_HINT}`,
      },
    );
  }
  if (isRetryableStatus(status)) {
    return make(
      "HUB_UNREACHABLE",
      `The Hub at ${endpoint} failed to answer for ${repo} after ${tries} tries`,
      `The Hub may be down; try again later. ${OFFLINE_HINT}`,
    );
  }
  if (
    errorCode === "GatedRepo" ||
    (isFile && context.gated === true && (status === 401 || status === 403))
  ) {
    return status === 403 || tokenSource !== undefined
      ? make(
          "HUB_ACCESS_DENIED",
          `${repo} is a gated model and the token (from ${tokenSource ?? "nowhere"}) is not approved for it`,
          `Ask for access at ${page} with the account the token belongs to, or use a token of an approved account.`,
        )
      : make(
          "HUB_GATED",
          `${repo} is a gated model: reading its files needs an access token`,
          `Request access at ${page}, then set HF_TOKEN to a token of that account (${endpoint}/settings/tokens).`,
        );
  }
  if (errorCode === "RevisionNotFound") {
    return make(
      "HUB_REVISION_NOT_FOUND",
      `${repo} has no revision "${revision}"`,
      `Pass an existing branch, tag or commit (see ${page}/tree/main); the default is main.`,
    );
  }
  if (errorCode === "EntryNotFound" || (status === 404 && isFile && errorCode !== "RepoNotFound")) {
    return make(
      "HUB_FILE_NOT_FOUND",
      `${repo}@${revision} has no file ${fileOf(url)}`,
      `Check that the repo holds a transformers model (config.json) at ${page}.`,
    );
  }
  if (
    status === 401 &&
    tokenSource !== undefined &&
    /invalid (?:credentials|token)/i.test(hubMessage)
  ) {
    return make(
      "HUB_INVALID_TOKEN",
      `The Hub rejected the access token from ${tokenSource} as invalid`,
      `Create a new token at ${endpoint}/settings/tokens and set HF_TOKEN to it, or unset it for public repos.`,
    );
  }
  if (errorCode === "RepoNotFound" || status === 401 || status === 404) {
    return make(
      "HUB_REPO_NOT_FOUND",
      `${repo} was not found on ${endpoint}, or it is private`,
      tokenSource === undefined
        ? "Check the spelling of the repo id. If the repo is private, set HF_TOKEN to a token that can read it."
        : `Check the spelling of the repo id, and that the token from ${tokenSource} can read it.`,
    );
  }
  if (status === 403) {
    return make(
      "HUB_ACCESS_DENIED",
      `The Hub refused access to ${repo}`,
      "Use a token whose permissions include reading this repo.",
    );
  }
  return make(
    "HUB_BAD_RESPONSE",
    `Unexpected answer from the Hub for ${fileOf(url)} of ${repo}`,
    `Report it with the request id; check HF_ENDPOINT (${endpoint}) if you use a mirror.`,
  );
}

/** Turns a request with no usable answer into a `HUB_UNREACHABLE` {@link HubError}. */
export function errorFromFailure(
  failure: TransportFailure,
  context: HubCallContext,
  tries: number,
  token: string | undefined,
): HubError {
  const reason =
    failure.kind === "timeout"
      ? `no answer within ${failure.timeoutMs} ms`
      : failure.kind === "budget"
        ? `no answer within the ${failure.timeoutMs} ms timeout`
        : failure.kind === "cut-short"
          ? `the answer was cut short (${failure.detail})`
          : `the connection failed (${failure.detail})`;
  const slow = failure.kind === "timeout" || failure.kind === "budget";
  return new HubError(
    "HUB_UNREACHABLE",
    redact(
      `Could not reach the Hub at ${context.endpoint} for ${context.repo}: ${reason}, ${tries} tries.`,
      token,
    ),
    { repo: context.repo, revision: context.revision, url: failure.url },
    {
      hint: `Check the network and HF_ENDPOINT${slow ? "; for a slow Hub, raise --timeout (timeoutMs, the whole read's budget)" : ""}. ${OFFLINE_HINT}`,
    },
  );
}

/**
 * Whether a connection failure's code says the server's TLS certificate cannot be trusted
 * (OpenSSL's verify codes as Node reports them, and Node's host-name check): the same
 * certificate comes back on every retry, so none is made.
 */
export function isCertificateProblem(code: string): boolean {
  return /CERT|SELF_SIGNED|UNABLE_TO_VERIFY|UNABLE_TO_GET_ISSUER|INVALID_CA|HOSTNAME_MISMATCH/.test(
    code,
  );
}

/** A `HUB_UNREACHABLE` {@link HubError} for a server whose TLS certificate is not trusted. */
export function untrustedCertificate(
  context: HubCallContext,
  url: string,
  detail: string,
): HubError {
  return new HubError(
    "HUB_UNREACHABLE",
    `Could not reach the Hub at ${context.endpoint} for ${context.repo}: the server's TLS certificate is not trusted (${detail}).`,
    { repo: context.repo, revision: context.revision, url },
    {
      hint: `If a company proxy or a mirror signs with its own certificate authority, point NODE_EXTRA_CA_CERTS at that CA's PEM file; else check HF_ENDPOINT. ${OFFLINE_HINT}`,
    },
  );
}

/** A `HUB_BAD_RESPONSE` {@link HubError}: an answer that is there but cannot be trusted. */
export function badResponse(
  context: HubCallContext,
  url: string,
  problem: string,
  requestId?: string,
): HubError {
  return new HubError(
    "HUB_BAD_RESPONSE",
    `Unexpected answer from ${context.endpoint} for ${fileOf(url)} of ${context.repo}: ${problem}${requestId === undefined ? "" : ` (request id ${requestId})`}.`,
    { repo: context.repo, revision: context.revision, url, requestId },
    {
      hint: `Try again; if it persists, check HF_ENDPOINT (${context.endpoint}) or report it with the request id.`,
    },
  );
}

/**
 * Token-shaped text: Hugging Face user and organization tokens (`hf_` / `api_org_` and 16 or
 * more letters and digits; real ones have 34), and any bearer credential.
 */
const TOKEN_SHAPED = /\b(?:hf|api_org)_[A-Za-z0-9]{16,}|\bBearer\s+[^\s"',;]+/gi;

/** What a redacted token reads as. */
export const REDACTED = "hf_***";

/**
 * Redacts a string that came from a server (a header, a message, a file name, a file's text)
 * before it reaches a message, a log, a cache file or JSON output: the exact token in use, and
 * anything token-shaped, in case a server echoes an `Authorization` header back.
 */
export function redact(text: string, token: string | undefined): string {
  const exact = token === undefined || token === "" ? text : text.split(token).join(REDACTED);
  return exact.replace(TOKEN_SHAPED, (match) =>
    /^bearer/i.test(match) ? `Bearer ${REDACTED}` : REDACTED,
  );
}

/**
 * An error with every string redacted ({@link redact}). A {@link HubError} is rebuilt: message,
 * hint, request id, URL, and the cause chain (an underlying error whose text holds a secret is
 * replaced by one with the redacted message). Any other error has its message and stack
 * redacted in place.
 */
export function redactError(error: unknown, token: string | undefined): unknown {
  if (!(error instanceof HubError)) {
    if (
      error instanceof Error &&
      redact(`${error.message}${error.stack ?? ""}`, token) !==
        `${error.message}${error.stack ?? ""}`
    ) {
      error.message = redact(error.message, token);
      error.stack = redact(error.stack ?? "", token);
    }
    return error;
  }
  const clean = (text: string | undefined) =>
    text === undefined ? undefined : redact(text, token);
  return new HubError(
    error.code,
    redact(error.message, token),
    {
      repo: error.repo,
      revision: error.revision,
      status: error.status,
      requestId: clean(error.requestId),
      url: clean(error.url),
      retryAfterSeconds: error.retryAfterSeconds,
    },
    { hint: clean(error.hint), cause: redactCause(error.cause, token) },
  );
}

function redactCause(cause: unknown, token: string | undefined): unknown {
  if (cause === undefined) return undefined;
  if (cause instanceof HubError) return redactError(cause, token);
  if (!(cause instanceof Error)) return "(redacted)";
  const text = `${cause.message}\n${cause.stack ?? ""}`;
  if (redact(text, token) === text && cause.cause === undefined) return cause;
  // A copy without the deeper chain: what it said, redacted, and nothing the server could add.
  const copy = new Error(redact(cause.message, token));
  copy.name = cause.name;
  copy.stack = `${copy.name}: ${copy.message}`;
  return copy;
}

function hubMessageOf(answer: FailedAnswer): string {
  const fromHeader = answer.headers.get("x-error-message");
  if (fromHeader !== null && fromHeader !== "") return clip(fromHeader);
  try {
    const json = JSON.parse(answer.bodyText) as unknown;
    if (
      typeof json === "object" &&
      json !== null &&
      "error" in json &&
      typeof json.error === "string"
    ) {
      return clip(json.error);
    }
  } catch {
    // not JSON: fall through
  }
  return "";
}

function clip(text: string): string {
  const oneLine = text.replace(/\s+/g, " ").trim();
  return oneLine.length > 300 ? `${oneLine.slice(0, 300)}…` : oneLine;
}

/** The file part of a resolve URL (`config.json`), or the API path. */
function fileOf(url: string): string {
  const path = new URL(url).pathname;
  const match = /\/resolve\/[^/]+\/(.+)$/.exec(path);
  return decodeURIComponent(match?.[1] ?? path);
}
