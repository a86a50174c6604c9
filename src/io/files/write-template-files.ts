/**
 * Writes a set of rendered templates under the `--out` folder, all or nothing, and never through
 * a symbolic link (docs/security.md#what-vramfit-writes):
 *
 * 1. the folder is created if needed and resolved to the real directory it is (`realpath`);
 * 2. every path of the set is checked without following links (`lstat`): a link, a folder where a
 *    file goes, a file where a folder goes is refused, and an existing file is refused unless
 *    `force`;
 * 3. the whole set is written into a fresh temporary folder inside it (`mkdtemp`, mode 0700),
 *    each file created exclusively (`O_CREAT | O_EXCL | O_NOFOLLOW`) with its own mode;
 * 4. each file is then renamed into place (an old file moved aside first, so a failure puts every
 *    old file back), and the temporary folder removed.
 *
 * A replaced file is a new file: it never keeps the old one's permissions or owner.
 */
import { constants } from "node:fs";
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

/** Created exclusively, never through a link (O_NOFOLLOW is 0 where the platform lacks it). */
const CREATE_FLAGS =
  constants.O_WRONLY |
  constants.O_CREAT |
  constants.O_EXCL |
  // eslint-disable-next-line @typescript-eslint/no-unnecessary-condition -- undefined on Windows
  (constants.O_NOFOLLOW ?? 0);

/** The prefix of the temporary folder a set is staged in. */
const STAGING_PREFIX = ".vramfit-staging-";

/**
 * Writes rendered templates under a folder, creating sub-folders; shell scripts are made
 * executable. Nothing is overwritten unless `force`, and nothing is written unless the whole set
 * can be: a refusal or a failure leaves the folder as it was.
 *
 * @throws {VramfitError} `OUTPUT_EXISTS` naming the files already there (without `force`);
 * `OUTPUT_INVALID` when the folder is a file, or a template's path holds a symbolic link, a
 * folder where a file goes, or a file where a folder goes; `OUTPUT_UNWRITABLE` when the folder
 * cannot be created or written (read-only, permissions, disk full).
 */
export async function writeTemplateFiles(
  folder: string,
  files: readonly FileToWrite[],
  options: { readonly force?: boolean | undefined } = {},
): Promise<WrittenFiles> {
  const root = path.resolve(folder);
  const relative = files.map((file) => checkedRelativePath(root, file.path));
  const created = await makeFolder(root);
  try {
    const real = await realFolder(root);
    const existing = await inspectTargets(real, relative);
    if (existing.length > 0 && options.force !== true) {
      throw new VramfitError(
        "OUTPUT_EXISTS",
        `Not overwriting ${existing.length} file${existing.length === 1 ? "" : "s"} in ${root}: ${existing.join(", ")}.`,
        { hint: "Pass --force to overwrite them, or --out another folder." },
      );
    }
    await writeSet(real, root, files, relative);
  } catch (error) {
    if (created) await fs.rmdir(root).catch(() => undefined);
    throw error;
  }
  return { folder: root, paths: files.map((file) => file.path) };
}

/** A template path as a list of segments; refuses one that would leave the folder. */
function checkedRelativePath(root: string, file: string): string[] {
  const segments = file.split("/");
  if (
    path.isAbsolute(file) ||
    file.includes("\\") ||
    segments.some((segment) => segment === "" || segment === "." || segment === "..")
  ) {
    throw new VramfitError("OUTPUT_INVALID", `Refusing to write ${file}: it leaves ${root}.`, {
      hint: "Template paths are relative to the output folder.",
    });
  }
  return segments;
}

/** Creates the output folder (and its parents) when missing; whether it created it. */
async function makeFolder(root: string): Promise<boolean> {
  const stats = await fs.stat(root).catch((error: unknown) => {
    if (errorCode(error) === "ENOENT") return undefined;
    throw writeError(error, root, root);
  });
  if (stats !== undefined) return false;
  await fs.mkdir(root, { recursive: true }).catch(async (error: unknown) => {
    // A recursive mkdir can say ENOENT for a read-only parent; a plain one names the reason.
    const plain = await fs.mkdir(root).then(
      () => undefined,
      (reason: unknown) => reason,
    );
    if (plain !== undefined)
      throw writeError(errorCode(error) === "ENOENT" ? plain : error, root, root);
  });
  return true;
}

/** The real directory the output folder is (links in `--out` itself are the user's choice). */
async function realFolder(root: string): Promise<string> {
  const real = await fs.realpath(root).catch((error: unknown) => {
    throw writeError(error, root, root);
  });
  const stats = await fs.lstat(real);
  if (!stats.isDirectory()) {
    throw new VramfitError("OUTPUT_INVALID", `Cannot write into ${root}: it is not a folder.`, {
      hint: "Pass --out a folder (it is created when missing).",
    });
  }
  return real;
}

/**
 * Checks every target without following links; returns the files that already exist (as
 * template paths).
 *
 * @throws {VramfitError} `OUTPUT_INVALID` for a link, a folder where a file goes, a file where a
 * folder goes, or anything that is neither.
 */
