// The safetensors rules of @huggingface/hub 2.17.5, as pure functions: which headers and
// shard names it accepts, and how it counts parameters by dtype
// (node_modules/@huggingface/hub/src/lib/parse-safetensors-metadata.ts: `validateTensorEntry`,
// `assertSafeShardFilename`, `computeNumOfParamsByDtypeForHeader` and the rules it calls).
// Counting unpacks packed quantized weights and leaves out quantization bookkeeping (scales,
// zero points, g_idx); every method's rule is here but MLX's. Config values are trusted as
// far as the library trusts them, so odd configs count the same in both.
import type { HubSafetensorsHeader } from "./hub-library.js";

/** The `quantization_config` fields the counting rules read (the library's `QuantizationConfig`). */
export interface QuantizationConfig {
  readonly quant_method?: string;
  readonly expert_dtype?: string;
  readonly store_dtype?: string;
  readonly bits?: number;
  readonly load_in_4bit?: boolean;
  readonly modules_to_not_convert?: string[];
  readonly format?: string;
  readonly config_groups?: Record<
    string,
    { format?: string; targets?: string[]; weights?: { num_bits?: number } }
  >;
  readonly ignore?: string[];
}

/** The config.json fields the counting rules read (the library's `ModelConfig`, less MLX's). */
export interface ModelConfig {
  readonly quantization_config?: QuantizationConfig;
  readonly expert_dtype?: string;
  readonly text_config?: Pick<ModelConfig, "quantization_config" | "expert_dtype">;
}

/** Block/group scales and zero points: bookkeeping beside quantized weights, not parameters. */
const AUXILIARY_SUFFIXES = new Set(
  "weight_scale weight_scale_inv weight_scale_2 weight_global_scale weight_zero_point input_scale input_global_scale input_zero_point zero_point weight_shape weight_g_idx".split(
    " ",
  ),
);
const GPTQ_AUXILIARY_SUFFIXES = new Set(["qzeros", "g_idx", "scales"]);
const BITSANDBYTES_AUXILIARY_SUFFIXES = new Set([
  "absmax",
  "quant_map",
  "nested_absmax",
  "nested_quant_map",
]);
/** Exponent-only formats: MX block scales, never weights. */
const SCALE_ONLY_DTYPES = new Set(["F8_E8M0", "E8M0", "UE8"]);
/** Bits of the integer containers sub-byte weights are packed into. */
const CONTAINER_BITS: Readonly<Record<string, number>> = {
  U8: 8,
  I8: 8,
  U16: 16,
  I16: 16,
  U32: 32,
  I32: 32,
};
/** Sub-byte formats named in `expert_dtype` or a compressed-tensors format, in match order. */
const FORMAT_BITS: [string, number][] = [
  ["nvfp4", 4],
  ["mxfp4", 4],
  ["fp4", 4],
  ["int4", 4],
  ["uint4", 4],
  ["nf4", 4],
  ["int2", 2],
];

/**
 * Parameters by dtype over some headers (the shards of one checkpoint): Σ shape × the
 * unpacking multiplier of each tensor that is not bookkeeping, rounded per tensor.
 */
export function countParameters(
  headers: readonly HubSafetensorsHeader[],
  quant: QuantizationConfig | undefined,
  expertDtype: string | undefined,
): Record<string, number> {
  const counter: Record<string, number> = {};
  for (const header of headers) {
    for (const [name, info] of Object.entries(header)) {
      if (name === "__metadata__") continue;
      const { dtype, shape } = info as { dtype: string; shape: number[] };
      if (skipped(name, dtype, quant) || shape.length === 0) continue;
      const elements = shape.reduce((a, b) => a * b);
      if (!Number.isFinite(elements)) continue;
      const multiplier = quant ? multiplierOf(name, dtype, quant, expertDtype) : 1;
      if (multiplier === 0) continue;
      counter[dtype] = (counter[dtype] ?? 0) + Math.round(elements * multiplier);
    }
  }
  return counter;
}

