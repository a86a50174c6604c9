import { readFileSync } from "node:fs";
import { join } from "node:path";
import { fitOnGpuFromSpec, parseModelConfig, type GpuFit } from "../../src/index.js";
import type { FitOptions } from "../../src/hardware/fit-options.js";
import type { GpuCatalogFile } from "../../src/hardware/catalog-file.js";

/** One case of fixtures/measurements/serving.json. */
export interface ServingCase {
  readonly id: string;
  readonly url: string | null;
  readonly quote: string;
  readonly engineVersionAsReported: string;
  readonly notModelled?: string;
  readonly knownMiss?: string;
  readonly replay?: {
    readonly config: string;
    readonly options: FitOptions;
    readonly catalog?: GpuCatalogFile;
  };
  readonly logged?: {
    readonly started: boolean | null;
    readonly kvCacheTokens?: number;
    readonly kvCacheGiB?: number;
  };
}

const root = join(import.meta.dirname, "..", "..");

/** The corpus of real serving-engine logs. */
export const SERVING_CORPUS = JSON.parse(
  readFileSync(join(root, "fixtures", "measurements", "serving.json"), "utf8"),
) as { readonly cases: readonly ServingCase[] };

/** What a replay compares: the logged figure, ours, and the verdicts. */
export interface Replay {
  readonly fit: GpuFit;
  /** `tokens` when the log gives a token count, `GiB` when only the KV memory, `none` for verdict-only cases. */
  readonly measure: "tokens" | "GiB" | "none";
  readonly logged: number | null;
  readonly predicted: number | null;
  /** (predicted − logged) / logged. */
  readonly error: number | null;
}

/** Replays a case with `fitOnGpuFromSpec`, the config and options it records. */
export function replay(c: ServingCase): Replay {
  if (c.replay === undefined || c.logged === undefined) throw new Error(`${c.id} is not modelled`);
  const config = JSON.parse(readFileSync(join(root, c.replay.config), "utf8")) as object;
  const fit = fitOnGpuFromSpec(parseModelConfig(config), {
    ...c.replay.options,
    ...(c.replay.catalog === undefined ? {} : { catalog: c.replay.catalog }),
  });
  const { kvCacheTokens, kvCacheGiB } = c.logged;
  if (kvCacheTokens !== undefined) {
    const error = fit.kvCache.tokens / kvCacheTokens - 1;
    return { fit, measure: "tokens", logged: kvCacheTokens, predicted: fit.kvCache.tokens, error };
  }
  if (kvCacheGiB !== undefined && kvCacheGiB > 0) {
    const predicted = fit.kvCache.bytesPerGpu / 1024 ** 3;
    return {
      fit,
      measure: "GiB",
      logged: kvCacheGiB,
      predicted,
      error: predicted / kvCacheGiB - 1,
    };
  }
  return { fit, measure: "none", logged: null, predicted: null, error: null };
}
