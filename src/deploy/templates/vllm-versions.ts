/**
 * The vLLM releases the templates can target, what changed between them that the generators
 * care about, and the INT4 routes each release supports. A user picks the release with
 * `--engine-version` (`ServingPlan.engineVersion`); flags follow it.
 *
 * Honesty about what was checked: the flag names in `VLLM_FLAGS` were read from docs.vllm.ai
 * "stable" engine args on 2026-11-28, a page that does not print its version; the rows below
 * record, per release, the facts checked on 2026-12-07 and where. Releases after the newest row
 * (0.30, 0.31) are refused until someone checks them.
 */
import type { RemovedName } from "./catalog-types.js";

/** One vLLM release the templates can target. */
export interface VllmRelease {
  /** The container image the Docker, Kubernetes and AWS templates run. */
  readonly image: string;
  /** Where in-flight bitsandbytes (NF4) quantization lives in this release. */
  readonly bitsandbytes: "core" | "plugin";
  /** When vramfit checked this row (YYYY-MM-DD). */
  readonly checkedOn: string;
  /** What the row was checked against. */
  readonly source: string;
}

/**
 * The releases vramfit knows, oldest first. bitsandbytes left vLLM's core for the out-of-tree
 * `vllm-bnb-plugin` in v0.28.0 (vllm-project/vllm#43529; confirmed by runpod-workers/worker-vllm#332,
 * 2026-08-26, and unslothai/unsloth-zoo#1197: "0.28.0+ without the plugin: none").
 */
export const VLLM_RELEASES = {
  "0.27": {
    image: "vllm/vllm-openai:v0.27.1",
    bitsandbytes: "core",
    checkedOn: "2026-12-07",
    source:
      "vllm-project/vllm#52802 (2026-08-18: bitsandbytes still built in on 0.27.1); unslothai/unsloth-zoo#1197",
  },
  "0.28": {
    image: "vllm/vllm-openai:v0.28.0",
    bitsandbytes: "plugin",
    checkedOn: "2026-12-07",
    source:
      "v0.28.0 release notes via runpod-workers/worker-vllm#332 (serve parser dumped from the v0.28.0 image, 2026-08-26); vllm-project/vllm#43529",
  },
  "0.29": {
    image: "vllm/vllm-openai:v0.29.0",
    bitsandbytes: "plugin",
    checkedOn: "2026-12-07",
    source:
      "no removal reported between v0.28.0 and v0.29.0 in the sources above; flag names from docs.vllm.ai stable engine args (read 2026-11-28)",
  },
} as const satisfies Record<string, VllmRelease>;

/** A vLLM release id (major.minor) the templates can target. */
export type VllmEngineVersion = keyof typeof VLLM_RELEASES;

/** Every {@link VllmEngineVersion}, oldest first. */
export const VLLM_ENGINE_VERSIONS = Object.keys(VLLM_RELEASES) as readonly VllmEngineVersion[];

/** The release the templates target unless the plan names another. */
export const DEFAULT_VLLM_ENGINE_VERSION: VllmEngineVersion = "0.29";

/** A flag or method that was removed or moved, and the release it happened in. */
export interface VllmChange extends RemovedName {
  /** The first release without it (major.minor). */
  readonly since: string;
  /** `removed`: gone; `moved`: still usable, from a plugin or another flag. */
  readonly change: "removed" | "moved";
}

/**
 * Removed or moved in release X: never emitted for a target at or after X. Flags are keyed by
 * their long name; quantization methods by `quantization=<method>`.
 */
export const VLLM_CHANGES = {
  "quantization=bitsandbytes": {
    since: "0.28",
    change: "moved",
    replacement:
      "the vllm-bnb-plugin package in the image, or an AWQ/GPTQ/compressed-tensors checkpoint",
    source: "vllm-project/vllm#43529 (v0.28.0); runpod-workers/worker-vllm#332",
  },
  "override-attention-dtype": {
    since: "0.28",
    change: "removed",
    replacement: "none",
    source: "vllm-project/vllm#48684 (v0.28.0), per runpod-workers/worker-vllm#332",
  },
  "calculate-kv-scales": {
    since: "0.28",
    change: "removed",
    replacement: "none",
    source: "vllm-project/vllm#49389 (v0.28.0), per runpod-workers/worker-vllm#332",
  },
  "swap-space": {
    since: "0.18",
    change: "removed",
    replacement: "none",
    source: "vllm-project/vllm#36216 (v0.18.0)",
  },
} as const satisfies Record<string, VllmChange>;

/** Whether `version` is at or after `since` (both major.minor). */
export function vllmVersionAtLeast(version: string, since: string): boolean {
  const [a = 0, b = 0] = version.split(".").map(Number);
  const [c = 0, d = 0] = since.split(".").map(Number);
  return a !== c ? a > c : b >= d;
}

/** How an INT4 plan is served by vLLM. */
export type VllmInt4Route = "prequantized" | "bitsandbytes";

/** One INT4 route: what it emits and how fast it runs. */
export interface VllmInt4RouteSpec {
  /** What the generators emit for it. */
  readonly emits: string;
  /** Its speed, rated on its own. */
  readonly speed: string;
  /** Where the rating comes from. */
  readonly source: string;
}

/** The INT4 routes: the default is a pre-quantized checkpoint, the one the plan's INT4 speed assumes. */
export const VLLM_INT4_ROUTES = {
  prequantized: {
    emits:
      "the pre-quantized checkpoint as the model (AWQ, GPTQ or compressed-tensors W4A16), no --quantization flag",
    speed:
      "the plan's INT4 row: Marlin W4A16 kernels on Ampere or newer read 4-bit weights, so decode runs near the 4-bit memory-bandwidth bound",
    source: "vLLM docs features/quantization 'Supported Hardware' (Marlin: Ampere+)",
  },
  bitsandbytes: {
    emits:
      "--quantization bitsandbytes (NF4 while loading the 16-bit checkpoint); from 0.28 on an image built FROM the pinned vLLM image with vllm-bnb-plugin installed (vllm/Dockerfile)",
    speed:
      "not rated: bitsandbytes NF4 dequantizes in its own kernels (no Marlin), so it is slower than the INT4 row; vramfit has no published figure to put on it",
    source: "vllm-project/vllm#39583 (bitsandbytes loader and kernels); vllm-project/vllm#43529",
  },
} as const satisfies Record<VllmInt4Route, VllmInt4RouteSpec>;

/** The package that brings bitsandbytes back to vLLM ≥ 0.28 (vllm-project/vllm#43529). */
export const VLLM_BNB_PLUGIN_PACKAGE = "vllm-bnb-plugin";
