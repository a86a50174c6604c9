import type { ParameterBreakdown } from "./parameter-breakdown.js";

/**
 * The words every feature's weight list is written in: the LoRA roles, one kind of linear
 * projection, one family of parameter tensors. Each file of model/features lists its own
 * modules in these terms; src/memory/training/modules.ts puts the lists together.
 */

/** A projection LoRA can adapt, by role: attention q, k, v, o; MLP gate, up, down; the MoE router. */
export type LoraTarget = "q" | "k" | "v" | "o" | "gate" | "up" | "down" | "router";

/** Every {@link LoraTarget}, in model order. */
export const LORA_TARGETS = [
  "q",
  "k",
  "v",
  "o",
  "gate",
  "up",
  "down",
  "router",
] as const satisfies readonly LoraTarget[];

/** One kind of linear projection in the model: `instances` identical `inFeatures → outFeatures` matrices. */
export interface LinearModule {
  /** The transformers module name, e.g. `q_proj`, `qkv_proj` (fused), `experts.w1`. */
  readonly name: string;
  /** The LoRA targets this module serves; a fused projection serves several (`qkv_proj`: q, k, v). */
  readonly targets: readonly LoraTarget[];
  /** Input width. */
  readonly inFeatures: number;
  /** Output width. */
  readonly outFeatures: number;
  /** Whether it carries a bias vector. */
  readonly bias: boolean;
  /** How many such matrices the model has (layers × experts). */
  readonly instances: number;
  /** Layers that hold it. */
  readonly layers: number;
  /** Share of a layer's tokens each instance sees: 1, or experts-per-token / experts for a routed expert. */
  readonly tokenShare: number;
  /** Which component it belongs to. */
  readonly component: "attention" | "mlp";
  /** Which layers hold it: every layer (attention), the dense-MLP layers, or the MoE layers. */
  readonly layerKind: "all" | "dense" | "moe";
}

/** A family of identical parameter tensors (weights, biases, norms, embeddings). */
export interface ParameterTensor {
  /** A readable name, e.g. `q_proj.weight`, `embed_tokens`. */
  readonly name: string;
  /** `[rows, cols]` for a matrix, `[n]` for a vector. */
  readonly shape: readonly number[];
  /** How many such tensors the model has. */
  readonly count: number;
  /** Which component of {@link ParameterBreakdown} it belongs to. */
  readonly component: Exclude<keyof ParameterBreakdown, "total">;
  /** Whether it is a projection weight (what weight-only quantization compresses). */
  readonly linear: boolean;
}
