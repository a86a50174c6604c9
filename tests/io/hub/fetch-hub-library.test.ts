// The fetch-only HubLibrary against the real @huggingface/hub, side by side on the fake Hub:
// the same calls on the same repos must give the same results, the same errors and the same
// requests. Expected values are what the real library answers, or figures worked by hand.
import * as realHub from "@huggingface/hub";
import { build } from "esbuild";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { FETCH_HUB_LIBRARY } from "../../../src/io/hub/fetch-hub-library.js";
import type { HubLibrary } from "../../../src/io/hub/hub-library.js";
import { FakeHub, type FakeRepo } from "../../helpers/fake-hub.js";
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
import {
  DTYPE_BYTES,
  headerFile,
  shardedSafetensors,
  textFile,
  type FakeFile,
} from "../../helpers/safetensors.js";

const REAL_HUB: HubLibrary = realHub;
const LIBRARIES = { real: REAL_HUB, fetch: FETCH_HUB_LIBRARY };
type Library = keyof typeof LIBRARIES;

// ---- repos beyond hubRepos(): one per packed-quantization rule, and broken indexes ----

/** One Llama layer (hidden 256, intermediate 512): each projection's [out, in]. */
const LINEARS: [string, number, number][] = [
  ["self_attn.q_proj", 256, 256],
  ["self_attn.k_proj", 128, 256],
  ["self_attn.v_proj", 128, 256],
  ["self_attn.o_proj", 256, 256],
  ["mlp.gate_proj", 512, 256],
  ["mlp.up_proj", 512, 256],
  ["mlp.down_proj", 256, 512],
];
/** Σ out × in of one layer's projections: 2·256² + 2·128·256 + 3·512·256. */
const LAYER_WEIGHTS = 2 * 256 * 256 + 2 * 128 * 256 + 3 * 512 * 256;
/** Embeddings and head (1000 × 256 each) and three norms of 256. */
const DENSE_REST = 2 * 1000 * 256 + 3 * 256;

type Tensors = Record<string, [dtype: string, shape: number[]]>;
const BYTES: Record<string, number> = { ...DTYPE_BYTES, U32: 4, F8_E8M0: 1, X99: 1 };

/** A safetensors file of any dtypes (data virtual). */
function weights(tensors: Tensors): FakeFile {
  const header: Record<string, unknown> = { __metadata__: { format: "pt" } };
  let offset = 0;
  for (const [name, [dtype, shape]] of Object.entries(tensors)) {
    const bytes = shape.reduce((a, b) => a * b, 1) * BYTES[dtype]!;
    header[name] = { dtype, shape, data_offsets: [offset, offset + bytes] };
    offset += bytes;
  }
  return headerFile(JSON.stringify(header), offset);
}

/** Embeddings, head and norms in `dtype`, around one layer whose projections `linear` writes. */
function layer(linear: (name: string, out: number, inF: number) => Tensors, dtype = "BF16") {
  const tensors: Tensors = {
    "model.embed_tokens.weight": [dtype, [1000, 256]],
    "lm_head.weight": [dtype, [1000, 256]],
    "model.norm.weight": [dtype, [256]],
    "model.layers.0.input_layernorm.weight": [dtype, [256]],
    "model.layers.0.post_attention_layernorm.weight": [dtype, [256]],
  };
  for (const [name, out, inF] of LINEARS)
    Object.assign(tensors, linear(`model.layers.0.${name}`, out, inF));
  return tensors;
}

function repo(id: string, seed: number, config: object, files: Record<string, FakeFile>): FakeRepo {
  return {
    id,
    sha: sha(seed),
    files: { "config.json": textFile(JSON.stringify(config)), ...files },
  };
}

