/**
 * `vramfit <command> <org/name> ...`: the model-info request starts before the command's code
 * loads (src/io/hub/early-reads.ts says why). Only when the model comes first, as every
 * example writes it, so that the repo id is certain without the command's own flags; the
 * model flags are read as the command reads them (`--revision`, `--hub-url`, `--timeout`,
 * `--offline`, `--refresh`). Offline, a pinned commit (perhaps cached), a branch confirmed
 * within `branchMaxAgeMs` (cached) and anything unusual (a local path,
 * `--help`, a flag it cannot read) send nothing: the command then reads the model as always.
 */
import { existsSync } from "node:fs";
import { resolve } from "node:path";
import { parseArgs } from "node:util";
import { recentlyConfirmedCommit, repoCacheFolder } from "../io/hub/branch-ref.js";
import { COMMIT_SHA } from "../io/hub/commit-sha.js";
import { startEarlyModelInfo } from "../io/hub/early-reads.js";
import { resolveHubSettings } from "../io/hub/settings.js";
import { MODEL_FLAGS, resolveOptionsFromFlags } from "./flags.js";
import type { CliIo } from "./io.js";
import { MODEL_COMMANDS, ORG_SLASH_NAME } from "./model-commands.js";

/** Starts the model-info request of `argv` (without node and the script), when it is certain. */
export async function startEarlyModelRead(argv: readonly string[], io: CliIo): Promise<void> {
  const [command, model, ...rest] = argv;
  if (command === undefined || model === undefined || !MODEL_COMMANDS.has(command)) return;
  if (!ORG_SLASH_NAME.test(model) || existsSync(resolve(io.cwd, model))) return;
  if (rest.some((arg) => arg === "--help" || arg === "-h" || arg === "--from")) return;
  try {
    const { values } = parseArgs({
      args: rest,
      options: MODEL_FLAGS,
      strict: false,
      allowPositionals: true,
    });
    const settings = await resolveHubSettings(resolveOptionsFromFlags(values, io));
    // Offline sends nothing; a commit may be cached, and is then read with no request at all.
    if (settings.offline || COMMIT_SHA.test(settings.revision)) return;
    // Nor does a branch the Hub confirmed within branchMaxAgeMs: the read takes it from the cache.
    if (settings.cacheDir !== undefined) {
      const folder = repoCacheFolder(settings.cacheDir, settings.endpoint, model);
      const { revision, branchMaxAgeMs } = settings;
      if ((await recentlyConfirmedCommit(folder, revision, branchMaxAgeMs)) !== undefined) return;
    }
    // What the request loads on its way out, loaded first: otherwise it waits behind the
    // command's code, which the caller starts compiling as soon as this returns.
    await Promise.all([import("p-retry"), import("../io/platform/node-fetch.js")]);
    startEarlyModelInfo(model, settings);
    // One turn of the event loop, so the request is written before the command's code loads:
    // the launcher loads chunks synchronously, and the request would wait behind them.
    await new Promise((resolve) => setImmediate(resolve));
  } catch {
    // A flag the command will reject with its own message: leave it to the command.
  }
}
