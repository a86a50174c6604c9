import type {
  TrainingEstimate,
  TrainingOptions,
  estimateTrainingFromSpec,
  parseModelConfig,
} from "../../../src/index.js";

/** A measured statistic of the corpus. */
export type CorpusStatistic = "allocated" | "reserved" | "device";

/** One run of fixtures/measurements/training.json (the fields the replay reads). */
export interface CorpusRun {
  readonly id: string;
  readonly model: string;
  readonly measured_bytes: number | null;
  readonly quote: string;
  readonly source: string;
  readonly measures: string;
  readonly settings_confidence?: string | null;
  readonly origin?: string;
  readonly vramfit:
    | {
        readonly model: string;
        readonly statistic: CorpusStatistic;
        readonly options: TrainingOptions;
        readonly note?: string;
        readonly notModelled?: undefined;
      }
    | { readonly notModelled: string };
}

/** One model config of fixtures/measurements/training-models.json. */
export interface CorpusModel {
  readonly source?: string;
  readonly note?: string;
  readonly fixture?: string;
  readonly same?: string;
  readonly published?: { readonly parameters: number | null; readonly text: string };
  readonly config?: Record<string, unknown>;
}

/** The corpus as read from a checkout. */
export interface TrainingCorpus {
  readonly root: string;
  readonly runs: readonly CorpusRun[];
  readonly models: Readonly<Record<string, CorpusModel>>;
}

/** A modelled run after replay. */
export interface ReplayedRun {
  readonly id: string;
  readonly model: string;
  readonly statistic: CorpusStatistic;
  readonly confidence: string;
  readonly measuredBytes: number;
  readonly predictedBytes: number;
  readonly error: number;
  readonly phase: string;
  readonly moment: string;
  readonly estimate: TrainingEstimate;
  /** Why this run is beyond the ±35 % bar and left so (counted in every figure), or null. */
  readonly knownMiss: string | null;
}

/** A run not modelled, with its reason. */
export interface NotModelledRun {
  readonly id: string;
  readonly model: string;
  readonly reason: string;
}

export const STATISTIC_FIGURES: Readonly<Record<CorpusStatistic, string>>;
export function readTrainingCorpus(root: string): TrainingCorpus;
export function corpusConfig(corpus: TrainingCorpus, model: string): Record<string, unknown>;
export function replayTrainingCorpus(
  library: {
    readonly estimateTrainingFromSpec: typeof estimateTrainingFromSpec;
    readonly parseModelConfig: typeof parseModelConfig;
  },
  corpus: TrainingCorpus,
): { readonly modelled: ReplayedRun[]; readonly notModelled: NotModelledRun[] };
/** Error statistics of replayed rows. */
export interface ReplaySummary {
  readonly count: number;
  readonly medianError: number;
  readonly withinTen: number;
  readonly withinTwenty: number;
  readonly withinTwentyPercent: number;
  readonly beyondThirtyFive: number;
  readonly worstError: number;
  readonly under: number;
}
export function summarizeReplay(rows: readonly ReplayedRun[]): ReplaySummary;
export function summarizeByStatistic(
  rows: readonly ReplayedRun[],
): Readonly<Record<"all" | CorpusStatistic, ReplaySummary>>;
