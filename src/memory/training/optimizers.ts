/**
 * Optimizer states per trainable tensor. Sources: docs/methodology.md#optimizer-states.
 */

/**
 * How an optimizer stores its states: `full` keeps `states` tensors the size of the parameter at
 * the precision's state width; `8bit` keeps them as bitsandbytes block-quantized bytes; `factored`
 * keeps Adafactor's row and column statistics instead of a full second moment.
 */
export type OptimizerStateLayout = "full" | "8bit" | "factored";

/** One optimizer's memory behaviour. */
export interface OptimizerSpec {
  /** Human name. */
  readonly label: string;
  /** State tensors per parameter tensor: Adam's m and v are 2, SGD momentum 1, plain SGD 0. */
  readonly states: number;
  /** How each state is stored. */
  readonly layout: OptimizerStateLayout;
  /**
   * Whether the states live in CUDA managed memory (bitsandbytes paged optimizers,
   * `cudaMallocManaged`): outside PyTorch's allocator, so `max_memory_allocated` and
   * `max_memory_reserved` never see them, while nvidia-smi does.
   */
  readonly paged: boolean;
  /** Bytes of each full-layout state element whatever the precision (bitsandbytes' 32-bit optimizers keep FP32 states); undefined: the precision's width. */
  readonly stateBytes?: number;
  /** Where the figures come from. */
  readonly source: string;
}

/** Elements sharing one FP32 absmax in bitsandbytes' block-wise 8-bit optimizers. */
export const OPTIMIZER_8BIT_BLOCK_SIZE = 256;

/**
 * The optimizers vramfit can size. AdamW keeps two full states (m, v); 8-bit AdamW keeps them in
 * one byte each plus an FP32 absmax per 256 elements; SGD with momentum keeps one state, plain
 * SGD none; Adafactor (HF transformers defaults, `beta1=None`) keeps no first moment and factors
 * the second moment of every matrix into a row and a column vector. The paged variants keep the
 * same states in CUDA managed memory, outside PyTorch's allocator; bitsandbytes' 32-bit
 * optimizers keep FP32 states even for BF16 parameters (torch's AdamW keeps them in the
 * parameter's dtype).
 */
export const OPTIMIZERS = {
  adamw: {
    label: "AdamW",
    states: 2,
    layout: "full",
    paged: false,
    source: "Loshchilov & Hutter, arXiv 1711.05101; ZeRO arXiv 1910.02054 §3.1 (m and v in FP32)",
  },
  "adamw-8bit": {
    label: "AdamW 8-bit (bitsandbytes)",
    states: 2,
    layout: "8bit",
    paged: false,
    source:
      "Dettmers et al., 8-bit Optimizers via Block-wise Quantization, arXiv 2110.02861; bitsandbytes optim/optimizer.py Optimizer2State.init_state (uint8 states, FP32 absmax per 256 elements)",
  },
  "paged-adamw": {
    label: "paged AdamW (bitsandbytes, 32-bit states)",
    states: 2,
    layout: "full",
    paged: true,
    stateBytes: 4,
    source:
      "bitsandbytes optim/optimizer.py: get_state_buffer(p, dtype=torch.float32) for 32-bit states, F.get_paged (cudaMallocManaged) for tensors of 1e5 elements or more",
  },
  "paged-adamw-8bit": {
    label: "paged AdamW 8-bit (bitsandbytes)",
    states: 2,
    layout: "8bit",
    paged: true,
    source:
      "bitsandbytes optim/optimizer.py: uint8 states and FP32 absmax per 256 elements, paged through cudaMallocManaged",
  },
  sgd: {
    label: "SGD",
    states: 0,
    layout: "full",
    paged: false,
    source: "torch.optim.SGD with momentum=0 keeps no state",
  },
  "sgd-momentum": {
    label: "SGD with momentum",
    states: 1,
    layout: "full",
    paged: false,
    source: "torch.optim.SGD momentum_buffer; ml-engineering training/performance/README.md",
  },
  adafactor: {
    label: "Adafactor (factored, no momentum)",
    states: 1,
    layout: "factored",
    paged: false,
    source: "Shazeer & Stern, Adafactor, arXiv 1804.04235 §3; transformers.optimization.Adafactor",
  },
} as const satisfies Record<string, OptimizerSpec>;

/** An optimizer vramfit can size. */
export type OptimizerId = keyof typeof OPTIMIZERS;

/** Every {@link OptimizerId}, in table order. */
export const OPTIMIZER_IDS = Object.keys(OPTIMIZERS) as readonly OptimizerId[];

/**
 * Bytes of an optimizer's states for one parameter tensor of `shape` (`[rows, cols]` or `[n]`):
 * - `full`: `states × elements × stateBytes`;
 * - `8bit`: `states × elements × (1 + 4 / 256)` (bitsandbytes also keeps 32-bit states for tensors
 *   under 4,096 elements, `min_8bit_size`; vramfit ignores that: a few MB at most);
 * - `factored`: `(rows + cols) × stateBytes` for a matrix, `elements × stateBytes` for a vector.
 *
 * @param stateBytes - width of a full-precision state element (4 for FP32 states, 2 for pure BF16).
 */
export function optimizerStateBytes(
  optimizer: OptimizerId,
  shape: readonly number[],
  stateBytes: number,
): number {
  const spec: OptimizerSpec = OPTIMIZERS[optimizer];
  const elements = shape.reduce((product, size) => product * size, 1);
  switch (spec.layout) {
    case "full":
      return spec.states * elements * (spec.stateBytes ?? stateBytes);
    case "8bit":
      return spec.states * elements * (1 + 4 / OPTIMIZER_8BIT_BLOCK_SIZE);
    case "factored": {
      const [rows, cols] = shape;
      const factored = shape.length === 2 && rows !== undefined && cols !== undefined;
      return spec.states * (factored ? rows + cols : elements) * stateBytes;
    }
  }
}
