import { bundledModelIds, findBundledModel } from "../bundled/find-bundled-model.js";
import { ModelNotFoundError } from "../errors.js";
import { findLocalConfig, readConfigFile } from "../local/read-config-file.js";
import type { ModelSource } from "../model/model-source.js";
import type { ModelSpec } from "../model/model-spec.js";
import { parseModelConfig } from "../schema/parse.js";
import { isModelSpec, type ModelInput } from "./model-input.js";
import type { ResolveModelOptions } from "./resolve-options.js";

/** A model ready to estimate: its spec, and where it came from. */
export interface ResolvedModel {
  /** The repo id or path the caller named, when it was a string. */
  readonly id: string | undefined;
  /** The normalized model. */
  readonly spec: ModelSpec;
  /** Where the config came from. */
  readonly source: ModelSource;
}

/** Hub repo ids: `name` or `org/name`, letters, digits, `-`, `_`, `.`. */
const REPO_ID = /^(?:[\w.-]+\/)?[\w.-]+$/;

/**
 * Turns any {@link ModelInput} into a {@link ResolvedModel}. A string is a local path when
 * something exists there (as transformers does), else a repo id looked up in the bundled
 * snapshot.
 *
 * @throws {ModelNotFoundError} for a repo id vramfit cannot find.
 * @throws {InvalidConfigError} for a config that cannot describe a model.
 */
export async function resolveModel(
  model: ModelInput,
  // eslint-disable-next-line @typescript-eslint/no-unused-vars -- used once the Hub client lands.
  options: ResolveModelOptions = {},
): Promise<ResolvedModel> {
  if (typeof model !== "string") {
    if (isModelSpec(model)) return { id: undefined, spec: model, source: { kind: "spec" } };
    return { id: undefined, spec: parseModelConfig(model), source: { kind: "object" } };
  }

  const localPath = await findLocalConfig(model);
  if (localPath !== undefined) {
    const json = await readConfigFile(localPath);
    return {
      id: model,
      spec: parseModelConfig(json, { subject: localPath }),
      source: { kind: "file", path: localPath },
    };
  }

  const bundled = REPO_ID.test(model) ? findBundledModel(model) : undefined;
  if (bundled === undefined) {
    throw new ModelNotFoundError(
      model,
      `Model "${model}" is neither a local path nor in vramfit's bundled snapshot.`,
      {
        hint: `Pass a path to its config.json (or a folder holding one). Bundled: ${bundledModelIds().join(", ")}.`,
      },
    );
  }
  return {
    id: bundled.repo,
    spec: parseModelConfig(bundled.config, { subject: `${bundled.repo} (bundled)` }),
    source: {
      kind: "bundled",
      repo: bundled.repo,
      retrieved: bundled.retrieved,
      origin: bundled.origin,
    },
  };
}
