import type { BundledModel } from "../model/bundled/bundled-model.js";
import { bundledModelIds, findBundledModel } from "../model/bundled/find-bundled-model.js";
import { HubError, ModelNotFoundError, type HubErrorCode } from "../errors.js";
import { lookUpOffline, lookUpOnline, type ModelLookup } from "./hub/look-up.js";
import { resolveHubSettings, type HubSettings } from "./hub/settings.js";
import { findLocalConfig, readConfigFile, readHfQuantConfig } from "#platform";
import type { CheckpointFacts } from "../memory/checkpoint.js";
import type { ModelSource } from "../model/model-source.js";
import type { ModelSpec } from "../model/model-spec.js";
import { parseModelConfig } from "../model/config/parse.js";
import { isModelSpec, type ModelInput } from "./model-input.js";
import type { HubOptions } from "./hub-options.js";

/** A model ready to estimate: its spec, and where it came from. */
export interface ResolvedModel {
  /** The repo id or path the caller named, when it was a string. */
  readonly id: string | undefined;
  /** The normalized model. */
  readonly spec: ModelSpec;
  /** Where the config came from. */
  readonly source: ModelSource;
  /** Facts read from the stored weights (Hub models with safetensors): exact count and bytes. */
  readonly checkpoint?: CheckpointFacts | undefined;
  /** What the reader should know: a fallback to a cached or bundled copy, a repo without safetensors. */
  readonly warnings?: readonly string[] | undefined;
}

/** Hub repo ids: `name` or `org/name`, letters, digits, `-`, `_`, `.`. */
const REPO_ID = /^(?:[\w.-]+\/)?[\w.-]+$/;

/** Hub failures that a cached or bundled copy can stand in for, with a warning. */
const FALLBACK_CODES: ReadonlySet<HubErrorCode> = new Set([
  "HUB_UNREACHABLE",
  "HUB_RATE_LIMITED",
  "HUB_GATED",
  "HUB_ACCESS_DENIED",
]);

/**
 * Turns any {@link ModelInput} into a {@link ResolvedModel}. A string is a local path when
 * something exists there (as transformers does), else a Hub repo id: read from the Hub
 * (config.json and safetensors headers at the revision's commit, cached on disk by commit).
 * ModelOpt's `hf_quant_config.json` is read beside config.json, locally and on the Hub.
 * Offline, or when the Hub cannot be reached or refuses a gated repo, it uses vramfit's
 * cache, then the Hugging Face cache, then the bundled snapshot, and says which.
 *
 * @throws {ModelNotFoundError} for a repo id vramfit cannot find.
 * @throws {HubError} when the Hub refuses or fails and no copy can stand in; see its `code`.
 * @throws {InvalidConfigError} for a config that cannot describe a model.
 * @throws {InvalidOptionError} for a malformed revision, hubUrl, timeoutMs or token.
 */
export async function resolveModel(
  model: ModelInput,
  options: HubOptions = {},
): Promise<ResolvedModel> {
  if (typeof model !== "string") {
    if (isModelSpec(model)) return { id: undefined, spec: model, source: { kind: "spec" } };
    return { id: undefined, spec: parseModelConfig(model), source: { kind: "object" } };
  }

  const localPath = await findLocalConfig(model);
  if (localPath !== undefined) {
    const json = await readConfigFile(localPath);
    const hfQuantConfig = await readHfQuantConfig(localPath);
    return {
      id: model,
      spec: parseModelConfig(json, { subject: localPath, hfQuantConfig }),
      source: { kind: "file", path: localPath },
    };
  }
  if (looksLikePath(model)) {
    throw new ModelNotFoundError(model, `No such file or folder: ${model}.`, {
      hint: "Check the path: point at a config.json or a folder holding one (or pass a Hub repo id such as meta-llama/Meta-Llama-3-8B).",
    });
  }
  if (!REPO_ID.test(model) || model.split("/").some((part) => /^\.|\.\.|\.$/.test(part))) {
    throw new ModelNotFoundError(model, `"${model}" is neither a local path nor a Hub repo id.`, {
      hint: "Pass a repo id such as meta-llama/Meta-Llama-3-8B, or a path to a config.json (or a folder holding one).",
    });
  }

  const lookup = await lookUp(model, await resolveHubSettings(options));
  return {
    id: model,
    spec: parseModelConfig(lookup.config, {
      subject: lookup.subject,
      hfQuantConfig: lookup.hfQuantConfig,
    }),
    source: lookup.source,
    checkpoint: lookup.checkpoint,
    warnings: lookup.warnings,
  };
}

/** A string meant as a path: relative or absolute, a `.json` file, or more than `org/name`. */
function looksLikePath(model: string): boolean {
  return (
    /^(?:\.{1,2}[\\/]|[\\/]|~|[A-Za-z]:[\\/])/.test(model) ||
    /\.json$/i.test(model) ||
    /[\\/]$/.test(model) ||
    model.split(/[\\/]/).length > 2
  );
}

async function lookUp(repo: string, settings: HubSettings): Promise<ModelLookup> {
  if (settings.offline) {
    const copy = (await lookUpOffline(repo, settings)) ?? bundledLookup(repo, settings.revision);
    if (copy !== undefined) return copy;
    throw new ModelNotFoundError(
      repo,
      `Model "${repo}" is neither a local path nor in vramfit's bundled snapshot, and offline there is no cached copy of it (revision ${settings.revision}).`,
      {
        hint: `Run once online to cache it, or unset HF_HUB_OFFLINE / drop --offline. Bundled: ${bundledModelIds().join(", ")}.`,
      },
    );
  }
  try {
    return await lookUpOnline(repo, settings);
  } catch (error) {
    if (!(error instanceof HubError && FALLBACK_CODES.has(error.code))) throw error;
    const copy = (await lookUpOffline(repo, settings)) ?? bundledLookup(repo, settings.revision);
    if (copy === undefined) throw error;
    const hint = error.hint === undefined ? "" : ` ${error.hint}`;
    return {
      ...copy,
      warnings: [
        `${error.message}${hint} Used ${fallbackName(copy.source)} instead.`,
        ...copy.warnings,
      ],
    };
  }
}

function bundledLookup(repo: string, revision: string): ModelLookup | undefined {
  const bundled: BundledModel | undefined = findBundledModel(repo);
  if (bundled === undefined) return undefined;
  return {
    config: bundled.config,
    subject: `${bundled.repo} (bundled)`,
    source: {
      kind: "bundled",
      repo: bundled.repo,
      retrieved: bundled.retrieved,
      origin: bundled.origin,
    },
    checkpoint: undefined,
    warnings:
      revision === "main"
        ? []
        : [`the bundled snapshot of ${bundled.repo} is not pinned to revision ${revision}`],
  };
}

function fallbackName(source: ModelSource): string {
  switch (source.kind) {
    case "cache":
      return `vramfit's cached copy (commit ${source.sha ?? "unknown"}, fetched ${source.retrieved ?? "earlier"})`;
    case "hf-cache":
      return `the Hugging Face cache (${source.path ?? ""})`;
    default:
      return `vramfit's bundled snapshot (retrieved ${source.retrieved ?? "unknown"})`;
  }
}
