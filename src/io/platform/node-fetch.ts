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
 * Its answers are plain {@link NodeResponse} objects, not the runtime's `Response`: on Node that
 * class, `Headers` and `Request` live in undici too, and touching any of them loads it (about
 * 60 ms of CPU). The body is read straight from the socket (../http/direct-body.ts); a web
 * stream is made only if someone asks for `body`.
 *
 * Only what vramfit's transport uses is supported: GET and HEAD, headers, `redirect: "manual"`
 * (redirects are returned, never followed: the transport follows them itself) and `signal`.
 * Failures look like the built-in `fetch`'s: a `TypeError` whose `cause` is the socket error,
 * and the signal's reason when aborted.
 */
import http from "node:http";
import type { Readable } from "node:stream";
import { AnswerBase, type AnswerHead } from "../http/answer-base.js";
import { concatBytes, type DirectBody } from "../http/direct-body.js";
import { HttpHeaders } from "../http/http-headers.js";
import { isRequest } from "../http/is-request.js";

const httpAgent = new http.Agent({ keepAlive: true });
let httpsAgent: http.Agent | undefined;

/** Statuses whose answer has no body. */
const NO_BODY_STATUSES = new Set([101, 204, 205, 304]);

/** A `fetch` over `node:http` / `node:https`; see the file comment for what it supports. */
export const nodeFetch: typeof fetch = (input, init) => {
  const url = new URL(isRequest(input) ? input.url : String(input));
  const signal = init?.signal ?? undefined;
  if (url.protocol !== "http:" && url.protocol !== "https:") {
    return Promise.reject(new TypeError(`fetch failed: unsupported protocol ${url.protocol}`));
  }
  if (signal?.aborted === true) return Promise.reject(signal.reason as Error);
  const method = init?.method ?? "GET";
  // node:https (and with it tls and crypto) loads at the first https request: an http
  // endpoint (a mirror, the tests' fake Hub) never pays its ~5 ms.
  const https = url.protocol === "https:" ? process.getBuiltinModule("node:https") : undefined;
  if (https !== undefined) httpsAgent ??= new https.Agent({ keepAlive: true });
  const client = https ?? http;

  return new Promise<Response>((resolve, reject) => {
    const request = client.request(url, {
      method,
      headers: Object.fromEntries(new HttpHeaders(init?.headers)),
      agent: https === undefined ? httpAgent : httpsAgent,
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
      const status = answer.statusCode ?? 0;
      if (status < 200 || status > 599) {
        // A status the runtime's Response refuses: fail as the built-in fetch does.
        answer.destroy();
        settle();
        reject(new TypeError("fetch failed", { cause: new RangeError(`status ${status}`) }));
        return;
      }
      const headers = new HttpHeaders();
      for (let i = 0; i + 1 < answer.rawHeaders.length; i += 2) {
        headers.append(answer.rawHeaders[i] as string, answer.rawHeaders[i + 1] as string);
      }
      const hasBody = method !== "HEAD" && !NO_BODY_STATUSES.has(status);
      if (!hasBody) {
        answer.resume();
        answer.once("end", settle);
      }
      resolve(
        new NodeResponse({
          url: url.href,
          status,
          statusText: answer.statusMessage ?? "",
          headers,
          body: hasBody ? decode(answer, headers) : null,
          abortReason: () => (signal?.aborted === true ? (signal.reason as Error) : undefined),
          done: settle,
        }),
      );
    });
    request.end();
  });
};

/** What a {@link NodeResponse} is made of. */
interface NodeResponseInit extends AnswerHead {
  /** The decoded body as it arrives, or `null` when the answer has none. */
  readonly body: Promise<Readable> | null;
  /** The signal's reason once the request was aborted. */
  readonly abortReason: () => Error | undefined;
  /** Called once when the body has been read, dropped or failed. */
  readonly done: () => void;
}

/** An answer from `node:http`, its body read on demand. */
class NodeResponse extends AnswerBase implements Response, DirectBody {
  readonly #init: NodeResponseInit;
  #used = false;
  #finished = false;

  constructor(init: NodeResponseInit) {
    super(init);
    this.#init = init;
  }

