// Preloaded with `node --import` into a measured process: at exit, writes the process's own
// CPU time and peak memory (process.resourceUsage) to $VRAMFIT_BENCH_RUSAGE.
import { writeFileSync } from "node:fs";

process.on("exit", () => {
  const usage = process.resourceUsage();
  writeFileSync(
    process.env.VRAMFIT_BENCH_RUSAGE,
    JSON.stringify({ cpuUs: usage.userCPUTime + usage.systemCPUTime, maxRssKb: usage.maxRSS }),
  );
});
