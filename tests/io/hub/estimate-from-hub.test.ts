import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import {
  estimateInference,
  HubError,
  InvalidConfigError,
  resolveModel,
} from "../../../src/index.js";
import { FakeHub } from "../../helpers/fake-hub.js";
import {
  APPROVED_TOKEN,
  GPT2_COUNTS,
  hubRepos,
  isolatedEnv,
  KNOWN_TOKENS,
  LLAMA_8B_PARAMETERS,
  sha,
  TINY_PARAMETERS,
  UNAPPROVED_TOKEN,
} from "../../helpers/hub-fixtures.js";

let hub: FakeHub;
beforeAll(async () => {
  hub = await FakeHub.start(hubRepos(), { tokens: KNOWN_TOKENS });
});
afterAll(async () => {
  await hub.close();
});
beforeEach(() => {
  hub.reset();
});

/** Options that reach the fake Hub, with a fresh home and cache (and a token when given). */
function via(extra: Record<string, string> = {}) {
  return { hubUrl: hub.url, env: isolatedEnv(extra) };
}

const described = (request: { method: string; path: string; range: string | undefined }) =>
  `${request.method} ${request.path.replace(/\/resolve\/[0-9a-f]{40}\//, "/resolve/<sha>/")}${request.range === undefined ? "" : ` ${request.range}`}`;

describe("exact parameter counts from the safetensors headers", () => {
  it("a single-file repo: the count of its tensors, the BF16 bytes they hold, the commit it read", async () => {
    const estimate = await estimateInference("test-org/tiny", via());
    expect(estimate.parameters.source).toBe("safetensors");
    expect(estimate.parameters.total).toBe(TINY_PARAMETERS);
    expect(estimate.memory.weightsBytes).toBe(TINY_PARAMETERS * 2);
    expect(estimate.model.source).toEqual({
      kind: "hub",
      repo: "test-org/tiny",
      revision: "main",
      sha: sha(1),
      endpoint: hub.url,
    });
    expect(estimate.assumptions.notes).toContain(
      `parameters: ${TINY_PARAMETERS} read from the safetensors headers`,
    );
  });

  it("Meta-Llama-3-8B in 4 shards (gated, approved token) sums to its published 8,030,261,248", async () => {
    const estimate = await estimateInference(
      "meta-llama/Meta-Llama-3-8B",
      via({ HF_TOKEN: APPROVED_TOKEN }),
    );
    expect(estimate.parameters.total).toBe(LLAMA_8B_PARAMETERS);
    expect(estimate.parameters.source).toBe("safetensors");
    expect(estimate.memory.weightsBytes).toBe(2 * LLAMA_8B_PARAMETERS);
  });

  it("GPTQ: packed I32 weights count unpacked; the weights are the bytes stored, worked by hand", async () => {
    const resolved = await resolveModel("test-org/gptq", via());
    // Projections of both layers hold Σ in×out = 2 × (2·256² + 2·128·256 + 3·512·256) weights.
    const projectionWeights = 2 * (2 * 256 * 256 + 2 * 128 * 256 + 3 * 512 * 256);
    const f16Rest = 2 * 1000 * 256 + 5 * 256; // embeddings, head, norms
    expect(resolved.checkpoint?.parameterCount).toBe(projectionWeights + f16Rest);
    // 4-bit payload (½ byte), a 4-bit zero per 128 and an F16 scale per 128 (in×out/256 + in×out/64 bytes),
    // a 4-byte g_idx per input column (6 × 256 + 512 per layer), F16 for the rest.
    const gIdx = 2 * (6 * 256 + 512) * 4;
    const stored =
      projectionWeights / 2 + projectionWeights / 256 + projectionWeights / 64 + gIdx + f16Rest * 2;
    expect(resolved.checkpoint?.storedWeightsBytes).toBe(stored);

    const auto = await estimateInference("test-org/gptq", via());
    expect(auto.memory.weightsBytes).toBe(stored);
    // A what-if precision of an already-quantized checkpoint is refused, not silently applied.
    await expect(
      estimateInference("test-org/gptq", { ...via(), weights: "bf16" }),
    ).rejects.toMatchObject({ code: "ALREADY_QUANTIZED", method: "gptq", requested: "bf16" });
  });

  it("FP8: one byte per projection weight plus its F32 scales; scales are not parameters", async () => {
    const { checkpoint } = await resolveModel("test-org/fp8", via());
    const projections = 2 * (2 * 256 * 256 + 2 * 128 * 256 + 3 * 512 * 256);
    const rest = TINY_PARAMETERS - projections;
    const scaleRows = 2 * (256 + 128 + 128 + 256 + 512 + 512 + 256); // one F32 per output row
    expect(checkpoint).toMatchObject({
      parameterCount: TINY_PARAMETERS,
      parametersByDtype: { F8_E4M3: projections, BF16: rest },
      storedWeightsBytes: projections + rest * 2 + scaleRows * 4,
    });
  });

  it("GPT-2: the causal-mask buffers the Hub counts (137,022,720) are not parameters (124,439,808)", async () => {
    const estimate = await estimateInference("openai-community/gpt2", via());
    expect(estimate.parameters).toMatchObject({
      total: GPT2_COUNTS.parameters,
      source: "safetensors",
    });
    expect(GPT2_COUNTS.hub - GPT2_COUNTS.parameters).toBe(12 * 1024 * 1024);
    // An F32 checkpoint: weights auto serves it at 16 bits, 2 bytes per parameter.
    expect(estimate.memory.weightsBytes).toBeCloseTo(2 * GPT2_COUNTS.parameters, 0);
  });

  it("a --params override still wins over the checkpoint", async () => {
    const estimate = await estimateInference("test-org/tiny", { ...via(), parameterCount: 1e6 });
    expect(estimate.parameters).toMatchObject({ total: 1e6, source: "override" });
  });

  it("no safetensors: counts from config.json and says so", async () => {
    const estimate = await estimateInference("test-org/no-safetensors", via());
    expect(estimate.parameters.source).toBe("config");
    expect(estimate.parameters.total).toBe(TINY_PARAMETERS);
    expect(estimate.warnings[0]).toMatch(
      /test-org\/no-safetensors@000000060000 has no safetensors weights \(only pytorch_model\.bin\): the parameter count is counted from config\.json/,
    );
  });

  it("ambiguous safetensors files without a standard name: the Hub's summary", async () => {
    const estimate = await estimateInference("test-org/variants", via());
    expect(estimate.parameters).toMatchObject({ total: 1_234_567, source: "hub-summary" });
    expect(estimate.memory.weightsBytes).toBeCloseTo(1_234_567 * 2, 0);
  });
});