function packedRepos(): FakeRepo[] {
  return [
    repo(
      "test-org/compressed",
      201,
      {
        quantization_config: {
          quant_method: "compressed-tensors",
          format: "pack-quantized",
          config_groups: { group_0: { targets: ["Linear"], weights: { num_bits: 4 } } },
          ignore: ["lm_head"],
        },
      },
      {
        "model.safetensors": weights(
          layer((name, out, inF) => ({
            [`${name}.weight_packed`]: ["I32", [out, inF / 8]],
            [`${name}.weight_scale`]: ["BF16", [out, inF / 128]],
            [`${name}.weight_shape`]: ["I32", [2]],
          })),
        ),
      },
    ),
    repo(
      "test-org/compressed-mixed",
      202,
      {
        quantization_config: {
          quant_method: "compressed-tensors",
          format: "pack-quantized",
          config_groups: {
            attention: { targets: ["re:.*self_attn.*"], weights: { num_bits: 8 } },
            mlp: { targets: ["re:.*mlp\\..*"], weights: { num_bits: 4 } },
          },
        },
      },
      {
        "model.safetensors": weights(
          layer((name, out, inF) => ({
            [`${name}.weight_packed`]: ["I32", [out, name.includes("attn") ? inF / 4 : inF / 8]],
          })),
        ),
      },
    ),
    repo(
      "test-org/bnb-nf4",
      203,
      { quantization_config: { quant_method: "bitsandbytes", load_in_4bit: true } },
      {
        "model.safetensors": weights(
          layer((name, out, inF) => ({
            [`${name}.weight`]: ["U8", [(out * inF) / 2, 1]],
            [`${name}.weight.absmax`]: ["F32", [(out * inF) / 64]],
            [`${name}.weight.quant_map`]: ["F32", [16]],
            [`${name}.weight.quant_state.bitsandbytes__nf4`]: ["U8", [64]],
          })),
        ),
      },
    ),
    repo(
      "test-org/awq",
      204,
      {
        quantization_config: {
          quant_method: "awq",
          bits: 4,
          group_size: 128,
          modules_to_not_convert: ["down_proj"],
        },
      },
      {
        "model.safetensors": weights(
          layer(
            (name, out, inF) =>
              name.endsWith("down_proj")
                ? { [`${name}.weight`]: ["F16", [out, inF]] }
                : {
                    [`${name}.qweight`]: ["I32", [inF, out / 8]],
                    [`${name}.qzeros`]: ["I32", [inF / 128, out / 8]],
                    [`${name}.scales`]: ["F16", [inF / 128, out]],
                  },
            "F16",
          ),
        ),
      },
    ),
    repo(
      "test-org/mxfp4",
      205,
      {
        quantization_config: {
          quant_method: "mxfp4",
          modules_to_not_convert: ["model.layers.*.self_attn", "model.embed_tokens", "lm_head"],
        },
      },
      {
        "model.safetensors": weights({
          ...layer((name, out, inF) =>
            name.includes("attn") ? { [`${name}.weight`]: ["BF16", [out, inF]] } : {},
          ),
          // 4 experts; 32 values per block, 2 per byte.
          "model.layers.0.mlp.experts.gate_up_proj_blocks": ["U8", [4, 1024, 8, 16]],
          "model.layers.0.mlp.experts.gate_up_proj_scales": ["U8", [4, 1024, 8]],
          "model.layers.0.mlp.experts.gate_up_proj_bias": ["BF16", [4, 1024]],
          "model.layers.0.mlp.experts.down_proj_blocks": ["U8", [4, 256, 16, 16]],
          "model.layers.0.mlp.experts.down_proj_scales": ["U8", [4, 256, 16]],
          "model.layers.0.mlp.experts.down_proj_bias": ["BF16", [4, 256]],
          "model.layers.0.mlp.router.weight": ["BF16", [4, 256]],
        }),
      },
    ),
    repo(
      "test-org/fp8-fp4-experts",
      206,
      { quantization_config: { quant_method: "fp8" }, expert_dtype: "fp4" },
      {
        "model.safetensors": weights({
          ...layer((name, out, inF) =>
            name.includes("attn")
              ? {
                  [`${name}.weight`]: ["F8_E4M3", [out, inF]],
                  [`${name}.weight_scale_inv`]: ["F32", [out / 128, inF / 128]],
                }
              : {},
          ),
          ...Object.fromEntries(
            [0, 1, 2, 3].flatMap((e) => [
              [`model.layers.0.mlp.experts.${e}.w1.weight`, ["I8", [512, 128]]],
              [`model.layers.0.mlp.experts.${e}.w1.scale`, ["F8_E8M0", [512, 8]]],
              [`model.layers.0.mlp.experts.${e}.w2.weight`, ["I8", [256, 256]]],
              [`model.layers.0.mlp.experts.${e}.w3.weight`, ["I8", [512, 128]]],
            ]),
          ),
          "model.layers.0.mlp.shared_experts.w1.weight": ["F8_E4M3", [512, 256]],
          "model.layers.0.mlp.shared_experts.w2.weight": ["F8_E4M3", [256, 512]],
          "model.layers.0.mlp.shared_experts.w3.weight": ["F8_E4M3", [512, 256]],
          "model.layers.0.mlp.gate.tid2eid": ["I32", [1000, 2]],
        }),
      },
    ),
    repo(
      "test-org/u8-4bit",
      207,
      { quantization_config: { quant_method: "quanto", bits: 4 } },
      {
        "model.safetensors": weights(
          layer((name, out, inF) => ({ [`${name}.weight`]: ["U8", [out, inF / 2]] })),
        ),
      },
    ),
    repo(
      "test-org/nested",
      208,
      {},
      {
        "transformer/diffusion_pytorch_model.safetensors.index.json": textFile(
          JSON.stringify({
            metadata: { total_size: 0 },
            weight_map: {
              a: "part one.safetensors",
              b: "part two.safetensors",
              c: "part one.safetensors",
            },
          }),
        ),
        "transformer/part one.safetensors": weights({ a: ["F32", [3, 4]], c: ["F8_E8M0", [2]] }),
        "transformer/part two.safetensors": weights({ b: ["F16", [5]] }),
      },
    ),
    repo("test-org/not-json-header", 209, {}, { "model.safetensors": headerFile("{not json", 16) }),
    repo("test-org/short-file", 210, {}, { "model.safetensors": textFile("abc") }),
    repo("test-org/unknown-dtype", 211, {}, { "model.safetensors": weights({ x: ["X99", [4]] }) }),
    ...[
      "../other/model.safetensors",
      "%2e%2e/model.safetensors",
      "https:x.safetensors",
      "/x.safetensors",
    ].map((shard, i) =>
      repo(
        `test-org/unsafe-${i}`,
        220 + i,
        {},
        {
          "model.safetensors.index.json": textFile(JSON.stringify({ weight_map: { a: shard } })),
        },
      ),
    ),
    {
      id: "test-org/four-shards",
      sha: sha(230),
      files: {
        "config.json": textFile("{}"),
        ...shardedSafetensors(
          Object.fromEntries(
            Array.from({ length: 8 }, (_, i) => [`t${i}`, { dtype: "BF16", shape: [i + 1, 16] }]),
          ) as never,
          4,
        ),
      },
    },
  ];
}

