/**
 * The `text-generation-launcher` flags vramfit knows (Hugging Face TGI). TGI has been in
 * maintenance mode since 2025-12-11 (README, commit 34988476 "Maintenance mode (#3345)"), and
 * v3.3.7 (2025-12-18) is its last tag, so this catalog is not expected to move.
 */
import type { CatalogProvenance, FlagSpec } from "./catalog-types.js";

/** The TGI version the flag catalog describes. */
export const TGI_CATALOG: CatalogProvenance = {
  tool: "Hugging Face text-generation-inference",
  version: "3.3.7 (2025-12-18, last tag)",
  source:
    "huggingface/text-generation-inference v3.3.7: docs/source/reference/launcher.md, launcher/src/main.rs, backends/v3/src/main.rs",
  recordedOn: "2026-11-28",
};

/** The line every TGI output carries (as a comment): the engine's status and what to use instead. */
export const TGI_MAINTENANCE_NOTE =
  "TGI is in maintenance mode since 2025-12-11 (minor fixes only; v3.3.7 is the last tag); its maintainers recommend vLLM or SGLang. Prefer the vLLM template.";

/** The image the TGI `docker run` line uses by default (the last tag). */
export const TGI_DEFAULT_IMAGE = "ghcr.io/huggingface/text-generation-inference:3.3.7";

const LAUNCHER = "docs/source/reference/launcher.md @ v3.3.7";

/** `--quantize` choices (launcher.md @ v3.3.7). */
export const TGI_QUANTIZE_METHODS = [
  "awq",
  "compressed-tensors",
  "eetq",
  "exl2",
  "gptq",
  "marlin",
  "bitsandbytes",
  "bitsandbytes-nf4",
  "bitsandbytes-fp4",
  "fp8",
] as const;

/** Launcher flags (long names without `--`); each also reads an UPPER_SNAKE environment variable. */
export const TGI_FLAGS = {
  "model-id": { kind: "string", source: LAUNCHER },
  revision: { kind: "string", source: LAUNCHER },
  "num-shard": { kind: "int", source: LAUNCHER },
  sharded: { kind: "enum", choices: ["true", "false"], source: LAUNCHER },
  quantize: { kind: "enum", choices: TGI_QUANTIZE_METHODS, source: LAUNCHER },
  dtype: { kind: "enum", choices: ["float16", "bfloat16"], source: LAUNCHER },
  "kv-cache-dtype": { kind: "enum", choices: ["fp8_e4m3fn", "fp8_e5m2"], source: LAUNCHER },
  "max-input-tokens": { kind: "int", source: LAUNCHER },
  "max-input-length": { kind: "int", source: LAUNCHER },
  "max-total-tokens": { kind: "int", source: LAUNCHER },
  "max-batch-prefill-tokens": { kind: "int", source: LAUNCHER },
  "max-batch-total-tokens": { kind: "int", source: LAUNCHER },
  "max-concurrent-requests": { kind: "int", source: LAUNCHER },
  "max-batch-size": { kind: "int", source: LAUNCHER },
  "cuda-memory-fraction": { kind: "float", source: LAUNCHER },
  "cuda-graphs": { kind: "list", source: LAUNCHER },
  "lora-adapters": { kind: "string", source: "docs/source/conceptual/lora.md @ v3.3.7" },
  hostname: { kind: "string", source: LAUNCHER },
  port: { kind: "int", source: LAUNCHER },
} as const satisfies Record<string, FlagSpec>;

/** A flag name in {@link TGI_FLAGS}. */
export type TgiFlag = keyof typeof TGI_FLAGS;

/**
 * Flags the generators never emit: `--max-input-length` is the legacy alias of
 * `--max-input-tokens`, and setting both is an error (launcher/src/main.rs @ v3.3.7).
 */
export const TGI_NEVER_EMITTED_FLAGS = ["max-input-length"] as const satisfies readonly TgiFlag[];

/** `docker run` options the TGI and vLLM Docker lines use (Docker CLI reference). */
export const DOCKER_RUN_OPTIONS = [
  "gpus",
  "shm-size",
  "ipc",
  "p",
  "v",
  "e",
  "d",
  "rm",
  "name",
  "restart",
] as const;
