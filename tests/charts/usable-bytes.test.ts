import { describe, expect, it } from "vitest";
import { usableBytesOnCards } from "../../src/charts.js";

const CARD = { memoryBytes: 100e9 };
const RULE = { gpuMemoryUtilization: 0.9, runtimeOverheadBytesPerGpu: 2e9 };

describe("usableBytesOnCards: what a group of cards holds", () => {
  it("is cards × (utilization × memory − reserve) while the KV cache splits over every card", () => {
    const model = { attentionHeads: 32, kvHeads: 8, kvCacheShardableHeads: 8, shardedBytes: 50e9 };
    // 0.9 × 100 GB − 2 GB = 88 GB per card.
    expect(usableBytesOnCards(CARD, 1, model, RULE)).toEqual({ usableBytes: 88e9 });
    expect(usableBytesOnCards(CARD, 4, model, RULE)).toEqual({ usableBytes: 352e9 });
  });

  it("holds less when the KV cache is replicated (MLA's one latent on every card)", () => {
    // 4 cards, KV split over 1 rank: per card 60/4 + kv ≤ 88, so kv ≤ 73 GB and the total
    // 60 + 73 = 133 GB, which is 60 × (1 − 1/4) + 1 × 88.
    const model = { attentionHeads: 16, kvHeads: 16, kvCacheShardableHeads: 1, shardedBytes: 60e9 };
    expect(usableBytesOnCards(CARD, 4, model, RULE)).toEqual({ usableBytes: 133e9 });
  });

  it("says why when the heads cannot be split", () => {
    const model = { attentionHeads: 14, kvHeads: 2, kvCacheShardableHeads: 2, shardedBytes: 1e9 };
    expect(usableBytesOnCards(CARD, 4, model, RULE)).toEqual({
      usableBytes: null,
      problem: "TP 4 does not divide the 14 attention heads",
    });
  });
});
