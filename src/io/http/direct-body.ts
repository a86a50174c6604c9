/**
 * Reading an answer's body under a size limit. The standard way is the body's web stream;
 * vramfit's own answers (Node's `node:http` ones from ../platform/node-fetch.ts and the
 * buffered ones from ./buffered-response.ts) are read directly instead: straight from the
 * socket, or from memory, without a web stream and a chunk copy per answer.
 */

/** A body that can be read, or dropped, without a web stream. */
export interface DirectBody {
  /** The whole body, or `undefined` (and the rest dropped) once it passes `limit` bytes. */
  readAtMost(limit: number): Promise<Uint8Array<ArrayBuffer> | undefined>;
  /** Drops the body unread. */
  discard(): void;
}

function hasDirectBody(response: Response): response is Response & DirectBody {
  const candidate = response as Partial<DirectBody>;
  return typeof candidate.readAtMost === "function" && typeof candidate.discard === "function";
}

/**
 * Reads the whole body, or returns `undefined` (and stops reading) once it passes `limit`
 * bytes. A dropped connection rejects as the runtime's `fetch` does (a `TypeError`).
 */
export async function readAtMost(
  response: Response,
  limit: number,
): Promise<Uint8Array<ArrayBuffer> | undefined> {
  if (hasDirectBody(response)) return response.readAtMost(limit);
  if (response.body === null) return new Uint8Array(0);
  const chunks: Uint8Array[] = [];
  let length = 0;
  const reader = response.body.getReader();
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    length += value.byteLength;
    if (length > limit) {
      await reader.cancel();
      return undefined;
    }
    chunks.push(value);
  }
  return concatBytes(chunks, length);
}

/** Drops the body unread (the connection can then be reused or closed). */
export async function discardBody(response: Response): Promise<void> {
  if (hasDirectBody(response)) response.discard();
  else await response.body?.cancel();
}

/** The chunks as one array of `length` bytes. */
export function concatBytes(
  chunks: readonly Uint8Array[],
  length: number,
): Uint8Array<ArrayBuffer> {
  const bytes = new Uint8Array(length);
  let offset = 0;
  for (const chunk of chunks) {
    bytes.set(chunk, offset);
    offset += chunk.byteLength;
  }
  return bytes;
}
