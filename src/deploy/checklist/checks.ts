/**
 * The thirteen pre-deployment checks: the mistakes that cause OOMs at start-up and wasted budget,
 * in the order they are made. Each has a stable id, a title and the source of its rule.
 */

/** The outcome of one check. */
export type CheckStatus = "pass" | "warn" | "fail";

/** The stable id of a check. */
export type CheckId =
  | "workload"
  | "config"
  | "kv-heads"
  | "kv-cache"
  | "multimodal"
  | "precision"
  | "overhead"
  | "fit"
  | "bandwidth"
  | "lora"
  | "pricing"
  | "context"
  | "targets";

/** One check's result: its status, a one-line reason and the numbers behind it. */
export interface DeploymentCheck {
  /** Position in the checklist, 1–13. */
  readonly number: number;
  /** Stable id. */
  readonly id: CheckId;
  /** What is checked. */
  readonly title: string;
  /** pass, warn or fail. */
  readonly status: CheckStatus;
  /** Why, in one line, with its figures. */
  readonly reason: string;
  /** The numbers behind the reason: bytes, counts, seconds, dollars. */
  readonly figures: Readonly<Record<string, number | string | boolean | null>>;
  /** Where the rule comes from. */
  readonly source: string;
}

/** The checks, in order, each with its title and source. */
export const DEPLOYMENT_CHECKS = {
  workload: {
    number: 1,
    title: "Workload classified",
    source:
      "vramfit's workload classes (WORKLOAD_CLASSES); docs/methodology.md#speed-a-roofline: decode ranks by bandwidth, prefill and training by dense FLOPS",
  },
  config: {
    number: 2,
    title: "config.json fields extracted and validated (layers, KV heads, head_dim)",
    source:
      "transformers config classes: num_key_value_heads defaults to num_attention_heads, head_dim to hidden_size / num_attention_heads",
  },
  "kv-heads": {
    number: 3,
    title: "KV cache sized with the KV heads, not the query heads",
    source:
      "github.com/stas00/ml-engineering inference/README.md (KV cache); docs/methodology.md#kv-cache (KV heads, not query heads)",
  },
  "kv-cache": {
    number: 4,
    title: "KV cache sized at the real context length and concurrency",
    source: "docs/methodology.md#kv-cache: KV bytes = bytes per token × context × batch",
  },
  multimodal: {
    number: 5,
    title: "Multimodal (image) tokens counted",
    source:
      "docs/methodology.md#multimodal-models (LLaVA-1.5 576, Gemma-3 256 tokens per image; Qwen2-VL by pixels, vllm-project/vllm#20123)",
  },
  precision: {
    number: 6,
    title: "Weights at the precision that will actually load (pre-quantized checkpoint detected)",
    source:
      "quantization_config (vLLM reads it; a mismatching --quantization is an error); docs/methodology.md#realistic-int4 (real INT4 ≈ 39.8 GB for Llama-3-70B, not 35 GB)",
  },
  overhead: {
    number: 7,
    title: "Framework overhead reserved (10–15 %, or the engine's utilization cap)",
    source:
      "docs/methodology.md#overhead (12 % of weights is a heuristic) and #fit-and-topology (vLLM budget = utilization × total − weights − activation peak − non-torch memory); vLLM CacheConfig gpu_memory_utilization (0, 1], default 0.92",
  },
  fit: {
    number: 8,
    title: "Fits per GPU under the chosen TP, with KV-head divisibility",
    source:
      "docs/methodology.md#fit-and-topology (weights / TP, KV heads per rank max(1, kv / TP); TP divides the heads, KV heads and TP divide one another); github.com/vllm-project/vllm vllm/model_executor/layers/linear.py",
  },
  bandwidth: {
    number: 9,
    title: "Bandwidth vs FLOPS matched to the workload (decode-heavy on high-bandwidth HBM)",
    source:
      "docs/methodology.md#speed-a-roofline (decode is memory-bound below the ridge point peak FLOPS / bandwidth; rank decode by bandwidth, training by dense FLOPS)",
  },
  lora: {
    number: 10,
    title: "Full training vs LoRA",
    source:
      'Biderman et al., "LoRA Learns Less and Forgets Less", arXiv 2405.09673; docs/methodology.md#lora-and-qlora',
  },
  pricing: {
    number: 11,
    title: "Pricing model matches duration and fault tolerance",
    source:
      "AWS Spot interruption notices (2 minutes): https://docs.aws.amazon.com/AWSEC2/latest/UserGuide/spot-instance-termination-notices.html; docs/methodology.md#cost-and-workloads; vramfit's PRICING_RULES",
  },
  context: {
    number: 12,
    title: "Context length within the model's max_position_embeddings",
    source:
      "vllm/config/model.py get_and_verify_max_len (max_model_len above the derived maximum is refused)",
  },
  targets: {
    number: 13,
    title: "The plan meets its own targets (TTFT, inter-token latency, throughput)",
    source:
      "the plan's targets (maxTtftMs, target load) against the deployment search's roofline times with TP all-reduces (docs/plans.md)",
  },
} as const satisfies Record<
  CheckId,
  { readonly number: number; readonly title: string; readonly source: string }
>;

/** Every {@link CheckId}, in checklist order. */
export const CHECK_IDS = Object.keys(DEPLOYMENT_CHECKS) as readonly CheckId[];

/** Builds a check's result from its id, status, reason and figures. */
export function check(
  id: CheckId,
  status: CheckStatus,
  reason: string,
  figures: DeploymentCheck["figures"] = {},
): DeploymentCheck {
  const spec = DEPLOYMENT_CHECKS[id];
  return {
    number: spec.number,
    id,
    title: spec.title,
    status,
    reason,
    figures,
    source: spec.source,
  };
}
