import { describe, expect, it } from "vitest";
import { BUFFER_TENSOR, filesToPrefetch, planWeights } from "../../../src/io/hub/weights.js";

const shards = (total: number, count = total) =>
  Array.from(
    { length: count },
    (_, i) =>
      `model-${String(i + 1).padStart(5, "0")}-of-${String(total).padStart(5, "0")}.safetensors`,
  );

describe("planWeights: which safetensors file to read", () => {
  it("prefers transformers' names: the index, then model.safetensors", () => {
    expect(
      planWeights(
        ["config.json", "model.safetensors.index.json", "model.safetensors", ...shards(2)],
        undefined,
      ),
    ).toEqual({
      kind: "safetensors",
      path: "model.safetensors.index.json",
    });
    expect(planWeights(["model.safetensors", "other.safetensors"], undefined)).toEqual({
      kind: "safetensors",
      path: "model.safetensors",
    });
  });

  it("takes the only root-level file or index otherwise, never one in a subfolder", () => {
    expect(planWeights(["consolidated.safetensors", "original/x.safetensors"], undefined)).toEqual({
      kind: "safetensors",
      path: "consolidated.safetensors",
    });
    expect(planWeights(["a.safetensors", "b.safetensors"], undefined).kind).toBe("none");
  });

  it("falls back to the Hub's summary, then to nothing (listing the other weight files)", () => {
    expect(
      planWeights(["a.safetensors", "b.safetensors"], { parameters: { BF16: 5 }, total: 5 }),
    ).toMatchObject({
      kind: "hub-summary",
    });
    expect(
      planWeights(["config.json", "pytorch_model.bin", "model.gguf", "README.md"], undefined),
    ).toEqual({
      kind: "none",
      weightFiles: ["pytorch_model.bin", "model.gguf"],
    });
  });
});

describe("filesToPrefetch", () => {
  const index = { kind: "safetensors", path: "model.safetensors.index.json" } as const;

  it("the index and its complete shard set", () => {
    expect(filesToPrefetch(index, ["config.json", ...shards(3)])).toEqual([
      index.path,
      ...shards(3),
    ]);
  });

  it("only the index when the set is incomplete or mixes two uploads", () => {
    expect(filesToPrefetch(index, shards(3, 2))).toEqual([index.path]);
    expect(filesToPrefetch(index, [...shards(2), ...shards(3)])).toEqual([index.path]);
  });

  it("a single file is itself; no safetensors, nothing", () => {
    expect(filesToPrefetch({ kind: "safetensors", path: "model.safetensors" }, [])).toEqual([
      "model.safetensors",
    ]);
    expect(filesToPrefetch({ kind: "none", weightFiles: [] }, [])).toEqual([]);
  });
});

describe("BUFFER_TENSOR", () => {
  it("matches GPT-2's causal masks and rotary inv_freq, not real biases", () => {
    for (const name of [
      "h.0.attn.bias",
      "transformer.h.11.attn.masked_bias",
      "model.layers.0.self_attn.rotary_emb.inv_freq",
    ]) {
      expect(BUFFER_TENSOR.test(name)).toBe(true);
    }
    for (const name of [
      "h.0.attn.c_attn.bias",
      "model.layers.0.self_attn.bias",
      "h.0.mlp.c_fc.bias",
    ]) {
      expect(BUFFER_TENSOR.test(name)).toBe(false);
    }
  });
});
