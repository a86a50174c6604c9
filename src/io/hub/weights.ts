import type { CheckpointFacts } from "../../memory/checkpoint.js";

/**
 * What vramfit knows about a checkpoint's weights at one commit: read from its safetensors
 * headers (exact counts and stored bytes), taken from the Hub's own summary, or nothing
 * (no safetensors: the estimate counts from config.json and says so).
 */
export type WeightsSummary =
  | {
      readonly kind: "safetensors";
      /** Parameters, packed quantized weights unpacked (as @huggingface/hub counts them). */
      readonly parameterCount: number;
      /** Parameters by dtype. */
      readonly parametersByDtype: Readonly<Record<string, number>>;
      /** Σ (data_offsets[1] − data_offsets[0]) over every tensor of every file. */
      readonly storedWeightsBytes: number;
      /** The files read: the index (when sharded) and each shard. */
      readonly files: readonly string[];
    }
  | {
      readonly kind: "hub-summary";
      readonly parameterCount: number;
      readonly parametersByDtype: Readonly<Record<string, number>>;
    }
  | {
      readonly kind: "none";
      /** The weight files the repo has instead (`pytorch_model.bin`, `*.gguf`, ...). */
      readonly weightFiles: readonly string[];
    };

/** Where to read a repo's safetensors headers from, decided from its file list alone. */
export type WeightsPlan =
  | { readonly kind: "safetensors"; readonly path: string }
  | { readonly kind: "hub-summary"; readonly summary: WeightsSummary & { kind: "hub-summary" } }
  | { readonly kind: "none"; readonly weightFiles: readonly string[] };

/** The Hub's `safetensors` field of model info: `{ parameters: { BF16: n }, total }`. */
export interface HubSafetensorsSummary {
  readonly parameters: Readonly<Record<string, number>>;
  readonly total: number;
}

const WEIGHT_FILE = /\.(?:safetensors|bin|pt|pth|gguf|ggml|h5|msgpack|ckpt)$/;

/**
 * Picks the safetensors file to read: `model.safetensors.index.json`, else
 * `model.safetensors` (transformers' names), else the only root-level index or file. A
 * repo with several candidates and no standard name (fp16 and int8 variants side by side)
 * is ambiguous: the Hub's summary is used instead when there is one.
 */
export function planWeights(
  files: readonly string[],
  hubSummary: HubSafetensorsSummary | undefined,
): WeightsPlan {
  const root = files.filter((file) => !file.includes("/"));
  const indexes = root.filter((file) => file.endsWith(".safetensors.index.json"));
  const singles = root.filter((file) => file.endsWith(".safetensors"));
  const path = root.includes("model.safetensors.index.json")
    ? "model.safetensors.index.json"
    : root.includes("model.safetensors")
      ? "model.safetensors"
      : indexes.length === 1
        ? indexes[0]
        : indexes.length === 0 && singles.length === 1
          ? singles[0]
          : undefined;
  if (path !== undefined) return { kind: "safetensors", path };
  if (hubSummary !== undefined && hubSummary.total > 0) {
    return {
      kind: "hub-summary",
      summary: {
        kind: "hub-summary",
        parameterCount: hubSummary.total,
        parametersByDtype: hubSummary.parameters,
      },
    };
  }
  return { kind: "none", weightFiles: files.filter((file) => WEIGHT_FILE.test(file)) };
}

/**
 * The files worth requesting as soon as the file list is known, in parallel with
 * config.json: the safetensors file or index itself, and for an index the shards its name
 * implies (`model-00001-of-00004.safetensors` ... for `model.safetensors.index.json`), when
 * the repo holds exactly that complete set. @huggingface/hub reads config.json first, then
 * the index, then the shards; starting them together takes the cold estimate from four
 * round trips to two. A guess that misses costs nothing but the request: the parse reads
 * what the index really lists.
 */
export function filesToPrefetch(plan: WeightsPlan, files: readonly string[]): readonly string[] {
  if (plan.kind !== "safetensors") return [];
  const index = /^(.*)\.safetensors\.index\.json$/.exec(plan.path);
  if (index === null) return [plan.path];
  const prefix = (index[1] ?? "").replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
  const shard = new RegExp(`^${prefix}-\\d{5}-of-(\\d{5})\\.safetensors$`);
  const shards = files.filter((file) => shard.test(file));
  const totals = new Set(shards.map((file) => shard.exec(file)?.[1]));
  const [total] = totals;
  const complete = totals.size === 1 && Number(total) === shards.length;
  return complete ? [plan.path, ...shards] : [plan.path];
}

/** The safetensors part of a header: tensor name → dtype, shape, byte span. */
type TensorEntries = Readonly<Record<string, unknown>>;

/**
 * Σ (end − begin) of every tensor's `data_offsets`: the bytes the weights occupy, exact for
 * packed formats where count × dtype size is not. `__metadata__` is not a tensor.
 */
export function storedBytes(headers: readonly TensorEntries[]): number {
  let total = 0;
  for (const header of headers) {
    for (const [name, entry] of Object.entries(header)) {
      if (name === "__metadata__") continue;
      const offsets = (entry as { data_offsets?: unknown }).data_offsets;
      if (Array.isArray(offsets)) total += Number(offsets[1]) - Number(offsets[0]);
    }
  }
  return total;
}

/**
 * Tensors a checkpoint stores that are buffers, not parameters, and that serving engines
 * rebuild instead of loading: GPT-2's causal masks (`h.N.attn.bias`, 1×1×1024×1024 each,
 * 12.6 M "parameters" in the Hub's count of gpt2) and old rotary `inv_freq` tables.
 * The anchor on `attn` keeps `attn.c_attn.bias`, a real bias, in.
 */
export const BUFFER_TENSOR = /(?:^|\.)(?:attn\.(?:masked_)?bias|rotary_emb\.inv_freq)$/;

/** The elements (by dtype) and bytes of the {@link BUFFER_TENSOR} buffers in some headers. */
export function buffersIn(headers: readonly TensorEntries[]): {
  readonly elementsByDtype: Readonly<Record<string, number>>;
  readonly bytes: number;
} {
  const elementsByDtype: Record<string, number> = {};
  let bytes = 0;
  for (const header of headers) {
    for (const [name, entry] of Object.entries(header)) {
      if (name === "__metadata__" || !BUFFER_TENSOR.test(name)) continue;
      const {
        dtype,
        shape,
        data_offsets: offsets,
      } = entry as {
        dtype?: unknown;
        shape?: unknown;
        data_offsets?: unknown;
      };
      if (typeof dtype !== "string" || !Array.isArray(shape) || !Array.isArray(offsets)) continue;
      // Shape-less tensors are not counted as parameters in the first place.
      if (shape.length > 0) {
        elementsByDtype[dtype] =
          (elementsByDtype[dtype] ?? 0) + shape.reduce((a: number, b) => a * Number(b), 1);
      }
      bytes += Number(offsets[1]) - Number(offsets[0]);
    }
  }
  return { elementsByDtype, bytes };
}

/** The facts an estimate takes from a summary, or undefined when there are none. */
export function checkpointFacts(summary: WeightsSummary): CheckpointFacts | undefined {
  switch (summary.kind) {
    case "safetensors":
      return {
        parameterCount: summary.parameterCount,
        parameterSource: "safetensors",
        storedWeightsBytes: summary.storedWeightsBytes,
        parametersByDtype: summary.parametersByDtype,
      };
    case "hub-summary":
      return {
        parameterCount: summary.parameterCount,
        parameterSource: "hub-summary",
        parametersByDtype: summary.parametersByDtype,
      };
    case "none":
      return undefined;
  }
}
