import * as fs from "./fs-calls.js";
import * as path from "node:path";
import { VramfitError } from "../../errors.js";

/**
 * Writes one output file the user named (a chart), creating its folder: to a temporary name
 * beside it, then renamed over it, so an interrupted run leaves the old file or the new one,
 * never half of one. An existing file is replaced, as `curl -o` or `dot -o` replace theirs: the
 * user typed the name, and rewriting it is how a chart is refreshed.
 *
 * @throws {VramfitError} `OUTPUT_UNWRITABLE` naming the file and the system's reason.
 */
export async function writeOutputFile(file: string, text: string): Promise<void> {
  const target = path.resolve(file);
  const temporary = `${target}.${globalThis.crypto.randomUUID()}.tmp`;
  try {
    await fs.mkdir(path.dirname(target), { recursive: true });
    await fs.writeFile(temporary, text, { encoding: "utf8", mode: 0o644 });
    await fs.rename(temporary, target);
  } catch (error) {
    await fs.rm(temporary, { force: true }).catch(() => undefined);
    const reason = (error as NodeJS.ErrnoException).code ?? (error as Error).message;
    throw new VramfitError("OUTPUT_UNWRITABLE", `Cannot write ${target}: ${reason}.`, {
      hint: "Pick a path in a folder you can write to (and not an existing folder's name).",
      cause: error,
    });
  }
}
