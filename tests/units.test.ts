import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { bytesToGB, bytesToGiB, formatBytes, gibToBytes } from "../src/index.js";
import { formatInteger, mibToBytes } from "../src/units.js";

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

  it("groups whole numbers by thousands as en-US does, without Intl", () => {
    expect(formatInteger(10_737_418_240)).toBe("10,737,418,240");
    expect(formatInteger(999)).toBe("999");
    expect(formatInteger(1000)).toBe("1,000");
    expect(formatInteger(-4970.4)).toBe("-4,970");
    expect(formatInteger(1e21)).toBe("1,000,000,000,000,000,000,000");
    expect(formatInteger(Number.POSITIVE_INFINITY)).toBe("Infinity");
    // Intl is the independent oracle here (the library avoids it: ICU loads in ~28 ms).
    const en = new Intl.NumberFormat("en-US", { maximumFractionDigits: 0 });
    fc.assert(
      fc.property(fc.integer({ min: -(2 ** 53) + 1, max: 2 ** 53 - 1 }), (value) => {
        expect(formatInteger(value)).toBe(value === 0 ? "0" : en.format(value));
      }),
    );
  });
});
