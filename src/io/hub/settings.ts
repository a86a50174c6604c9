import type { HubOptions } from "../hub-options.js";
import type { HubBackoff, HubProgress } from "./progress.js";
import { InvalidOptionError } from "../../errors.js";
import { DEFAULT_BRANCH_MAX_AGE_MS } from "./branch-ref.js";
import { isTruthy, offlineFromEnv } from "./env-flags.js";
import {
  defaultFetch,
  homeDirectory as platformHome,
  processEnvironment,
  readTextFile,
} from "#platform";

/** The public Hub. */
export const DEFAULT_HUB_URL = "https://huggingface.co";

/**
 * The time one model read may spend on the Hub: every request, retry, backoff and wait
 * together. Each try gets at most a quarter of it, and at most 10 s (the Python client's
 * `HF_HUB_ETAG_TIMEOUT`), so a server that never answers costs 30 s, tries and all.
 */
export const DEFAULT_TIMEOUT_MS = 30_000;

/** Where the access token came from, for messages (the token itself is never shown). */
export type TokenSource =
  "accessToken option" | "HF_TOKEN" | "HUGGING_FACE_HUB_TOKEN" | "token file";

/** Everything the Hub client needs, resolved once per call: option > env > token file > default. */
export interface HubSettings {
  /** Endpoint without a trailing slash, e.g. `https://huggingface.co`. */
  readonly endpoint: string;
  /** The access token, or undefined for anonymous requests. */
  readonly token: string | undefined;
  /** Where {@link HubSettings.token} came from. */
  readonly tokenSource: TokenSource | undefined;
  /** Branch, tag or commit asked for. */
  readonly revision: string;
  /** No network at all. */
  readonly offline: boolean;
  /** vramfit's metadata cache folder, or undefined for no disk cache. */
  readonly cacheDir: string | undefined;
  /** The Hugging Face cache (`$HF_HUB_CACHE`), read-only, or undefined where there is no home. */
  readonly hfHubCacheDir: string | undefined;
  /** Milliseconds the whole read may take, every request, retry and wait included. */
  readonly timeoutMs: number;
  /** How long a branch's cached commit is trusted without asking the Hub; 0: always ask. */
  readonly branchMaxAgeMs: number;
  /** The fetch under every request: the caller's, else `node:http` on Node and the page's `fetch` in browsers. */
  readonly fetch: typeof fetch;
  /** The caller's cancel signal. */
  readonly signal: AbortSignal | undefined;
  /** Called at each step of a read (see {@link HubProgress}). */
  readonly onProgress: ((event: HubProgress) => void) | undefined;
  /** A rate-limit pause shared with other reads, if any. */
  readonly backoff: HubBackoff | undefined;
  /** Called with the origin of every redirect to another origin (the Hub's CDN). */
  readonly onRedirect?: ((origin: string) => void) | undefined;
}

type Env = Readonly<Record<string, string | undefined>>;

/**
 * Resolves {@link HubSettings} field by field, the way the Python `huggingface_hub` reads
 * its environment: `HF_ENDPOINT` (trailing slash dropped), `HF_HUB_OFFLINE`, `HF_TOKEN`,
 * then `HUGGING_FACE_HUB_TOKEN`, then the token file (`HF_TOKEN_PATH`, else
 * `$HF_HOME/token`), `HF_HUB_DISABLE_IMPLICIT_TOKEN`, `HF_HUB_CACHE`, `XDG_CACHE_HOME`.
 * The token file is read only when a request will be made.
 *
 * @throws {InvalidOptionError} for a malformed `hubUrl`, `revision`, `timeoutMs` or token.
 */
export async function resolveHubSettings(options: HubOptions = {}): Promise<HubSettings> {
  const env: Env = options.env ?? processEnvironment();
  const offline = options.offline ?? offlineFromEnv(env);
  const home = homeDirectory(env, options.env === undefined);
  const xdgCache =
    nonEmpty(env.XDG_CACHE_HOME) ?? (home === undefined ? undefined : `${home}/.cache`);
  const hfHome =
    nonEmpty(env.HF_HOME) ?? (xdgCache === undefined ? undefined : `${xdgCache}/huggingface`);
  const token = offline ? undefined : await findToken(options, env, hfHome);

  return {
    endpoint: endpointFrom(options.hubUrl ?? nonEmpty(env.HF_ENDPOINT) ?? DEFAULT_HUB_URL),
    token: token?.value,
    tokenSource: token?.source,
    revision: revisionFrom(options.revision),
    offline,
    cacheDir:
      options.cacheDir === false
        ? undefined
        : (options.cacheDir ?? (xdgCache === undefined ? undefined : `${xdgCache}/vramfit`)),
    hfHubCacheDir:
      nonEmpty(env.HF_HUB_CACHE) ??
      nonEmpty(env.HUGGINGFACE_HUB_CACHE) ??
      (hfHome === undefined ? undefined : `${hfHome}/hub`),
    timeoutMs: timeoutFrom(options.timeoutMs),
    branchMaxAgeMs: options.branchMaxAgeMs ?? DEFAULT_BRANCH_MAX_AGE_MS,
    fetch: options.fetch ?? defaultFetch,
    signal: options.signal,
    onProgress: options.onProgress,
    backoff: options.backoff,
  };
}

