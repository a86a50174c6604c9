import { execFileSync } from "node:child_process";
import { parse as parseHcl } from "@cdktf/hcl2json";
import { EngineRuleError, type ServingPlan } from "../../src/deploy.js";
import { parseModelConfig, type ModelSpec } from "../../src/index.js";
import type { KeyTree } from "../../src/deploy/templates/catalog-types.js";
import { loadFixture } from "./fixtures.js";

/** Llama-3-70B's config.json from the fixtures, normalized. */
export function llama3_70bSpec(): ModelSpec {
  return parseModelConfig(loadFixture("meta-llama__Meta-Llama-3-70B").config);
}

/**
 * The worked example, written by hand the way the blueprint will: Llama-3-70B, real-time,
 * 4K context, batch 8, BF16 on two 80 GB GPUs (TP 2). Head counts come from the model's config.json.
 */
export function llama3_70bBf16(): ServingPlan {
  const spec = llama3_70bSpec();
  return {
    modelId: "meta-llama/Meta-Llama-3-70B-Instruct",
    weights: "bf16",
    tensorParallel: 2,
    maxModelLen: 4096,
    maxNumSeqs: 8,
    gpuName: "A100 80GB",
    numAttentionHeads: spec.numAttentionHeads,
    numKeyValueHeads: spec.numKeyValueHeads,
    maxPositionEmbeddings: spec.maxPositionEmbeddings,
  };
}

/** The same workload on an AWQ INT4 checkpoint: one A100 80GB, TP 1. */
export function llama3_70bAwq(): ServingPlan {
  return {
    ...llama3_70bBf16(),
    modelId: "TechxGenus/Meta-Llama-3-70B-Instruct-AWQ",
    checkpointQuantization: "awq",
    weights: "int4-g128",
    tensorParallel: 1,
  };
}

/**
 * Splits a shell command into words the way bash does (quotes, continuations, `$HOME`
 * expanded to /home/user, `$PWD` to /tmp), by running it with its first word replaced by a printer.
 */
export function bashWords(command: string): string[] {
  const script = `__words() { printf '%s\\0' "$@"; }\n__words ${command}`;
  const out = execFileSync("bash", ["-c", script], {
    encoding: "utf8",
    cwd: "/tmp",
    env: { PATH: process.env.PATH ?? "", HOME: "/home/user", PWD: "/tmp" },
  });
  return out.split("\0").slice(0, -1);
}

/** Checks a script's syntax with `bash -n`; returns bash's complaint, or "" when it parses. */
export function bashSyntaxError(script: string): string {
  try {
    execFileSync("bash", ["-n"], {
      input: script,
      encoding: "utf8",
      stdio: ["pipe", "pipe", "pipe"],
    });
    return "";
  } catch (error) {
    return String((error as { stderr?: string }).stderr ?? error);
  }
}

/**
 * `bash -n` on several scripts in one process (one spawn instead of one per script); bash's
 * complaint for each script, "" for each that parses. Scripts must not hold NUL.
 */
export function bashSyntaxErrors(scripts: readonly string[]): string[] {
  const checker = 'for s in "$@"; do printf %s "$s" | bash -n 2>&1; printf "\\0"; done';
  const out = execFileSync("bash", ["-c", checker, "check", ...scripts], {
    encoding: "utf8",
    // No HOME with a .bashrc: bash reads it when stdin is a socket, as Node's pipes are.
    env: { PATH: process.env.PATH ?? "", HOME: "/nonexistent" },
    stdio: ["ignore", "pipe", "pipe"],
  });
  return out.split("\0").slice(0, scripts.length);
}

/** Paths of the keys in `value` that `tree` does not list ("*" matches any key; `true` is a leaf). */
export function unknownKeys(value: unknown, tree: KeyTree | true, path = ""): string[] {
  if (tree === true || value === null || typeof value !== "object") return [];
  if (Array.isArray(value))
    return value.flatMap((item, i) => unknownKeys(item, tree, `${path}[${i}]`));
  return Object.entries(value as Record<string, unknown>).flatMap(([key, child]) => {
    const sub = tree[key] ?? tree["*"];
    const here = path === "" ? key : `${path}.${key}`;
    return sub === undefined ? [here] : unknownKeys(child, sub, here);
  });
}

/** Every key anywhere in a value (for "this name never appears" checks). */
export function allKeys(value: unknown): string[] {
  if (value === null || typeof value !== "object") return [];
  if (Array.isArray(value)) return value.flatMap(allKeys);
  return Object.entries(value as Record<string, unknown>).flatMap(([key, child]) => [
    key,
    ...allKeys(child),
  ]);
}

/**
 * Parses HCL with HashiCorp's HCL parser (hcl2json, WASM) and normalizes it to Terraform JSON
 * syntax: hcl2json writes every block as an array, so one-element arrays of objects are unwrapped,
 * and a variable's type, which it writes as "${string}", is written bare as JSON syntax wants.
 */
export async function hclToTerraformJson(hcl: string): Promise<unknown> {
  const parsed = await parseHcl("main.tf", hcl);
  const json = unwrapSingletons(parsed) as { variable?: Record<string, { type?: string }> };
  for (const variable of Object.values(json.variable ?? {})) {
    if (typeof variable.type === "string")
      variable.type = variable.type.replace(/^\$\{(.*)\}$/, "$1");
  }
  return json;
}

/** One-element arrays of objects unwrapped, as {@link hclToTerraformJson} does, for comparison. */
export function unwrapSingletons(value: unknown): unknown {
  if (Array.isArray(value)) {
    const items = value.map(unwrapSingletons);
    return items.length === 1 &&
      items[0] !== null &&
      typeof items[0] === "object" &&
      !Array.isArray(items[0])
      ? items[0]
      : items;
  }
  if (value === null || typeof value !== "object") return value;
  return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, unwrapSingletons(v)]));
}

/** The value after a flag in argv, or undefined when the flag is absent. */
export function flagValue(argv: readonly string[], flag: string): string | undefined {
  const index = argv.indexOf(flag);
  return index < 0 ? undefined : argv[index + 1];
}

/**
 * The rule id of the `EngineRuleError` a call throws (checking its code), or "no error".
 * Any other error is re-thrown.
 */
export function engineRuleOf(fn: () => unknown): string {
  try {
    fn();
  } catch (error) {
    if (!(error instanceof EngineRuleError)) throw error;
    if (error.code !== "ENGINE_RULE_VIOLATED") return `wrong code ${error.code}`;
    return error.rule;
  }
  return "no error";
}