describe("request counts", () => {
  it("cold, two shards: 5 requests (model info, config.json, index, 2 shards); warm: 0 for main within 10 minutes, 1 after, 0 for a commit", async () => {
    const options = via();
    await estimateInference("test-org/sharded", options);
    expect(hub.requests.map(described)).toEqual(
      expect.arrayContaining([
        "GET /api/models/test-org/sharded/revision/main",
        "GET /test-org/sharded/resolve/<sha>/config.json bytes=0-262143",
        "GET /test-org/sharded/resolve/<sha>/model.safetensors.index.json bytes=0-262143",
        "GET /test-org/sharded/resolve/<sha>/model-00001-of-00002.safetensors bytes=0-99999",
        "GET /test-org/sharded/resolve/<sha>/model-00002-of-00002.safetensors bytes=0-99999",
      ]),
    );
    expect(hub.requests).toHaveLength(5);

    hub.reset();
    const warm = await estimateInference("test-org/sharded", options);
    expect(hub.requests).toHaveLength(0); // main was confirmed just now
    expect(warm.model.source.kind).toBe("cache");
    expect(warm.parameters.source).toBe("safetensors");

    hub.reset();
    const asked = await estimateInference("test-org/sharded", { ...options, branchMaxAgeMs: 0 });
    expect(hub.requests.map(described)).toEqual(["GET /api/models/test-org/sharded/revision/main"]);
    expect(asked.memory).toEqual(warm.memory);

    hub.reset();
    const pinned = await estimateInference("test-org/sharded", { ...options, revision: sha(2) });
    expect(hub.requests).toHaveLength(0);
    expect(pinned.memory).toEqual(warm.memory);
  });

  it("the critical path is two round trips: every file read starts before the first one answers", async () => {
    const slow = await FakeHub.start(hubRepos(), { latencyMs: 300 });
    try {
      await estimateInference("test-org/sharded", { hubUrl: slow.url, env: isolatedEnv() });
      const files = slow.requests.filter((request) => request.path.includes("/resolve/"));
      expect(files).toHaveLength(4);
      const firstAnswer = Math.min(...files.map((request) => request.atMs)) + 300;
      for (const request of files) expect(request.atMs).toBeLessThan(firstAnswer);
    } finally {
      await slow.close();
    }
  });

  it("offline makes no request, from the cache a previous online run filled", async () => {
    const options = via();
    const online = await estimateInference("test-org/tiny", options);
    hub.reset();
    const offline = await estimateInference("test-org/tiny", { ...options, offline: true });
    expect(hub.requests).toHaveLength(0);
    expect(offline.model.source).toMatchObject({ kind: "cache", sha: sha(1), revision: "main" });
    expect(offline.memory).toEqual(online.memory);
  });

  it("HF_HUB_OFFLINE=1 makes no request either", async () => {
    await expect(
      estimateInference("test-org/tiny", via({ HF_HUB_OFFLINE: "1" })),
    ).rejects.toMatchObject({ code: "MODEL_NOT_FOUND" });
    expect(hub.requests).toHaveLength(0);
  });
});

