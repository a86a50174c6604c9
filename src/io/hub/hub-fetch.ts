import { HubError } from "../../errors.js";
import { BufferedResponse } from "../http/buffered-response.js";
import { HttpHeaders } from "../http/http-headers.js";
import { isRequest } from "../http/is-request.js";
import { parseRangeHeader, type Transport } from "./transport.js";

/**
 * Bytes read from the start of a file on its first ranged read. @huggingface/hub reads a
 * file in three steps (a `bytes=0-0` probe for the size, the 8-byte safetensors header
 * length, then the header); one read of the file's first bytes answers all three, so each
 * file costs one round trip. A file longer than its window is read again without it.
 */
export const READ_AHEAD_BYTES = 256 * 1024;

/**
 * The window of a `.safetensors` file, which is read once per shard: the first 100,000 bytes,
 * as Python's huggingface_hub and hf-mem read them, because 97 % of the top 1,000 models'
 * safetensors headers are shorter (huggingface/huggingface_hub pull 1855, review comment
 * r1404286419). A longer header costs one more request. A 163-shard repo reads 16 MB of
 * windows instead of the 43 MB that {@link READ_AHEAD_BYTES} would take; config.json and the
 * index, read whole, keep the larger window.
 */
export const HEADER_READ_AHEAD_BYTES = 100_000;

/** The window of the file at `url`: {@link HEADER_READ_AHEAD_BYTES} for a safetensors file. */
export function readAheadBytes(url: string): number {
  return new URL(url).pathname.endsWith(".safetensors")
    ? HEADER_READ_AHEAD_BYTES
    : READ_AHEAD_BYTES;
}

/**
 * Most read-ahead windows kept at once. A window is dropped as soon as its file has been read
 * (the safetensors header, or the whole small file); this bound covers files whose reader never
 * comes, so a repo with thousands of shards holds a few megabytes of windows, not gigabytes.
 */
export const MAX_WINDOWS = 64;

/** The first bytes of a file, and its total size. */
interface Window {
  readonly bytes: Uint8Array<ArrayBuffer>;
  readonly total: number;
  readonly headers: Headers;
}

/** The `fetch` handed to @huggingface/hub, with what vramfit's reader also asks of it. */
export type HubFetch = typeof fetch & {
  /** How many read-ahead windows it holds (for tests of their bound). */
  readonly windowsHeld: () => number;
  /**
   * Sends a plain GET of `url` now (or takes `answer`, a request already sent for it); the
   * first `fetch` of that exact URL (no Range) gets its answer instead of sending again. For
   * the model info, asked for while the Hub client loads.
   */
  readonly prefetch: (url: string, answer?: Promise<Response>) => void;
};

/**
 * The `fetch` handed to every @huggingface/hub call: refuses any request offline, serves
 * repeated and overlapping reads of a file from one read-ahead window (deduplicating
 * concurrent reads), and sends the rest through the {@link Transport}. It also drops the
 * Xet file-info `Accept` type, so the Hub answers with plain HTTP ranges (one host, one
 * protocol, predictable request counts).
 */
export function createHubFetch(transport: Transport, offline: boolean): HubFetch {
  // In insertion order: the first key is the oldest window.
  const windows = new Map<string, Promise<Window>>();
  const prefetched = new Map<string, Promise<Response>>();

  function remember(url: string, pending: Promise<Window>): void {
    windows.set(url, pending);
    if (windows.size > MAX_WINDOWS) {
      const oldest = windows.keys().next().value;
      if (oldest !== undefined) windows.delete(oldest);
    }
  }

  function readWindow(url: string, headers: Headers): Promise<Window> {
    const windowBytes = readAheadBytes(url);
    const ranged = new HttpHeaders(headers);
    ranged.set("range", `bytes=0-${windowBytes - 1}`);
    return transport({
      url,
      method: "GET",
      headers: ranged,
      wholeFileLimit: windowBytes,
    }).then(async (response) => {
      const bytes = new Uint8Array(await response.arrayBuffer());
      const total =
        response.status === 206
          ? Number(/\/(\d+)$/.exec(response.headers.get("content-range") ?? "")?.[1])
          : bytes.length;
      return { bytes, total, headers: response.headers };
    });
  }

  const hubFetch: typeof fetch = async (input, init) => {
    const url = new URL(isRequest(input) ? input.url : input).href;
    if (offline) {
      throw new HubError("HUB_UNREACHABLE", `Offline: vramfit refused to request ${url}.`, { url });
    }
    const method = (init?.method ?? (isRequest(input) ? input.method : "GET")).toUpperCase();
    if (method !== "GET" && method !== "HEAD") {
      throw new TypeError(`vramfit's Hub client only reads: ${method} is not supported.`);
    }
    const headers = new HttpHeaders(isRequest(input) ? input.headers : undefined);
    new HttpHeaders(init?.headers).forEach((value, name) => {
      headers.set(name, value);
    });
    const accept = headers.get("accept");
    if (accept?.includes("xet") === true) headers.set("accept", "*/*");
    if (method === "HEAD") return transport({ url, method, headers });

    const early = headers.has("range") ? undefined : prefetched.get(url);
    if (early !== undefined) {
      prefetched.delete(url);
      return early;
    }
    const range = parseRangeHeader(headers.get("range") ?? "");
    let pending = windows.get(url);
    if (pending === undefined && range?.start === 0) {
      pending = readWindow(url, headers);
      remember(url, pending);
    }
    if (pending !== undefined) {
      const window = await pending;
      const complete = window.bytes.length === window.total;
      if (range === undefined && complete) {
        windows.delete(url); // the whole file was read
        return answer(url, window, undefined);
      }
      if (range !== undefined && range.start < window.total) {
        const end = Math.min(range.end ?? window.total - 1, window.total - 1);
        if (end < window.bytes.length) {
          if (end >= lastUsefulByte(url, window)) windows.delete(url);
          return answer(url, window, { start: range.start, end });
        }
      }
      windows.delete(url); // a read past the window: the file is read without it from now on
    }
    return transport({ url, method, headers });
  };
  const prefetch = (url: string, answer?: Promise<Response>): void => {
    if (offline || prefetched.has(url)) return;
    const pending = answer ?? transport({ url, method: "GET", headers: new HttpHeaders() });
    pending.catch(() => undefined); // reported to whoever takes it; never unhandled
    prefetched.set(url, pending);
  };
  return Object.assign(hubFetch, { windowsHeld: () => windows.size, prefetch });
}

/**
 * The last byte of a window anyone reads: a safetensors file's header end (8-byte length, then
 * the header; the tensors after it are never read), else the file's last byte.
 */
function lastUsefulByte(url: string, window: Window): number {
  const { bytes, total } = window;
  if (new URL(url).pathname.endsWith(".safetensors") && bytes.length >= 8) {
    const headerLength = new DataView(bytes.buffer, bytes.byteOffset, 8).getBigUint64(0, true);
    const end = 8n + headerLength - 1n;
    if (end < BigInt(total)) return Number(end);
  }
  return total - 1;
}

/** A response cut from a window: 206 with its Content-Range, or 200 for the whole file. */
function answer(
  url: string,
  window: Window,
  range: { start: number; end: number } | undefined,
): Response {
  const headers = new HttpHeaders(window.headers);
  const body = window.bytes.slice(
    range?.start ?? 0,
    range === undefined ? undefined : range.end + 1,
  );
  headers.set("content-length", String(body.length));
  if (range === undefined) headers.delete("content-range");
  else headers.set("content-range", `bytes ${range.start}-${range.end}/${window.total}`);
  return new BufferedResponse({ status: range === undefined ? 200 : 206, headers, url, body });
}
