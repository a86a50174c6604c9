/**
 * Every error vramfit throws on purpose carries a stable `code` for programs, a
 * message that names the subject (which model, which file, which field) and an
 * optional `hint` that says what to do next. The CLI prints `message` and `hint`
 * and exits 1; programs switch on `code`.
 *
 * Pure math throws only `RangeError`/`TypeError` for programmer mistakes; bad user
 * input is caught earlier, in the option resolvers and the schema, and reported
 * with one of the classes below.
 */

/** The stable codes of {@link VramfitError}. New codes may be added; existing ones never change. */
export type ErrorCode =
  | "CATALOG_INVALID"
  | "CONFIG_INVALID"
  | "CONFIG_NOT_FOUND"
  | "ENGINE_RULE_VIOLATED"
  | "MODEL_NOT_FOUND"
  | "OPTION_INVALID"
  | "UNSUPPORTED_ARCHITECTURE"
  | "ALREADY_QUANTIZED"
  | "DEPLOYMENT_INVALID"
  | "OUTPUT_EXISTS"
  | "OUTPUT_INVALID"
  | "OUTPUT_UNWRITABLE"
  | "PRICES_INVALID"
  | "PRICES_UNAVAILABLE"
  | HubErrorCode;

/** Options shared by every vramfit error. */
export interface VramfitErrorOptions extends ErrorOptions {
  /** What the user can do about it, printed on its own line by the CLI. */
  readonly hint?: string | undefined;
}

/** Base class of every error vramfit throws on purpose. */
export class VramfitError extends Error {
  override name = "VramfitError";
  /** Stable, machine-readable error code. */
  readonly code: ErrorCode;
  /** What the user can do about it, when there is something to do. */
  readonly hint: string | undefined;

  constructor(code: ErrorCode, message: string, options: VramfitErrorOptions = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.code = code;
    this.hint = options.hint;
  }
}

/** Where a config came from, for error messages: a repo id, a file path or "object". */
export type ConfigSubject = string;

/**
 * A config.json that cannot describe a model: a missing or malformed field, a value
 * of the wrong type, or dimensions that contradict each other.
 */
export class InvalidConfigError extends VramfitError {
  override name = "InvalidConfigError";
  /** JSON path of the offending field, e.g. `text_config.num_hidden_layers` (empty for the whole file). */
  readonly path: string;
  /** The key names that were looked for, e.g. `["num_hidden_layers", "n_layer"]`. */
  readonly aliases: readonly string[];
  /** The repo id or file the config came from. */
  readonly subject: ConfigSubject;

  constructor(
    details: {
      subject: ConfigSubject;
      path: string;
      problem: string;
      aliases?: readonly string[];
    },
    options: VramfitErrorOptions = {},
  ) {
    const where = details.path === "" ? "" : ` at "${details.path}"`;
    const looked =
      details.aliases === undefined || details.aliases.length === 0
        ? ""
        : ` (looked for ${details.aliases.join(", ")})`;
    super(
      "CONFIG_INVALID",
      `Invalid config.json for ${details.subject}${where}: ${details.problem}${looked}.`,
      {
        hint:
          options.hint ??
          "Check that this is a transformers config.json; fix or add the field, or pass a ModelSpec directly.",
        cause: options.cause,
      },
    );
    this.path = details.path;
    this.aliases = details.aliases ?? [];
    this.subject = details.subject;
  }
}

/** A model that could not be found where vramfit looked for it. */
export class ModelNotFoundError extends VramfitError {
  override name = "ModelNotFoundError";
  /** The model as the user wrote it. */
  readonly model: string;

  constructor(model: string, message: string, options: VramfitErrorOptions = {}) {
    super("MODEL_NOT_FOUND", message, options);
    this.model = model;
  }
}

/** An option with a value vramfit cannot use (a zero batch, an unknown precision, ...). */
export class InvalidOptionError extends VramfitError {
  override name = "InvalidOptionError";
  /** The option's name as the library spells it, e.g. `batchSize`. */
  readonly option: string;

  constructor(option: string, problem: string, options: VramfitErrorOptions = {}) {
    super("OPTION_INVALID", `Invalid option ${option}: ${problem}.`, options);
    this.option = option;
  }
}

/** A config whose architecture vramfit cannot size, with the fields it is missing. */
export class UnsupportedArchitectureError extends VramfitError {
  override name = "UnsupportedArchitectureError";
  /** The config's `model_type`, when it has one. */
  readonly modelType: string | undefined;

  constructor(modelType: string | undefined, message: string, options: VramfitErrorOptions = {}) {
    super("UNSUPPORTED_ARCHITECTURE", message, options);
    this.modelType = modelType;
  }
}

/**
 * A deployment plan that a serving or training engine would refuse at start-up (vLLM's
 * `max_num_batched_tokens < max_num_seqs`, TGI's `max_input_tokens >= max_total_tokens`, a
 * tensor-parallel size that does not divide the attention heads, ...). The template generators
 * throw it instead of writing a config that fails when it is launched.
 */
