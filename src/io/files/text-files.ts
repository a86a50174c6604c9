/**
 * The few file operations the Hub client needs (token file, caches). Node only: browsers get
 * the no-op twins in src/io/platform/browser.ts.
 */
import * as files from "./fs-calls.js";

/**
 * Reads a UTF-8 file of at most `maxBytes`; `undefined` when it does not exist, cannot be
 * read, or is larger (a cache or token file that big is not one vramfit wrote).
 */
export async function readTextFile(path: string, maxBytes: number): Promise<string | undefined> {
  try {
    const fd = await files.open(path, "r");
    try {
      const stats = await files.fstat(fd);
      if (!stats.isFile() || stats.size > maxBytes) return undefined;
      return await files.readFile(fd, "utf8");
    } finally {
      await files.close(fd);
    }
  } catch {
    return undefined;
  }
}

/**
 * A temporary file older than this was left by a write that never finished (a process killed
 * mid-write); a write in progress in another process is seconds old.
 */
export const STALE_TEMPORARY_MS = 10 * 60 * 1000;

/**
 * Writes a file atomically: to a temporary name beside it, then renamed over it, so a
 * process killed mid-write leaves the old file or none, never half a file. Temporary files in
 * the same folder older than {@link STALE_TEMPORARY_MS} (left by a killed write) are removed.
 */
export async function writeFileAtomic(path: string, text: string): Promise<void> {
  const folder = path.slice(0, Math.max(path.lastIndexOf("/"), path.lastIndexOf("\\")));
  await files.mkdir(folder, { recursive: true });
  const temporary = `${path}.${globalThis.crypto.randomUUID()}.tmp`;
  try {
    await files.writeFile(temporary, text, { encoding: "utf8", mode: 0o600 });
    await files.rename(temporary, path);
  } catch (error) {
    await files.rm(temporary, { force: true });
    throw error;
  }
  await removeStaleTemporaryFiles(folder);
}

/** Removes `*.tmp` files older than {@link STALE_TEMPORARY_MS} from `folder`; never fails. */
async function removeStaleTemporaryFiles(folder: string): Promise<void> {
  const names = await files.readdir(folder).catch(() => [] as string[]);
  const now = Date.now();
  for (const name of names.filter((entry) => entry.endsWith(".tmp"))) {
    const path = `${folder}/${name}`;
    const stats = await files.lstat(path).catch(() => undefined);
    if (stats?.isFile() === true && now - stats.mtimeMs > STALE_TEMPORARY_MS) {
      await files.rm(path, { force: true }).catch(() => undefined);
    }
  }
}
