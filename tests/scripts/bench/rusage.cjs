// Preloaded with `node --require` into a measured process: at exit, writes the process's own
// CPU time and peak memory (process.resourceUsage) to $VRAMFIT_BENCH_RUSAGE. CommonJS, so the
// measured process does not start Node's ES module loader (about 7 ms) unless it needs it.
const { writeFileSync } = require("node:fs");

process.on("exit", () => {
  const usage = process.resourceUsage();
  writeFileSync(
    process.env.VRAMFIT_BENCH_RUSAGE,
    JSON.stringify({ cpuUs: usage.userCPUTime + usage.systemCPUTime, maxRssKb: usage.maxRSS }),
  );
});