export class EngineRuleError extends VramfitError {
  override name = "EngineRuleError";
  /** The engine or tool whose rule it is: "vllm", "tgi", "axolotl" or "aws". */
  readonly engine: string;
  /** Stable id of the rule, a key of `ENGINE_RULES`, e.g. `vllm/batched-tokens-at-least-seqs`. */
  readonly rule: string;

  constructor(engine: string, rule: string, message: string, options: VramfitErrorOptions = {}) {
    super("ENGINE_RULE_VIOLATED", message, options);
    this.engine = engine;
    this.rule = rule;
  }
}

/**
 * A what-if weight precision asked of a checkpoint that is already quantized (AWQ, GPTQ,
 * FP8, ...): its stored weights are what loads, so re-sizing them at another precision
 * would describe a model that does not exist.
 */
export class AlreadyQuantizedError extends VramfitError {
  override name = "AlreadyQuantizedError";
  /** The checkpoint's `quant_method`, e.g. `"awq"`. */
  readonly method: string;
  /** The precision that was asked for. */
  readonly requested: string;

  constructor(method: string, requested: string, label: string) {
    super(
      "ALREADY_QUANTIZED",
      `Invalid option weights: "${requested}" was asked of a checkpoint already quantized as ${label} (quantization_config.quant_method "${method}"); its stored weights are what loads.`,
      {
        hint: 'Leave weights at "auto" to size the checkpoint as stored, or point vramfit at the unquantized base model to ask what-if precisions.',
      },
    );
    this.method = method;
    this.requested = requested;
  }
}

// Hub client errors (src/hub): every failure of a Hub request, with the request id.

/**
 * The stable codes of {@link HubError}:
 * - `HUB_GATED`: a gated repo and no token;
 * - `HUB_ACCESS_DENIED`: a token that may not read the repo (a gated repo it is not approved for);
 * - `HUB_REPO_NOT_FOUND`: no such repo, or a private one the token cannot see (the Hub does not say which);
 * - `HUB_REVISION_NOT_FOUND`: no such branch, tag or commit;
 * - `HUB_FILE_NOT_FOUND`: the repo has no config.json (or a listed file is missing);
 * - `HUB_INVALID_TOKEN`: the Hub rejected the token itself;
 * - `HUB_RATE_LIMITED`: HTTP 429, still after the retries;
 * - `HUB_UNREACHABLE`: no answer (network, timeout, 5xx) after the retries;
 * - `HUB_BAD_RESPONSE`: an answer vramfit will not trust (too large, cut short, Range ignored, malformed);
 * - `WEIGHTS_INVALID`: a malformed safetensors header or index.
 */
export type HubErrorCode =
  | "HUB_GATED"
  | "HUB_ACCESS_DENIED"
  | "HUB_REPO_NOT_FOUND"
  | "HUB_REVISION_NOT_FOUND"
  | "HUB_FILE_NOT_FOUND"
  | "HUB_INVALID_TOKEN"
  | "HUB_RATE_LIMITED"
  | "HUB_UNREACHABLE"
  | "HUB_BAD_RESPONSE"
  | "WEIGHTS_INVALID";

/** What a {@link HubError} knows about the failed request. The token is never part of it. */
export interface HubErrorDetails {
  /** The repo id, e.g. `meta-llama/Meta-Llama-3-70B`. */
  readonly repo?: string | undefined;
  /** The revision asked for. */
  readonly revision?: string | undefined;
  /** HTTP status of the last answer, when there was one. */
  readonly status?: number | undefined;
  /** The Hub's `X-Request-Id`, to quote in a bug report to Hugging Face. */
  readonly requestId?: string | undefined;
  /** The URL requested (never holds a token: tokens travel in a header). */
  readonly url?: string | undefined;
  /** Seconds the Hub asked to wait (`Retry-After` / `RateLimit`), for `HUB_RATE_LIMITED`. */
  readonly retryAfterSeconds?: number | undefined;
}

/** A Hub request that failed, or an answer vramfit would not trust; `code` says which. */
export class HubError extends VramfitError {
  override name = "HubError";
  declare readonly code: HubErrorCode;
  /** The repo id, when known. */
  readonly repo: string | undefined;
  /** The revision asked for, when known. */
  readonly revision: string | undefined;
  /** HTTP status of the last answer, when there was one. */
  readonly status: number | undefined;
  /** The Hub's request id (`X-Request-Id`), when it sent one. */
  readonly requestId: string | undefined;
  /** The URL requested. */
  readonly url: string | undefined;
  /** Seconds the Hub asked to wait before retrying. */
  readonly retryAfterSeconds: number | undefined;

  constructor(
    code: HubErrorCode,
    message: string,
    details: HubErrorDetails = {},
    options: VramfitErrorOptions = {},
  ) {
    super(code, message, options);
    this.repo = details.repo;
    this.revision = details.revision;
    this.status = details.status;
    this.requestId = details.requestId;
    this.url = details.url;
    this.retryAfterSeconds = details.retryAfterSeconds;
  }
}
