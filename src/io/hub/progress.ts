import { sleep } from "./sleep.js";

/**
 * What a Hub read reports while it works, and the backoff several reads can share. The CLI
 * prints these events on a terminal; a platform can log them.
 */

/** One step of a Hub read, for progress displays. */
export type HubProgress =
  | {
      /** Asking the Hub which commit the revision is, and which files the repo has. */
      readonly kind: "resolving";
      readonly repo: string;
      readonly revision: string;
    }
  | {
      /** Reading config.json and the headers of `weightFiles` safetensors files at `commit`. */
      readonly kind: "reading-files";
      readonly repo: string;
      readonly commit: string;
      readonly weightFiles: number;
    }
  | {
      /** A request failed in a way worth another try: waiting `delayMs` before try `nextTry`. */
      readonly kind: "retry-wait";
      readonly repo: string;
      /** Why, in words: "HTTP 429", "timeout after 10000 ms", "ECONNRESET", ... */
      readonly reason: string;
      readonly delayMs: number;
      readonly nextTry: number;
      readonly tries: number;
    };

/**
 * A pause shared by several Hub reads: when one is rate limited (HTTP 429 with `Retry-After`
 * or `RateLimit`), every read that shares it waits too, instead of each spending its own tries
 * against the same limit. `estimateMany` shares one across its models; pass one to your own
 * parallel `estimateInference` calls for the same effect.
 */
export interface HubBackoff {
  /** Resolves when no pause is in force (at once when none is). */
  wait(signal?: AbortSignal): Promise<void>;
  /** Pauses every sharer for `ms` milliseconds from now (a longer pause already set stays). */
  pause(ms: number): void;
}

/**
 * A new {@link HubBackoff}.
 *
 * @example
 * const backoff = createHubBackoff();
 * await Promise.all(repos.map((repo) => estimateInference(repo, { backoff })));
 */
export function createHubBackoff(): HubBackoff {
  let pausedUntilMs = 0;
  return {
    async wait(signal) {
      // A pause may be lengthened while it is waited for: wait again until none is in force.
      for (
        let leftMs = pausedUntilMs - Date.now();
        leftMs > 0;
        leftMs = pausedUntilMs - Date.now()
      ) {
        await sleep(leftMs, signal);
      }
    },
    pause(ms) {
      if (Number.isFinite(ms) && ms > 0) pausedUntilMs = Math.max(pausedUntilMs, Date.now() + ms);
    },
  };
}