/** `shouldSkipTensor`: scale-only dtypes always; with a quantization config, its bookkeeping. */
function skipped(name: string, dtype: string, quant: QuantizationConfig | undefined): boolean {
  if (SCALE_ONLY_DTYPES.has(dtype)) return true;
  if (!quant) return false;
  const suffix = suffixOf(name);
  if (AUXILIARY_SUFFIXES.has(suffix)) return true;
  switch (methodOf(quant)) {
    case "mxfp4":
      return dtype === "U8" && suffix.endsWith("_scales");
    case "bitsandbytes":
      return BITSANDBYTES_AUXILIARY_SUFFIXES.has(suffix) || suffix.startsWith("bitsandbytes__");
    case "gptq":
    case "awq":
      return isQuantized(name, quant) && GPTQ_AUXILIARY_SUFFIXES.has(suffix);
    default:
      return false;
  }
}

/** `getQuantizationMultiplier`: how many weights one stored element holds. */
function multiplierOf(
  name: string,
  dtype: string,
  quant: QuantizationConfig,
  expertDtype: string | undefined,
): number {
  if (!isQuantized(name, quant)) return 1;
  switch (methodOf(quant)) {
    case "mxfp4":
      return dtype === "U8" && name.includes("_blocks") ? 2 : 1;
    case "gptq":
    case "awq":
      if (suffixOf(name) === "qweight") {
        return Math.max(1, Math.floor(32 / (quant.bits && quant.bits > 0 ? quant.bits : 4)));
      }
      return dtype === "U8" && quant.bits === 4 ? 2 : dtype === "U8" && quant.bits === 2 ? 4 : 1;
    case "compressed-tensors": {
      if (!CONTAINER_BITS[dtype]) return 1;
      const groups = Object.values(quant.config_groups ?? {});
      const module = moduleOf(name);
      const group = groups.find((g) => g.targets?.some((t) => matchesTarget(t, module)));
      const format = (group?.format ?? quant.format)?.toLowerCase();
      if (!format?.endsWith("pack-quantized")) return 1;
      const bits =
        group?.weights?.num_bits ??
        groups.find((g) => g.weights?.num_bits)?.weights?.num_bits ??
        bitsOf(format) ??
        4;
      return packing(dtype, bits);
    }
    case "fp8": // only routed experts may be packed narrower (DeepSeek-V4, MiMo)
      if (!name.includes(".experts.") || name.includes("shared_experts")) return 1;
      return packing(dtype, bitsOf(quant.expert_dtype ?? expertDtype ?? quant.store_dtype));
    case "bitsandbytes":
      return quant.load_in_4bit && dtype === "U8" ? 2 : 1;
    default:
      return dtype === "U8" && (quant.load_in_4bit || quant.bits === 4) ? 2 : 1;
  }
}

/** `isQuantizedTensor`: not excluded by compressed-tensors `ignore` or `modules_to_not_convert`. */
function isQuantized(name: string, quant: QuantizationConfig): boolean {
  if (quant.ignore?.length && quant.ignore.some((t) => matchesTarget(t, moduleOf(name)))) {
    return false;
  }
  const patterns = quant.modules_to_not_convert;
  if (!patterns?.length) return true;
  return !patterns.some((p) => (p.includes("*") ? globMatch(p, name) : name.includes(p)));
}

/** `matchesCompressedTensorsTarget`: a module name, or an `re:` target turned into a glob (never a RegExp). */
function matchesTarget(target: string, module: string): boolean {
  if (!target.startsWith("re:")) return target === module;
  let pattern = target.slice(3).replace(/^\^/, "");
  pattern = pattern.endsWith("$") ? pattern.slice(0, -1) : `${pattern}.*`;
  const glob = pattern.replaceAll(".*", "*").replaceAll("\\.", ".");
  return !/[\\+?()[\]{}|^$]/.test(glob) && globMatch(glob, module);
}

/** `globMatch`: `*`-separated literals, in order, anchored at both ends. */
function globMatch(pattern: string, text: string): boolean {
  const parts = pattern.split("*");
  if (parts.length === 1) return pattern === text;
  const first = parts[0] ?? "";
  const last = parts[parts.length - 1] ?? "";
  if (!text.startsWith(first) || !text.endsWith(last)) return false;
  const end = text.length - last.length;
  let at = first.length;
  for (const part of parts.slice(1, -1)) {
    const found = text.indexOf(part, at);
    if (found === -1 || found + part.length > end) return false;
    at = found + part.length;
  }
  return at <= end;
}

