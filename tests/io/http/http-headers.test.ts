// vramfit's undici-free headers against the runtime's own `Headers` (undici on Node), the
// oracle: the same operations must leave the same names, values and order.
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { HttpHeaders } from "../../../src/io/http/http-headers.js";

const name = fc.constantFrom(
  "Range",
  "range",
  "X-Repo-Commit",
  "x-repo-commit",
  "ETag",
  "Accept",
  "set-cookie",
  "Set-Cookie",
);
const value = fc.stringMatching(/^[ a-zA-Z0-9=;,/-]{0,12}$/);
const operation = fc.oneof(
  fc.tuple(fc.constant("append" as const), name, value),
  fc.tuple(fc.constant("set" as const), name, value),
  fc.tuple(fc.constant("delete" as const), name, value),
);

describe("HttpHeaders", () => {
  it("keeps what the runtime's Headers keeps, for any sequence of changes", () => {
    fc.assert(
      fc.property(fc.array(operation, { maxLength: 12 }), (operations) => {
        const ours = new HttpHeaders();
        const runtime = new Headers();
        for (const [op, n, v] of operations) {
          if (op === "delete") {
            ours.delete(n);
            runtime.delete(n);
          } else {
            ours[op](n, v);
            runtime[op](n, v);
          }
        }
        expect([...ours]).toEqual([...runtime]);
        expect(ours.getSetCookie()).toEqual(runtime.getSetCookie());
        for (const n of ["range", "ETAG", "set-cookie", "missing"]) {
          expect(ours.get(n)).toBe(runtime.get(n));
          expect(ours.has(n)).toBe(runtime.has(n));
        }
      }),
    );
  });

  it("copies a runtime Headers, pairs and a plain object alike", () => {
    const expected = [
      ["accept", "*/*"],
      ["range", "bytes=0-7"],
    ];
    expect([...new HttpHeaders(new Headers({ Range: "bytes=0-7", Accept: "*/*" }))]).toEqual(
      expected,
    );
    expect([
      ...new HttpHeaders([
        ["Range", "bytes=0-7"],
        ["Accept", "*/*"],
      ]),
    ]).toEqual(expected);
    expect([...new HttpHeaders({ Range: "bytes=0-7", Accept: "*/*" })]).toEqual(expected);
    const copied = new Headers(new HttpHeaders({ Range: "bytes=0-7" }));
    expect(copied.get("range")).toBe("bytes=0-7");
  });

  it("forEach visits names sorted, with the headers as third argument", () => {
    const headers = new HttpHeaders({ b: "2", a: "1" });
    const seen: string[] = [];
    headers.forEach((v, n, parent) => {
      seen.push(`${n}=${v}`);
      expect(parent).toBe(headers);
    });
    expect(seen).toEqual(["a=1", "b=2"]);
  });
});
