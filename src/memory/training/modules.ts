import {
  attentionModules,
  decoderTensors,
  denseMlpModules,
} from "../../model/features/dense/modules.js";
import { mlaModules } from "../../model/features/mla.js";
import { moeModules } from "../../model/features/moe.js";
import type { ModelSpec } from "../../model/model-spec.js";
import type { ParameterBreakdown } from "../../model/parameter-breakdown.js";
import type { LinearModule, ParameterTensor } from "../../model/weight-shapes.js";

/**
 * The real weight shapes of a model, as training sees them: every projection a LoRA adapter can
 * wrap (with its transformers module name and fused layout), and every parameter tensor an
 * optimizer keeps state for. Mixture-of-experts layers are counted from `spec.moe`: every
 * expert's projections, the router and the shared experts.
 */

/**
 * Every linear projection of the model with its real shape: attention (GQA-narrow k and v, fused
 * where the family fuses them), dense MLPs, and for MoE layers the router (`hidden → experts`),
 * all routed experts and the shared experts (from `spec.moe`).
 *
 * @example
 * linearModules(llama3_8b).find((m) => m.name === "k_proj") // 4096 → 1024, 32 instances
 */
export function linearModules(spec: ModelSpec): LinearModule[] {
  return [
    ...(spec.mla === undefined ? attentionModules(spec) : mlaModules(spec, spec.mla)),
    ...denseMlpModules(spec),
    ...(spec.moe === undefined ? [] : moeModules(spec, spec.moe)),
  ];
}

/**
 * Every parameter tensor of the model: projection weights `[out, in]` and biases, token and
 * position embeddings, norms (LayerNorm adds a bias), per-head q/k norms, and an untied LM head.
 */
export function parameterTensors(spec: ModelSpec): ParameterTensor[] {
  const tensors: ParameterTensor[] = [];
  for (const module of linearModules(spec)) {
    tensors.push({
      name: `${module.name}.weight`,
      shape: [module.outFeatures, module.inFeatures],
      count: module.instances,
      component: module.component,
      linear: true,
    });
    if (module.bias) {
      tensors.push({
        name: `${module.name}.bias`,
        shape: [module.outFeatures],
        count: module.instances,
        component: module.component,
        linear: false,
      });
    }
  }
  tensors.push(...decoderTensors(spec));
  return tensors;
}

/** Elements of one tensor of `shape`. */
export function elementsOf(shape: readonly number[]): number {
  return shape.reduce((product, size) => product * size, 1);
}

/** Parameters of a list of tensors. */
export function tensorParameterCount(tensors: readonly ParameterTensor[]): number {
  return tensors.reduce((sum, tensor) => sum + elementsOf(tensor.shape) * tensor.count, 0);
}

/** The components of a {@link ParameterBreakdown} that training itemizes, and the tensors that fill each. */
const RECONCILED_COMPONENTS = [
  ["embedding", ["embedding"]],
  ["positionEmbedding", ["positionEmbedding"]],
  ["attention", ["attention"]],
  ["mlp", ["mlp", "router"]],
  ["norms", ["norms"]],
  ["lmHead", ["lmHead"]],
  ["stateSpace", ["stateSpace"]],
  ["vision", ["vision"]],
  ["other", ["other"]],
] as const satisfies readonly (readonly [
  ParameterTensor["component"],
  readonly Exclude<keyof ParameterBreakdown, "total" | "routedExperts">[],
])[];

/**
 * Makes the itemized tensors agree with `countParameters` (the one parameter count vramfit
 * has), component by component. {@link parameterTensors} itemizes standard attention, dense and
 * MoE MLPs, embeddings and norms; what it does not itemize (MLA projections, Mamba mixers, vision
 * towers, family extras) is added as one tensor per component, and a component it itemizes
 * differently from the architecture (MLA attention) is replaced by one tensor of the right size.
 * Projection components stay `linear`, so weight-only quantization still applies to them.
 */
export function reconcileTensors(
  tensors: readonly ParameterTensor[],
  breakdown: ParameterBreakdown,
): ParameterTensor[] {
  const reconciled: ParameterTensor[] = [];
  for (const [component, sources] of RECONCILED_COMPONENTS) {
    const expected = sources.reduce((sum, source) => sum + breakdown[source], 0);
    const itemized = tensors.filter((tensor) => tensor.component === component);
    const itemizedCount = tensorParameterCount(itemized);
    const linear = component === "attention" || component === "mlp" || component === "stateSpace";
    const lump = (count: number): ParameterTensor => ({
      name: `${component} (not itemized)`,
      shape: [count],
      count: 1,
      component,
      linear,
    });
    if (itemizedCount > expected) {
      if (expected > 0) reconciled.push(lump(expected));
    } else {
      reconciled.push(...itemized);
      if (itemizedCount < expected) reconciled.push(lump(expected - itemizedCount));
    }
  }
  return reconciled;
}
