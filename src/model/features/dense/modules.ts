import { attentionLayerCount, denseMlpLayerCount } from "../../layers.js";
import type { ModelSpec } from "../../model-spec.js";
import type { LinearModule, LoraTarget, ParameterTensor } from "../../weight-shapes.js";

/**
 * The standard decoder's weights as training sees them: the attention and MLP projections a
 * LoRA adapter can wrap, by their transformers module names (fused where the family fuses
 * them), and the tensors that are not projections (embeddings, norms, the LM head).
 * memory/training/modules.ts puts these together with the MLA and MoE modules.
 */

/** transformers module names by role, for families whose names differ from Llama's. */
export interface ModuleNames {
  readonly qkv?: string;
  readonly gateUp?: string;
  readonly q: string;
  readonly k: string;
  readonly v: string;
  readonly o: string;
  readonly gate: string;
  readonly up: string;
  readonly down: string;
}

/** Llama's module names (modeling_llama.py), which most families share. */
export const LLAMA_MODULE_NAMES: ModuleNames = {
  q: "q_proj",
  k: "k_proj",
  v: "v_proj",
  o: "o_proj",
  gate: "gate_proj",
  up: "up_proj",
  down: "down_proj",
};

/**
 * Families whose projections are fused or named differently. PEFT can only wrap whole modules, so
 * a LoRA target on a fused projection adapts all of it.
 */
const FAMILY_MODULE_NAMES: Readonly<Record<string, ModuleNames>> = {
  // GPT-2: Conv1D c_attn (h -> 3h) holds q, k and v; c_proj is the output; c_fc / c_proj the MLP.
  gpt2: {
    ...LLAMA_MODULE_NAMES,
    qkv: "c_attn",
    o: "attn.c_proj",
    up: "mlp.c_fc",
    down: "mlp.c_proj",
  },
  // Phi-1.5 / Phi-2 (modeling_phi.py): q_proj, k_proj, v_proj, the output `dense`, MLP fc1 / fc2.
  phi: { ...LLAMA_MODULE_NAMES, o: "dense", up: "fc1", down: "fc2" },
  // Phi-3: qkv_proj and gate_up_proj are fused (transformers modeling_phi3.py).
  phi3: { ...LLAMA_MODULE_NAMES, qkv: "qkv_proj", gateUp: "gate_up_proj" },
  // The original Qwen (modeling_qwen.py, remote code): c_attn (h -> 3h) holds q, k and v, c_proj
  // is the output; QWenMLP computes c_proj(w1(x) * silu(w2(x))), so w2 is the gate and w1 the up.
  // ms-swift's benchmark counts 4.19 M LoRA r8 parameters on c_attn for Qwen-7B: one fused module.
  qwen: {
    ...LLAMA_MODULE_NAMES,
    qkv: "c_attn",
    o: "attn.c_proj",
    gate: "w2",
    up: "w1",
    down: "mlp.c_proj",
  },
};

function namesOf(spec: ModelSpec): ModuleNames {
  return FAMILY_MODULE_NAMES[spec.modelType ?? ""] ?? LLAMA_MODULE_NAMES;
}

/**
 * One attention projection, present once in every attention layer (hybrid models have
 * attention in some layers only; the rest are state-space mixers). MLA's projections use it too.
 */
export function attentionModule(
  spec: ModelSpec,
  name: string,
  targets: readonly LoraTarget[],
  inFeatures: number,
  outFeatures: number,
  bias: boolean,
): LinearModule {
  const numLayers = attentionLayerCount(spec);
  return {
    name,
    targets,
    inFeatures,
    outFeatures,
    bias,
    instances: numLayers,
    layers: numLayers,
    tokenShare: 1,
    component: "attention",
    layerKind: "all",
  };
}

/**
 * The standard attention projections of every attention layer: q, k, v and o, with k and v
 * `kvHeads × headDim` wide (GQA), or one fused qkv projection where the family fuses them.
 */