describe("revisions", () => {
  it("a tag resolves to its commit and every file is read at that commit", async () => {
    hub.add({ ...hubRepos()[0]!, id: "test-org/tagged", refs: { "v1.0": sha(101) } });
    const estimate = await estimateInference("test-org/tagged", { ...via(), revision: "v1.0" });
    expect(estimate.model.source).toMatchObject({ revision: "v1.0", sha: sha(101) });
    const files = hub.requests.filter((request) => request.path.includes("/resolve/"));
    expect(files.length).toBeGreaterThan(0);
    for (const request of files) expect(request.path).toContain(`/resolve/${sha(101)}/`);
  });

  it("an unknown revision: HUB_REVISION_NOT_FOUND with the request id", async () => {
    const error = await estimateInference("test-org/tiny", { ...via(), revision: "nope" }).catch(
      (caught: unknown) => caught,
    );
    expect(error).toBeInstanceOf(HubError);
    expect(error).toMatchObject({ code: "HUB_REVISION_NOT_FOUND", status: 404 });
    expect((error as HubError).message).toMatch(
      /^test-org\/tiny has no revision "nope" \(HTTP 404, request id Root=1-test-\d+\)\./,
    );
  });
});

describe("access", () => {
  it("gated without a token: HUB_GATED, pointing at the model page and HF_TOKEN", async () => {
    const error = (await estimateInference("test-org/gated", via()).catch(
      (e: unknown) => e,
    )) as HubError;
    expect(error.code).toBe("HUB_GATED");
    expect(error.status).toBe(401);
    expect(error.requestId).toMatch(/^Root=1-test-/);
    expect(error.hint).toContain(`Request access at ${hub.url}/test-org/gated`);
    expect(error.hint).toContain("HF_TOKEN");
  });

  it("gated with a token that is not approved: HUB_ACCESS_DENIED (403)", async () => {
    const error = await estimateInference(
      "test-org/gated",
      via({ HF_TOKEN: UNAPPROVED_TOKEN }),
    ).catch((e: unknown) => e);
    expect(error).toMatchObject({ code: "HUB_ACCESS_DENIED", status: 403 });
    expect((error as HubError).message).toContain("not approved");
  });

  it("gated with an approved token: read, and the token only ever went to the Hub", async () => {
    const estimate = await estimateInference("test-org/gated", via({ HF_TOKEN: APPROVED_TOKEN }));
    expect(estimate.parameters.source).toBe("safetensors");
    expect(
      hub.requests.every((request) => request.authorization === `Bearer ${APPROVED_TOKEN}`),
    ).toBe(true);
  });

  it("the token also comes from HUGGING_FACE_HUB_TOKEN and from the accessToken option", async () => {
    await expect(
      estimateInference("test-org/gated", via({ HUGGING_FACE_HUB_TOKEN: APPROVED_TOKEN })),
    ).resolves.toBeDefined();
    await expect(
      estimateInference("test-org/gated", {
        ...via({ HF_TOKEN: UNAPPROVED_TOKEN }),
        accessToken: APPROVED_TOKEN,
      }),
    ).resolves.toBeDefined();
  });

  it("private or missing, anonymous (401) and with a token (404): HUB_REPO_NOT_FOUND saying both are possible", async () => {
    for (const [repo, env, status] of [
      ["test-org/private", {}, 401],
      ["test-org/private", { HF_TOKEN: UNAPPROVED_TOKEN }, 404],
      ["test-org/missing", {}, 401],
      ["test-org/missing", { HF_TOKEN: UNAPPROVED_TOKEN }, 404],
    ] as const) {
      const error = await estimateInference(repo, via(env)).catch((e: unknown) => e);
      expect(error).toMatchObject({ code: "HUB_REPO_NOT_FOUND", status });
      expect((error as HubError).message).toContain("was not found");
      expect((error as HubError).message).toContain("or it is private");
    }
    const readable = await estimateInference("test-org/private", via({ HF_TOKEN: APPROVED_TOKEN }));
    expect(readable.parameters.total).toBe(TINY_PARAMETERS);
  });

  it("a token the Hub does not know: HUB_INVALID_TOKEN naming where it came from, not what it is", async () => {
    const error = (await estimateInference(
      "test-org/tiny",
      via({ HF_TOKEN: "hf_NotAKnownToken" }),
    ).catch((e: unknown) => e)) as HubError;
    expect(error.code).toBe("HUB_INVALID_TOKEN");
    expect(error.message).toContain("from HF_TOKEN");
    expect(error.message).not.toContain("hf_NotAKnownToken");
  });
});

