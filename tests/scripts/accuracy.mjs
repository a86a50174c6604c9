// npm run accuracy: every accuracy corpus replayed against the built library, one section per
// file in tests/scripts/accuracy/ (parameters, serving, training, ...), each printing its table
// with the median and worst error. `--markdown` prints the tables docs/accuracy.md keeps.
// Only reports: the tests enforce the tolerances.
import { readdirSync } from "node:fs";
import { join } from "node:path";

const folder = join(import.meta.dirname, "accuracy");
const only = process.argv.slice(2).filter((arg) => !arg.startsWith("--"));
for (const file of readdirSync(folder)
  .filter((name) => name.endsWith(".mjs"))
  .sort()) {
  const section = file.replace(/\.mjs$/, "");
  if (only.length > 0 && !only.includes(section)) continue;
  console.log(`\n## ${section}\n`);
  await import(join(folder, file));
}
