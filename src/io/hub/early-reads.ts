/**
 * Model-info requests sent before the code that reads their answer has loaded. The CLI knows
 * the repo from its command line and starts the request while the command's code (about
 * 200 KB) compiles, so the first round trip and the compile overlap: a cold `vramfit estimate`
 * finishes about 40 ms sooner (docs/benchmarks.md). The read that follows takes the answer
 * instead of asking again (./read-hub-model.ts); one nobody takes is abandoned.
 *
 * The request is the one the read would send: the same URL, through a transport built from the
 * same settings (retries, limits, the token sent to the endpoint's origin only).
 */
import type { HubCallContext } from "./hub-errors.js";
import { modelInfoUrl } from "./model-info-url.js";
import type { HubSettings } from "./settings.js";
import { createTransport } from "./transport.js";
import { HttpHeaders } from "../http/http-headers.js";

/** The fields vramfit's model-info call asks the Hub for (./read-hub-model.ts). */
export const MODEL_INFO_FIELDS = ["sha", "safetensors", "filePaths"] as const;

interface EarlyRead {
  readonly url: string;
  readonly token: string | undefined;
  readonly answer: Promise<Response>;
  readonly abort: AbortController;
}

const pending: EarlyRead[] = [];

/** The model-info URL of `repo` at the settings' revision and endpoint. */
export function modelInfoUrlFor(repo: string, settings: HubSettings): string {
  return modelInfoUrl({
    name: repo,
    revision: settings.revision,
    hubUrl: settings.endpoint,
    additionalFields: MODEL_INFO_FIELDS,
  });
}

/** Sends `repo`'s model-info request now, for a read of the same repo and settings to take. */
export function startEarlyModelInfo(repo: string, settings: HubSettings): void {
  if (settings.offline) return;
  const abort = new AbortController();
  const signal =
    settings.signal === undefined ? abort.signal : AbortSignal.any([settings.signal, abort.signal]);
  const context: HubCallContext = {
    repo,
    revision: settings.revision,
    endpoint: settings.endpoint,
    tokenSource: settings.tokenSource,
  };
  const url = modelInfoUrlFor(repo, settings);
  const transport = createTransport({ ...settings, signal, onProgress: undefined }, context);
  const answer = transport({ url, method: "GET", headers: new HttpHeaders() });
  answer.catch(() => undefined); // reported to the read that takes it; never unhandled
  pending.push({ url, token: settings.token, answer, abort });
}

/** The answer of an early request for exactly this URL and token, once; else `undefined`. */
export function takeEarlyAnswer(
  url: string,
  token: string | undefined,
): Promise<Response> | undefined {
  const index = pending.findIndex((read) => read.url === url && read.token === token);
  if (index < 0) return undefined;
  const [read] = pending.splice(index, 1);
  return read?.answer;
}

/** Aborts the early requests nobody took (a command that failed before reading its model). */
export function abandonEarlyReads(): void {
  for (const read of pending.splice(0)) read.abort.abort(new Error("not needed"));
}
