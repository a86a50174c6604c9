import type { HubBackoff, HubProgress } from "./hub/progress.js";
import {
  anyField,
  BOOLEAN_FIELD,
  integerField,
  TEXT_FIELD,
  type OptionTable,
} from "../options/option-fields.js";

/**
 * How to find a model: where to look and with what credentials. Shared by every
 * function that accepts a repo id (`estimateInference`, and later training, GPU ranking
 * and planning), so callers learn one vocabulary. Every field is optional; unset fields
 * fall back to the environment the way the Python `huggingface_hub` client does.
 */
export interface HubOptions {
  /**
   * Branch, tag or 40-hex commit of the Hub repo. Results report the commit it resolved to.
   * @default "main"
   */
  readonly revision?: string | undefined;
  /**
   * Hub access token (`hf_...`) for gated and private repos. Sent only to the Hub endpoint,
   * never to a host it redirects to, and never printed, logged or cached.
   * @default env HF_TOKEN, then HUGGING_FACE_HUB_TOKEN, then the file HF_TOKEN_PATH or $HF_HOME/token
   */
  readonly accessToken?: string | undefined;
  /**
   * Hub endpoint (a mirror, or a local server in tests); a trailing slash is ignored.
   * @default env HF_ENDPOINT, else "https://huggingface.co"
   */
  readonly hubUrl?: string | undefined;
  /**
   * The `fetch` every Hub request goes through (a proxy, a test double).
   * @default node:http / node:https with keep-alive on Node; the page's `fetch` in browsers
   */
  readonly fetch?: typeof fetch | undefined;
  /** Cancels the Hub requests; the promise rejects with the signal's reason. */
  readonly signal?: AbortSignal | undefined;
  /**
   * Called at each step of a Hub read: resolving the revision, reading the files, waiting
   * before a retry (with the reason and the delay). Not called for cached or offline reads.
   */
  readonly onProgress?: ((event: HubProgress) => void) | undefined;
  /**
   * A rate-limit pause shared with other calls (`createHubBackoff()`): when one is told to
   * slow down, all wait. `estimateMany` shares one across its models.
   * @default none: each call backs off alone
   */
  readonly backoff?: HubBackoff | undefined;
  /**
   * Milliseconds the Hub read of one model may take in all: every request, retry, backoff and
   * `Retry-After` wait. Each try gets at most a quarter of it (and at most 10 s) before it is
   * abandoned and retried; a wait longer than what is left is not waited for.
   * @default 30000
   */
  readonly timeoutMs?: number | undefined;
  /**
   * How long the commit a branch or tag pointed to, once read from the Hub, is trusted without
   * asking again. Within it, a model vramfit has cached costs no request; after it, one
   * (model info: has the branch moved?). `0` asks every time. Commits never need asking.
   * @default 600000 (10 minutes)
   */
  readonly branchMaxAgeMs?: number | undefined;
  /**
   * No network at all: use vramfit's cache, then the Hugging Face cache, then the bundled snapshot.
   * @default env HF_HUB_OFFLINE (1, true, on or yes), else false
   */
  readonly offline?: boolean | undefined;
  /**
   * Folder of vramfit's metadata cache (config.json and safetensors summaries, never
   * weights), or `false` for none.
   * @default $XDG_CACHE_HOME/vramfit, else ~/.cache/vramfit
   */
  readonly cacheDir?: string | false | undefined;
  /**
   * Environment variables to read the defaults above from (HF_TOKEN, HF_ENDPOINT,
   * HF_HUB_OFFLINE, HF_HOME, ...). Tests pass their own so they never see the real ones.
   * @default process.env where there is one, else {}
   */
  readonly env?: Readonly<Record<string, string | undefined>> | undefined;
}

/**
 * Every {@link HubOptions} field, for the options engine: the known keys of every async
 * function. `resolveHubSettings` checks the values (a URL, a revision, a token) in detail.
 */
export const HUB_OPTIONS: OptionTable<HubOptions> = {
  revision: { field: TEXT_FIELD },
  accessToken: { field: anyField<string>("a Hub access token") },
  hubUrl: { field: TEXT_FIELD },
  fetch: {
    field: {
      expected: "a fetch function",
      accepts: (value): value is typeof fetch => typeof value === "function",
    },
  },
  signal: { field: anyField<AbortSignal>("an AbortSignal") },
  onProgress: { field: anyField<(event: HubProgress) => void>("a function") },
  backoff: { field: anyField<HubBackoff>("a HubBackoff from createHubBackoff()") },
  timeoutMs: { field: integerField() },
  branchMaxAgeMs: { field: integerField(0) },
  offline: { field: BOOLEAN_FIELD },
  cacheDir: {
    field: {
      expected: "a folder path, or false",
      accepts: (value): value is string | false => value === false || TEXT_FIELD.accepts(value),
    },
  },
  env: { field: anyField<Readonly<Record<string, string | undefined>>>("an environment object") },
};
