/**
 * Reads a small JSON file the user pointed vramfit at (a config.json, a GPU catalog, a
 * deployment file). Only regular files are read (never a FIFO, a device such as /dev/zero or a
 * folder), and at most `maxBytes` are read, counted as the bytes arrive, because some files
 * (`/proc/...`) report a size of 0. A UTF-8 byte-order mark is dropped. A parse error names the
 * line and column, never the file's content: pointing vramfit at a token file must not print it.
 */
import { constants } from "node:fs";
import { close, fstat, open, read } from "./fs-calls.js";

/** What went wrong reading a JSON file, for the caller to turn into its own typed error. */
export interface JsonFileProblem {
  /** What failed, e.g. `"no such file"` or `"not valid JSON: unexpected token at line 3, column 7"`. */
  readonly problem: string;
  /** What to do about it, when it is the same for every kind of file. */
  readonly hint?: string | undefined;
  /** The underlying error, when there was one. */
  readonly cause?: unknown;
}

/** Options of {@link readJsonFile}. */
export interface ReadJsonFileOptions {
  /** Largest file accepted, in bytes. */
  readonly maxBytes: number;
  /** Builds the error thrown for any problem, so each kind of file keeps its own error code. */
  readonly fail: (problem: JsonFileProblem) => Error;
}

/** Bytes read at a time. */
const CHUNK_BYTES = 64 * 1024;

/**
 * Reads and parses a JSON file.
 *
 * @throws whatever `options.fail` builds: for a missing file, something that is not a regular
 * file, a file larger than `maxBytes`, text that is not UTF-8 JSON.
 */
export async function readJsonFile(path: string, options: ReadJsonFileOptions): Promise<unknown> {
  const text = await readTextFileCapped(path, options);
  try {
    return JSON.parse(text) as unknown;
  } catch (error) {
    throw options.fail({
      problem: `not valid JSON (${jsonErrorPosition(text, error)})`,
      cause: error,
    });
  }
}

/**
 * Reads a regular file as UTF-8, at most `maxBytes` (counted while reading), without a BOM.
 *
 * @throws whatever `options.fail` builds.
 */
export async function readTextFileCapped(
  path: string,
  options: ReadJsonFileOptions,
): Promise<string> {
  let fd: number;
  try {
    // O_NONBLOCK: opening a FIFO must not wait for a writer; the isFile check then refuses it.
    // Windows has no O_NONBLOCK (undefined at run time although typed as a number).
    // eslint-disable-next-line @typescript-eslint/no-unnecessary-condition
    fd = await open(path, constants.O_RDONLY | (constants.O_NONBLOCK ?? 0));
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    throw options.fail({
      problem:
        code === "ENOENT"
          ? "no such file"
          : code === "EACCES" || code === "EPERM"
            ? "permission denied"
            : `cannot open it (${code ?? "unknown error"})`,
      hint: code === "ENOENT" ? "Check the path." : undefined,
      cause: error,
    });
  }
  try {
    const stats = await fstat(fd);
    if (!stats.isFile()) {
      throw options.fail({
        problem: stats.isDirectory() ? "it is a folder, not a file" : "it is not a regular file",
      });
    }
    const chunks: Buffer[] = [];
    let total = 0;
    for (;;) {
      const buffer = Buffer.alloc(CHUNK_BYTES);
      const { bytesRead } = await read(fd, buffer, 0, CHUNK_BYTES, null);
      if (bytesRead === 0) break;
      total += bytesRead;
      if (total > options.maxBytes) {
        throw options.fail({
          problem: `the file is larger than the ${options.maxBytes} bytes allowed`,
        });
      }
      chunks.push(buffer.subarray(0, bytesRead));
    }
    const text = new TextDecoder("utf-8", { fatal: true, ignoreBOM: false }).decode(
      Buffer.concat(chunks),
    );
    return text;
  } catch (error) {
    if (
      error instanceof TypeError &&
      (error as { code?: string }).code === "ERR_ENCODING_INVALID_ENCODED_DATA"
    ) {
      throw options.fail({ problem: "not UTF-8 text", cause: error });
    }
    throw error;
  } finally {
    await close(fd);
  }
}

/**
 * Where a `JSON.parse` error happened, as "line L, column C" (1-based), worked out from the
 * character offset V8 reports; never a snippet of the text.
 */
export function jsonErrorPosition(text: string, error: unknown): string {
  const message = error instanceof Error ? error.message : "";
  if (/^Unexpected end/i.test(message)) return "the text ends too early";
  const match = /position (\d+)/.exec(message);
  // Node 20's "Unexpected token" messages quote the text but give no position: find it.
  const offset = match?.[1] === undefined ? firstBadOffset(text) : Number(match[1]);
  const before = text.slice(0, offset);
  const line = before.split("\n").length;
  const column = offset - before.lastIndexOf("\n");
  return `line ${line}, column ${column}`;
}

/**
 * The offset of the first character that makes `text` invalid JSON, by bisection over its
 * prefixes: a prefix that parses, or fails only at its end ("Unexpected end", or a position
 * at its length), holds no error yet; an "Unexpected token" comes without a position and is
 * inside the prefix.
 */
function firstBadOffset(text: string): number {
  const sound = (length: number): boolean => {
    try {
      JSON.parse(text.slice(0, length));
      return true;
    } catch (error) {
      const message = error instanceof Error ? error.message : "";
      const at = /position (\d+)/.exec(message)?.[1];
      return /^Unexpected end/i.test(message) || (at !== undefined && Number(at) >= length);
    }
  };
  let [good, bad] = [0, text.length]; // sound(good), !sound(bad)
  while (bad - good > 1) {
    const middle = Math.floor((good + bad) / 2);
    if (sound(middle)) good = middle;
    else bad = middle;
  }
  return bad - 1;
}
