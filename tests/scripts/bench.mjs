// npm run bench [section ...]: prints throughput, latency and request figures for each area.
// docs/benchmarks.md records them with the machine and date. No thresholds here.
// Sections: estimates, gpus, search, templates, plan, hub, hub-processes, cold-start (all by default).
import { cpus, loadavg } from "node:os";

const SECTIONS = [
  "estimates",
  "gpus",
  "search",
  "templates",
  "plan",
  "hub",
  "hub-processes",
  "cold-start",
];
const wanted = process.argv.slice(2);
const unknown = wanted.filter((name) => !SECTIONS.includes(name));
if (unknown.length > 0) {
  console.error(`unknown section ${unknown.join(", ")}; choose from ${SECTIONS.join(", ")}`);
  process.exit(2);
}

console.log(
  `machine: ${cpus()[0]?.model ?? "unknown"} × ${cpus().length}, node ${process.version}`,
);
for (const name of wanted.length > 0 ? wanted : SECTIONS) {
  console.log(`\n## ${name}`);
  const section = await import(`./bench/${name}.mjs`);
  await section.run();
}
console.log(
  `\nload average at the end: ${loadavg()
    .map((load) => load.toFixed(2))
    .join(" ")}`,
);
