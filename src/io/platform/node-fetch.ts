/**
 * The `fetch` vramfit passes to the Hub client on Node: `node:http` / `node:https` with one
 * keep-alive agent per protocol, instead of Node's built-in `fetch`.
 *
 * Why: the built-in `fetch` (undici) compiles its HTTP parser on first use, which measured
 * about 0.25 s of CPU and 40 MB for a single request (docs/benchmarks.md, "hub, whole
 * processes"), and its idle keep-alive connections hold the process open after the result is
 * printed. `node:http` is already compiled into Node, and an idle keep-alive socket is unref'd,
 * so the process ends as soon as its work is done. Browsers keep their own `fetch`
 * (./browser.ts).
 *
 * Only what vramfit's transport uses is supported: GET and HEAD, headers, `redirect: "manual"`
 * (redirects are returned, never followed: the transport follows them itself) and `signal`.
 * Failures look like the built-in `fetch`'s: a `TypeError` whose `cause` is the socket error,
 * and the signal's reason when aborted.
 */
import http from "node:http";
import https from "node:https";
import { createBrotliDecompress, createGunzip, createInflate } from "node:zlib";
import type { Readable } from "node:stream";

const agents = {
  "http:": new http.Agent({ keepAlive: true }),
  "https:": new https.Agent({ keepAlive: true }),
};

/** Statuses whose answer has no body (the `Response` constructor refuses one). */
const NO_BODY_STATUSES = new Set([101, 204, 205, 304]);

/** A `fetch` over `node:http` / `node:https`; see the file comment for what it supports. */
export const nodeFetch: typeof fetch = (input, init) => {
  const url = new URL(input instanceof Request ? input.url : String(input));
  const signal = init?.signal ?? undefined;
  if (url.protocol !== "http:" && url.protocol !== "https:") {
    return Promise.reject(new TypeError(`fetch failed: unsupported protocol ${url.protocol}`));
  }
  if (signal?.aborted === true) return Promise.reject(signal.reason as Error);
  const method = init?.method ?? "GET";
  const client = url.protocol === "https:" ? https : http;

  return new Promise<Response>((resolve, reject) => {
    const request = client.request(url, {
      method,
      headers: plainHeaders(init?.headers),
      agent: agents[url.protocol as "http:" | "https:"],
    });
    const onAbort = (): void => {
      request.destroy(signal?.reason as Error);
    };
    signal?.addEventListener("abort", onAbort, { once: true });
    const settle = (): void => signal?.removeEventListener("abort", onAbort);

    request.on("error", (error) => {
      settle();
      reject(
        signal?.aborted === true
          ? (signal.reason as Error)
          : new TypeError("fetch failed", { cause: error }),
      );
    });
    request.on("response", (answer) => {
      const headers = new Headers();
      for (let i = 0; i + 1 < answer.rawHeaders.length; i += 2) {
        headers.append(answer.rawHeaders[i] as string, answer.rawHeaders[i + 1] as string);
      }
      const status = answer.statusCode ?? 0;
      const hasBody = method !== "HEAD" && !NO_BODY_STATUSES.has(status);
      const decoded = hasBody ? decode(answer, headers) : undefined;
      if (decoded === undefined) answer.resume();
      const body =
        decoded === undefined ? null : webStream(decoded, () => signal?.reason as Error, settle);
      if (decoded === undefined) answer.once("end", settle);
      try {
        resolve(new Response(body, { status, statusText: answer.statusMessage ?? "", headers }));
      } catch (error) {
        // A status the Response class refuses (outside 200–599): as the built-in fetch does.
        answer.destroy();
        settle();
        reject(new TypeError("fetch failed", { cause: error }));
      }
    });
    request.end();
  });
};

/** The request headers as a plain object, whatever form they were given in. */
function plainHeaders(headers: HeadersInit | undefined): Record<string, string> {
  const plain: Record<string, string> = {};
  new Headers(headers).forEach((value, name) => {
    plain[name] = value;
  });
  return plain;
}

/**
 * The body as sent, decompressed when the server compressed it anyway (vramfit never asks for
 * compression); then the Content-Length no longer describes the body and is dropped.
 */
function decode(answer: http.IncomingMessage, headers: Headers): Readable {
  const encoding = headers.get("content-encoding")?.trim().toLowerCase();
  const decoder =
    encoding === "gzip" || encoding === "x-gzip"
      ? createGunzip()
      : encoding === "br"
        ? createBrotliDecompress()
        : encoding === "deflate"
          ? createInflate()
          : undefined;
  if (decoder === undefined) return answer;
  headers.delete("content-length");
  headers.delete("content-encoding");
  answer.on("error", (error) => decoder.destroy(error));
  return answer.pipe(decoder);
}

/**
 * A web stream over a Node stream, pulled on demand. A connection that drops mid-body errors
 * the stream with a `TypeError` (as the built-in fetch's "terminated"); an abort with the
 * signal's reason.
 */
function webStream(
  source: Readable,
  abortReason: () => Error | undefined,
  done: () => void,
): ReadableStream<Uint8Array> {
  let finished = false;
  const finish = (): void => {
    if (!finished) {
      finished = true;
      done();
    }
  };
  return new ReadableStream<Uint8Array>({
    start(controller) {
      source.on("data", (chunk: Buffer) => {
        controller.enqueue(new Uint8Array(chunk.buffer, chunk.byteOffset, chunk.byteLength));
        if ((controller.desiredSize ?? 1) <= 0) source.pause();
      });
      source.on("end", () => {
        finish();
        controller.close();
      });
      source.on("error", (error) => {
        finish();
        controller.error(abortReason() ?? new TypeError("terminated", { cause: error }));
      });
      source.on("close", () => {
        // Closed before "end": the connection dropped without an error event.
        if (!source.readableEnded && !finished) {
          finish();
          controller.error(abortReason() ?? new TypeError("terminated", { cause: "closed" }));
        }
      });
    },
    pull() {
      source.resume();
    },
    cancel() {
      finish();
      source.destroy();
    },
  });
}
