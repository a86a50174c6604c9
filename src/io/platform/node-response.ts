/**
 * The answers of ./node-fetch.ts: plain objects with the `Response` interface (not the
 * runtime's class, which on Node lives in undici), whose body is read straight from the
 * socket or HTTP/2 stream (../http/direct-body.ts); a web stream is made only if someone asks
 * for `body`.
 */
import type { Readable } from "node:stream";
import { AnswerBase, type AnswerHead } from "../http/answer-base.js";
import { concatBytes, type DirectBody } from "../http/direct-body.js";

/** What a {@link NodeResponse} is made of. */
export interface NodeResponseInit extends AnswerHead {
  /** The decoded body as it arrives, or `null` when the answer has none. */
  readonly body: Promise<Readable> | null;
  /** The signal's reason once the request was aborted. */
  readonly abortReason: () => Error | undefined;
  /** Called once when the body has been read, dropped or failed. */
  readonly done: () => void;
}

/** An answer from `node:http`, `node:https` or `node:http2`, its body read on demand. */
export class NodeResponse extends AnswerBase implements Response, DirectBody {
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
export async function decode(answer: Readable, headers: Headers): Promise<Readable> {
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
