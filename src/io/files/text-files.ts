/**
 * The few file operations the Hub client needs (token file, caches). Node only: browsers get
 * the no-op twins in src/io/platform/browser.ts.
 */
import * as files from "node:fs/promises";

/**
 * Reads a UTF-8 file of at most `maxBytes`; `undefined` when it does not exist, cannot be
 * read, or is larger (a cache or token file that big is not one vramfit wrote).
 */
export async function readTextFile(path: string, maxBytes: number): Promise<string | undefined> {
  try {
    const handle = await files.open(path, "r");
    try {
      const stats = await handle.stat();
      if (!stats.isFile() || stats.size > maxBytes) return undefined;
      return await handle.readFile("utf8");
    } finally {
      await handle.close();
    }
  } catch {
    return undefined;
  }
}

/**
 * Writes a file atomically: to a temporary name beside it, then renamed over it, so a
 * process killed mid-write leaves the old file or none, never half a file.
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
}