function nonEmpty(value: string | undefined): string | undefined {
  const trimmed = value?.trim();
  return trimmed === undefined || trimmed === "" ? undefined : trimmed;
}

/**
 * `$HOME` (or `%USERPROFILE%`) from the given env; the platform's home folder only when the
 * env is the process's own, so tests that pass their env never see the real home.
 */
function homeDirectory(env: Env, isProcessEnv: boolean): string | undefined {
  const fromEnv = nonEmpty(env.HOME) ?? nonEmpty(env.USERPROFILE);
  return fromEnv !== undefined || !isProcessEnv ? fromEnv : platformHome();
}

async function findToken(
  options: HubOptions,
  env: Env,
  hfHome: string | undefined,
): Promise<{ value: string; source: TokenSource } | undefined> {
  if (options.accessToken !== undefined) {
    return cleanToken(options.accessToken, "accessToken option");
  }
  if (isTruthy(env.HF_HUB_DISABLE_IMPLICIT_TOKEN)) return undefined;
  const fromEnv =
    cleanToken(env.HF_TOKEN, "HF_TOKEN") ??
    cleanToken(env.HUGGING_FACE_HUB_TOKEN, "HUGGING_FACE_HUB_TOKEN");
  if (fromEnv !== undefined) return fromEnv;
  const path =
    nonEmpty(env.HF_TOKEN_PATH) ?? (hfHome === undefined ? undefined : `${hfHome}/token`);
  if (path === undefined) return undefined;
  return cleanToken(await readTextFile(path, 4096), "token file");
}

/**
 * Trims a token and drops line breaks, as huggingface_hub does; empty means none. Rejects
 * characters no token has, without echoing the value.
 */
function cleanToken(
  raw: string | undefined,
  source: TokenSource,
): { value: string; source: TokenSource } | undefined {
  const value = raw?.replace(/[\r\n]/g, "").trim();
  if (value === undefined || value === "") return undefined;
  if (!/^[\x21-\x7e]+$/.test(value)) {
    throw new InvalidOptionError(
      "accessToken",
      `the token from the ${source} holds spaces or characters outside ASCII`,
      { hint: "Copy the token again from https://huggingface.co/settings/tokens." },
    );
  }
  return { value, source };
}

function endpointFrom(raw: string): string {
  let url: URL | undefined;
  try {
    url = new URL(raw.trim());
  } catch {
    url = undefined;
  }
  if (url === undefined || (url.protocol !== "https:" && url.protocol !== "http:")) {
    throw new InvalidOptionError("hubUrl", `expected an http(s) URL, got "${raw}"`, {
      hint: "Pass the Hub's base URL, e.g. https://huggingface.co (or set HF_ENDPOINT).",
    });
  }
  if (url.username !== "" || url.password !== "") {
    throw new InvalidOptionError("hubUrl", "the URL must not hold credentials", {
      hint: "Put the token in HF_TOKEN or the accessToken option instead.",
    });
  }
  // @huggingface/hub concatenates strings, so "https://host/" would request "//org/name".
  return `${url.origin}${url.pathname}`.replace(/\/+$/, "");
}

/** Git refs: no spaces, control characters or `..` (which would climb out of the URL path). */
function revisionFrom(raw: string | undefined): string {
  const revision = raw?.trim() ?? "main";
  if (
    revision === "" ||
    revision.length > 255 ||
    /[\s\p{Cc}?#\\]/u.test(revision) ||
    revision.split("/").some((part) => part === "" || part === "." || part === "..")
  ) {
    throw new InvalidOptionError("revision", `"${raw ?? ""}" is not a branch, tag or commit`, {
      hint: 'Pass a branch ("main"), a tag ("v1.0"), a PR ref ("refs/pr/1") or a 40-hex commit.',
    });
  }
  return revision;
}

function timeoutFrom(raw: number | undefined): number {
  if (raw === undefined) return DEFAULT_TIMEOUT_MS;
  if (!(Number.isFinite(raw) && raw > 0)) {
    throw new InvalidOptionError(
      "timeoutMs",
      `expected a positive number of milliseconds, got ${raw}`,
    );
  }
  return raw;
}