async function inspectTargets(real: string, targets: readonly string[][]): Promise<string[]> {
  const existing: string[] = [];
  for (const segments of targets) {
    for (let depth = 1; depth <= segments.length; depth++) {
      const shown = segments.slice(0, depth).join("/");
      const stats = await fs.lstat(path.join(real, ...segments.slice(0, depth))).catch(() => null);
      if (stats === null) break; // missing: nothing below it exists either
      const isFile = depth === segments.length;
      const problem = stats.isSymbolicLink()
        ? "is a symbolic link, and vramfit never writes through one"
        : isFile && stats.isDirectory()
          ? "is a folder where the template file goes"
          : !isFile && !stats.isDirectory()
            ? "is a file where a folder of templates goes"
            : isFile && !stats.isFile()
              ? "is not a regular file"
              : undefined;
      if (problem !== undefined) {
        throw new VramfitError(
          "OUTPUT_INVALID",
          `Cannot write ${shown} in ${real}: it ${problem}.`,
          {
            hint: "Remove or rename it, or pass --out another folder.",
          },
        );
      }
      if (isFile && !existing.includes(shown)) existing.push(shown);
    }
  }
  return existing;
}

/** One rename done, to undo on failure. */
interface Move {
  readonly from: string;
  readonly to: string;
}

/** Stages the set in a temporary folder inside `real`, then moves it into place, all or nothing. */
async function writeSet(
  real: string,
  root: string,
  files: readonly FileToWrite[],
  targets: readonly string[][],
): Promise<void> {
  const staging = await fs.mkdtemp(path.join(real, STAGING_PREFIX)).catch((error: unknown) => {
    throw writeError(error, root, root);
  });
  const moves: Move[] = [];
  const madeFolders: string[] = [];
  try {
    for (const [index, file] of files.entries()) {
      const staged = path.join(staging, "new", String(index));
      await fs.mkdir(path.dirname(staged), { recursive: true });
      const handle = await fs.open(staged, CREATE_FLAGS, file.path.endsWith(".sh") ? 0o755 : 0o644);
      try {
        await handle.writeFile(file.contents, "utf8");
      } finally {
        await handle.close();
      }
    }
    await fs.mkdir(path.join(staging, "old"));
    for (const [index, segments] of targets.entries()) {
      await makeSubfolders(real, segments.slice(0, -1), madeFolders);
      const target = path.join(real, ...segments);
      const old = await fs.lstat(target).catch(() => null);
      if (old !== null) {
        const aside = path.join(staging, "old", String(index));
        await fs.rename(target, aside);
        moves.push({ from: target, to: aside });
      }
      await fs.rename(path.join(staging, "new", String(index)), target);
      moves.push({ from: path.join(staging, "new", String(index)), to: target });
    }
  } catch (error) {
    // Undo in reverse: new files back out, old files back in, new folders removed.
    for (const move of moves.reverse()) await fs.rename(move.to, move.from).catch(() => undefined);
    for (const made of madeFolders.reverse()) await fs.rmdir(made).catch(() => undefined);
    await fs.rm(staging, { recursive: true, force: true });
    throw error instanceof VramfitError ? error : writeError(error, root, root);
  }
  await fs.rm(staging, { recursive: true, force: true });
}

/** Creates the sub-folders of a target one by one, refusing anything that is not a real folder. */
async function makeSubfolders(
  real: string,
  segments: readonly string[],
  made: string[],
): Promise<void> {
  let current = real;
  for (const segment of segments) {
    current = path.join(current, segment);
    const stats = await fs.lstat(current).catch(() => null);
    if (stats === null) {
      await fs.mkdir(current);
      made.push(current);
    } else if (stats.isSymbolicLink() || !stats.isDirectory()) {
      // Checked before staging; changed since by something else.
      throw new VramfitError(
        "OUTPUT_INVALID",
        `Cannot write into ${current}: it changed while vramfit wrote.`,
        {
          hint: "Run again once nothing else writes into the folder.",
        },
      );
    }
  }
}

function errorCode(error: unknown): string | undefined {
  const code = (error as { code?: unknown } | null)?.code;
  return typeof code === "string" ? code : undefined;
}

/** A file-system failure as a typed error naming the folder. */
function writeError(error: unknown, root: string, where: string): VramfitError {
  const code = errorCode(error);
  if (code === "ENOTDIR" || code === "EEXIST") {
    return new VramfitError(
      "OUTPUT_INVALID",
      `Cannot create the folder ${where}: a file is in the way.`,
      { hint: "Pass --out a folder (it is created when missing).", cause: error },
    );
  }
  const reason =
    code === "EACCES" || code === "EPERM"
      ? "permission denied"
      : code === "EROFS"
        ? "the file system is read-only"
        : code === "ENOSPC" || code === "EDQUOT"
          ? "no space left"
          : (code ?? "unknown error");
  return new VramfitError(
    "OUTPUT_UNWRITABLE",
    `Cannot write the templates into ${root}: ${reason}.`,
    {
      hint: "Pass --out a folder you can write to; nothing was written.",
      cause: error,
    },
  );
}
