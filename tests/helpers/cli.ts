import { execFile } from "node:child_process";
import { join } from "node:path";
import { promisify } from "node:util";
import { run } from "../../src/cli/run.js";

/** What a CLI run printed and returned. */
export interface CliResult {
  code: number;
  stdout: string;
  stderr: string;
}

/** Runs the CLI in-process through run(argv, io), capturing its output. */
export async function runCli(
  argv: string[],
  options: { env?: Record<string, string | undefined>; cwd?: string } = {},
): Promise<CliResult> {
  let stdout = "";
  let stderr = "";
  const code = await run(argv, {
    stdout: (text) => (stdout += text),
    stderr: (text) => (stderr += text),
    env: options.env ?? {},
    cwd: options.cwd ?? process.cwd(),
  });
  return { code, stdout, stderr };
}

/** The built binary (npm test builds before running the tests). */
export const BUILT_CLI = join(import.meta.dirname, "..", "..", "dist", "cli.js");

/** Runs the built binary in a child process with only the given environment. */
export async function runBuiltCli(
  argv: string[],
  options: { env?: Record<string, string>; cwd?: string } = {},
): Promise<CliResult> {
  try {
    const { stdout, stderr } = await promisify(execFile)(process.execPath, [BUILT_CLI, ...argv], {
      env: { PATH: process.env.PATH ?? "", ...options.env },
      cwd: options.cwd,
    });
    return { code: 0, stdout, stderr };
  } catch (error) {
    const failed = error as { code: number; stdout: string; stderr: string };
    return { code: failed.code, stdout: failed.stdout, stderr: failed.stderr };
  }
}