export function attentionModules(spec: ModelSpec): LinearModule[] {
  const names = namesOf(spec);
  const queryWidth = spec.numAttentionHeads * spec.headDim;
  const keyValueWidth = spec.numKeyValueHeads * spec.headDim;
  const { hiddenSize, layout } = spec;
  const module = (
    name: string,
    targets: readonly LoraTarget[],
    inFeatures: number,
    outFeatures: number,
    bias: boolean,
  ): LinearModule => attentionModule(spec, name, targets, inFeatures, outFeatures, bias);
  const qkv =
    names.qkv === undefined
      ? [
          module(names.q, ["q"], hiddenSize, queryWidth, layout.qkvBias),
          module(names.k, ["k"], hiddenSize, keyValueWidth, layout.qkvBias),
          module(names.v, ["v"], hiddenSize, keyValueWidth, layout.qkvBias),
        ]
      : [
          module(
            names.qkv,
            ["q", "k", "v"],
            hiddenSize,
            queryWidth + 2 * keyValueWidth,
            layout.qkvBias,
          ),
        ];
  return [...qkv, module(names.o, ["o"], queryWidth, hiddenSize, layout.outputBias)];
}

/**
 * The projections of one MLP of width `width`, repeated `perLayer` times in each of `layers`
 * layers: gate, up and down when gated (or a fused gate_up), up and down when plain. Dense MLPs
 * use it with no prefix; MoE experts with `experts.` / `shared_experts.` (features/moe.ts).
 */
export function mlpModules(
  spec: ModelSpec,
  names: ModuleNames,
  prefix: string,
  width: number,
  layers: number,
  perLayer: number,
  tokenShare: number,
): LinearModule[] {
  if (layers === 0 || perLayer === 0 || width === 0) return [];
  const { hiddenSize, layout } = spec;
  const module = (
    name: string,
    targets: readonly LoraTarget[],
    inFeatures: number,
    outFeatures: number,
  ): LinearModule => ({
    name: `${prefix}${name}`,
    targets,
    inFeatures,
    outFeatures,
    bias: layout.mlpBias,
    instances: layers * perLayer,
    layers,
    tokenShare,
    component: "mlp",
    layerKind: prefix === "" ? "dense" : "moe",
  });
  const down = module(names.down, ["down"], width, hiddenSize);
  if (layout.mlp === "plain") return [module(names.up, ["up"], hiddenSize, width), down];
  if (names.gateUp !== undefined) {
    return [module(names.gateUp, ["gate", "up"], hiddenSize, 2 * width), down];
  }
  return [
    module(names.gate, ["gate"], hiddenSize, width),
    module(names.up, ["up"], hiddenSize, width),
    down,
  ];
}

/** The MLP projections of the dense-MLP layers (`intermediateSize` wide). */
export function denseMlpModules(spec: ModelSpec): LinearModule[] {
  return mlpModules(spec, namesOf(spec), "", spec.intermediateSize, denseMlpLayerCount(spec), 1, 1);
}

/**
 * The decoder's tensors that are not projections: token and position embeddings, norms
 * (LayerNorm adds a bias), per-head q/k norms, and an untied LM head.
 */
export function decoderTensors(spec: ModelSpec): ParameterTensor[] {
  const { hiddenSize, numLayers, vocabSize, layout } = spec;
  const tensors: ParameterTensor[] = [
    {
      name: "embed_tokens",
      shape: [vocabSize, hiddenSize],
      count: 1,
      component: "embedding",
      linear: false,
    },
  ];
  if (layout.learnedPositionEmbeddings > 0) {
    tensors.push({
      name: "position_embeddings",
      shape: [layout.learnedPositionEmbeddings, hiddenSize],
      count: 1,
      component: "positionEmbedding",
      linear: false,
    });
  }
  const norms = numLayers * layout.normsPerLayer + 1;
  const normVectors = layout.norm === "layernorm" ? 2 : 1;
  tensors.push({
    name: "norm",
    shape: [hiddenSize],
    count: norms * normVectors,
    component: "norms",
    linear: false,
  });
  if (layout.qkNorm) {
    tensors.push({
      name: "q_norm/k_norm",
      shape: [spec.headDim],
      count: 2 * numLayers,
      component: "attention",
      linear: false,
    });
  }
  if (!spec.tieWordEmbeddings) {
    tensors.push({
      name: "lm_head",
      shape: [vocabSize, hiddenSize],
      count: 1,
      component: "lmHead",
      linear: false,
    });
  }
  return tensors;
}
