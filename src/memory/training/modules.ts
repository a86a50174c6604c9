import { attentionLayerCount, denseMlpLayerCount } from "../../model/layers.js";
import type { ModelSpec, MultiHeadLatentAttention } from "../../model/model-spec.js";
import type { ParameterBreakdown } from "../../model/parameter-breakdown.js";
import type { LinearModule, LoraTarget, ParameterTensor } from "../../model/weight-shapes.js";

/**
 * The real weight shapes of a model, as training sees them: every projection a LoRA adapter can
 * wrap (with its transformers module name and fused layout), and every parameter tensor an
 * optimizer keeps state for. Mixture-of-experts layers are counted from `spec.moe`: every
 * expert's projections, the router and the shared experts.
 */

/** transformers module names by role, for families whose names differ from Llama's. */
interface ModuleNames {
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

const LLAMA_NAMES: ModuleNames = {
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
  gpt2: { ...LLAMA_NAMES, qkv: "c_attn", o: "attn.c_proj", up: "mlp.c_fc", down: "mlp.c_proj" },
  // Phi-3: qkv_proj and gate_up_proj are fused (transformers modeling_phi3.py).
  phi3: { ...LLAMA_NAMES, qkv: "qkv_proj", gateUp: "gate_up_proj" },
};

/** Mixtral names its expert projections w1 (gate), w3 (up) and w2 (down) (modeling_mixtral.py). */
const MIXTRAL_EXPERT_NAMES: ModuleNames = { ...LLAMA_NAMES, gate: "w1", up: "w3", down: "w2" };

function namesOf(spec: ModelSpec): ModuleNames {
  return FAMILY_MODULE_NAMES[spec.modelType ?? ""] ?? LLAMA_NAMES;
}

/** Layers whose MLP is a mixture of experts. */
export function moeLayerCount(spec: ModelSpec): number {
  return spec.moe === undefined ? 0 : Math.min(spec.moe.numMoeLayers, spec.numLayers);
}

/** The attention projections of every layer; k and v are `kvHeads × headDim` wide (GQA). */
function attentionModules(spec: ModelSpec): LinearModule[] {
  const names = namesOf(spec);
  const queryWidth = spec.numAttentionHeads * spec.headDim;
  const keyValueWidth = spec.numKeyValueHeads * spec.headDim;
  const { hiddenSize, layout } = spec;
  // Hybrid models have attention in some layers only (the rest are state-space mixers).
  const numLayers = attentionLayerCount(spec);
  const module = (
    name: string,
    targets: readonly LoraTarget[],
    inFeatures: number,
    outFeatures: number,
    bias: boolean,
  ): LinearModule => ({
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
  });
  if (spec.mla !== undefined)
    return mlaModules(spec.mla, spec.numAttentionHeads, hiddenSize, module);
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
 * Multi-head latent attention's projections (transformers `DeepseekV3Attention`), by the LoRA
 * roles PEFT's presets name: queries (`q_proj`, or `q_a_proj` + `q_b_proj` with a query LoRA
 * rank), keys and values together (`kv_a_proj_with_mqa` into the latent, `kv_b_proj` out of it),
 * and the output `o_proj`.
 */
function mlaModules(
  mla: MultiHeadLatentAttention,
  heads: number,
  hiddenSize: number,
  module: (
    name: string,
    targets: readonly LoraTarget[],
    inFeatures: number,
    outFeatures: number,
    bias: boolean,
  ) => LinearModule,
): LinearModule[] {
  const queryWidth = heads * (mla.qkNopeHeadDim + mla.qkRopeHeadDim);
  const query =
    mla.qLoraRank > 0
      ? [
          module("q_a_proj", ["q"], hiddenSize, mla.qLoraRank, false),
          module("q_b_proj", ["q"], mla.qLoraRank, queryWidth, false),
        ]
      : [module("q_proj", ["q"], hiddenSize, queryWidth, false)];
  return [
    ...query,
    module("kv_a_proj_with_mqa", ["k", "v"], hiddenSize, mla.kvLoraRank + mla.qkRopeHeadDim, false),
    module(
      "kv_b_proj",
      ["k", "v"],
      mla.kvLoraRank,
      heads * (mla.qkNopeHeadDim + mla.vHeadDim),
      false,
    ),
    module("o_proj", ["o"], heads * mla.vHeadDim, hiddenSize, false),
  ];
}

/** The projections of one MLP of width `width`, repeated `perLayer` times in each of `layers` layers. */
function mlpModules(
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

/**
 * Every linear projection of the model with its real shape: attention (GQA-narrow k and v, fused
 * where the family fuses them), dense MLPs, and for MoE layers the router (`hidden → experts`),
 * all routed experts and the shared experts (from `spec.moe`).
 *
 * @example
 * linearModules(llama3_8b).find((m) => m.name === "k_proj") // 4096 → 1024, 32 instances
 */
export function linearModules(spec: ModelSpec): LinearModule[] {
  const moe = spec.moe;
  const moeLayers = moeLayerCount(spec);
  const denseLayers = denseMlpLayerCount(spec);
  const names = namesOf(spec);
  const modules = [
    ...attentionModules(spec),
    ...mlpModules(spec, names, "", spec.intermediateSize, denseLayers, 1, 1),
  ];
  if (moe !== undefined && moeLayers > 0) {
    const expertNames = spec.modelType === "mixtral" ? MIXTRAL_EXPERT_NAMES : LLAMA_NAMES;
    modules.push(
      {
        name: "gate",
        targets: ["router"],
        inFeatures: spec.hiddenSize,
        outFeatures: moe.numExperts,
        bias: false,
        instances: moeLayers,
        layers: moeLayers,
        tokenShare: 1,
        component: "mlp",
        layerKind: "moe",
      },
      ...mlpModules(
        spec,
        expertNames,
        "experts.",
        moe.expertIntermediateSize,
        moeLayers,
        moe.numExperts,
        moe.numExperts > 0 ? moe.expertsPerToken / moe.numExperts : 0,
      ),
      ...mlpModules(
        spec,
        LLAMA_NAMES,
        "shared_experts.",
        moe.sharedExpertIntermediateSize,
        moeLayers,
        moe.numSharedExperts,
        1,
      ),
    );
  }
  return modules;
}

/**
 * Every parameter tensor of the model: projection weights `[out, in]` and biases, token and
 * position embeddings, norms (LayerNorm adds a bias), per-head q/k norms, and an untied LM head.
 */
export function parameterTensors(spec: ModelSpec): ParameterTensor[] {
  const { hiddenSize, numLayers, vocabSize, layout } = spec;
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
  tensors.push({
    name: "embed_tokens",
    shape: [vocabSize, hiddenSize],
    count: 1,
    component: "embedding",
    linear: false,
  });
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
