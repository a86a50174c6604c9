// What npm ships, checked as its users meet it: the packed tarball installed into a scratch
// project, then imported from ESM and CommonJS, type-checked under node16 and bundler
// resolution, and bundled for a browser by esbuild and by Vite (Rollup) — the pure core and a
// Hub call, which then runs against the local imitation Hub. Run by `npm run check:package`
// (after `npm run build`), not by `npm test`: installing the tarball takes a while.
import { execFile, execFileSync } from "node:child_process";
import { mkdirSync, readFileSync, readdirSync, statSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { pathToFileURL } from "node:url";
import { promisify } from "node:util";
import { gzipSync } from "node:zlib";
import { build as esbuild } from "esbuild";
import { build as viteBuild, type Rollup } from "vite";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { FakeHub } from "../helpers/fake-hub.js";
import { APPROVED_TOKEN, LLAMA_8B_PARAMETERS, hubRepos, tempDir } from "../helpers/hub-fixtures.js";

const ROOT = join(import.meta.dirname, "..", "..");
const TSC = join(ROOT, "node_modules", "typescript", "bin", "tsc");

/**
 * Budgets in bytes: the packed tarball and the gzipped browser bundles (docs/benchmarks.md
 * records the figures). Issue 11 aimed at 60 KB for the whole core; it measures 68 KB
 * (2026-12-07), of which the bundled snapshot, the catalogs and zod are two thirds, so the
 * enforced budget leaves room above today's figure rather than pretending to the aim.
 * Issue 12 grew the pure estimate from 22.2 KB to 27.2 KB (2026-12-01): config bounds,
 * quantization resolved layer by layer, ModelOpt's hf_quant_config.json, FBGEMM FP8, Gemma-4's
 * global attention and vision tower, pure Mamba and the original Qwen are all parse-time code.
 */
// Budgets catch accidental growth. Raised on 2026-12-07 when issues 12-18 merged, from 400 KiB /
// 28 KiB / 75 KiB to the measured 524 KiB / 33.5 KiB / 99.3 KiB plus about 5 %: the estimate now
// carries the engine's own per-GPU figure (src/memory/serving), the core gained the deployment
// search, the training timeline and the serving fit, the plan schema the search and the fleet.
// docs/benchmarks.md ("Package size") records the figures; shrinking them is open work.
// Raised again on 2026-12-07 from 552 to 576 KiB (measured 568 KiB): the CLI bundles the parts of
// @huggingface/hub it calls and p-retry (+36 KB packed), which took ~90 ms of CPU off every cold
// Hub estimate (docs/benchmarks.md, "hub, whole processes").
const BUDGETS = {
  tarballBytes: 576 * 1024,
  pureEstimateGzipBytes: 36 * 1024,
  wholeCoreGzipBytes: 104 * 1024,
};

/** Browser entries: the pure core used as a notebook or page would, and a Hub call. */
const ENTRIES = {
  "pure-estimate": `
    import { estimateInferenceFromSpec, parseModelConfig } from "vramfit";
    export function run(config) {
      return estimateInferenceFromSpec(parseModelConfig(config), { contextLength: 4096, batchSize: 8 });
    }`,
  "whole-core": `export * from "vramfit";`,
  deploy: `export * from "vramfit/deploy";`,
  "hub-call": `
    import { estimateInference } from "vramfit";
    export function run(hubUrl) {
      return estimateInference("meta-llama/Meta-Llama-3-8B", { hubUrl, accessToken: "hf_ApprovedSecretToken0123456789" });
    }`,
};

let consumer: string;
let tarball: string;

function run(command: string, args: string[], cwd: string): string {
  return execFileSync(command, args, { cwd, encoding: "utf8", stdio: ["ignore", "pipe", "pipe"] });
}

beforeAll(() => {
  const packs = tempDir("vramfit-pack-");
  const [packed] = JSON.parse(
    run("npm", ["pack", "--json", "--pack-destination", packs], ROOT),
  ) as { filename: string }[];
  tarball = join(packs, packed!.filename);
  consumer = tempDir("vramfit-consumer-");
  writeFileSync(
    join(consumer, "package.json"),
    JSON.stringify({ name: "consumer", private: true, type: "module" }),
  );
  run(
    "npm",
    ["install", tarball, "--no-audit", "--no-fund", "--prefer-offline", "--ignore-scripts"],
    consumer,
  );
  for (const [name, source] of Object.entries(ENTRIES)) {
    writeFileSync(join(consumer, `${name}.js`), source);
  }
}, 180_000);

describe("the packed tarball", () => {
  it("fits the size budget and ships one set of declarations, no source maps", () => {
    const bytes = statSync(tarball).size;
    console.log(`tarball: ${bytes} bytes packed (budget ${BUDGETS.tarballBytes})`);
    expect(bytes).toBeLessThanOrEqual(BUDGETS.tarballBytes);
    const files = readdirSync(join(consumer, "node_modules", "vramfit", "dist"), {
      recursive: true,
      encoding: "utf8",
    });
    expect(files.filter((file) => file.endsWith(".map"))).toEqual([]);
    expect(files.filter((file) => /\.d\.c?ts$/.test(file) && file.endsWith(".cts"))).toEqual([]);
    expect(files).toContain("index.d.ts");
    expect(files).toContain("deploy.d.ts");
  });
});

describe("in Node", () => {
  const WORKED_EXAMPLE = `
    const spec = vramfit.parseModelConfig(
      vramfit.BUNDLED_MODELS.find((model) => model.repo === "meta-llama/Meta-Llama-3-70B").config,
    );
    const { memory } = vramfit.estimateInferenceFromSpec(spec, { contextLength: 4096, batchSize: 8 });
    console.log(JSON.stringify([memory.kvCacheBytes, typeof deploy.renderVllmCommand]));`;
  // 2 × 80 layers × 8 KV heads × 128 × 4,096 tokens × 8 sequences × 2 B (the worked example).
  const expected = JSON.stringify([2 * 80 * 8 * 128 * 4096 * 8 * 2, "function"]);

  it("imports as ESM", () => {
    writeFileSync(
      join(consumer, "esm.mjs"),
      `import * as vramfit from "vramfit"; import * as deploy from "vramfit/deploy";${WORKED_EXAMPLE}`,
    );
    expect(run("node", ["esm.mjs"], consumer).trim()).toBe(expected);
  });

  it("loads through require() (CommonJS, require(esm) on Node >= 20.19)", () => {
    writeFileSync(
      join(consumer, "cjs.cjs"),
      `const vramfit = require("vramfit"); const deploy = require("vramfit/deploy");${WORKED_EXAMPLE}`,
    );
    expect(run("node", ["cjs.cjs"], consumer).trim()).toBe(expected);
  });

  it("runs the CLI through its bin, offline", () => {
    const out = run(
      join(consumer, "node_modules", ".bin", "vramfit"),
      ["estimate", "meta-llama/Meta-Llama-3-70B", "--context", "4096", "--batch", "8", "--offline"],
      consumer,
    );
    expect(out).toContain("10,737,418,240");
  });

  it("reads the imitation Hub through its bin without loading undici", async () => {
    // Node loads undici (fetch, Headers, Response, Request) only when something touches one of
    // them: about 60 ms of CPU on a cold start (docs/benchmarks.md).
    const hub = await FakeHub.start(hubRepos());
    try {
      const home = tempDir("vramfit-cli-home-");
      const modules = join(home, "modules.json");
      const preload = join(home, "record-modules.mjs");
      writeFileSync(
        preload,
        `import { writeFileSync } from "node:fs";\n` +
          `process.on("exit", () => writeFileSync(${JSON.stringify(modules)}, JSON.stringify(process.moduleLoadList)));\n`,
      );
      const bin = join(consumer, "node_modules", "vramfit", "dist", "cli", "cli.cjs");
      // Asynchronously: the imitation Hub answers from this process's event loop.
      const { stdout: out } = await promisify(execFile)(
        process.execPath,
        [
          "--import",
          pathToFileURL(preload).href,
          bin,
          "estimate",
          "meta-llama/Meta-Llama-3-8B",
          "--json",
        ],
        {
          cwd: consumer,
          encoding: "utf8",
          env: {
            PATH: process.env.PATH,
            HOME: home,
            HF_ENDPOINT: hub.url,
            HF_TOKEN: APPROVED_TOKEN,
          },
        },
      );
      const estimate = JSON.parse(out) as { parameters: { total: number; source: string } };
      expect(estimate.parameters).toMatchObject({
        total: LLAMA_8B_PARAMETERS,
        source: "safetensors",
      });
      expect(hub.requests.length).toBe(7);
      const loaded = JSON.parse(readFileSync(modules, "utf8")) as string[];
      expect(loaded).toContain("NativeModule http");
      expect(loaded).not.toContain("NativeModule internal/deps/undici/undici");
    } finally {
      await hub.close();
    }
  });
});

describe("type-checked by a strict consumer", () => {
  const SOURCE = `
    import { estimateInferenceFromSpec, parseModelConfig, type InferenceEstimate } from "vramfit";
    import { renderVllmCommand, type DeploymentPlan } from "vramfit/deploy";
    const estimate: InferenceEstimate = estimateInferenceFromSpec(parseModelConfig({}), { batchSize: 2 });
    const bytes: number = estimate.memory.totalBytes;
    const argv: readonly string[] = renderVllmCommand({ modelId: "org/m", maxModelLen: 4096, maxNumSeqs: 8 }).argv;
    export type Plan = DeploymentPlan;
    export { bytes, argv };
  `;

  it.each([
    ["node16", "node16", "index.mts"],
    ["bundler", "preserve", "index.ts"],
  ])("under moduleResolution %s, without @types/node", (resolution, module, file) => {
    const folder = join(consumer, `tsc-${resolution}`);
    mkdirSync(folder, { recursive: true });
    writeFileSync(join(folder, file), SOURCE);
    writeFileSync(
      join(folder, "tsconfig.json"),
      JSON.stringify({
        compilerOptions: {
          strict: true,
          exactOptionalPropertyTypes: true,
          noEmit: true,
          module,
          moduleResolution: resolution,
          target: "es2022",
          lib: ["es2023", "dom"],
          types: [],
        },
        files: [file],
      }),
    );
    expect(() => run("node", [TSC, "-p", folder], consumer)).not.toThrow();
  });
});

describe("bundled for a browser", () => {
  let hub: FakeHub;
  beforeAll(async () => {
    hub = await FakeHub.start(hubRepos());
  });
  afterAll(async () => {
    await hub.close();
  });

  const sizes: { esbuild: Record<string, number>; vite: Record<string, number> } = {
    esbuild: {},
    vite: {},
  };
  afterAll(() => {
    console.log(`browser bundles, minified + gzipped bytes:\n${JSON.stringify(sizes, null, 2)}`);
  });

  it.each(Object.keys(ENTRIES))("by esbuild: %s, with no Node built-in", async (name) => {
    const result = await esbuild({
      entryPoints: [join(consumer, `${name}.js`)],
      absWorkingDir: consumer,
      bundle: true,
      minify: true,
      platform: "browser",
      format: "esm",
      outfile: join(consumer, "esbuild", `${name}.js`),
      metafile: true,
      logLevel: "silent",
    });
    const inputs = Object.keys(result.metafile.inputs);
    expect(inputs.filter((input) => input.startsWith("node:"))).toEqual([]);
    expect(inputs.filter((input) => /io\/(files|platform\/node)/.test(input))).toEqual([]);
    const code = readFileSync(join(consumer, "esbuild", `${name}.js`));
    sizes.esbuild[name] = gzipSync(code).length;
    if (name === "pure-estimate") {
      expect(gzipSync(code).length).toBeLessThanOrEqual(BUDGETS.pureEstimateGzipBytes);
    }
    if (name === "whole-core") {
      expect(gzipSync(code).length).toBeLessThanOrEqual(BUDGETS.wholeCoreGzipBytes);
    }
  });

  it.each(Object.keys(ENTRIES))("by Vite (Rollup): %s, with no Node built-in", async (name) => {
    const output = (await viteBuild({
      root: consumer,
      configFile: false,
      logLevel: "silent",
      build: {
        outDir: join(consumer, "vite", name),
        write: true,
        minify: true,
        rollupOptions: { input: join(consumer, `${name}.js`), preserveEntrySignatures: "strict" },
      },
    })) as Rollup.RollupOutput;
    const code = output.output
      .filter((chunk): chunk is Rollup.OutputChunk => chunk.type === "chunk")
      .map((chunk) => chunk.code)
      .join("\n");
    expect(code).not.toMatch(/from\s*"node:|require\("node:|import\("node:/);
    sizes.vite[name] = gzipSync(code).length;
  });

  it("the esbuild bundle of a Hub call reads the imitation Hub (8,030,261,248 parameters)", async () => {
    const bundle = await import(pathToFileURL(join(consumer, "esbuild", "hub-call.js")).href);
    const estimate = await bundle.run(hub.url);
    expect(estimate.parameters.total).toBe(LLAMA_8B_PARAMETERS);
    expect(estimate.parameters.source).toBe("safetensors");
  });
});