// ---- running a call with either library and recording what it sent ----

interface Run {
  result?: unknown;
  error?: unknown;
  /** Each request as the client sent it: method, URL, Range and Accept. */
  sent: string[];
  /** Each request as the fake Hub (and its CDN) saw it. */
  seen: string[];
  /** The X-Request-Id of each answer, in order. */
  answerIds: string[];
}

let hub: FakeHub;
let cdnHub: FakeHub;
beforeAll(async () => {
  hub = await FakeHub.start([...hubRepos(), ...packedRepos()], { tokens: KNOWN_TOKENS });
  cdnHub = await FakeHub.start(hubRepos(), { cdn: true });
});
afterAll(async () => {
  await Promise.all([hub.close(), cdnHub.close()]);
});

async function run(
  library: Library,
  call: (hub: HubLibrary, access: { hubUrl: string; fetch: typeof fetch }) => Promise<unknown>,
  options: { token?: string; server?: FakeHub } = {},
): Promise<Run> {
  const server = options.server ?? hub;
  server.reset();
  const sent: string[] = [];
  const answerIds: string[] = [];
  const recording: typeof fetch = async (input, init) => {
    const headers = new Headers(init?.headers);
    if (options.token !== undefined) headers.set("authorization", `Bearer ${options.token}`);
    const url = input instanceof Request ? input.url : String(input);
    sent.push(
      `${init?.method ?? "GET"} ${url} range=${headers.get("range")} accept=${headers.get("accept")}`,
    );
    const response = await fetch(input, { ...init, headers });
    answerIds.push(response.headers.get("x-request-id") ?? "");
    return response;
  };
  const out: Run = { sent, seen: [], answerIds };
  try {
    const result = await call(LIBRARIES[library], { hubUrl: server.url, fetch: recording });
    // The fake Hub's `_id` counts requests, like the request ids: name the answer it came from.
    const id = (result as { id?: unknown } | null)?.id;
    const counter =
      typeof id === "string" ? /^621ffdc036468d709f17(\d{4})$/.exec(id)?.[1] : undefined;
    out.result =
      counter === undefined
        ? result
        : {
            ...(result as object),
            id: `_id of answer ${answerIds.indexOf(`Root=1-test-${Number(counter)}`)}`,
          };
  } catch (error) {
    out.error = error;
  }
  out.seen = server.requests.map(
    (r) => `${r.server} ${r.method} ${r.path}${r.search} ${r.range ?? ""} ${r.authorization ?? ""}`,
  );
  return out;
}

