import * as fs from "node:fs/promises";
import * as path from "node:path";
import { VramfitError } from "../../errors.js";

/** A file to write: its path relative to the output folder, and its text. */
export interface FileToWrite {
  /** Path relative to the output folder, with `/` separators. */
  readonly path: string;
  /** The file's text. */
  readonly contents: string;
}

/** What {@link writeTemplateFiles} did. */
export interface WrittenFiles {
  /** The folder written into, absolute. */
  readonly folder: string;
  /** Every file written, relative to the folder, in order. */
  readonly paths: readonly string[];
}

/**
 * Writes rendered templates under a folder, creating sub-folders; shell scripts are made
 * executable. Nothing is overwritten unless `force`: every path is checked first, so a refusal
 * writes nothing.
 *
 * @throws {VramfitError} `OUTPUT_EXISTS` naming the files already there (without `force`), or a
 * template path that would leave the folder.
 */
export async function writeTemplateFiles(
  folder: string,
  files: readonly FileToWrite[],
  options: { readonly force?: boolean | undefined } = {},
): Promise<WrittenFiles> {
  const root = path.resolve(folder);
  const targets = files.map((file) => {
    const target = path.resolve(root, file.path);
    if (path.isAbsolute(file.path) || !target.startsWith(root + path.sep)) {
      throw new VramfitError(
        "OUTPUT_EXISTS",
        `Refusing to write ${file.path}: it leaves ${root}.`,
        {
          hint: "Template paths are relative to the output folder.",
        },
      );
    }
    return { file, target };
  });
  if (options.force !== true) {
    const existing: string[] = [];
    for (const { file, target } of targets) {
      if ((await fs.stat(target).catch(() => undefined)) !== undefined) existing.push(file.path);
    }
    if (existing.length > 0) {
      throw new VramfitError(
        "OUTPUT_EXISTS",
        `Not overwriting ${existing.length} file${existing.length === 1 ? "" : "s"} in ${root}: ${existing.join(", ")}.`,
        { hint: "Pass --force to overwrite them, or --out another folder." },
      );
    }
  }
  for (const { file, target } of targets) {
    await fs.mkdir(path.dirname(target), { recursive: true });
    await fs.writeFile(target, file.contents, { mode: file.path.endsWith(".sh") ? 0o755 : 0o644 });
  }
  return { folder: root, paths: files.map((file) => file.path) };
}
