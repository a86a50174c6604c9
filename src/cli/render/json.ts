import { SCHEMA_VERSION } from "../../version.js";

/**
 * A `--json` output: the value with `schemaVersion` first (the version of the JSON Schemas in
 * dist/schemas, printed by `vramfit schema <name>`), two-space indented, one trailing newline.
 */
export function renderJson(value: object): string {
  return `${JSON.stringify({ schemaVersion: SCHEMA_VERSION, ...value }, null, 2)}\n`;
}
