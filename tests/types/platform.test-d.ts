import { describe, expectTypeOf, it } from "vitest";
import type * as browser from "../../src/io/platform/browser.js";
import type * as node from "../../src/io/platform/node.js";

/** Compiles only when `Twin` can stand wherever `Original` is expected. */
type StandsIn<Original, Twin extends Original> = Twin;

describe("#platform", () => {
  it("the browser twin stands in for every name of the Node platform", () => {
    expectTypeOf<StandsIn<typeof node, typeof browser>>().toEqualTypeOf<typeof browser>();
    expectTypeOf<keyof typeof node>().toEqualTypeOf<keyof typeof browser>();
  });
});
