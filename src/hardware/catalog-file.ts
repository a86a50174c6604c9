import * as z from "zod/mini";
import { VramfitError } from "../errors.js";
import type { AcceleratorSpec } from "./accelerator.js";
import type { CatalogMode, GpuCatalogExtension } from "./catalog.js";
import type { InstanceSpec } from "./instance.js";
import { gbToBytes, gibToBytes } from "../units.js";
import { DRIVER_RESERVE_BYTES } from "./accelerators.js";
import { explainIssue } from "../options/explain-issue.js";

/*
 * zod schemas for a user's GPU catalog file (`--catalog file.json`, or the `catalog` option).
 * Objects are strict so a misspelt field is reported rather than ignored. Sizes may be given in
 * bytes or, for convenience, in the unit named by the field (`memoryGiB`, `bf16DenseTflops`, ...);
 * they are converted to the canonical byte and per-second fields here, and nowhere else.
 */

const count = z.number().check(z.positive());
const rate = z.nullish(count);
/**
 * Any text of the file: no line breaks or other control characters, since names and notes end
 * up in tables, messages and the comments of generated configs (docs/security.md).
 */
const text = z.string().check(
  z.regex(
    // eslint-disable-next-line no-control-regex -- refusing control characters is the point
    /^[^\u0000-\u001f\u007f-\u009f\u2028\u2029]*$/,
    "expected text without line breaks or control characters",
  ),
);
const name = text.check(z.minLength(1));
const TERA = 1e12;

/** One accelerator in a catalog file. Only `name` and the memory are required. */
export const AcceleratorInputSchema = z
  .strictObject({
    name: name,
    vendor: z.optional(z.enum(["nvidia", "amd", "intel"])),
    family: z.optional(name),
    architecture: z.optional(name),
    computeCapability: z.nullish(z.number().check(z.positive())),
    memoryBytes: z.optional(count),
    memoryGiB: z.optional(count),
    memoryGB: z.optional(count),
    memorySource: z.optional(z.enum(["driver", "cloud-api", "marketed"])),
    marketedMemoryGB: z.optional(count),
    cudaMemoryBytes: z.optional(count),
    cudaMemoryGiB: z.optional(count),
    cudaMemorySource: z.optional(z.string()),
    memoryBandwidthBytesPerSecond: rate,
    memoryBandwidthTBps: rate,
    bf16DenseFlopsPerSecond: rate,
    bf16DenseTflops: rate,
    fp16DenseFlopsPerSecond: rate,
    fp16DenseTflops: rate,
    fp8DenseFlopsPerSecond: rate,
    fp8DenseTflops: rate,
    int8DenseOpsPerSecond: rate,
    int8DenseTops: rate,
    fp4DenseFlopsPerSecond: rate,
    fp4DenseTflops: rate,
    bf16: z.optional(z.boolean()),
    fp8: z.optional(z.enum(["native", "weight-only", "none"])),
    fp4: z.optional(z.boolean()),
    interconnect: z.optional(text),
    tensorParallelLink: z.optional(z.enum(["nvlink", "xgmi", "roce", "pcie"])),
    interconnectBytesPerSecond: rate,
    sources: z.optional(z.array(text)),
    retrieved: z.optional(text),
    notes: z.optional(text),
  })
  .check(
    z.refine(
      (row) =>
        [row.memoryBytes, row.memoryGiB, row.memoryGB].filter((value) => value !== undefined)
          .length === 1,
      { error: "give the memory exactly once: memoryBytes, memoryGiB (2^30) or memoryGB (10^9)" },
    ),
    z.refine((row) => row.cudaMemoryBytes === undefined || row.cudaMemoryGiB === undefined, {
      error: "give the CUDA total at most once: cudaMemoryBytes or cudaMemoryGiB",
    }),
  );

/** One instance in a catalog file. A price needs its source and date. */
export const InstanceInputSchema = z
  .strictObject({
    provider: name,
    name: name,
    acceleratorId: name,
    gpuCount: z.int().check(z.positive()),
    vcpus: z.nullish(z.int().check(z.positive())),
    ramBytes: z.nullish(count),
    ramGiB: z.nullish(count),
    region: z.nullish(text),
    onDemandUsdPerHour: z.nullish(count),
    spotUsdPerHour: z.nullish(count),
    priceSource: name,
    priceAsOf: name,
    priceRetrieved: z.optional(text),
    notes: z.optional(text),
  })
  .check(
    z.refine((row) => row.onDemandUsdPerHour != null || row.spotUsdPerHour != null, {
      error: "give at least one price: onDemandUsdPerHour or spotUsdPerHour",
    }),
  );

/** A whole catalog file: either table may be left out. */
export const GpuCatalogFileSchema = z.strictObject({
  mode: z.optional(z.enum(["extend", "replace"])),
  accelerators: z.optional(z.record(name, AcceleratorInputSchema)),
  instances: z.optional(z.record(name, InstanceInputSchema)),
});

/** A catalog file as written: the schema's input. */
export type GpuCatalogFile = z.input<typeof GpuCatalogFileSchema>;

/** A validated catalog: canonical rows and how to combine them with the built-in catalog. */
export interface ParsedGpuCatalog extends GpuCatalogExtension {
  /** `extend` (the default) or `replace`. */
  readonly mode: CatalogMode;
}

