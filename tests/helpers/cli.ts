import { execFile } from "node:child_process";
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { promisify } from "node:util";
import { run } from "../../src/cli/run.js";

/** What a CLI run printed and returned. */
export interface CliResult {
  code: number;
  stdout: string;
  stderr: string;
}

/**
 * The environment a CLI test gets unless it passes its own: offline, with a temporary home,
 * cache and Hugging Face folder, so no test reaches the real Hub or reads the real token.
 */
export function offlineEnv(): Record<string, string> {
  const home = mkdtempSync(join(tmpdir(), "vramfit-cli-"));
  return {
    HF_HUB_OFFLINE: "1",
    HOME: home,
    XDG_CACHE_HOME: join(home, ".cache"),
    HF_HOME: join(home, ".cache", "huggingface"),
  };
}

/** Runs the CLI in-process through run(argv, io), capturing its output (offline unless `env` says otherwise). */
export async function runCli(
  argv: string[],
  options: {
    env?: Record<string, string | undefined>;
    cwd?: string;
    stdin?: string;
    /** Whether standard error is a terminal (progress lines). */
    stderrIsTerminal?: boolean;
  } = {},
): Promise<CliResult> {
  let stdout = "";
  let stderr = "";
  const code = await run(argv, {
    stdout: (text) => (stdout += text),
    stderr: (text) => (stderr += text),
    env: options.env ?? offlineEnv(),
    cwd: options.cwd ?? process.cwd(),
    stderrIsTerminal: options.stderrIsTerminal,
    ...(options.stdin === undefined
      ? {}
      : { readStdin: () => Promise.resolve(options.stdin ?? "") }),
  });
  return { code, stdout, stderr };
}

/** The built binary (npm test builds before running the tests). */
export const BUILT_CLI = join(import.meta.dirname, "..", "..", "dist", "cli", "cli.cjs");

/**
 * Runs the built binary in a child process with only the given environment (default:
 * {@link offlineEnv}); `nodeArgs` go to `node` before the binary (e.g. `--require`).
 */
export async function runBuiltCli(
  argv: string[],
  options: { env?: Record<string, string>; cwd?: string; nodeArgs?: string[] } = {},
): Promise<CliResult> {
  const args = [...(options.nodeArgs ?? []), BUILT_CLI, ...argv];
  try {
    const { stdout, stderr } = await promisify(execFile)(process.execPath, args, {
      env: { PATH: process.env.PATH ?? "", ...(options.env ?? offlineEnv()) },
      cwd: options.cwd,
    });
    return { code: 0, stdout, stderr };
  } catch (error) {
    const failed = error as { code: number; stdout: string; stderr: string };
    return { code: failed.code, stdout: failed.stdout, stderr: failed.stderr };
  }
}
