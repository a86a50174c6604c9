import { describe, expect, it } from "vitest";
import { VramfitError } from "../../../src/errors.js";
import { parseGpuCatalog } from "../../../src/hardware/catalog-file.js";
import { isCsvProblem, parseCsv } from "../../../src/hardware/prices/csv.js";
import { priceFileFrom, summarizePriceFile } from "../../../src/hardware/prices/price-file.js";
import { parseSkypilotCatalog } from "../../../src/hardware/prices/skypilot-prices.js";
import { LAMBDA_VMS_CSV, LAMBDA_VMS_URL } from "../../fixtures/prices/lambda-vms.js";

const lambda = (region: string | null = null) =>
  parseSkypilotCatalog(LAMBDA_VMS_CSV, {
    provider: "lambda",
    source: LAMBDA_VMS_URL,
    retrieved: "2026-12-07",
    region,
  });

// The AWS file's column order (catalogs/v7/aws/vms.csv @001367d2 header). The rows are made up
// to check the arithmetic by hand: two regions, two zones each.
const AWS_LAYOUT = `InstanceType,AcceleratorName,AcceleratorCount,vCPUs,MemoryGiB,GpuInfo,Price,SpotPrice,Region,AvailabilityZone
x.gpu,V100,1.0,8.0,61.0,,3.06,0.4798,us-east-1,use1-az1
x.gpu,V100,1.0,8.0,61.0,,3.06,0.3635,us-east-1,use1-az2
x.gpu,V100,1.0,8.0,61.0,,2.5,0.9,us-west-2,usw2-az1
x.gpu,V100,1.0,8.0,61.0,,2.5,0.7,us-west-2,usw2-az2
x.frac,V100,0.5,4.0,30.0,,1.0,0.3,us-east-1,use1-az1
`;
const aws = (region: string | null = null) =>
  parseSkypilotCatalog(AWS_LAYOUT, {
    provider: "lambda", // the names in the table are Lambda's; the layout is what is tested
    source: "test",
    retrieved: "2026-12-07",
    region,
  });

describe("parseCsv", () => {
  it("reads quoted fields with commas and doubled quotes, LF and CRLF", () => {
    const table = parseCsv('a,b,c\r\n1,"x, ""y""",3\n\n4,,6\n');
    expect(table).toEqual({
      header: ["a", "b", "c"],
      rows: [
        ["1", 'x, "y"', "3"],
        ["4", "", "6"],
      ],
    });
  });

  it("reports a row cut short and an unclosed quote (a partial download)", () => {
    const short = parseCsv("a,b,c\n1,2,3\n4,5");
    expect(isCsvProblem(short) && short).toEqual({
      line: 3,
      problem: "2 fields where the header has 3 (is the file cut short?)",
    });
    const open = parseCsv('a,b\n1,"{x');
    expect(isCsvProblem(open) && open.problem).toMatch(/not closed/);
  });
});

describe("parseSkypilotCatalog", () => {
  it("keeps GPU types with a confirmed accelerator, in the cheapest region, and reports the rest", () => {
    const prices = lambda();
    expect(Object.keys(prices.instances)).toEqual([
      "lambda/gpu_1x_a6000",
      "lambda/gpu_8x_a100",
      "lambda/gpu_8x_v100",
    ]);
    // Same price in every Lambda region: the tie goes to the alphabetically first region.
    expect(prices.instances["lambda/gpu_8x_a100"]).toEqual({
      provider: "lambda",
      name: "gpu_8x_a100",
      acceleratorId: "nvidia-a100-40gb-sxm",
      gpuCount: 8,
      vcpus: 124,
      ramGiB: 1800,
      region: "europe-central-1",
      onDemandUsdPerHour: 10.32,
      spotUsdPerHour: null,
      priceSource: LAMBDA_VMS_URL,
      priceAsOf: "2026-12-07",
      priceRetrieved: "2026-12-07",
      notes: "SkyPilot catalog, cheapest region; spot = lowest zone",
    });
    expect(prices.instances["lambda/gpu_8x_v100"]?.region).toBe("us-east-1");
    expect(prices.unknownAccelerators).toEqual([
      { name: "GH200", instanceTypes: 1 },
      { name: "H100", instanceTypes: 1 },
    ]);
    expect(prices.kind).toBe("skypilot-prices");
  });

  it("prices the cheapest region on demand, with that region's lowest spot zone", () => {
    const prices = aws();
    // us-west-2 at $2.50 beats us-east-1 at $3.06; its zones' spot prices are 0.9 and 0.7.
    expect(prices.instances["lambda/x.gpu"]).toMatchObject({
      region: "us-west-2",
      onDemandUsdPerHour: 2.5,
      spotUsdPerHour: 0.7,
      vcpus: 8,
      ramGiB: 61,
    });
    expect(prices.skipped).toEqual([
      { instanceType: "x.frac", reason: "0.5 GPUs: not a whole GPU" },
    ]);
  });

  it("prices the region asked for, and says when a type has none there", () => {
    // us-east-1: $3.06 on demand, the lower zone's spot is 0.3635.
    expect(aws("us-east-1").instances["lambda/x.gpu"]).toMatchObject({
      region: "us-east-1",
      onDemandUsdPerHour: 3.06,
      spotUsdPerHour: 0.3635,
    });
    const none = aws("eu-west-1");
    expect(none.instances).toEqual({});
    expect(none.skipped).toContainEqual({ instanceType: "x.gpu", reason: "no price in eu-west-1" });
  });

  it("refuses a file without the columns, a bad number, or a row cut short", () => {
    const source = { provider: "lambda", source: "bad.csv", retrieved: "2026-12-07", region: null };
    const codeOf = (text: string): string => {
      try {
        parseSkypilotCatalog(text, source);
        return "none";
      } catch (error) {
        return error instanceof VramfitError ? `${error.code}: ${error.message}` : "other";
      }
    };
    expect(codeOf("<html>not found</html>\n")).toMatch(/^PRICES_INVALID: .*no InstanceType/);
    expect(
      codeOf("InstanceType,AcceleratorName,AcceleratorCount,Price,Region\na,V100,1,abc,r\n"),
    ).toMatch(/Price "abc" is not a non-negative number/);
    expect(codeOf(LAMBDA_VMS_CSV.slice(0, LAMBDA_VMS_CSV.length - 40))).toMatch(/cut short/);
  });
});

describe("the price file", () => {
  it("is a valid catalog file in extend mode, dated, and its age is counted in days", () => {
    const file = priceFileFrom([lambda()]);
    expect(file.mode).toBe("extend");
    expect(() => parseGpuCatalog(file)).not.toThrow();
    // 2026-12-07 → 2027-03-07: 24 + 31 + 28 + 7 = 90 days, not over 90; one more day is.
    expect(summarizePriceFile(file, "2027-03-07")).toEqual({
      kind: "price-file-summary",
      instanceCount: 3,
      oldestRetrieved: "2026-12-07",
      ageDays: 90,
      stale: false,
      sources: [LAMBDA_VMS_URL],
    });
    expect(summarizePriceFile(file, "2027-03-08").stale).toBe(true);
  });
});
