// CLI cold start: each command on a bundled model, offline, against a bare `node -e 0`.
import { CLI, coldStartMs, offlineEnv } from "./measure.mjs";

const COMMANDS = [
  ["estimate", ["estimate", "meta-llama/Meta-Llama-3-70B", "--json"]],
  ["gpus", ["gpus", "meta-llama/Meta-Llama-3-70B", "--json"]],
  [
    "train (with the 9-row trade-off table)",
    ["train", "meta-llama/Meta-Llama-3-8B", "--method", "lora"],
  ],
];

/** Prints the cold-start figures. */
export function run() {
  const env = offlineEnv();
  const bareMs = coldStartMs(["-e", "0"], 15, env);
  console.log(`cold start, bare node -e 0: ${bareMs.toFixed(1)} ms (median of 15)`);
  // The first run writes the CLI's compile cache (src/cli/launcher.cts); the medians are of
  // the runs after it. "first run" turns the cache off: a fresh install's first start.
  const firstRunEnv = { ...env, NODE_DISABLE_COMPILE_CACHE: "1" };
  for (const [label, args] of COMMANDS) {
    const ms = coldStartMs([CLI, ...args, "--offline"], 15, env);
    const firstMs = coldStartMs([CLI, ...args, "--offline"], 15, firstRunEnv);
    console.log(
      `cold start, vramfit ${label}: ${ms.toFixed(1)} ms (median of 15), ${(ms / bareMs).toFixed(2)}× bare node; ` +
        `first run ${firstMs.toFixed(1)} ms, ${(firstMs / bareMs).toFixed(2)}×`,
    );
  }
}