/** An error as vramfit sees it: which library class, and what it carries. */
function described(library: Library, run: Run): unknown {
  const { error } = run;
  if (error === undefined) return undefined;
  const classes = LIBRARIES[library];
  const kind = (
    ["HubApiError", "SafetensorParseError", "InvalidApiResponseFormatError"] as const
  ).find((name) => error instanceof classes[name]);
  const { message, statusCode, url, requestId } = error as Record<string, unknown>;
  return {
    kind: kind ?? (error as Error).constructor.name,
    message: typeof message === "string" ? message.replace(/Root=1-test-\d+/g, "<id>") : message,
    statusCode,
    url,
    // Request ids count up across runs: compare which answer it came from.
    answer: requestId === undefined ? undefined : run.answerIds.indexOf(requestId as string),
  };
}

/** Runs the call with both libraries; expects the same result, error and requests. */
async function bothAgree(
  call: Parameters<typeof run>[1],
  options: Parameters<typeof run>[2] & { unordered?: boolean } = {},
): Promise<Run> {
  const real = await run("real", call, options);
  const mine = await run("fetch", call, options);
  expect(mine.result).toEqual(real.result);
  expect(described("fetch", mine)).toEqual(described("real", real));
  // Shards are read 20 at a time, so their requests interleave as the answers come; what
  // comes before them (config.json, the index: 4 requests) is in order.
  const order = (lines: string[]) =>
    options.unordered === true ? [...lines.slice(0, 4), ...lines.slice(4).sort()] : lines;
  expect(order(mine.seen)).toEqual(order(real.seen));
  // The one header that differs on purpose: the real probe asks for Xet file info, this one not.
  const withoutXet = (line: string) =>
    line.replace("accept=application/vnd.xet-fileinfo+json, */*", "accept=null");
  expect(order(mine.sent)).toEqual(order(real.sent.map(withoutXet)));
  return real;
}

/** A parse as vramfit asks for it, and the fields it reads. */
async function parse(
  hub: HubLibrary,
  access: object,
  repo: string,
  path: string,
  revision = "main",
) {
  const parsed = await hub.parseSafetensorsMetadata({
    repo,
    revision,
    path,
    computeParametersCount: true,
    ...access,
  });
  const { sharded, parameterCount, filepaths } = parsed;
  return {
    sharded,
    parameterCount,
    filepaths,
    headers: parsed.sharded ? parsed.headers : parsed.header,
  };
}

// ---- the three calls, side by side ----

