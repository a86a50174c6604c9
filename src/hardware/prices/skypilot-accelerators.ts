/**
 * SkyPilot's accelerator names (the `AcceleratorName` column of its `vms.csv` catalogs) mapped to
 * vramfit's accelerator ids, per provider: one name can mean different cards on different clouds
 * (an "A100" is 40 GB on one and 80 GB PCIe on another), so a row is keyed `provider/name`.
 *
 * Only names read in a catalog file are listed, each with the file at the commit read and what
 * confirms the card: the per-GPU memory its `GpuInfo` column reports (AWS, Lambda), or, where
 * `GpuInfo` repeats the name only (RunPod), the name itself when it states the memory or form
 * factor. Every other name is reported by `vramfit prices update` as unknown, never guessed. Add
 * a row when you have read the name in the CSV.
 *
 * Names left out on purpose:
 * - `lambda/H100`: the name covers both SXM5 (gpu_1x_h100_sxm5) and PCIe cards, with the same
 *   81,920 MiB `GpuInfo`: one name, two cards.
 * - `runpod/H100`: RunPod lists it beside `H100-SXM` and `H100-NVL`, and its `GpuInfo` repeats
 *   the name with no memory or form factor: the card is not stated in the file.
 * - Azure: its catalog is `catalogs/v6/azure/vms.csv` (no v7 file), and there "A100" names both
 *   the NC A100 v4 (80 GB PCIe) and the ND96asr_v4 (40 GB SXM), "H100" both the NC H100 v5 (NVL)
 *   and the ND H100 v5 (SXM) (src/hardware/instances.ts): not mappable by name alone, and the
 *   mapping is by name only.
 * - GCP: not read at all, see `parseSkypilotCatalog` and docs/plans.md.
 */

/** One confirmed SkyPilot name. */
export interface SkypilotAcceleratorRow {
  /** vramfit's accelerator id. */
  readonly acceleratorId: string;
  /** Where the name was read, and what confirms the card. */
  readonly source: string;
}

const CATALOG = "https://github.com/skypilot-org/skypilot-catalog/blob";
const LAMBDA_V7 = `${CATALOG}/11580132cea293395776b033c8533714d42abb4e/catalogs/v7/lambda/vms.csv`;
const AWS_V7 = `${CATALOG}/001367d22a0033fac286a8c71aeac7109e431bcb/catalogs/v7/aws/vms.csv`;
const RUNPOD_V7 = `${CATALOG}/0727c2bd9e77f91cb1377127c5f793a28cf01384/catalogs/v7/runpod/vms.csv`;

