/** vramfit's version, as package.json states it (a test keeps the two equal). */
export const VERSION = "0.1.0";

/**
 * Version of the JSON Schemas of vramfit's results and input files (dist/schemas); the CLI's
 * `--json` output carries it as `schemaVersion`. It changes when a result's shape does.
 */
export const SCHEMA_VERSION = 1;