describe("modelInfo: same URL, same answer", () => {
  it.each(["main", "v1.0", sha(1), "refs/pr/1"])("test-org/tiny at %s", async (revision) => {
    await bothAgree((library, access) =>
      library.modelInfo({
        name: "test-org/tiny",
        revision,
        additionalFields: ["sha", "safetensors", "filePaths"],
        ...access,
      }),
    );
  });

  it("the Hub's own safetensors summary, and the default revision (HEAD)", async () => {
    const real = await bothAgree((library, access) =>
      library.modelInfo({
        name: "test-org/variants",
        additionalFields: ["safetensors", "filePaths"],
        ...access,
      }),
    );
    expect(real.seen).toEqual([
      "hub GET /api/models/test-org/variants/revision/HEAD?expand=pipeline_tag&expand=private&expand=gated&expand=downloads&expand=likes&expand=lastModified&expand=safetensors&expand=siblings  ",
    ]);
    expect(real.result).toMatchObject({ safetensors: { total: 1_234_567 } });
  });

  it("a missing repo: HubApiError 401 with the Hub's message and request id", async () => {
    const real = await bothAgree((library, access) =>
      library.modelInfo({ name: "test-org/nope", ...access }),
    );
    expect(described("real", real)).toMatchObject({
      kind: "HubApiError",
      statusCode: 401,
      answer: 0,
    });
  });
});

describe("downloadFile: same probe, same reads", () => {
  const text = async (library: HubLibrary, access: object, repo: string, path: string) => {
    const file = await library.downloadFile({ repo, revision: "main", path, ...access });
    return file === null ? null : { size: file.size, text: await file.text() };
  };

  it("config.json: its size from the probe, its text from a second GET", async () => {
    const real = await bothAgree((library, access) =>
      text(library, access, "test-org/tiny", "config.json"),
    );
    expect(real.result).toMatchObject({ text: expect.stringContaining('"model_type":"llama"') });
    expect(real.seen).toHaveLength(2);
  });

  it("a 404 EntryNotFound is null", async () => {
    const real = await bothAgree((library, access) =>
      text(library, access, "test-org/tiny", "missing.json"),
    );
    expect(real.result).toBeNull();
  });

  it("a gated repo without a token: HubApiError 401; with an unapproved one 403", async () => {
    const real = await bothAgree((library, access) =>
      text(library, access, "test-org/gated", "config.json"),
    );
    expect(described("real", real)).toMatchObject({ kind: "HubApiError", statusCode: 401 });
    const refused = await bothAgree(
      (library, access) => text(library, access, "test-org/gated", "config.json"),
      { token: UNAPPROVED_TOKEN },
    );
    expect(described("real", refused)).toMatchObject({ kind: "HubApiError", statusCode: 403 });
  });

  it("a missing revision: HubApiError 404 (not null: the code is RevisionNotFound)", async () => {
    const real = await bothAgree((library, access) =>
      library.downloadFile({
        repo: "test-org/tiny",
        revision: "nope",
        path: "config.json",
        ...access,
      }),
    );
    expect(described("real", real)).toMatchObject({ kind: "HubApiError", statusCode: 404 });
  });

  it("through a CDN redirect to another origin: reads go back to the Hub's URL", async () => {
    await bothAgree(
      (library, access) => text(library, access, "test-org/tiny", "model.safetensors"),
      {
        server: cdnHub,
      },
    );
  });
});