describe("bad files", () => {
  it("a malformed config.json names the repo, the commit and the field", async () => {
    const error = await estimateInference("test-org/bad-config", via()).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(InvalidConfigError);
    expect((error as Error).message).toMatch(
      /^Invalid config.json for test-org\/bad-config@0000000a0000 at "hidden_size": expected a number, got the string "4096"/,
    );
  });

  it("config.json that is not JSON", async () => {
    await expect(estimateInference("test-org/not-json-config", via())).rejects.toThrow(
      /Invalid config.json for test-org\/not-json-config@0000000f0000: not valid JSON/,
    );
  });

  it("__proto__ keys are dropped: the hidden layer count is missing, and no prototype is touched", async () => {
    const error = await estimateInference("test-org/proto-config", via()).catch((e: unknown) => e);
    expect(error).toMatchObject({ code: "CONFIG_INVALID", path: "num_hidden_layers" });
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
  });

  it("a config over 4 MiB is refused before it is read", async () => {
    await expect(estimateInference("test-org/huge-config", via())).rejects.toThrow(
      /the file is 5242880 bytes, more than the 4194304 a config.json can be/,
    );
    const configReads = hub.requests.filter((request) => request.path.endsWith("config.json"));
    expect(configReads).toHaveLength(1); // the first 256 KiB only
  });

  it("a safetensors header declared over 25 MB: WEIGHTS_INVALID naming the file", async () => {
    const error = await estimateInference("test-org/huge-header", via()).catch((e: unknown) => e);
    expect(error).toMatchObject({ code: "WEIGHTS_INVALID" });
    expect((error as Error).message).toMatch(/model\.safetensors.*header is too big/);
  });

  it("a tensor with broken data_offsets: WEIGHTS_INVALID naming the file and the tensor", async () => {
    const error = await estimateInference("test-org/bad-header", via()).catch((e: unknown) => e);
    expect(error).toMatchObject({ code: "WEIGHTS_INVALID" });
    expect((error as Error).message).toContain(
      'model.safetensors: tensor "model.norm.weight" has invalid data_offsets',
    );
  });
});
