import { describe, expect, it } from "vitest";
import { bytesToGB, bytesToGiB, formatBytes, gibToBytes } from "../src/index.js";
import { mibToBytes } from "../src/units.js";

describe("units", () => {
  it("uses SI units (multiples of 1000) for GB", () => {
    expect(bytesToGB(10_737_418_240)).toBeCloseTo(10.737, 3);
    expect(formatBytes(10_737_418_240)).toBe("10.74 GB");
  });

  it("uses IEC units (multiples of 1024) for GiB", () => {
    expect(bytesToGiB(10_737_418_240)).toBe(10);
    expect(formatBytes(10_737_418_240, { unit: "gib" })).toBe("10.00 GiB");
    expect(gibToBytes(1)).toBe(1_073_741_824);
    // An "80GB" H100 reports 81,559 MiB: 79.65 GiB, 85.52 GB.
    expect(formatBytes(mibToBytes(81_559), { unit: "gib" })).toBe("79.65 GiB");
    expect(formatBytes(mibToBytes(81_559))).toBe("85.52 GB");
  });
});
