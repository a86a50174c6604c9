import type { HubProgress } from "../io/hub/progress.js";
import type { CliIo } from "./io.js";

/**
 * Where Hub progress goes: lines on standard error when it is a terminal, nothing with `--json`,
 * when standard error is piped or redirected, or under `NO_COLOR` or `CI` (logs want the
 * result, not the steps).
 */
export function progressPrinter(
  io: CliIo,
  json: boolean,
): ((event: HubProgress) => void) | undefined {
  if (json || isSet(io.env.NO_COLOR) || isSet(io.env.CI)) return undefined;
  // Asked at the first event, not before: asking creates process.stderr (about 3 ms of a start),
  // and a run that reads no Hub has no events.
  let terminal: boolean | undefined;
  return (event) => {
    terminal ??= io.stderrIsTerminal === true;
    if (terminal) io.stderr(`vramfit: ${describeProgress(event)}\n`);
  };
}

/** One progress event in words. */
export function describeProgress(event: HubProgress): string {
  switch (event.kind) {
    case "resolving":
      return `resolving ${event.repo}@${event.revision} on the Hub…`;
    case "reading-files":
      return event.weightFiles === 0
        ? `reading config.json at ${event.commit.slice(0, 12)}…`
        : `reading config.json and ${event.weightFiles} safetensors ${event.weightFiles === 1 ? "header" : "headers"} at ${event.commit.slice(0, 12)}…`;
    case "retry-wait":
      return `${event.reason} from the Hub for ${event.repo}: try ${event.nextTry} of ${event.tries} in ${(event.delayMs / 1000).toFixed(1)} s`;
  }
}

/** `NO_COLOR` and `CI` count when set to anything but empty, `0` or `false`. */
function isSet(value: string | undefined): boolean {
  return value !== undefined && value !== "" && value !== "0" && value.toLowerCase() !== "false";
}
