import { AnswerBase, type AnswerHead } from "./answer-base.js";
import type { DirectBody } from "./direct-body.js";

/** What {@link BufferedResponse} is made of. */
export interface BufferedResponseInit extends AnswerHead {
  /** The whole body, already read; `null` for a HEAD answer. */
  readonly body: Uint8Array<ArrayBuffer> | null;
}

/**
 * An HTTP answer whose body has been read into memory: what vramfit's transport hands the Hub
 * client. A plain class rather than the runtime's `Response`, which on Node would load undici
 * (./http-headers.ts says why that matters); a web stream is made only if someone asks for
 * `body`.
 */
export class BufferedResponse extends AnswerBase implements Response, DirectBody {
  #bytes: Uint8Array<ArrayBuffer> | null;
  #used = false;

  constructor(init: BufferedResponseInit) {
    super(init);
    this.#bytes = init.body;
  }

  /** The body as a web stream (made on first access), or `null` for a HEAD answer. */
  get body(): ReadableStream<Uint8Array<ArrayBuffer>> | null {
    if (this.#bytes === null) return null;
    const bytes = this.#take();
    return new ReadableStream({
      start(controller) {
        if (bytes.length > 0) controller.enqueue(bytes);
        controller.close();
      },
    });
  }

  /** Whether the body has been read. */
  get bodyUsed(): boolean {
    return this.#used;
  }

  /** The body's bytes. */
  // eslint-disable-next-line @typescript-eslint/require-await -- a second read rejects, not throws
  async bytes(): Promise<Uint8Array<ArrayBuffer>> {
    return this.#take();
  }

  /** The body, or `undefined` when it is longer than `limit` bytes (./direct-body.ts). */
  readAtMost(limit: number): Promise<Uint8Array<ArrayBuffer> | undefined> {
    if ((this.#bytes?.length ?? 0) > limit) {
      this.#used = true;
      return Promise.resolve(undefined);
    }
    return this.bytes();
  }

  /** Drops the body unread. */
  discard(): void {
    this.#used = true;
  }

  /** A second response with the same body, readable independently. */
  clone(): BufferedResponse {
    if (this.#used) throw new TypeError("Response.clone: the body has already been read.");
    return new BufferedResponse({
      status: this.status,
      statusText: this.statusText,
      headers: this.headers,
      url: this.url,
      body: this.#bytes === null ? null : this.#bytes.slice(),
    });
  }

  /** The body, once: a second read fails as `Response`'s does. */
  #take(): Uint8Array<ArrayBuffer> {
    if (this.#used) throw new TypeError("Body is unusable: the body has already been read.");
    this.#used = true;
    const bytes = this.#bytes ?? new Uint8Array(0);
    return bytes.byteOffset === 0 && bytes.byteLength === bytes.buffer.byteLength
      ? bytes
      : bytes.slice();
  }
}
