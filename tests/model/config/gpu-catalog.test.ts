import { describe, expect, it } from "vitest";
import { parseGpuCatalog, VramfitError } from "../../../src/index.js";

describe("parseGpuCatalog", () => {
  it("converts the convenience units to bytes and per-second figures, and fills a private GPU's defaults", () => {
    const catalog = parseGpuCatalog({
      accelerators: {
        "acme-x1": {
          name: "Acme X1",
          memoryGiB: 96,
          memoryBandwidthTBps: 4,
          bf16DenseTflops: 800,
          fp8DenseTflops: 1600,
        },
        "acme-x0": { name: "Acme X0", memoryGB: 24, memoryBandwidthBytesPerSecond: 1e12 },
      },
      instances: {
        "acme/x1-8": {
          provider: "ACME",
          name: "x1-8",
          acceleratorId: "acme-x1",
          gpuCount: 8,
          ramGiB: 1024,
          onDemandUsdPerHour: 20,
          priceSource: "internal price list",
          priceAsOf: "2026-11-01",
        },
      },
    });
    expect(catalog.mode).toBe("extend");
    expect(catalog.accelerators?.["acme-x1"]).toMatchObject({
      memoryBytes: 96 * 2 ** 30,
      memorySource: "driver",
      memoryBandwidthBytesPerSecond: 4e12,
      bf16DenseFlopsPerSecond: 800e12,
      fp8DenseFlopsPerSecond: 1600e12,
      fp8: "native",
      fp4: false,
      bf16: true,
      sources: ["user catalog"],
    });
    expect(catalog.accelerators?.["acme-x0"]).toMatchObject({
      memoryBytes: 24e9,
      memorySource: "marketed",
      fp8: "none",
      bf16DenseFlopsPerSecond: null,
    });
    expect(catalog.instances?.["acme/x1-8"]).toMatchObject({
      provider: "acme",
      ramBytes: 1024 * 2 ** 30,
      spotUsdPerHour: null,
      priceRetrieved: "2026-11-01",
    });
  });

  it("rejects a misspelt field with its JSON path", () => {
    const error = (() => {
      try {
        parseGpuCatalog(
          { accelerators: { x: { name: "X", memoryGiB: 8, bf16Tflops: 1 } } },
          "my.json",
        );
      } catch (caught) {
        return caught;
      }
      return undefined;
    })();
    expect(error).toBeInstanceOf(VramfitError);
    expect((error as VramfitError).code).toBe("CATALOG_INVALID");
    expect((error as VramfitError).message).toContain('my.json at "accelerators.x"');
    expect((error as VramfitError).hint).toContain("docs/methodology.md#gpu-catalog");
  });

  it("requires the memory exactly once, and a price with its source and date", () => {
    expect(() => parseGpuCatalog({ accelerators: { x: { name: "X" } } })).toThrow(
      /memory exactly once/,
    );
    expect(() =>
      parseGpuCatalog({ accelerators: { x: { name: "X", memoryGB: 8, memoryGiB: 8 } } }),
    ).toThrow(/memory exactly once/);
    const instance = {
      provider: "p",
      name: "n",
      acceleratorId: "nvidia-t4",
      gpuCount: 1,
      priceSource: "s",
      priceAsOf: "2026",
    };
    expect(() => parseGpuCatalog({ instances: { "p/n": instance } })).toThrow(/at least one price/);
    expect(() =>
      parseGpuCatalog({
        instances: { "p/n": { ...instance, onDemandUsdPerHour: 1, priceAsOf: undefined } },
      }),
    ).toThrow(/priceAsOf/);
    expect(() =>
      parseGpuCatalog({
        instances: { "p/n": { ...instance, gpuCount: 0.5, onDemandUsdPerHour: 1 } },
      }),
    ).toThrow(/gpuCount/);
    expect(() => parseGpuCatalog([])).toThrow(VramfitError);
  });
});
