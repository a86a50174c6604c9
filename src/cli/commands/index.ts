import type { CommandEntry } from "../command.js";

/** Every `vramfit` subcommand, in the order `--help` lists them; each loads when it runs. */
export const COMMANDS: readonly CommandEntry[] = [
  {
    name: "estimate",
    summary: "GPU memory to serve a model: weights, KV cache, overhead",
    load: async () => (await import("./estimate.js")).estimateCommand,
  },
  {
    name: "train",
    summary: "GPU memory to train or fine-tune a model: full, LoRA, QLoRA",
    load: async () => (await import("./train.js")).trainCommand,
  },
  {
    name: "fit",
    summary: "Whether a model fits a GPU under vLLM or SGLang, with the engine's own budget",
    load: async () => (await import("./fit.js")).fitCommand,
  },
  {
    name: "gpus",
    summary: "GPUs and cloud instances that fit a model, with TP degree, speed and price",
    load: async () => (await import("./gpus.js")).gpusCommand,
  },
  {
    name: "plan",
    summary: "Deployment blueprint, checklist and ready-to-run configs for a workload",
    load: async () => (await import("./plan.js")).planCommand,
  },
  {
    name: "check",
    summary: "Twelve pre-deployment checks on your deployment.json (exit 1 on a failure)",
    load: async () => (await import("./check.js")).checkCommand,
  },
  {
    name: "prices",
    summary: 'Cloud prices in use, and "prices update" to refresh them from SkyPilot\'s catalogs',
    load: async () => (await import("./prices.js")).pricesCommand,
  },
  {
    name: "schema",
    summary: "JSON Schema of a result or input file (estimate, plan, catalog, ...)",
    load: async () => (await import("./schema.js")).schemaCommand,
  },
];