  /** The body as a web stream (made on first access), or `null` when there is none. */
  get body(): ReadableStream<Uint8Array<ArrayBuffer>> | null {
    const source = this.#init.body;
    if (source === null) return null;
    this.#used = true;
    return webStream(source, this.#init.abortReason, () => {
      this.#finish();
    });
  }

  /** Whether the body has been read or handed out as a stream. */
  get bodyUsed(): boolean {
    return this.#used;
  }

  /** The whole body, or `undefined` (and the connection closed) once it passes `limit` bytes. */
  async readAtMost(limit: number): Promise<Uint8Array<ArrayBuffer> | undefined> {
    if (this.#used) throw new TypeError("Body is unusable: the body has already been read.");
    this.#used = true;
    if (this.#init.body === null) return new Uint8Array(0);
    const source = await this.#init.body;
    const { abortReason } = this.#init;
    return new Promise((resolve, reject) => {
      const chunks: Buffer[] = [];
      let length = 0;
      let settled = false;
      const end = (result: () => void): void => {
        if (settled) return;
        settled = true;
        this.#finish();
        result();
      };
      source.on("data", (chunk: Buffer) => {
        length += chunk.length;
        if (length > limit) {
          source.destroy();
          end(() => {
            resolve(undefined);
          });
        } else {
          chunks.push(chunk);
        }
      });
      source.on("end", () => {
        end(() => {
          resolve(concatBytes(chunks, length));
        });
      });
      source.on("error", (error) => {
        end(() => {
          reject(abortReason() ?? new TypeError("terminated", { cause: error }));
        });
      });
      source.on("close", () => {
        // Closed before "end": the connection dropped without an error event.
        end(() => {
          reject(abortReason() ?? new TypeError("terminated", { cause: "closed" }));
        });
      });
    });
  }

  /** Drops the body unread and closes its connection. */
  discard(): void {
    this.#used = true;
    void this.#init.body?.then((source) => source.destroy());
    this.#finish();
  }

  /** The body's bytes. */
  async bytes(): Promise<Uint8Array<ArrayBuffer>> {
    return (await this.readAtMost(Number.POSITIVE_INFINITY)) ?? new Uint8Array(0);
  }

  /** Not supported: vramfit reads each answer once. */
  clone(): Response {
    throw new TypeError("vramfit's node:http responses cannot be cloned.");
  }

  #finish(): void {
    if (this.#finished) return;
    this.#finished = true;
    this.#init.done();
  }
}

/**
 * The body as sent, decompressed when the server compressed it anyway (vramfit never asks for
 * compression; node:zlib is loaded only then); the Content-Length then no longer describes
 * the body and is dropped.
 */
async function decode(answer: http.IncomingMessage, headers: Headers): Promise<Readable> {
  const encoding = headers.get("content-encoding")?.trim().toLowerCase();
  if (encoding !== "gzip" && encoding !== "x-gzip" && encoding !== "br" && encoding !== "deflate") {
    return answer;
  }
  headers.delete("content-length");
  headers.delete("content-encoding");
  const zlib = await import("node:zlib");
  const decoder =
    encoding === "br"
      ? zlib.createBrotliDecompress()
      : encoding === "deflate"
        ? zlib.createInflate()
        : zlib.createGunzip();
  answer.on("error", (error) => decoder.destroy(error));
  return answer.pipe(decoder);
}

/**
 * A web stream over a Node stream, pulled on demand. A connection that drops mid-body errors
 * the stream with a `TypeError` (as the built-in fetch's "terminated"); an abort with the
 * signal's reason.
 */
function webStream(
  pending: Promise<Readable>,
  abortReason: () => Error | undefined,
  done: () => void,
): ReadableStream<Uint8Array<ArrayBuffer>> {
  let finished = false;
  let started: Readable | undefined;
  const finish = (): void => {
    if (!finished) {
      finished = true;
      done();
    }
  };
  return new ReadableStream<Uint8Array<ArrayBuffer>>({
    async start(controller) {
      const source = await pending;
      started = source;
      source.on("data", (chunk: Buffer) => {
        // A Buffer's memory is an ArrayBuffer (Node never hands out shared memory here).
        const buffer = chunk.buffer as ArrayBuffer;
        controller.enqueue(new Uint8Array(buffer, chunk.byteOffset, chunk.byteLength));
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
      started?.resume();
    },
    cancel() {
      finish();
      started?.destroy();
    },
  });
}
