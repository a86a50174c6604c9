import { VramfitError } from "../errors.js";
import { HUB_OPTIONS, type HubOptions } from "../io/hub-options.js";
import type { ModelInput } from "../io/model-input.js";
import type { InferenceEstimate } from "../memory/estimate-inference.js";
import { INFERENCE_OPTIONS, type InferenceOptions } from "../memory/inference-options.js";
import {
  checkKnownOptions,
  optionsOf,
  integerField,
  anyField,
  readOption,
  type OptionTable,
} from "../options/option-fields.js";
import { createHubBackoff } from "../io/hub/progress.js";
import { estimateInference } from "./estimate-inference.js";

/** One model's outcome in {@link estimateMany}: its estimate, or the error that stopped it. */
export type EstimateManyItem =
  | {
      /** Position of the model in the input. */
      readonly index: number;
      /** The model as given: a repo id or path, else `model #n`. */
      readonly model: string;
      /** The estimate. */
      readonly estimate: InferenceEstimate;
    }
  | {
      /** Position of the model in the input. */
      readonly index: number;
      /** The model as given: a repo id or path, else `model #n`. */
      readonly model: string;
      /** What stopped this model (the others go on): vramfit's error code, message and hint. */
      readonly error: {
        readonly code: string;
        readonly message: string;
        readonly hint: string | null;
      };
    };

/** Options of {@link estimateMany}: the estimate's and the Hub's, plus how many at once. */
export interface EstimateManyOptions extends InferenceOptions, HubOptions {
  /**
   * Models resolved at the same time. Each cold Hub estimate makes a few requests; a small pool
   * keeps the total in flight bounded.
   * @default 4
   */
  readonly concurrency?: number | undefined;
  /** Called as each model finishes (in completion order), e.g. to stream JSON Lines. */
  readonly onItem?: ((item: EstimateManyItem) => void) | undefined;
}

const MANY_OPTIONS: OptionTable<Pick<EstimateManyOptions, "concurrency" | "onItem">> = {
  concurrency: { field: integerField(1, 64), default: 4 },
  onItem: { field: anyField<(item: EstimateManyItem) => void>("a function") },
};

/**
 * Estimates many models with the same options: at most `concurrency` at a time, every model's
 * error collected in its item instead of stopping the others. The models share one Hub
 * backoff: when the Hub rate-limits one of them, all wait (see {@link HubBackoff}); Hub
 * progress events of every model reach `onProgress`. The result is in input order;
 * `onItem` sees each item as it completes. Errors that are not vramfit's (a bug) still throw.
 *
 * @throws {InvalidOptionError} for options vramfit cannot use, or an unknown option key.
 * @example
 * const items = await estimateMany(["meta-llama/Meta-Llama-3-8B", "Qwen/Qwen2.5-0.5B"], { contextLength: 8192 });
 * items.map((item) => ("estimate" in item ? item.estimate.memory.totalBytes : item.error.code));
 */
export async function estimateMany(
  models: readonly ModelInput[],
  options: EstimateManyOptions = {},
): Promise<EstimateManyItem[]> {
  checkKnownOptions(options, [INFERENCE_OPTIONS, HUB_OPTIONS, MANY_OPTIONS], "estimateMany");
  const concurrency = readOption(MANY_OPTIONS, options, "concurrency") ?? 4;
  const onItem = options.onItem;
  const estimateOptions = {
    ...optionsOf(options, INFERENCE_OPTIONS, HUB_OPTIONS),
    // One rate limit, one pause: the models share a backoff unless the caller brought one.
    backoff: options.backoff ?? createHubBackoff(),
  };
  const items: EstimateManyItem[] = new Array<EstimateManyItem>(models.length);
  let next = 0;
  const worker = async (): Promise<void> => {
    while (next < models.length) {
      const index = next;
      next += 1;
      const model = models[index] as ModelInput;
      const item = await estimateOne(index, model, estimateOptions);
      items[index] = item;
      onItem?.(item);
    }
  };
  await Promise.all(Array.from({ length: Math.min(concurrency, models.length) }, worker));
  return items;
}

async function estimateOne(
  index: number,
  model: ModelInput,
  options: InferenceOptions & HubOptions,
): Promise<EstimateManyItem> {
  const name = typeof model === "string" ? model : `model #${index + 1}`;
  try {
    return { index, model: name, estimate: await estimateInference(model, options) };
  } catch (error) {
    if (!(error instanceof VramfitError)) throw error;
    return {
      index,
      model: name,
      error: { code: error.code, message: error.message, hint: error.hint ?? null },
    };
  }
}
