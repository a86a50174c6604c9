/**
 * What the Hub client and model resolution need from the machine, on Node: files, the home
 * folder, the environment and `@huggingface/hub`. Imported as `#platform`, which package.json
 * `imports` points at this file under the `node` condition and at ./browser.ts elsewhere, so
 * a browser bundle never sees a Node built-in. Both files export the same names (a type test
 * checks it).
 */
import { homedir } from "node:os";
import type { HubLibrary } from "../hub/hub-library.js";

export { findLocalConfig, readConfigFile, readHfQuantConfig } from "../files/read-config-file.js";
export { readTextFile, writeFileAtomic } from "../files/text-files.js";

/** The process's environment variables. */
export function processEnvironment(): Readonly<Record<string, string | undefined>> {
  return process.env;
}

/** The user's home folder, where the caches live unless the environment says otherwise. */
export function homeDirectory(): string | undefined {
  return homedir();
}

/** The Hub client: the parts of `@huggingface/hub` vramfit calls, loaded on first use. */
export async function loadHubLibrary(): Promise<HubLibrary> {
  return import("./hub-client.js");
}

/**
 * The `fetch` under every Hub request: `node:http` / `node:https` with keep-alive
 * (./node-fetch.ts explains why not the built-in one), loaded on the first request.
 */
export const defaultFetch: typeof fetch = async (input, init) =>
  (await import("./node-fetch.js")).nodeFetch(input, init);

/**
 * Opens a connection to `origin` (https only) for requests to come, without sending one:
 * ./https-routes.ts. It never holds the process open, and a failure is left to the request
 * that would use it.
 */
export function preconnect(origin: string): void {
  void import("./https-routes.js").then(({ preconnect: open }) => {
    open(new URL(origin));
  });
}