describe("parseSafetensorsMetadata: same headers, same counts, same files", () => {
  it("a single file: config.json, then the 8-byte length, then the header", async () => {
    const real = await bothAgree((library, access) =>
      parse(library, access, "test-org/tiny", "model.safetensors"),
    );
    expect(real.result).toMatchObject({
      sharded: false,
      parameterCount: { BF16: TINY_PARAMETERS },
    });
    expect(real.seen.map((line) => line.split(" ").slice(2, 4).join(" "))).toEqual([
      `/test-org/tiny/resolve/main/config.json bytes=0-0`,
      expect.stringMatching(/^\/test-org\/tiny\/resolve\/main\/config\.json bytes=0-\d+$/),
      `/test-org/tiny/resolve/main/model.safetensors bytes=0-0`,
      `/test-org/tiny/resolve/main/model.safetensors bytes=0-7`,
      expect.stringMatching(/^\/test-org\/tiny\/resolve\/main\/model\.safetensors bytes=8-\d+$/),
    ]);
  });

  it("Meta-Llama-3-8B in 4 shards (gated, approved token): 8,030,261,248 parameters", async () => {
    const real = await bothAgree(
      (library, access) =>
        parse(library, access, "meta-llama/Meta-Llama-3-8B", "model.safetensors.index.json"),
      { token: APPROVED_TOKEN, unordered: true },
    );
    expect(real.result).toMatchObject({
      sharded: true,
      parameterCount: { BF16: LLAMA_8B_PARAMETERS },
      filepaths: [
        "model.safetensors.index.json",
        ...[1, 2, 3, 4].map((n) => `model-0000${n}-of-00004.safetensors`),
      ],
    });
  });

  it("4 small shards at a commit; a 2-shard repo through the CDN", async () => {
    const real = await bothAgree(
      (library, access) =>
        parse(library, access, "test-org/four-shards", "model.safetensors.index.json", sha(230)),
      { unordered: true },
    );
    // 8 tensors [n, 16], n = 1..8, in BF16: 16 × 36.
    expect(real.result).toMatchObject({ parameterCount: { BF16: 16 * 36 } });
    expect(real.seen).toHaveLength(4 + 4 * 3); // config.json and the index, 2 each; 3 per shard
    await bothAgree(
      (library, access) =>
        parse(library, access, "test-org/sharded", "model.safetensors.index.json"),
      { server: cdnHub, unordered: true },
    );
  });

  it("an index in a folder, with a space in a shard name: paths under the folder, names encoded", async () => {
    const real = await bothAgree(
      (library, access) =>
        parse(
          library,
          access,
          "test-org/nested",
          "transformer/diffusion_pytorch_model.safetensors.index.json",
        ),
      { unordered: true },
    );
    expect(real.result).toMatchObject({
      filepaths: [
        "transformer/diffusion_pytorch_model.safetensors.index.json",
        "transformer/part one.safetensors",
        "transformer/part two.safetensors",
      ],
      parameterCount: { F32: 12, F16: 5 }, // the F8_E8M0 scale is never a parameter
    });
    expect(real.seen.join("\n")).toContain("/transformer/part%20one.safetensors");
  });

  it("GPT-2: F32, the causal-mask buffers counted (vramfit drops them later)", async () => {
    const real = await bothAgree((library, access) =>
      parse(library, access, "openai-community/gpt2", "model.safetensors"),
    );
    expect(real.result).toMatchObject({ parameterCount: { F32: GPT2_COUNTS.hub } });
  });

  // Hand figures: a packed element holds container bits / weight bits weights; scales,
  // zero points, g_idx and shapes are bookkeeping.
  const gptqProjections = 2 * LAYER_WEIGHTS; // two layers
  it.each([
    ["test-org/gptq", { I32: gptqProjections, F16: 2 * 1000 * 256 + 5 * 256 }],
    ["test-org/fp8", { F8_E4M3: gptqProjections, BF16: TINY_PARAMETERS - gptqProjections }],
    ["test-org/compressed", { I32: LAYER_WEIGHTS, BF16: DENSE_REST }],
    ["test-org/compressed-mixed", { I32: LAYER_WEIGHTS, BF16: DENSE_REST }],
    ["test-org/bnb-nf4", { U8: LAYER_WEIGHTS, BF16: DENSE_REST }],
    ["test-org/awq", { I32: LAYER_WEIGHTS - 256 * 512, F16: 256 * 512 + DENSE_REST }],
    ["test-org/u8-4bit", { U8: LAYER_WEIGHTS, BF16: DENSE_REST }],
    [
      "test-org/mxfp4",
      {
        U8: 4 * 1024 * 256 + 4 * 256 * 512,
        BF16: 2 * 256 * 256 + 2 * 128 * 256 + 4 * 1024 + 4 * 256 + 4 * 256 + DENSE_REST,
      },
    ],
    [
      "test-org/fp8-fp4-experts",
      {
        I8: 4 * 3 * 512 * 256,
        F8_E4M3: 2 * 256 * 256 + 2 * 128 * 256 + 3 * 512 * 256,
        I32: 2000,
        BF16: DENSE_REST,
      },
    ],
  ])("%s counts as worked by hand", async (id, counts) => {
    const real = await bothAgree((library, access) =>
      parse(library, access, id, "model.safetensors"),
    );
    expect((real.result as { parameterCount: unknown }).parameterCount).toEqual(counts);
  });
});

