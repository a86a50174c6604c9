/** Commands whose first argument is a model they read (src/cli/early-model-read.ts). */
export const MODEL_COMMANDS: ReadonlySet<string> = new Set([
  "estimate",
  "train",
  "fit",
  "gpus",
  "plan",
]);

/** A Hub repo id as `vramfit <command>` takes it: `org/name`. */
export const ORG_SLASH_NAME = /^[A-Za-z0-9][\w.-]*\/[\w.-]+$/;