/**
 * Validates a parsed catalog file (the object, not the text) and converts it to canonical rows:
 * sizes in bytes, rates per second, defaults for what a private GPU row may leave out.
 *
 * @throws {VramfitError} `CATALOG_INVALID` naming the JSON path of the first bad field.
 * @example
 * parseGpuCatalog({ accelerators: { "acme-x1": { name: "Acme X1", memoryGiB: 96, memoryBandwidthTBps: 4 } } })
 */
export function parseGpuCatalog(json: unknown, subject = "catalog object"): ParsedGpuCatalog {
  const result = GpuCatalogFileSchema.safeParse(json, { reportInput: true });
  if (!result.success) {
    const issue = result.error.issues[0];
    const path = issue === undefined ? "" : issue.path.join(".");
    throw new VramfitError(
      "CATALOG_INVALID",
      `Invalid GPU catalog ${subject}${path === "" ? "" : ` at "${path}"`}: ${explainIssue(issue)}.`,
      {
        hint: 'A catalog is {"accelerators": {id: {...}}, "instances": {id: {...}}}; see docs/methodology.md#gpu-catalog for the fields.',
        cause: result.error,
      },
    );
  }
  const file = result.data;
  return {
    mode: file.mode ?? "extend",
    ...(file.accelerators === undefined
      ? {}
      : { accelerators: mapValues(file.accelerators, toAccelerator) }),
    ...(file.instances === undefined ? {} : { instances: mapValues(file.instances, toInstance) }),
  };
}

type AcceleratorInput = z.output<typeof AcceleratorInputSchema>;
type InstanceInput = z.output<typeof InstanceInputSchema>;

function toAccelerator(row: AcceleratorInput): AcceleratorSpec {
  const tera = (perSecond: number | null | undefined, inTera: number | null | undefined) =>
    perSecond ?? (inTera == null ? null : inTera * TERA);
  const memoryBytes =
    row.memoryBytes ??
    (row.memoryGiB === undefined ? gbToBytes(row.memoryGB ?? 0) : gibToBytes(row.memoryGiB));
  const cudaMemoryBytes =
    row.cudaMemoryBytes ??
    (row.cudaMemoryGiB === undefined ? undefined : Math.round(gibToBytes(row.cudaMemoryGiB)));
  const fp8DenseFlopsPerSecond = tera(row.fp8DenseFlopsPerSecond, row.fp8DenseTflops);
  const fp4DenseFlopsPerSecond = tera(row.fp4DenseFlopsPerSecond, row.fp4DenseTflops);
  return {
    name: row.name,
    vendor: row.vendor ?? "nvidia",
    family: row.family ?? row.name,
    architecture: row.architecture ?? "unknown",
    computeCapability: row.computeCapability ?? null,
    memoryBytes,
    memorySource: row.memorySource ?? (row.memoryGB === undefined ? "driver" : "marketed"),
    marketedMemoryGB: row.marketedMemoryGB ?? row.memoryGB ?? Math.round(memoryBytes / 1e9),
    cudaMemoryBytes: cudaMemoryBytes ?? Math.max(1, Math.floor(memoryBytes) - DRIVER_RESERVE_BYTES),
    cudaMemoryMeasured: cudaMemoryBytes !== undefined,
    cudaMemorySource:
      row.cudaMemorySource ??
      (cudaMemoryBytes === undefined
        ? "derived: the catalog file's memory less 512 MiB, vramfit's median driver reserve"
        : "user catalog"),
    memoryBandwidthBytesPerSecond: tera(row.memoryBandwidthBytesPerSecond, row.memoryBandwidthTBps),
    bf16DenseFlopsPerSecond: tera(row.bf16DenseFlopsPerSecond, row.bf16DenseTflops),
    fp16DenseFlopsPerSecond: tera(row.fp16DenseFlopsPerSecond, row.fp16DenseTflops),
    fp8DenseFlopsPerSecond,
    int8DenseOpsPerSecond: tera(row.int8DenseOpsPerSecond, row.int8DenseTops),
    fp4DenseFlopsPerSecond,
    bf16: row.bf16 ?? true,
    fp8: row.fp8 ?? (fp8DenseFlopsPerSecond === null ? "none" : "native"),
    fp4: row.fp4 ?? fp4DenseFlopsPerSecond !== null,
    interconnect: row.interconnect ?? "unknown",
    tensorParallelLink: row.tensorParallelLink ?? "pcie",
    interconnectBytesPerSecond: row.interconnectBytesPerSecond ?? null,
    sources: row.sources ?? ["user catalog"],
    retrieved: row.retrieved ?? "unknown",
    notes: row.notes ?? "",
  };
}

function toInstance(row: InstanceInput): InstanceSpec {
  return {
    provider: row.provider.toLowerCase(),
    name: row.name,
    acceleratorId: row.acceleratorId,
    gpuCount: row.gpuCount,
    vcpus: row.vcpus ?? null,
    ramBytes: row.ramBytes ?? (row.ramGiB == null ? null : gibToBytes(row.ramGiB)),
    region: row.region ?? null,
    onDemandUsdPerHour: row.onDemandUsdPerHour ?? null,
    spotUsdPerHour: row.spotUsdPerHour ?? null,
    priceSource: row.priceSource,
    priceAsOf: row.priceAsOf,
    priceRetrieved: row.priceRetrieved ?? row.priceAsOf,
    notes: row.notes ?? "",
  };
}

function mapValues<T, U>(
  record: Readonly<Record<string, T>>,
  map: (value: T) => U,
): Record<string, U> {
  return Object.fromEntries(Object.entries(record).map(([key, value]) => [key, map(value)]));
}