/** What confirms a RunPod row: its `GpuInfo` is the name again, so the name must state the card. */
const RUNPOD_NAME_ONLY = "GpuInfo repeats the name; the name states the card";

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
  "aws/T4": {
    acceleratorId: "nvidia-t4",
    source: `${AWS_V7} (g4dn.xlarge: GpuInfo T4, 16,384 MiB per GPU)`,
  },
  "aws/A10G": {
    acceleratorId: "nvidia-a10g",
    source: `${AWS_V7} (g5.12xlarge: GpuInfo A10G, 22,888 MiB per GPU)`,
  },
  "aws/L4": {
    acceleratorId: "nvidia-l4",
    source: `${AWS_V7} (g6.xlarge: GpuInfo L4, 22,888 MiB per GPU)`,
  },
  "aws/L40S": {
    acceleratorId: "nvidia-l40s",
    source: `${AWS_V7} (g6e.2xlarge/12xlarge/16xlarge/24xlarge: GpuInfo L40S, 45,776 MiB per GPU)`,
  },
  "aws/V100": {
    acceleratorId: "nvidia-v100-16gb",
    source: `${AWS_V7} (p3.2xlarge, p3.8xlarge: GpuInfo V100, 16,384 MiB per GPU)`,
  },
  "aws/V100-32GB": {
    acceleratorId: "nvidia-v100-32gb",
    source: `${AWS_V7} (p3dn.24xlarge: GpuInfo V100, 32,768 MiB per GPU)`,
  },
  "aws/A100": {
    // Only p4d.24xlarge carries this name: 8 × A100 40 GB on the HGX (SXM4) board.
    acceleratorId: "nvidia-a100-40gb-sxm",
    source: `${AWS_V7} (p4d.24xlarge: GpuInfo A100, 40,960 MiB per GPU)`,
  },
  "aws/A100-80GB": {
    // Only p4de.24xlarge: the 80 GB A100 on the same HGX (SXM4) board as p4d.
    acceleratorId: "nvidia-a100-80gb-sxm",
    source: `${AWS_V7} (p4de.24xlarge: GpuInfo 81,920 MiB per GPU)`,
  },
  "aws/H100": {
    // Only p5.48xlarge: 8 × H100 SXM (HGX H100), 80 GB each.
    acceleratorId: "nvidia-h100-sxm",
    source: `${AWS_V7} (p5.48xlarge: GpuInfo H100, 81,920 MiB per GPU)`,
  },
  "aws/H200": {
    acceleratorId: "nvidia-h200",
    source: `${AWS_V7} (p5e.48xlarge, p5en.48xlarge: GpuInfo H200, 144,384 MiB per GPU)`,
  },
  "runpod/A100-80GB": {
    // Listed apart from A100-80GB-SXM; the PCIe card, as the built-in runpod rows have it.
    acceleratorId: "nvidia-a100-80gb-pcie",
    source: `${RUNPOD_V7} (1x…8x_A100-80GB_SECURE; ${RUNPOD_NAME_ONLY}: 80 GB, not the -SXM entry)`,
  },
  "runpod/A100-80GB-SXM": {
    acceleratorId: "nvidia-a100-80gb-sxm",
    source: `${RUNPOD_V7} (1x…8x_A100-80GB-SXM_SECURE; ${RUNPOD_NAME_ONLY}: 80 GB SXM)`,
  },
  "runpod/H100-SXM": {
    acceleratorId: "nvidia-h100-sxm",
    source: `${RUNPOD_V7} (1x/2x/4x_H100-SXM_SECURE; ${RUNPOD_NAME_ONLY}: H100 SXM)`,
  },
  "runpod/H100-NVL": {
    acceleratorId: "nvidia-h100-nvl",
    source: `${RUNPOD_V7} (2x…8x_H100-NVL_SECURE; ${RUNPOD_NAME_ONLY}: H100 NVL)`,
  },
  "runpod/H200-SXM": {
    acceleratorId: "nvidia-h200",
    source: `${RUNPOD_V7} (4x/8x_H200-SXM_SECURE; ${RUNPOD_NAME_ONLY}: H200 SXM)`,
  },
  "runpod/B200": {
    acceleratorId: "nvidia-b200",
    source: `${RUNPOD_V7} (1x…8x_B200_SECURE; ${RUNPOD_NAME_ONLY}: B200, one card of that name in vramfit's catalog)`,
  },
  "runpod/L4": {
    acceleratorId: "nvidia-l4",
    source: `${RUNPOD_V7} (1x…8x_L4_SECURE; ${RUNPOD_NAME_ONLY}: L4, one card of that name in vramfit's catalog)`,
  },
  "runpod/L40": {
    acceleratorId: "nvidia-l40",
    source: `${RUNPOD_V7} (1x…8x_L40_SECURE; ${RUNPOD_NAME_ONLY}: L40, one card of that name in vramfit's catalog)`,
  },
  "runpod/L40S": {
    acceleratorId: "nvidia-l40s",
    source: `${RUNPOD_V7} (1x…8x_L40S_SECURE; ${RUNPOD_NAME_ONLY}: L40S, one card of that name in vramfit's catalog)`,
  },
  "runpod/RTX3090": {
    acceleratorId: "nvidia-rtx-3090",
    source: `${RUNPOD_V7} (1x…8x_RTX3090_SECURE; ${RUNPOD_NAME_ONLY}: RTX 3090, one card of that name in vramfit's catalog)`,
  },
  "runpod/RTX6000-Ada": {
    acceleratorId: "nvidia-rtx-6000-ada",
    source: `${RUNPOD_V7} (8x_RTX6000-Ada_SECURE; ${RUNPOD_NAME_ONLY}: RTX 6000 Ada, one card of that name in vramfit's catalog)`,
  },
  "runpod/MI300X": {
    acceleratorId: "amd-mi300x",
    source: `${RUNPOD_V7} (1x…8x_MI300X_SECURE; ${RUNPOD_NAME_ONLY}: MI300X, one card of that name in vramfit's catalog)`,
  },
} as const satisfies Record<string, SkypilotAcceleratorRow>;

/** The vramfit id for a SkyPilot accelerator name on a provider, or `undefined` when unconfirmed. */
export function skypilotAcceleratorId(provider: string, name: string): string | undefined {
  const table: Readonly<Record<string, SkypilotAcceleratorRow>> = SKYPILOT_ACCELERATORS;
  return table[`${provider}/${name}`]?.acceleratorId;
}
