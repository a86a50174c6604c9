import { HttpHeaders } from "./http-headers.js";

/** The status line, headers and URL of an answer. */
export interface AnswerHead {
  readonly status: number;
  readonly statusText?: string | undefined;
  readonly headers: HeadersInit;
  /** The URL the answer is for (`Response.url`). */
  readonly url: string;
}

/**
 * What vramfit's two answer classes (./buffered-response.ts, ../platform/node-fetch.ts) share:
 * the fields of a `Response` other than its body, and the body readers that all follow from the
 * body's bytes. Each body is read once.
 */
export abstract class AnswerBase {
  readonly headers: Headers;
  readonly ok: boolean;
  readonly redirected = false;
  readonly status: number;
  readonly statusText: string;
  readonly type: ResponseType = "basic";
  readonly url: string;

  constructor(head: AnswerHead) {
    this.status = head.status;
    this.ok = head.status >= 200 && head.status <= 299;
    this.statusText = head.statusText ?? "";
    this.headers =
      head.headers instanceof HttpHeaders ? head.headers : new HttpHeaders(head.headers);
    this.url = head.url;
  }

  /** The whole body; a second read rejects with a `TypeError`, as `Response`'s does. */
  abstract bytes(): Promise<Uint8Array<ArrayBuffer>>;

  /** The body as an `ArrayBuffer`. */
  async arrayBuffer(): Promise<ArrayBuffer> {
    return (await this.bytes()).buffer;
  }

  /** The body as a `Blob` typed by Content-Type. */
  async blob(): Promise<Blob> {
    return new Blob([await this.bytes()], { type: this.headers.get("content-type") ?? "" });
  }

  /** The body decoded as UTF-8 (a byte-order mark dropped, as `Response.text()` does). */
  async text(): Promise<string> {
    return new TextDecoder().decode(await this.bytes());
  }

  /** The body parsed as JSON. */
  async json(): Promise<unknown> {
    return JSON.parse(await this.text()) as unknown;
  }

  /** Not supported: the Hub never answers with a form. */
  formData(): Promise<FormData> {
    return Promise.reject(new TypeError("vramfit's Hub responses cannot be read as FormData."));
  }
}
