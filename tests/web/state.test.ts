// The page's URL state: a link holds only what differs from the first view, reads back to the
// same state, ignores what it cannot use, and has no place for a token.
import { describe, expect, it } from "vitest";
import { DEFAULT_STATE, queryFromState, stateFromQuery } from "../../web/src/state.js";

describe("the page's URL state", () => {
  it("writes nothing for the first view, and only the changed fields otherwise", () => {
    expect(queryFromState(DEFAULT_STATE)).toBe("");
    const state = { ...DEFAULT_STATE, batch: 16, cards: [2, 4], unit: "gib" as const };
    expect(queryFromState(state)).toBe("?batch=16&cards=2%2C4&unit=gib");
  });

  it("reads back the state it wrote", () => {
    const state = {
      ...DEFAULT_STATE,
      source: "hub" as const,
      model: "test-org/tiny",
      revision: "v1.0",
      hub: "http://127.0.0.1:8080",
      mode: "train" as const,
      method: "qlora" as const,
      zero: 3 as const,
      checkpointing: true,
      util: 0.85,
      sort: "-max-context",
      plan: "realtime",
    };
    expect(stateFromQuery(queryFromState(state))).toEqual(state);
  });

  it("keeps the default for a value it cannot use", () => {
    const state = stateFromQuery("?batch=-3&mode=sleep&cards=1,x&util=abc&unit=kb&zero=7");
    expect(state).toEqual(DEFAULT_STATE);
  });

  it("has no field for a token: one in a link is ignored and never written back", () => {
    expect(Object.keys(DEFAULT_STATE).some((key) => /token|auth/i.test(key))).toBe(false);
    const state = stateFromQuery("?source=hub&model=org/gated&token=hf_secret&accessToken=hf_x");
    expect(queryFromState(state)).toBe("?source=hub&model=org%2Fgated");
  });
});
