import { mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { estimateInference, InvalidConfigError, resolveModel } from "../../../src/index.js";
import { FakeHub } from "../../helpers/fake-hub.js";
import {
  hubRepos,
  isolatedEnv,
  MODELOPT_FP8,
  sha,
  TINY_CONFIG,
  TINY_PARAMETERS,
  tempDir,
} from "../../helpers/hub-fixtures.js";

let hub: FakeHub;
beforeAll(async () => {
  hub = await FakeHub.start(hubRepos());
});
afterAll(async () => {
  await hub.close();
});
beforeEach(() => {
  hub.reset();
});

// Tiny by hand (hub-fixtures.ts): the projections of its 2 layers, and the rest.
const PROJECTIONS = 2 * (2 * 256 * 256 + 2 * 128 * 256 + 3 * 512 * 256);
const REST = TINY_PARAMETERS - PROJECTIONS;

const described = (request: { method: string; path: string }) =>
  `${request.method} ${request.path.replace(/\/resolve\/[0-9a-f]{40}\//, "/resolve/<sha>/")}`;

describe("ModelOpt's hf_quant_config.json, read with config.json", () => {
  it("from the Hub: FP8 from the file beside config.json, read in the same round trip", async () => {
    const { spec } = await resolveModel("test-org/modelopt-fp8", {
      hubUrl: hub.url,
      env: isolatedEnv(),
    });
    expect(spec.quantization).toMatchObject({ method: "modelopt", bits: 8 });
    expect(spec.quantization?.modulesNotQuantized).toEqual(["lm_head"]);
    expect(hub.requests.map(described)).toEqual(
      expect.arrayContaining([
        "GET /test-org/modelopt-fp8/resolve/<sha>/config.json",
        "GET /test-org/modelopt-fp8/resolve/<sha>/hf_quant_config.json",
      ]),
    );
  });

  it("a repo that does not list the file costs no request for it", async () => {
    await resolveModel("test-org/tiny", { hubUrl: hub.url, env: isolatedEnv() });
    expect(hub.requests.some((request) => request.path.endsWith("hf_quant_config.json"))).toBe(
      false,
    );
  });

  it("without safetensors, the weights are sized from the two files: FP8 projections, not BF16", async () => {
    const estimate = await estimateInference("test-org/modelopt-fp8-bin", {
      hubUrl: hub.url,
      env: isolatedEnv(),
    });
    expect(estimate.parameters.source).toBe("config");
    expect(estimate.assumptions.checkpointQuantization?.method).toBe("modelopt");
    expect(estimate.memory.weightsBytes).toBe(PROJECTIONS * 1 + REST * 2);
  });

  it("a what-if BF16 of the ModelOpt checkpoint is refused as already quantized", async () => {
    await expect(
      estimateInference("test-org/modelopt-fp8-bin", {
        hubUrl: hub.url,
        env: isolatedEnv(),
        weights: "bf16",
      }),
    ).rejects.toMatchObject({ code: "ALREADY_QUANTIZED", method: "modelopt" });
  });

  it("is cached with the snapshot: a warm or offline read has it without a request", async () => {
    const options = { hubUrl: hub.url, env: isolatedEnv() };
    await resolveModel("test-org/modelopt-fp8-bin", options);
    hub.reset();
    const offline = await resolveModel("test-org/modelopt-fp8-bin", { ...options, offline: true });
    expect(hub.requests).toHaveLength(0);
    expect(offline.source).toMatchObject({ kind: "cache", sha: sha(18) });
    expect(offline.spec.quantization).toMatchObject({ method: "modelopt", bits: 8 });
  });

  it("from a local folder: the file beside config.json (the folder or the file named)", async () => {
    const folder = tempDir("vramfit-modelopt-");
    writeFileSync(join(folder, "config.json"), JSON.stringify(TINY_CONFIG));
    writeFileSync(join(folder, "hf_quant_config.json"), JSON.stringify(MODELOPT_FP8));
    for (const path of [folder, join(folder, "config.json")]) {
      const estimate = await estimateInference(path, { env: isolatedEnv() });
      expect(estimate.model.source).toEqual({ kind: "file", path: join(folder, "config.json") });
      expect(estimate.memory.weightsBytes).toBe(PROJECTIONS * 1 + REST * 2);
    }
  });

  it("a local folder without the file is sized as its config says (BF16)", async () => {
    const folder = tempDir("vramfit-plain-");
    writeFileSync(join(folder, "config.json"), JSON.stringify(TINY_CONFIG));
    const estimate = await estimateInference(folder, { env: isolatedEnv() });
    expect(estimate.memory.weightsBytes).toBe(TINY_PARAMETERS * 2);
  });

  it("a local hf_quant_config.json that is not JSON is CONFIG_INVALID, naming the file", async () => {
    const folder = tempDir("vramfit-broken-");
    writeFileSync(join(folder, "config.json"), JSON.stringify(TINY_CONFIG));
    writeFileSync(join(folder, "hf_quant_config.json"), '{"quantization": ');
    const error = await resolveModel(folder, { env: isolatedEnv() }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(InvalidConfigError);
    expect((error as Error).message).toContain(join(folder, "hf_quant_config.json"));
  });

  it("the Hugging Face cache: the file in the same snapshot folder", async () => {
    const env = isolatedEnv({ HF_HUB_OFFLINE: "1" });
    const snapshot = join(env.HF_HOME!, "hub", "models--nvidia--tiny-fp8", "snapshots", sha(43));
    mkdirSync(snapshot, { recursive: true });
    mkdirSync(join(env.HF_HOME!, "hub", "models--nvidia--tiny-fp8", "refs"), { recursive: true });
    writeFileSync(join(env.HF_HOME!, "hub", "models--nvidia--tiny-fp8", "refs", "main"), sha(43));
    writeFileSync(join(snapshot, "config.json"), JSON.stringify(TINY_CONFIG));
    writeFileSync(join(snapshot, "hf_quant_config.json"), JSON.stringify(MODELOPT_FP8));
    const estimate = await estimateInference("nvidia/tiny-fp8", { env });
    expect(estimate.model.source.kind).toBe("hf-cache");
    expect(estimate.memory.weightsBytes).toBe(PROJECTIONS * 1 + REST * 2);
  });
});
