// Timing helpers shared by the benchmark sections. Figures are printed, never asserted.
import { execFileSync } from "node:child_process";
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { performance } from "node:perf_hooks";

/** The repository root. */
export const ROOT = new URL("../../..", import.meta.url).pathname;

/** The built CLI. */
export const CLI = join(ROOT, "dist", "cli", "cli.cjs");

/** Runs `fn` repeatedly for about `seconds` and returns calls per second (wall clock). */
export function throughput(fn, seconds = 1) {
  for (let i = 0; i < 10_000; i++) fn(i); // warm up the JIT
  let calls = 0;
  const start = performance.now();
  const end = start + seconds * 1000;
  while (performance.now() < end) {
    for (let i = 0; i < 1000; i++) fn(i);
    calls += 1000;
  }
  return calls / ((performance.now() - start) / 1000);
}

/**
 * Calls per second of `fn`, by wall clock and per CPU-second of this process: on a shared
 * 2-core machine the wall-clock rate drops when other processes run, the CPU-time rate
 * (what one core does) does not.
 */
export function throughputWithCpu(fn, seconds = 2) {
  for (let i = 0; i < 20_000; i++) fn(i); // warm up the JIT
  let calls = 0;
  const cpuStart = process.cpuUsage();
  const start = performance.now();
  const end = start + seconds * 1000;
  while (performance.now() < end) {
    for (let i = 0; i < 1000; i++) fn(i);
    calls += 1000;
  }
  const cpu = process.cpuUsage(cpuStart);
  return {
    wall: calls / ((performance.now() - start) / 1000),
    cpu: calls / ((cpu.user + cpu.system) / 1e6),
  };
}

/** The middle value. */
export function median(values) {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)];
}

/** Median wall time, in ms, of `runs` fresh `node` processes. */
export function coldStartMs(args, runs = 15, env = process.env) {
  const times = [];
  for (let i = 0; i < runs; i++) {
    const start = performance.now();
    execFileSync(process.execPath, args, { stdio: "ignore", env });
    times.push(performance.now() - start);
  }
  return median(times);
}

/** An offline environment with a temporary home: the bundled snapshot answers, no Hub code loads. */
export function offlineEnv() {
  return {
    PATH: process.env.PATH ?? "",
    HOME: mkdtempSync(join(tmpdir(), "vramfit-bench-")),
    HF_HUB_OFFLINE: "1",
  };
}

/** A count with thousands separators. */
export function rate(value) {
  return Math.round(value).toLocaleString("en-US");
}
