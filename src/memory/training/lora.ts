import type { ModelSpec } from "../../model/model-spec.js";
import type { LinearModule, LoraTarget, ParameterTensor } from "../../model/weight-shapes.js";
import { linearModules } from "./modules.js";

/**
 * LoRA adapters: for a frozen `d_out × d_in` projection, B (`d_out × r`) and A (`r × d_in`), so
 * `r · (d_in + d_out)` trainable parameters each (Hu et al., LoRA, arXiv 2106.09685).
 * See docs/methodology.md#lora.
 */

/** Named target sets. */
export type LoraTargetPreset = "attention" | "qv" | "all-linear";

/**
 * The target presets. `all-linear` is PEFT's `target_modules="all-linear"`: every linear layer but
 * the LM head, which in a mixture-of-experts model includes every expert and the router.
 */
export const LORA_TARGET_PRESETS = {
  attention: ["q", "k", "v", "o"],
  qv: ["q", "v"],
  "all-linear": ["q", "k", "v", "o", "gate", "up", "down", "router"],
} as const satisfies Record<LoraTargetPreset, readonly LoraTarget[]>;

/** Every {@link LoraTargetPreset}. */
export const LORA_TARGET_PRESET_IDS = Object.keys(
  LORA_TARGET_PRESETS,
) as readonly LoraTargetPreset[];

/**
 * Module names users write in PEFT `target_modules` (and torchtune's `output_proj`), mapped to
 * roles. Fused names map to every role they hold.
 */
export const LORA_TARGET_ALIASES: Readonly<Record<string, readonly LoraTarget[]>> = {
  q_proj: ["q"],
  k_proj: ["k"],
  v_proj: ["v"],
  o_proj: ["o"],
  out_proj: ["o"],
  output_proj: ["o"],
  gate_proj: ["gate"],
  up_proj: ["up"],
  down_proj: ["down"],
  w1: ["gate"],
  w3: ["up"],
  w2: ["down"],
  qkv_proj: ["q", "k", "v"],
  c_attn: ["q", "k", "v"],
  gate_up_proj: ["gate", "up"],
  c_fc: ["up"],
};

/**
 * The projections LoRA wraps for `targets`: every module that serves at least one of them.
 *
 * @param modules - {@link linearModules} of the spec, when the caller already has them.
 */
export function adaptedModules(
  spec: ModelSpec,
  targets: readonly LoraTarget[],
  modules: readonly LinearModule[] = linearModules(spec),
): LinearModule[] {
  return modules.filter((module) => module.targets.some((target) => targets.includes(target)));
}

/** Trainable LoRA parameters of one module instance: `rank × (inFeatures + outFeatures)`. */
export function loraParametersPerModule(module: LinearModule, rank: number): number {
  return rank * (module.inFeatures + module.outFeatures);
}

/**
 * Trainable LoRA parameters of a model: `Σ instances × rank × (d_in + d_out)` over the adapted
 * projections, from the spec's real shapes (GQA makes k and v narrower; MoE counts every expert).
 *
 * @example
 * loraParameterCount(llama3_8b, 16, LORA_TARGET_PRESETS["all-linear"]) // 41_943_040
 * loraParameterCount(llama3_8b, 16, ["q", "v"]) // 6_815_744
 */
export function loraParameterCount(
  spec: ModelSpec,
  rank: number,
  targets: readonly LoraTarget[],
): number {
  return adaptedModules(spec, targets).reduce(
    (sum, module) => sum + module.instances * loraParametersPerModule(module, rank),
    0,
  );
}

/**
 * The adapter tensors an optimizer keeps state for: A (`rank × d_in`) and B (`d_out × rank`) per module.
 *
 * @param modules - {@link linearModules} of the spec, when the caller already has them.
 */
export function loraTensors(
  spec: ModelSpec,
  rank: number,
  targets: readonly LoraTarget[],
  modules: readonly LinearModule[] = linearModules(spec),
): ParameterTensor[] {
  return adaptedModules(spec, targets, modules).flatMap((module) => [
    {
      name: `${module.name}.lora_A`,
      shape: [rank, module.inFeatures],
      count: module.instances,
      component: module.component,
      linear: true,
    },
    {
      name: `${module.name}.lora_B`,
      shape: [module.outFeatures, rank],
      count: module.instances,
      component: module.component,
      linear: true,
    },
  ]);
}
