import { writeSync } from "node:fs";

/**
 * Writes to this process's standard output (fd 1) or standard error (fd 2), and ends quietly
 * with exit 0 when the reader went away (`vramfit gpus --json | head -c 100` closes the pipe:
 * the reader's choice, not an error).
 *
 * On Linux and macOS it writes straight to the descriptor, as `process.stdout` does there for
 * files, pipes and terminals anyway (synchronously), but without creating the stream: that loads
 * Node's stream modules, about 4 ms of the CLI's start. On Windows, or once a descriptor turns out
 * to be non-blocking (EAGAIN), it writes through the stream as usual.
 */
export function writeToProcess(fd: 1 | 2, text: string): void {
  if (process.platform === "win32" || throughStream.has(fd)) {
    writeToStream(fd, text);
    return;
  }
  const bytes = Buffer.from(text, "utf8");
  let written = 0;
  try {
    while (written < bytes.length) written += writeSync(fd, bytes, written);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === "EPIPE") process.exit(0);
    if (code !== "EAGAIN") throw error;
    throughStream.add(fd);
    writeToStream(fd, bytes.subarray(written));
  }
}

/**
 * Ends the process with `code` once its output is written: at once when every write went
 * straight to its descriptor (nothing is left to flush), which spares a Hub estimate about 10 ms
 * of Node closing idle keep-alive sockets and tearing down; else, with a stream that may still be
 * draining, by setting `process.exitCode` and letting Node finish.
 */
export function endProcess(code: number): void {
  if (throughStream.size === 0 && process.platform !== "win32") process.exit(code);
  process.exitCode = code;
}

/** Descriptors written through their stream once: they stay on it, so output keeps its order. */
const throughStream = new Set<1 | 2>();

function writeToStream(fd: 1 | 2, data: string | Uint8Array): void {
  const stream = fd === 1 ? process.stdout : process.stderr;
  if (stream.listenerCount("error") === 0) {
    stream.on("error", (error: NodeJS.ErrnoException) => {
      if (error.code === "EPIPE") process.exit(0);
      throw error;
    });
  }
  stream.write(data);
}
