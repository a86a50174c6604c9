/**
 * Promise forms of the `node:fs` calls that reading models, caches and prices makes, over the
 * callback API Node has loaded before any of our code runs. `node:fs/promises` brings its own
 * file handles, streams and readline with it: about 3.6 ms of the CLI's start, for an offline
 * estimate that reads two small files (docs/benchmarks.md).
 */
import * as fs from "node:fs";
import { promisify } from "node:util";

/** `fs.open`, as a promise of the file descriptor. */
export const open = promisify(fs.open);
/** `fs.close`. */
export const close = promisify(fs.close);
/** `fs.read`, as a promise of `{ bytesRead, buffer }`. */
export const read = promisify(fs.read);
/** `fs.readFile`. */
export const readFile = promisify(fs.readFile);
/** `fs.stat`. */
export const stat = promisify(fs.stat);
/** `fs.fstat`. */
export const fstat = promisify(fs.fstat);
/** `fs.lstat`. */
export const lstat = promisify(fs.lstat);
/** `fs.mkdir`. */
export const mkdir = promisify(fs.mkdir);
/** `fs.writeFile`. */
export const writeFile = promisify(fs.writeFile);
/** `fs.rename`. */
export const rename = promisify(fs.rename);
/** `fs.rm`. */
export const rm = promisify(fs.rm);
/** `fs.readdir`, names only. */
export const readdir = promisify(fs.readdir);
