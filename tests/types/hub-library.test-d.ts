import { describe, expectTypeOf, it } from "vitest";
import { FETCH_HUB_LIBRARY } from "../../src/io/hub/fetch-hub-library.js";
import type { HubFile, HubLibrary } from "../../src/io/hub/hub-library.js";

type RealHub = typeof import("@huggingface/hub");

describe("HubLibrary, the part of @huggingface/hub vramfit uses", () => {
  it("is satisfied by the real @huggingface/hub", () => {
    expectTypeOf<RealHub>().toExtend<HubLibrary>();
  });

  it("is satisfied by the fetch-only implementation, as an object and as a module", () => {
    expectTypeOf(FETCH_HUB_LIBRARY).toEqualTypeOf<HubLibrary>();
    expectTypeOf<typeof import("../../src/io/hub/fetch-hub-library.js")>().toExtend<HubLibrary>();
  });

  it("narrows HubApiError to what toVramfitError reads, as the real class does", () => {
    type Narrowed = InstanceType<HubLibrary["HubApiError"]>;
    expectTypeOf<Narrowed["statusCode"]>().toEqualTypeOf<number>();
    expectTypeOf<Narrowed["url"]>().toEqualTypeOf<string>();
    expectTypeOf<InstanceType<RealHub["HubApiError"]>>().toExtend<Narrowed>();
    expectTypeOf<InstanceType<RealHub["SafetensorParseError"]>>().toExtend<Error>();
  });

  it("keeps the result shapes read-hub-model.ts reads", () => {
    type Parsed = Awaited<ReturnType<HubLibrary["parseSafetensorsMetadata"]>>;
    expectTypeOf<Parsed["parameterCount"]>().toEqualTypeOf<Readonly<Record<string, number>>>();
    expectTypeOf<Parsed["filepaths"]>().toEqualTypeOf<string[]>();
    expectTypeOf<Awaited<ReturnType<HubLibrary["downloadFile"]>>>().toEqualTypeOf<HubFile | null>();
  });
});