describe("broken files: the same error class and message", () => {
  it.each([
    [
      "test-org/bad-header",
      "model.safetensors",
      'tensor "model.norm.weight" has invalid data_offsets.',
    ],
    [
      "test-org/huge-header",
      "model.safetensors",
      "safetensor header is too big. Maximum supported size is 25000000 bytes.",
    ],
    ["test-org/not-json-header", "model.safetensors", "safetensors header is not valid JSON."],
    ["test-org/tiny", "missing.safetensors", "failed to fetch safetensors header length."],
  ])("%s %s", async (id, path, problem) => {
    const real = await bothAgree((library, access) => parse(library, access, id, path));
    expect(described("real", real)).toMatchObject({
      kind: "SafetensorParseError",
      message: `Failed to parse file ${path}: ${problem}`,
    });
  });

  it.each([0, 1, 2, 3])(
    "an index naming an unsafe shard (case %i): refused before any shard read",
    async (i) => {
      const real = await bothAgree((library, access) =>
        parse(library, access, `test-org/unsafe-${i}`, "model.safetensors.index.json"),
      );
      expect(described("real", real)).toMatchObject({ kind: "SafetensorParseError" });
      expect(
        real.seen.every((line) => !line.includes(".safetensors ") || line.includes("index.json")),
      ).toBe(true);
    },
  );

  it("a gated repo without a token: the header's 401 (config.json's is swallowed, as upstream)", async () => {
    const real = await bothAgree((library, access) =>
      parse(library, access, "test-org/gated", "model.safetensors"),
    );
    expect(described("real", real)).toMatchObject({
      kind: "HubApiError",
      statusCode: 401,
      answer: 1,
    });
  });

  it("a path that is neither a .safetensors file nor an index: a plain Error", async () => {
    const real = await bothAgree((library, access) =>
      parse(library, access, "test-org/tiny", "config.json"),
    );
    expect(described("real", real)).toMatchObject({ kind: "Error" });
  });
});

describe("where the fetch library is stricter than the real one, on purpose", () => {
  it("a file shorter than 8 bytes: SafetensorParseError, where the real one throws a RangeError", async () => {
    const real = await run("real", (library, access) =>
      parse(library, access, "test-org/short-file", "model.safetensors"),
    );
    const mine = await run("fetch", (library, access) =>
      parse(library, access, "test-org/short-file", "model.safetensors"),
    );
    expect(real.error).toBeInstanceOf(RangeError);
    expect(described("fetch", mine)).toMatchObject({ kind: "SafetensorParseError" });
    expect(mine.seen).toEqual(real.seen);
  });

  it("a dtype safetensors does not know: refused, where the real one counts it", async () => {
    const real = await run("real", (library, access) =>
      parse(library, access, "test-org/unknown-dtype", "model.safetensors"),
    );
    const mine = await run("fetch", (library, access) =>
      parse(library, access, "test-org/unknown-dtype", "model.safetensors"),
    );
    expect(real.result).toMatchObject({ parameterCount: { X99: 4 } });
    expect(described("fetch", mine)).toMatchObject({
      kind: "SafetensorParseError",
      message: 'Failed to parse file model.safetensors: tensor "x" has an unknown dtype.',
    });
  });
});

// ---- the whole Hub path of vramfit, with each library under it ----

