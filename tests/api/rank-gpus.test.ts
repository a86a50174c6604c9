import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { readCatalogFile } from "../../src/io/files/read-catalog-file.js";
import {
  estimateInference,
  ModelNotFoundError,
  parseGpuCatalog,
  rankGpus,
  rankInstances,
  VramfitError,
  type GpuCatalogFile,
} from "../../src/index.js";

const ACME: GpuCatalogFile = {
  accelerators: {
    "acme-x1": {
      name: "Acme X1",
      family: "X1",
      memoryGiB: 192,
      memoryBandwidthTBps: 10,
      bf16DenseTflops: 3000,
    },
  },
  instances: {
    "acme/x1-1": {
      provider: "acme",
      name: "x1-1",
      acceleratorId: "acme-x1",
      gpuCount: 1,
      onDemandUsdPerHour: 0.5,
      priceSource: "internal price list",
      priceAsOf: "2026-11-01",
    },
  },
};

describe("rankGpus / rankInstances", () => {
  it("estimates a model first when given a repo id, and ranks an estimate as is", async () => {
    const byId = await rankGpus("meta-llama/Meta-Llama-3-8B", {
      contextLength: 2048,
      batchSize: 4,
      top: 3,
    });
    const estimate = await estimateInference("meta-llama/Meta-Llama-3-8B", {
      contextLength: 2048,
      batchSize: 4,
    });
    const byEstimate = await rankGpus(estimate, { top: 3 });
    expect(byId.matches).toHaveLength(3);
    expect(byEstimate.matches).toEqual(byId.matches);
    expect(byId.requirement.label).toContain("meta-llama/Meta-Llama-3-8B");
  });

  it("ranks over a user catalog: extend adds the rows, replace keeps only them", async () => {
    const extended = await rankGpus("meta-llama/Meta-Llama-3-8B", {
      catalog: ACME,
      workload: "batch",
    });
    expect(extended.matches.length).toBeGreaterThan(30);
    const acme = extended.matches.find((match) => match.acceleratorId === "acme-x1")!;
    expect(acme.price).toMatchObject({
      usdPerHour: 0.5,
      asOf: "2026-11-01",
      source: "internal price list",
    });
    expect(acme.rank).toBe(1); // fastest decode and cheapest hour: the lowest $ per token

    const replaced = await rankInstances("meta-llama/Meta-Llama-3-8B", {
      catalog: ACME,
      catalogMode: "replace",
    });
    expect(replaced.matches.map((match) => match.instanceId)).toEqual(["acme/x1-1"]);
  });

  it("rejects an instance naming an unknown accelerator, and unknown models, with typed errors", async () => {
    const bad: GpuCatalogFile = {
      instances: {
        "acme/ghost": { ...ACME.instances!["acme/x1-1"]!, acceleratorId: "acme-ghost" },
      },
    };
    await expect(rankGpus("meta-llama/Meta-Llama-3-8B", { catalog: bad })).rejects.toMatchObject({
      code: "CATALOG_INVALID",
    });
    await expect(rankGpus("nobody/nothing")).rejects.toBeInstanceOf(ModelNotFoundError);
  });
});

describe("readCatalogFile", () => {
  const dir = mkdtempSync(join(tmpdir(), "vramfit-catalog-"));

  it("reads and validates a catalog file, returned as written for the catalog option", async () => {
    const path = join(dir, "ok.json");
    writeFileSync(path, JSON.stringify({ mode: "replace", ...ACME }));
    const catalog = await readCatalogFile(path);
    expect(catalog).toEqual({ mode: "replace", ...ACME });
    expect(parseGpuCatalog(catalog).accelerators?.["acme-x1"]?.memoryBytes).toBe(192 * 2 ** 30);
  });

  it("reports a missing file and broken JSON as CATALOG_INVALID with a hint", async () => {
    await expect(readCatalogFile(join(dir, "missing.json"))).rejects.toMatchObject({
      code: "CATALOG_INVALID",
    });
    const broken = join(dir, "broken.json");
    writeFileSync(broken, "{ not json");
    const error = await readCatalogFile(broken).catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(VramfitError);
    expect((error as VramfitError).message).toContain("not valid JSON");
  });
});
