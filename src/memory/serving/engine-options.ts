import {
  BOOLEAN_FIELD,
  choiceField,
  integerField,
  TEXT_FIELD,
  type OptionTable,
} from "../../options/option-fields.js";

/**
 * The serving engine's settings that decide its start-up memory beyond the workload, shared by
 * `fitOnGpu` and the GPU rankings (so both size a GPU the same way). Every field is optional;
 * each default is the engine's own for the GPU and release (docs/methodology.md#serving-fit).
 */
export interface EngineOptions {
  /**
   * The engine release whose memory rules apply, e.g. `"0.6.4"` or `"0.10.1"`; vLLM and SGLang
   * changed their accounting several times (profile batch, sampler, CUDA graphs, MLA layout).
   * @default "latest" (vLLM ≥ 0.21, SGLang ≥ 0.5.4)
   */
  readonly engineVersion?: string | undefined;
  /**
   * vLLM's `max_num_seqs`: requests in the profile run, whose logits the sampler holds.
   * @default 256, or 1,024 on a GPU of 70 GiB or more (not A100) from vLLM 0.9
   */
  readonly maxNumSeqs?: number | undefined;
  /**
   * vLLM's `--enforce-eager`: no CUDA graphs, so none of their memory.
   * @default false
   */
  readonly enforceEager?: boolean | undefined;
  /**
   * Tokens per KV block (vLLM's `--block-size`); the cache holds whole blocks.
   * @default 16 (vLLM), 1 (SGLang's page size)
   */
  readonly blockSize?: 1 | 8 | 16 | 32 | 64 | 128 | 256 | undefined;
}

/** Every {@link EngineOptions} field, for the options engine. */
export const ENGINE_OPTIONS: OptionTable<EngineOptions> = {
  engineVersion: {
    field: {
      ...TEXT_FIELD,
      expected: 'a release such as "0.6.4", or "latest"',
    },
  },
  maxNumSeqs: { field: integerField() },
  enforceEager: { field: BOOLEAN_FIELD },
  blockSize: { field: choiceField([1, 8, 16, 32, 64, 128, 256]) },
};