describe("estimateInference from the fake Hub: the same estimate with either library", () => {
  /** The library calls each run made, as `library:call`. */
  const used = new Set<string>();

  /**
   * src/ loaded afresh over @huggingface/hub or over the fetch library, each wrapped so
   * the test sees which one vramfit called.
   */
  async function vramfitWith(library: Library) {
    vi.resetModules();
    vi.doMock("@huggingface/hub", async (importOriginal) => {
      const under: HubLibrary =
        library === "real"
          ? await importOriginal()
          : await import("../../../src/io/hub/fetch-hub-library.js");
      const calls = ["modelInfo", "downloadFile", "parseSafetensorsMetadata"] as const;
      const spied = calls.map((name) => [
        name,
        (params: never) => {
          used.add(`${library}:${name}`);
          return (under[name] as (params: never) => unknown)(params);
        },
      ]);
      return { ...under, ...Object.fromEntries(spied) };
    });
    return import("../../../src/index.js");
  }
  afterAll(() => {
    vi.doUnmock("@huggingface/hub");
    vi.resetModules();
  });

  async function estimate(library: Library, repo: string, env: Record<string, string> = {}) {
    const { estimateInference } = await vramfitWith(library);
    hub.reset();
    try {
      const result = await estimateInference(repo, {
        hubUrl: hub.url,
        env: isolatedEnv(env),
        contextLength: 4096,
      });
      return {
        result,
        requests: hub.requests
          .map((r) => `${r.method} ${r.path}${r.search} ${r.range ?? ""}`)
          .sort(),
      };
    } catch (error) {
      const { code, message } = error as { code?: string; message: string };
      return { error: { code, message: message.replace(/Root=1-test-\d+/g, "<id>") } };
    }
  }

  it.each([
    ["test-org/tiny", {}],
    ["test-org/sharded", {}],
    ["meta-llama/Meta-Llama-3-8B", { HF_TOKEN: APPROVED_TOKEN }],
    ["test-org/gptq", {}],
    ["test-org/fp8", {}],
    ["openai-community/gpt2", {}],
    ["test-org/compressed", {}],
    ["test-org/gated", {}],
    ["test-org/bad-header", {}],
    ["test-org/huge-header", {}],
  ])("%s", async (repo, env) => {
    used.clear();
    const real = await estimate("real", repo, env);
    const mine = await estimate("fetch", repo, env);
    expect(used).toContain("real:modelInfo");
    expect(used).toContain("fetch:modelInfo");
    expect([...used].filter((call) => call.startsWith("real:")).length).toBe(
      [...used].filter((call) => call.startsWith("fetch:")).length,
    );
    expect(mine).toEqual(real);
  });

  it("the counts are the hand-worked ones", async () => {
    used.clear();
    const tiny = await estimate("fetch", "test-org/tiny");
    expect(tiny.result?.parameters.total).toBe(TINY_PARAMETERS);
    const llama = await estimate("fetch", "meta-llama/Meta-Llama-3-8B", {
      HF_TOKEN: APPROVED_TOKEN,
    });
    expect(llama.result?.parameters.total).toBe(LLAMA_8B_PARAMETERS);
    const gpt2 = await estimate("fetch", "openai-community/gpt2");
    expect(gpt2.result?.parameters.total).toBe(GPT2_COUNTS.parameters);
    expect([...used].filter((call) => call.startsWith("fetch:")).sort()).toEqual([
      "fetch:downloadFile",
      "fetch:modelInfo",
      "fetch:parseSafetensorsMetadata",
    ]);
  });
});

// ---- a browser bundle ----

describe("the fetch library bundles for a browser", () => {
  it("esbuild, platform browser: no Node built-in and nothing of @huggingface/hub", async () => {
    const result = await build({
      entryPoints: [join(import.meta.dirname, "../../../src/io/hub/fetch-hub-library.ts")],
      bundle: true,
      platform: "browser",
      format: "esm",
      write: false,
      metafile: true,
      logLevel: "silent",
    });
    const inputs = Object.keys(result.metafile.inputs);
    expect(inputs).toContain("src/io/hub/fetch-hub-library.ts");
    expect(inputs.filter((input) => input.startsWith("node:"))).toEqual([]);
    expect(inputs.filter((input) => input.includes("@huggingface/hub"))).toEqual([]);
    expect(inputs.filter((input) => input.includes("node_modules"))).toEqual([]);
  });
});
