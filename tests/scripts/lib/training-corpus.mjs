// The training corpus (fixtures/measurements/training.json) replayed against a build of vramfit:
// shared by the corpus test (tests/memory/training/corpus.test.ts, on src/) and
// `npm run accuracy` (tests/scripts/accuracy/training.mjs, on dist/). Each modelled run is compared
// like with like: max_memory_allocated with peakAllocatedBytes, max_memory_reserved with
// peakReservedBytes, an nvidia-smi figure with totalBytes + staleCacheBytes (what must fit, plus
// the cache an nvidia-smi reading also shows).
import { readFileSync } from "node:fs";
import { join } from "node:path";

/** Which estimate figure each measured statistic is compared with. */
export const STATISTIC_FIGURES = {
  allocated: "peakAllocatedBytes",
  reserved: "peakReservedBytes",
  device: "totalBytes",
};

/** Reads the runs and the model configs from a checkout. */
export function readTrainingCorpus(root) {
  const folder = join(root, "fixtures", "measurements");
  return {
    root,
    runs: JSON.parse(readFileSync(join(folder, "training.json"), "utf8")),
    models: JSON.parse(readFileSync(join(folder, "training-models.json"), "utf8")),
  };
}

/** The config.json of a corpus model: inline, another entry's, or a fixtures/models folder's. */
export function corpusConfig(corpus, model) {
  const entry = corpus.models[model];
  if (entry === undefined) throw new Error(`training-models.json has no ${model}`);
  if (entry.same !== undefined) return corpusConfig(corpus, entry.same);
  if (entry.fixture !== undefined) {
    const file = join(corpus.root, "fixtures", "models", entry.fixture, "config.json");
    return JSON.parse(readFileSync(file, "utf8"));
  }
  return entry.config;
}

/**
 * Replays every run: `modelled` rows with the measured and the estimated bytes and the signed
 * error, and `notModelled` rows with their reason.
 *
 * @param library - `{ estimateTrainingFromSpec, parseModelConfig }` from src/ or dist/.
 */
export function replayTrainingCorpus(library, corpus) {
  const modelled = [];
  const notModelled = [];
  for (const run of corpus.runs) {
    const v = run.vramfit;
    if (v.notModelled !== undefined) {
      notModelled.push({ id: run.id, model: run.model, reason: v.notModelled });
      continue;
    }
    const spec = library.parseModelConfig(corpusConfig(corpus, v.model), { subject: v.model });
    const estimate = library.estimateTrainingFromSpec(spec, v.options);
    const gpu = estimate.memory.perGpu;
    const predictedBytes =
      gpu[STATISTIC_FIGURES[v.statistic]] + (v.statistic === "device" ? gpu.staleCacheBytes : 0);
    modelled.push({
      id: run.id,
      model: run.model,
      statistic: v.statistic,
      confidence: run.settings_confidence ?? "fixture",
      measuredBytes: run.measured_bytes,
      predictedBytes,
      error: predictedBytes / run.measured_bytes - 1,
      // Beyond the issue's ±35 % and left so on purpose, with the term that misses (counted).
      knownMiss: v.knownMiss ?? null,
      phase: gpu.phase,
      moment: gpu.moment,
      estimate,
    });
  }
  return { modelled, notModelled };
}

/**
 * Median and worst absolute error of replayed rows, how many lie within ±10 % and ±20 % (and that
 * share), how many beyond ±35 %, and how many are under the measurement.
 */
export function summarizeReplay(rows) {
  const errors = rows.map((row) => Math.abs(row.error)).sort((a, b) => a - b);
  const middle = Math.floor(errors.length / 2);
  const median =
    errors.length === 0
      ? 0
      : errors.length % 2 === 1
        ? errors[middle]
        : (errors[middle - 1] + errors[middle]) / 2;
  const withinTwenty = errors.filter((error) => error <= 0.2).length;
  return {
    count: rows.length,
    medianError: median,
    withinTen: errors.filter((error) => error <= 0.1).length,
    withinTwenty,
    withinTwentyPercent: withinTwenty / Math.max(1, rows.length),
    beyondThirtyFive: errors.filter((error) => error > 0.35).length,
    worstError: errors.at(-1) ?? 0,
    under: rows.filter((row) => row.error < 0).length,
  };
}

/** {@link summarizeReplay} of all rows, then of each statistic's rows apart. */
export function summarizeByStatistic(rows) {
  return {
    all: summarizeReplay(rows),
    allocated: summarizeReplay(rows.filter((row) => row.statistic === "allocated")),
    reserved: summarizeReplay(rows.filter((row) => row.statistic === "reserved")),
    device: summarizeReplay(rows.filter((row) => row.statistic === "device")),
  };
}
