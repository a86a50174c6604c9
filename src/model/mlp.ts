import type { ModelSpec } from "./model-spec.js";

/**
 * Parameters of one MLP of a given width: three `hidden × width` matrices when gated
 * (gate, up, down), two when plain (up, down), plus biases where the family has them.
 * Dense MLPs, shared experts and routed experts are all counted with it.
 */
export function mlpParameters(spec: ModelSpec, width: number, bias = spec.layout.mlpBias): number {
  const { hiddenSize, layout } = spec;
  if (layout.mlp === "gated") return 3 * hiddenSize * width + (bias ? 2 * width + hiddenSize : 0);
  return 2 * hiddenSize * width + (bias ? width + hiddenSize : 0);
}
