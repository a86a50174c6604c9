// Safetensors fixtures: real headers (8-byte little-endian length + JSON), with the tensor
// data left virtual so model-sized checkpoints cost only their header (hub-api.md §8.5).

/** Bytes per element of the safetensors dtypes the fixtures use (safetensors spec). */
export const DTYPE_BYTES = {
  F64: 8,
  F32: 4,
  F16: 2,
  BF16: 2,
  I64: 8,
  I32: 4,
  I16: 2,
  I8: 1,
  U8: 1,
  F8_E4M3: 1,
} as const;

/** A dtype the fixtures can write. */
export type Dtype = keyof typeof DTYPE_BYTES;

/** One tensor: its dtype and shape. */
export interface TensorSpec {
  dtype: Dtype;
  shape: number[];
}

/** A file the fake Hub serves: the bytes it has, and the size it claims (virtual zeros after them). */
export interface FakeFile {
  bytes: Uint8Array;
  size: number;
  /** Served through the CDN redirect when the fake Hub has one (LFS files on the real Hub). */
  lfs?: boolean;
}

/** Elements of a shape. */
export function elements(shape: readonly number[]): number {
  return shape.reduce((a, b) => a * b, 1);
}

/** Bytes of one tensor. */
export function tensorBytes(tensor: TensorSpec): number {
  return elements(tensor.shape) * DTYPE_BYTES[tensor.dtype];
}

/** A safetensors file: header bytes for real, data virtual. */
export function safetensorsFile(
  tensors: Record<string, TensorSpec>,
  metadata: Record<string, string> = { format: "pt" },
): FakeFile {
  const header: Record<string, unknown> = { __metadata__: metadata };
  let offset = 0;
  for (const [name, tensor] of Object.entries(tensors)) {
    const bytes = tensorBytes(tensor);
    header[name] = {
      dtype: tensor.dtype,
      shape: tensor.shape,
      data_offsets: [offset, offset + bytes],
    };
    offset += bytes;
  }
  return headerFile(JSON.stringify(header), offset);
}

/** A file whose header JSON is `json` (possibly broken) and whose data is `dataBytes` of zeros. */
export function headerFile(json: string, dataBytes: number): FakeFile {
  const body = Buffer.from(json);
  const padded = Buffer.concat([body, Buffer.alloc((8 - (body.length % 8)) % 8, 0x20)]);
  const length = Buffer.alloc(8);
  length.writeBigUInt64LE(BigInt(padded.length));
  const bytes = new Uint8Array(Buffer.concat([length, padded]));
  return { bytes, size: bytes.length + dataBytes, lfs: true };
}

/** A file holding only an 8-byte header length (for the "header too large" case). */
export function declaredHeaderLength(length: number): FakeFile {
  const bytes = Buffer.alloc(8);
  bytes.writeBigUInt64LE(BigInt(length));
  return { bytes: new Uint8Array(bytes), size: 8 + length, lfs: true };
}

/** A small file served as is (config.json, an index). */
export function textFile(text: string): FakeFile {
  const bytes = new Uint8Array(Buffer.from(text));
  return { bytes, size: bytes.length };
}

/**
 * Splits tensors into `shards` files named as transformers names them
 * (`model-00001-of-00002.safetensors`) plus `model.safetensors.index.json`.
 */
export function shardedSafetensors(
  tensors: Record<string, TensorSpec>,
  shards: number,
  indexMetadata: Record<string, unknown> = {},
): Record<string, FakeFile> {
  const names = Object.keys(tensors);
  const perShard = Math.ceil(names.length / shards);
  const files: Record<string, FakeFile> = {};
  const weightMap: Record<string, string> = {};
  let totalSize = 0;
  for (let shard = 0; shard < shards; shard++) {
    const file = `model-${String(shard + 1).padStart(5, "0")}-of-${String(shards).padStart(5, "0")}.safetensors`;
    const part: Record<string, TensorSpec> = {};
    for (const name of names.slice(shard * perShard, (shard + 1) * perShard)) {
      part[name] = tensors[name]!;
      weightMap[name] = file;
      totalSize += tensorBytes(tensors[name]!);
    }
    files[file] = safetensorsFile(part);
  }
  files["model.safetensors.index.json"] = textFile(
    JSON.stringify({
      metadata: { total_size: totalSize, ...indexMetadata },
      weight_map: weightMap,
    }),
  );
  return files;
}

/** The tensors of a Llama-family checkpoint as transformers names and shapes them. */
export function llamaTensors(
  config: {
    hidden_size: number;
    intermediate_size: number;
    num_hidden_layers: number;
    num_attention_heads: number;
    num_key_value_heads: number;
    vocab_size: number;
    tie_word_embeddings?: boolean;
  },
  dtype: Dtype = "BF16",
): Record<string, TensorSpec> {
  const h = config.hidden_size;
  const headDim = h / config.num_attention_heads;
  const kv = config.num_key_value_heads * headDim;
  const tensors: Record<string, TensorSpec> = {
    "model.embed_tokens.weight": { dtype, shape: [config.vocab_size, h] },
  };
  for (let layer = 0; layer < config.num_hidden_layers; layer++) {
    const p = `model.layers.${layer}`;
    tensors[`${p}.self_attn.q_proj.weight`] = { dtype, shape: [h, h] };
    tensors[`${p}.self_attn.k_proj.weight`] = { dtype, shape: [kv, h] };
    tensors[`${p}.self_attn.v_proj.weight`] = { dtype, shape: [kv, h] };
    tensors[`${p}.self_attn.o_proj.weight`] = { dtype, shape: [h, h] };
    tensors[`${p}.mlp.gate_proj.weight`] = { dtype, shape: [config.intermediate_size, h] };
    tensors[`${p}.mlp.up_proj.weight`] = { dtype, shape: [config.intermediate_size, h] };
    tensors[`${p}.mlp.down_proj.weight`] = { dtype, shape: [h, config.intermediate_size] };
    tensors[`${p}.input_layernorm.weight`] = { dtype, shape: [h] };
    tensors[`${p}.post_attention_layernorm.weight`] = { dtype, shape: [h] };
  }
  tensors["model.norm.weight"] = { dtype, shape: [h] };
  if (config.tie_word_embeddings !== true) {
    tensors["lm_head.weight"] = { dtype, shape: [config.vocab_size, h] };
  }
  return tensors;
}