/** `packingFactor`: `containerBits / bits` weights per integer element (not floored), else 1. */
function packing(dtype: string, bits: number | undefined): number {
  const container = CONTAINER_BITS[dtype];
  return !container || !bits || bits <= 0 || bits >= container ? 1 : container / bits;
}

/** `bitsFromFormatString`: `"mxfp4-pack-quantized"` → 4. */
function bitsOf(format: string | undefined): number | undefined {
  if (typeof format !== "string") return undefined;
  return FORMAT_BITS.find(([pattern]) => format.toLowerCase().includes(pattern))?.[1];
}

function methodOf(quant: QuantizationConfig): string | undefined {
  return typeof quant.quant_method === "string" ? quant.quant_method.toLowerCase() : undefined;
}

/** The name after its last dot (`…q_proj.qweight` → `qweight`). */
function suffixOf(name: string): string {
  return name.slice(name.lastIndexOf(".") + 1);
}

/** The name before its last `.weight` (compressed-tensors targets name modules). */
function moduleOf(name: string): string {
  const at = name.lastIndexOf(".weight");
  return at === -1 ? name : name.slice(0, at);
}

/** The library's `MAX_TENSOR_DIM`: far above any real dimension (a vocabulary, ~10⁵). */
const MAX_TENSOR_DIM = 2 ** 32;

/** The dtypes of the library's `Dtype` type: the safetensors dtypes and a few aliases. */
const DTYPES = new Set(
  "F64 F32 C64 F16 F8_E4M3 F8_E4M3FNUZ F8_E5M2 F8_E5M2FNUZ F8_E8M0 E8M0 F6_E3M2 F6_E2M3 F4 FP4 BF16 I64 U64 I32 U32 I16 I8 U16 U8 UE8 BOOL".split(
    " ",
  ),
);

const isCount = (value: unknown): value is number => Number.isInteger(value) && Number(value) >= 0;

/**
 * What is wrong with one tensor entry of a header, or undefined: `validateTensorEntry`
 * (dimensions whole numbers up to 2³², `data_offsets` a sane span inside the file), and a
 * dtype safetensors knows, which the library checks by type only.
 */
export function tensorProblem(info: unknown, fileSize: number): string | undefined {
  const entry = (typeof info === "object" && info !== null ? info : {}) as Record<string, unknown>;
  const { dtype, shape, data_offsets: offsets } = entry;
  if (!Array.isArray(shape) || !Array.isArray(offsets) || offsets.length !== 2) {
    return "is malformed.";
  }
  if (typeof dtype !== "string" || !DTYPES.has(dtype)) return "has an unknown dtype.";
  for (const dim of shape as unknown[]) {
    if (!isCount(dim)) return `has an invalid dimension (${String(dim)}).`;
    if (dim > MAX_TENSOR_DIM) {
      return `dimension is ${dim}, which exceeds the maximum allowed (${MAX_TENSOR_DIM}).`;
    }
  }
  const [begin, end] = offsets as unknown[];
  if (!isCount(begin) || !isCount(end) || end < begin) return "has invalid data_offsets.";
  if (end > fileSize) {
    return `declares data_offsets ending at ${end}, which exceeds the file size (${fileSize} bytes). The file is malformed.`;
  }
  return undefined;
}

/**
 * Why a `weight_map` shard name is unsafe, or undefined (`assertSafeShardFilename`): it comes
 * from a repo file, so it must stay a relative path under the index's folder, also once
 * percent-decoded (`%2e%2e` is `..` to the URL parser).
 */
export function unsafeShardName(name: string): string | undefined {
  if (!name) return "empty";
  let decoded = name;
  for (let i = 0; i < 5; i++) {
    let next: string;
    try {
      next = decodeURIComponent(decoded);
    } catch {
      return "malformed percent-encoding";
    }
    if (next === decoded) break;
    decoded = next;
  }
  for (const candidate of new Set([name, decoded])) {
    const segments = candidate.split("/");
    if (/[\x00-\x1f\x7f]/.test(candidate)) return "control character"; // eslint-disable-line no-control-regex
    if (candidate.includes("\\")) return "backslash";
    if (candidate.startsWith("/")) return "absolute path";
    if (segments[0]?.includes(":") === true) return "scheme-like first path segment";
    if (segments.some((segment) => segment === "." || segment === "..")) return "dot segment";
  }
  return undefined;
}
