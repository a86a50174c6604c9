/**
 * The browser (and worker, and any non-Node runtime) twin of ./node.ts: no file system, no
 * home folder, no environment; the Hub is read with `fetch`. See ./node.ts for how `#platform`
 * picks one.
 */
import { VramfitError } from "../../errors.js";
import type { HubLibrary } from "../hub/hub-library.js";

/** No file system: a string is never a local path here. */
export function findLocalConfig(): Promise<string | undefined> {
  return Promise.resolve(undefined);
}

/** No file system: there is never an hf_quant_config.json beside a local config. */
export function readHfQuantConfig(): Promise<unknown> {
  return Promise.resolve(undefined);
}

/**
 * No file system to read from.
 *
 * @throws {VramfitError} `CONFIG_NOT_FOUND`, always.
 */
export function readConfigFile(path: string): Promise<unknown> {
  return Promise.reject(
    new VramfitError("CONFIG_NOT_FOUND", `Cannot read ${path}: no file system here.`, {
      hint: "Pass the parsed config object instead.",
    }),
  );
}

/** No file system: nothing is cached or read from disk. */
export function readTextFile(): Promise<string | undefined> {
  return Promise.resolve(undefined);
}

/** No file system: nothing is written. */
export function writeFileAtomic(): Promise<void> {
  return Promise.resolve();
}

/** No process environment here. */
export function processEnvironment(): Readonly<Record<string, string | undefined>> {
  return {};
}

/** No home folder here. */
export function homeDirectory(): string | undefined {
  return undefined;
}

/** The Hub client: vramfit's fetch-only reader of the same three Hub calls. */
export async function loadHubLibrary(): Promise<HubLibrary> {
  return (await import("../hub/fetch-hub-library.js")).FETCH_HUB_LIBRARY;
}

/**
 * The `fetch` under every Hub request: the page's own, called as a plain function (a browser
 * refuses `fetch` called as a method of another object).
 */
export const defaultFetch: typeof fetch = (input, init) => globalThis.fetch(input, init);

/** The browser opens its own connections: nothing to do. */
export function preconnect(): void {
  // Browsers pool and reuse connections themselves.
}
