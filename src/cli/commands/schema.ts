import { readFile } from "node:fs/promises";
import type { Command } from "../command.js";
import type { ExitCode } from "../io.js";
import { parseCommandLine } from "../parse-command-line.js";
import { UsageError } from "../usage-error.js";

/** The schemas `npm run build` writes to dist/schemas (tests/scripts/build-schemas.mjs). */
const SCHEMAS = {
  "inference-estimate": "the result of estimateInference; vramfit estimate --json",
  "training-estimate": "the result of estimateTraining; vramfit train --json",
  "gpu-ranking": "the result of rankGpus; `gpus` in vramfit gpus --json",
  "instance-ranking": "the result of rankInstances; `instances` in vramfit gpus --json",
  "gpu-fit": "the result of fitOnGpu; vramfit fit --json",
  plan: "the result of planDeployment; `plan` in vramfit plan --json",
  checklist: "the result of validateDeployment; vramfit check --json",
  catalog: "a GPU catalog file (--catalog file.json, the catalog option)",
  deployment: "a deployment file (vramfit check deployment.json)",
} as const;

const NAMES = Object.keys(SCHEMAS) as (keyof typeof SCHEMAS)[];

const HELP = `Usage: vramfit schema [name]

Prints the JSON Schema (draft-07) of a result or an input file, so scripts can validate what
vramfit writes and what they hand it. Every --json output carries "schemaVersion".
The same files ship in the package: vramfit/schemas/<name>.schema.json.

Names:
${NAMES.map((name) => `  ${name.padEnd(20)} ${SCHEMAS[name]}`).join("\n")}
`;

/** Where the built schemas are: beside the CLI bundle (dist/cli), or dist/ when run from src/. */
const FOLDERS = [
  new URL("../schemas/", import.meta.url),
  new URL("../../../dist/schemas/", import.meta.url),
];

/** `vramfit schema`: prints a JSON Schema, or lists them. */
export const schemaCommand: Command = {
  name: "schema",
  help: HELP,
  async run(argv, io): Promise<ExitCode> {
    const parsed = parseCommandLine(argv, {}, HELP, io);
    if (parsed === null) return 0;
    const [name, extra] = parsed.positionals;
    if (extra !== undefined) throw new UsageError(`Unexpected argument "${extra}".`);
    if (name === undefined) {
      io.stdout(HELP);
      return 0;
    }
    if (!(NAMES as readonly string[]).includes(name)) {
      throw new UsageError(`No schema "${name}". Known: ${NAMES.join(", ")}.`);
    }
    for (const folder of FOLDERS) {
      const text = await readFile(new URL(`${name}.schema.json`, folder), "utf8").catch(
        () => undefined,
      );
      if (text !== undefined) {
        io.stdout(`${JSON.stringify(JSON.parse(text), null, 2)}\n`);
        return 0;
      }
    }
    throw new UsageError(`The schema files are missing from this install; run npm run build.`);
  },
};
