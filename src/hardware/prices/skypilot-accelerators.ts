/**
 * SkyPilot's accelerator names (the `AcceleratorName` column of its `vms.csv` catalogs) mapped to
 * vramfit's accelerator ids, per provider: one name can mean different cards on different clouds
 * (an "A100" is 40 GB on one and 80 GB PCIe on another), so a row is keyed `provider/name`.
 *
 * Only names read in a catalog file are listed, each with the file, its commit and the per-GPU
 * memory its `GpuInfo` column reports; every other name is reported by `vramfit prices update`
 * as unknown, never guessed. Add a row when you have read the name in the CSV.
 */

/** One confirmed SkyPilot name. */
export interface SkypilotAcceleratorRow {
  /** vramfit's accelerator id. */
  readonly acceleratorId: string;
  /** Where the name was read, and what confirms the card. */
  readonly source: string;
}

const LAMBDA_V7 =
  "https://github.com/skypilot-org/skypilot-catalog/blob/11580132cea293395776b033c8533714d42abb4e/catalogs/v7/lambda/vms.csv";

/** SkyPilot `provider/AcceleratorName` → vramfit accelerator id (read 2026-12-07). */
export const SKYPILOT_ACCELERATORS = {
  "lambda/V100": {
    acceleratorId: "nvidia-v100-16gb",
    source: `${LAMBDA_V7} (gpu_8x_v100: GpuInfo 16,384 MiB per GPU)`,
  },
  "lambda/A6000": {
    acceleratorId: "nvidia-rtx-a6000",
    source: `${LAMBDA_V7} (gpu_1x/2x/4x_a6000: GpuInfo 49,152 MiB per GPU)`,
  },
  "lambda/A100": {
    // 40,960 MiB is the 40 GB A100; Lambda's 8-GPU node is the HGX (SXM4) board, as the
    // built-in instance table has it (src/hardware/instances.ts, lambda/gpu_8x_a100).
    acceleratorId: "nvidia-a100-40gb-sxm",
    source: `${LAMBDA_V7} (gpu_8x_a100: GpuInfo 40,960 MiB per GPU)`,
  },
} as const satisfies Record<string, SkypilotAcceleratorRow>;

/** The vramfit id for a SkyPilot accelerator name on a provider, or `undefined` when unconfirmed. */
export function skypilotAcceleratorId(provider: string, name: string): string | undefined {
  const table: Readonly<Record<string, SkypilotAcceleratorRow>> = SKYPILOT_ACCELERATORS;
  return table[`${provider}/${name}`]?.acceleratorId;
}
