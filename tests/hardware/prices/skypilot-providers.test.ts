import { describe, expect, it } from "vitest";
import { ACCELERATORS } from "../../../src/hardware/accelerators.js";
import { SKYPILOT_ACCELERATORS } from "../../../src/hardware/prices/skypilot-accelerators.js";
import { parseSkypilotCatalog } from "../../../src/hardware/prices/skypilot-prices.js";
import { AWS_VMS_CSV, AWS_VMS_URL } from "../../fixtures/prices/aws-vms.js";
import { GCP_VMS_CSV, GCP_VMS_URL } from "../../fixtures/prices/gcp-vms.js";
import { RUNPOD_VMS_CSV, RUNPOD_VMS_URL } from "../../fixtures/prices/runpod-vms.js";

const read = (provider: string, text: string, source: string) =>
  parseSkypilotCatalog(text, { provider, source, retrieved: "2026-12-07", region: null });

describe("SKYPILOT_ACCELERATORS", () => {
  it("maps only to accelerators in vramfit's catalog, each with a commit-pinned source", () => {
    for (const [key, row] of Object.entries(SKYPILOT_ACCELERATORS)) {
      expect(ACCELERATORS, key).toHaveProperty([row.acceleratorId]);
      expect(row.source, key).toMatch(/\/blob\/[0-9a-f]{40}\/catalogs\/v7\/[a-z]+\/vms\.csv /);
    }
  });
});

describe("the AWS catalog (real rows)", () => {
  const aws = read("aws", AWS_VMS_CSV, AWS_VMS_URL);

  it("maps every GPU name in the excerpt and leaves the CPU type out", () => {
    expect(
      Object.fromEntries(
        Object.values(aws.instances).map((row) => [
          row.name,
          `${row.gpuCount}×${row.acceleratorId}`,
        ]),
      ),
    ).toEqual({
      "g4dn.xlarge": "1×nvidia-t4",
      "g6e.2xlarge": "1×nvidia-l40s",
      "p3dn.24xlarge": "8×nvidia-v100-32gb",
      "p4d.24xlarge": "8×nvidia-a100-40gb-sxm",
      "p4de.24xlarge": "8×nvidia-a100-80gb-sxm",
      "p5.48xlarge": "8×nvidia-h100-sxm",
      "p5e.48xlarge": "8×nvidia-h200",
    });
    expect(aws.unknownAccelerators).toEqual([]);
    expect(aws.skipped).toEqual([]);
  });

  it("prices each type in its cheapest region with that region's lowest spot zone", () => {
    // g4dn.xlarge: us-east-1 $0.526 < ap-south-1 $0.579; its zones' spot: 0.2010, 0.1860.
    expect(aws.instances["aws/g4dn.xlarge"]).toMatchObject({
      region: "us-east-1",
      onDemandUsdPerHour: 0.526,
      spotUsdPerHour: 0.186,
      vcpus: 4,
      ramGiB: 16,
      priceSource: AWS_VMS_URL,
      priceRetrieved: "2026-12-07",
    });
    // p4d.24xlarge: $32.7726 in us-east-1 and us-west-2 (tie → us-east-1, first alphabetically),
    // $35.39655 in eu-west-1; us-east-1 zones' spot: 6.7915, 5.0933.
    expect(aws.instances["aws/p4d.24xlarge"]).toMatchObject({
      region: "us-east-1",
      onDemandUsdPerHour: 32.7726,
      spotUsdPerHour: 5.0933,
    });
    // p4de.24xlarge: $40.96575 in both regions (tie → us-east-1); use1-az4 has one row with a
    // spot price (7.8074) and one without.
    expect(aws.instances["aws/p4de.24xlarge"]).toMatchObject({
      region: "us-east-1",
      onDemandUsdPerHour: 40.96575,
      spotUsdPerHour: 7.8074,
    });
    // p5.48xlarge: us-west-2 $98.32 < us-west-1 $122.9; spot 33.2399.
    expect(aws.instances["aws/p5.48xlarge"]).toMatchObject({
      region: "us-west-2",
      onDemandUsdPerHour: 98.32,
      spotUsdPerHour: 33.2399,
    });
    // p5e.48xlarge has no on-demand price: the cheapest spot region (us-west-2 15.7656 <
    // us-east-2 16.3895), and no on-demand price is made up.
    expect(aws.instances["aws/p5e.48xlarge"]).toMatchObject({
      region: "us-west-2",
      onDemandUsdPerHour: null,
      spotUsdPerHour: 15.7656,
    });
  });
});

describe("the RunPod catalog (real rows)", () => {
  const runpod = read("runpod", RUNPOD_VMS_CSV, RUNPOD_VMS_URL);

  it("maps the names that state the card and lists the others as unknown", () => {
    expect(
      Object.fromEntries(
        Object.values(runpod.instances).map((row) => [
          row.name,
          `${row.gpuCount}×${row.acceleratorId}`,
        ]),
      ),
    ).toEqual({
      "1x_A100-80GB_SECURE": "1×nvidia-a100-80gb-pcie",
      "1x_H100-SXM_SECURE": "1×nvidia-h100-sxm",
      "1x_L40S_SECURE": "1×nvidia-l40s",
      "1x_MI300X_SECURE": "1×amd-mi300x",
      "4x_H200-SXM_SECURE": "4×nvidia-h200",
      "8x_A100-80GB-SXM_SECURE": "8×nvidia-a100-80gb-sxm",
    });
    // A40 is not in vramfit's catalog; plain "H100" does not say PCIe, SXM or NVL.
    expect(runpod.unknownAccelerators).toEqual([
      { name: "A40", instanceTypes: 1 },
      { name: "H100", instanceTypes: 1 },
    ]);
  });

  it("reads Price and SpotPrice by name, whatever their order", () => {
    // Same price in CA and US: the tie goes to CA. SpotPrice 1.19, Price 1.64.
    expect(runpod.instances["runpod/1x_A100-80GB_SECURE"]).toMatchObject({
      region: "CA",
      onDemandUsdPerHour: 1.64,
      spotUsdPerHour: 1.19,
      vcpus: 8,
      ramGiB: 80,
    });
    // The L40S row: SpotPrice 0.86, Price 0.43, as the file has them.
    expect(runpod.instances["runpod/1x_L40S_SECURE"]).toMatchObject({
      onDemandUsdPerHour: 0.43,
      spotUsdPerHour: 0.86,
    });
    expect(runpod.instances["runpod/8x_A100-80GB-SXM_SECURE"]).toMatchObject({
      region: "US",
      onDemandUsdPerHour: 15.12,
      spotUsdPerHour: null,
    });
  });
});

describe("the GCP catalog (real rows)", () => {
  it("prices nothing: VM rows carry no GPU and GPU rows no VM; it says so", () => {
    const gcp = read("gcp", GCP_VMS_CSV, GCP_VMS_URL);
    expect(gcp.instances).toEqual({});
    expect(gcp.unknownAccelerators).toEqual([]);
    expect(gcp.skipped).toEqual([
      {
        instanceType: "(rows with no InstanceType)",
        reason:
          "4 rows price an accelerator apart from any instance type (GCP's layout); the file does not say which VM each belongs to",
      },
    ]);
  });
});
