/** What the CLI may touch, injected so tests can run it without a process. */
export interface CliIo {
  /** Writes to standard output. */
  readonly stdout: (text: string) => void;
  /** Writes to standard error. */
  readonly stderr: (text: string) => void;
  /** Environment variables (HF_TOKEN, HF_ENDPOINT, ...). */
  readonly env: Readonly<Record<string, string | undefined>>;
  /** Directory relative paths are resolved against. */
  readonly cwd: string;
  /** Whether standard error is a terminal (progress lines are printed only there). */
  readonly stderrIsTerminal?: boolean | undefined;
  /** Reads standard input whole (at most `maxBytes`), for `--from -`; absent when there is none. */
  readonly readStdin?: ((maxBytes: number) => Promise<string>) | undefined;
}

/** 0: success; 1: a known error (message and hint printed); 2: a usage error. */
export type ExitCode = 0 | 1 | 2;
