/**
 * The readers of a `Response` body that all follow from its bytes: what vramfit's two answer
 * classes (./buffered-response.ts, ../platform/node-fetch.ts) share. Each body is read once.
 */
export abstract class BodyReaders {
  /** The answer's headers (Content-Type types the `Blob`). */
  abstract readonly headers: Headers;

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
