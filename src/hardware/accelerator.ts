/**
 * What vramfit knows about one accelerator model. Plain data: the built-in table is
 * `ACCELERATORS`; users add or replace rows with a catalog file (see docs/methodology.md#gpu-catalog).
 * Every throughput is a **dense** tensor-core rate (no 2:4 sparsity); `null` means the figure was
 * not found, never a guess and never a shader (non-tensor) figure.
 */

/** Who makes the accelerator. */
export type AcceleratorVendor = "nvidia" | "amd" | "intel";

/**
 * Where `memoryBytes` comes from:
 * - `driver`: what `nvidia-smi` / `rocm-smi` / `hl-smi` reports as total (e.g. 81,559 MiB for an H100 SXM);
 * - `cloud-api`: what a cloud API reports per GPU (EC2 `DescribeInstanceTypes`);
 * - `marketed`: the vendor's "GB" read as 10^9 bytes, the conservative reading when no reported figure was found.
 */
export type MemorySource = "driver" | "cloud-api" | "marketed";

/**
 * How an FP8 checkpoint runs on the accelerator:
 * - `native`: FP8 tensor cores (W8A8; Ada, Hopper, Blackwell, MI300+, Gaudi 2+);
 * - `weight-only`: FP8 weights, 16-bit math (vLLM's Marlin W8A16 kernel on compute capability 8.x);
 * - `none`: no FP8 path; the model must be served from a 16-bit checkpoint (twice the weight bytes).
 */
export type Fp8Support = "native" | "weight-only" | "none";

/** How tensor-parallel ranks talk to each other within a node. */
export type TensorParallelLink = "nvlink" | "xgmi" | "roce" | "pcie";

/** One accelerator model. Units are in the field names. */
export interface AcceleratorSpec {
  /** Display name, e.g. "H100 SXM 80GB". */
  readonly name: string;
  /** Maker. */
  readonly vendor: AcceleratorVendor;
  /** Product family used by the `families` filter, e.g. "H100", "A100", "MI300X", "Gaudi 3". */
  readonly family: string;
  /** Architecture, e.g. "Hopper". */
  readonly architecture: string;
  /** NVIDIA compute capability (8.0 for A100); `null` for other vendors. */
  readonly computeCapability: number | null;
  /** Device memory a process can see, in bytes (see `memorySource`). */
  readonly memoryBytes: number;
  /** Where `memoryBytes` comes from. */
  readonly memorySource: MemorySource;
  /** The vendor's marketed size, in its "GB" (the figure on the box, not a byte count). */
  readonly marketedMemoryGB: number;
  /**
   * Total memory `torch.cuda.mem_get_info` reports (cudaMemGetInfo): what vLLM's
   * `gpu_memory_utilization` is a fraction of and what SGLang's free memory starts from. Below
   * `memoryBytes` by what the driver keeps (428–718 MiB on the GPUs where both were logged).
   */
  readonly cudaMemoryBytes: number;
  /** Whether `cudaMemoryBytes` was read from an engine's log (`true`) or derived from `memoryBytes`. */
  readonly cudaMemoryMeasured: boolean;
  /** Where `cudaMemoryBytes` comes from: the log line's URL, or how it was derived. */
  readonly cudaMemorySource: string;
  /** Memory bandwidth in bytes per second (decimal: 3.35 TB/s = 3.35e12). */
  readonly memoryBandwidthBytesPerSecond: number | null;
  /** Dense BF16 tensor throughput (FP32 accumulate on GeForce cards, as PyTorch GEMMs use). */
  readonly bf16DenseFlopsPerSecond: number | null;
  /** Dense FP16 tensor throughput; the only 16-bit rate on Turing and Volta, which have no BF16. */
  readonly fp16DenseFlopsPerSecond: number | null;
  /** Dense FP8 tensor throughput; `null` without native FP8. */
  readonly fp8DenseFlopsPerSecond: number | null;
  /** Dense INT8 tensor throughput, operations per second. */
  readonly int8DenseOpsPerSecond: number | null;
  /** Dense FP4 tensor throughput; `null` without native FP4. */
  readonly fp4DenseFlopsPerSecond: number | null;
  /** Whether the tensor cores run BF16. */
  readonly bf16: boolean;
  /** How FP8 checkpoints run here. */
  readonly fp8: Fp8Support;
  /** Whether the tensor cores run FP4 natively (Blackwell, MI355X). */
  readonly fp4: boolean;
  /** Interconnect as the vendor names it, e.g. "NVLink 4 (18 links)". */
  readonly interconnect: string;
  /** The link tensor parallelism uses inside a node. */
  readonly tensorParallelLink: TensorParallelLink;
  /** Unidirectional GPU-to-GPU bandwidth in bytes per second, when known. */
  readonly interconnectBytesPerSecond: number | null;
  /** Where the figures come from (URLs or repository paths with a commit). */
  readonly sources: readonly string[];
  /** When the sources were read (ISO date). */
  readonly retrieved: string;
  /** Caveats a reader should know: derived figures, unverified fields. */
  readonly notes: string;
}
