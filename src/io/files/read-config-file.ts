import { stat } from "./fs-calls.js";
import { InvalidConfigError, VramfitError } from "../../errors.js";
import { MAX_CONFIG_FILE_BYTES } from "../limits.js";
import { HF_QUANT_CONFIG_FILE } from "../repo-files.js";
import { readJsonFile } from "./read-json-file.js";

/**
 * Where a local model lives: the config.json path when `input` names a file or a folder
 * holding one, `undefined` when nothing exists at `input`.
 *
 * @throws {VramfitError} `CONFIG_NOT_FOUND` for a folder without a config.json.
 */
export async function findLocalConfig(input: string): Promise<string | undefined> {
  const stats = await stat(input).catch(() => undefined);
  if (stats === undefined) return undefined;
  if (!stats.isDirectory()) return input;
  const configPath = `${input.replace(/[\\/]+$/, "")}/config.json`;
  const configStats = await stat(configPath).catch(() => undefined);
  if (configStats?.isFile() !== true) {
    throw new VramfitError("CONFIG_NOT_FOUND", `No config.json in the folder ${input}.`, {
      hint: "Point at a model folder that holds config.json, or at the file itself.",
    });
  }
  return configPath;
}

/**
 * Reads and JSON-parses a local config.json (at most {@link MAX_CONFIG_FILE_BYTES}).
 *
 * @throws {InvalidConfigError} when the file is not a regular file, too large or not JSON.
 */
export async function readConfigFile(path: string): Promise<unknown> {
  return readJsonFile(path, {
    maxBytes: MAX_CONFIG_FILE_BYTES,
    fail: ({ problem, cause }) =>
      new InvalidConfigError({ subject: path, path: "", problem }, { cause }),
  });
}

/**
 * Reads the `hf_quant_config.json` beside a local config.json, when there is one (NVIDIA
 * ModelOpt checkpoints declare FP8 or NVFP4 there rather than in config.json).
 *
 * @returns the parsed file, or `undefined` when the folder has none.
 * @throws {InvalidConfigError} when the file is there but not a regular file, too large or not JSON.
 */
export async function readHfQuantConfig(configPath: string): Promise<unknown> {
  const folder = configPath.replace(/[\\/][^\\/]*$/, "");
  const path = `${folder === configPath ? "." : folder}/${HF_QUANT_CONFIG_FILE}`;
  const stats = await stat(path).catch(() => undefined);
  if (stats === undefined) return undefined;
  return readJsonFile(path, {
    maxBytes: MAX_CONFIG_FILE_BYTES,
    fail: ({ problem, cause }) =>
      new InvalidConfigError({ subject: path, path: "", problem }, { cause }),
  });
}
