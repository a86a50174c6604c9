import { InvalidOptionError } from "../../errors.js";

/**
 * Serving-engine releases, and which of vramfit's memory rules each one follows. vLLM and
 * SGLang changed how they size the KV cache several times; every rule in
 * src/memory/serving/ names the releases it applies to through the eras below
 * (docs/methodology.md#serving-fit).
 */

/** The engines whose start-up memory accounting vramfit reproduces. */
export type ServingEngine = "vllm" | "sglang";

/** Every {@link ServingEngine}. */
export const SERVING_ENGINE_IDS = ["vllm", "sglang"] as const satisfies readonly ServingEngine[];

/** A release number, `major.minor.patch`; pre-release and local suffixes are dropped. */
export interface EngineRelease {
  readonly major: number;
  readonly minor: number;
  readonly patch: number;
}

/**
 * The newest release whose rules vramfit knows, per engine: `engineVersion: "latest"` (the
 * default) and any later release use these. vLLM 0.21 made CUDA-graph memory profiling the
 * default (its start-up log: "CUDA graph memory profiling is enabled (default since v0.21.0)",
 * club-3090#104); SGLang PR #10975 (autumn 2025) introduced its current
 * `--mem-fraction-static` heuristic.
 */
export const LATEST_KNOWN_RELEASE = {
  vllm: { major: 0, minor: 21, patch: 0 },
  sglang: { major: 0, minor: 5, patch: 4 },
} as const satisfies Record<ServingEngine, EngineRelease>;

const RELEASE = /^v?(\d+)\.(\d+)(?:\.(\d+))?/;

/**
 * Reads a release number: "0.6.4", "v0.10.1", "0.15.2rc1.dev93+g11a4c9d30" (suffixes dropped),
 * or "latest" for {@link LATEST_KNOWN_RELEASE}.
 *
 * @throws {InvalidOptionError} for anything else.
 */
export function parseEngineRelease(engine: ServingEngine, text: string): EngineRelease {
  if (text === "latest") return LATEST_KNOWN_RELEASE[engine];
  const match = RELEASE.exec(text.trim());
  if (match === null) {
    throw new InvalidOptionError(
      "engineVersion",
      `expected a release such as "0.6.4" or "latest", got "${text}"`,
      { hint: 'Pass the version `vllm --version` prints, or "latest".' },
    );
  }
  return {
    major: Number(match[1]),
    minor: Number(match[2]),
    patch: match[3] === undefined ? 0 : Number(match[3]),
  };
}

/** Whether `release` is `major.minor.patch` or later. */
export function atLeast(release: EngineRelease, major: number, minor: number, patch = 0): boolean {
  if (release.major !== major) return release.major > major;
  if (release.minor !== minor) return release.minor > minor;
  return release.patch >= patch;
}

/** `major.minor.patch`. */
export function formatRelease(release: EngineRelease): string {
  return `${release.major}.${release.minor}.${release.patch}`;
}

/**
 * How vLLM sized its KV cache, by release (vLLM PRs and worker code; docs/methodology.md#vllm-eras):
 * - `torch-peak` (< 0.2.5): `total × util − torch allocator peak`; memory outside PyTorch's
 *   allocator (NCCL) not counted (PR #2031 "Fix peak memory profiling").
 * - `device-peak` (0.2.5 – 0.6.3): `total × util − (free at start − free after the profile run)`,
 *   so NCCL and cuBLAS workspaces count; the CUDA context, created before, does not.
 * - `torch-and-non-torch` (0.6.4): `total × util − torch peak − non-torch memory`, where
 *   non-torch includes the CUDA context (vllm#10517: `non_torch_memory=0.35GiB` on one RTX 3090).
 * - `profiled` (0.6.5 – 0.7.x, engine V0): `total × util − weights − activation peak increase −
 *   non-torch increase` measured from a snapshot taken after start-up (PR #10511, PR #12126).
 * - `v1` (0.8 – 0.20): the same terms in the V1 engine, chunked prefill always on, the sampler in
 *   the profile run (PR #13594), the hybrid KV allocator and its "KV cache is needed" check.
 * - `v1-graphs` (≥ 0.21): V1, and the estimated CUDA-graph memory is subtracted too.
 */
export type VllmEra =
  "torch-peak" | "device-peak" | "torch-and-non-torch" | "profiled" | "v1" | "v1-graphs";

/** The {@link VllmEra} of a vLLM release. */
export function vllmEra(release: EngineRelease): VllmEra {
  if (!atLeast(release, 0, 2, 5)) return "torch-peak";
  if (!atLeast(release, 0, 6, 4)) return "device-peak";
  if (!atLeast(release, 0, 6, 5)) return "torch-and-non-torch";
  if (!atLeast(release, 0, 8)) return "profiled";
  if (!atLeast(release, 0, 21)) return "v1";
  return "v1-graphs";
}

/** Whether a vLLM era is the V1 engine. */
export function isVllmV1(era: VllmEra): boolean {
  return era === "v1" || era === "v1-graphs";
}

/**
 * How SGLang picks `--mem-fraction-static` when it is not given (server_args.py):
 * - `tp-table` (≤ 0.4.x): 0.88 at TP 1, 0.87 at TP 2, 0.85 at TP 4, 0.81 at TP 8, 0.79 at TP 16;
 * - `memory-buckets` (0.5.0 – 0.5.3): a fixed reserve per GPU-memory bucket;
 * - `reserve-heuristic` (≥ 0.5.4, PR #10975): a reserve in MiB from the chunked-prefill size,
 *   the CUDA-graph batch size and the parallel size.
 * The release boundaries are approximate: the eras come from dated copies of server_args.py.
 */
export type SglangEra = "tp-table" | "memory-buckets" | "reserve-heuristic";

/** The {@link SglangEra} of an SGLang release. */
export function sglangEra(release: EngineRelease): SglangEra {
  if (!atLeast(release, 0, 5)) return "tp-table";
  if (!atLeast(release, 0, 5, 4)) return "memory-buckets";
  return "reserve-heuristic";
}
