import { mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { parseGpuCatalog } from "../../src/hardware/catalog-file.js";
import { AWS_VMS_CSV } from "../fixtures/prices/aws-vms.js";
import { GCP_VMS_CSV } from "../fixtures/prices/gcp-vms.js";
import { LAMBDA_VMS_CSV } from "../fixtures/prices/lambda-vms.js";
import { offlineEnv, runCli } from "../helpers/cli.js";

// A local catalog host on 127.0.0.1: the real rows, a malformed file, and a download that stops
// halfway (Content-Length promises more than arrives). Never the network.
let server: Server;
let origin = "";
const LAMBDA_PATH = "/catalogs/v7/lambda/vms.csv";

beforeAll(async () => {
  server = createServer((request, response) => {
    const body = Buffer.from(LAMBDA_VMS_CSV);
    if (request.url === LAMBDA_PATH) {
      response.writeHead(200, { "Content-Type": "text/csv", "Content-Length": body.length });
      response.end(body);
    } else if (request.url === "/catalogs/v7/aws/vms.csv") {
      response.writeHead(200, { "Content-Type": "text/html" }).end("<html>rate limited</html>\n");
    } else if (request.url === "/catalogs/v7/runpod/vms.csv") {
      response.writeHead(200, { "Content-Type": "text/csv", "Content-Length": body.length });
      response.write(body.subarray(0, 300), () => response.destroy());
    } else response.writeHead(404).end("not found");
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});

afterAll(async () => {
  server.closeAllConnections();
  await new Promise((resolve) => server.close(resolve));
});

const pricesPath = (env: Record<string, string>): string =>
  join(env.XDG_CACHE_HOME ?? "", "vramfit", "prices.json");

describe("vramfit prices update", () => {
  it("writes the dated price file to the cache, and lists the names it could not map", async () => {
    const env = offlineEnv();
    const { code, stdout, stderr } = await runCli(
      ["prices", "update", "--from", `${origin}${LAMBDA_PATH}`],
      { env },
    );
    expect(stderr).toBe("");
    expect(code).toBe(0);
    expect(stdout).toContain("lambda: 3 GPU instance types priced (cheapest region each)");
    expect(stdout).toContain(
      "left out, accelerator not mapped to a vramfit id: GH200 (1), H100 (1)",
    );
    const file = JSON.parse(readFileSync(pricesPath(env), "utf8")) as unknown;
    const parsed = parseGpuCatalog(file);
    const a100 = parsed.instances?.["lambda/gpu_8x_a100"];
    expect(a100?.onDemandUsdPerHour).toBe(10.32);
    expect(a100?.priceSource).toBe(`${origin}${LAMBDA_PATH}`);
    expect(a100?.priceRetrieved).toMatch(/^\d{4}-\d{2}-\d{2}$/);

    const shown = await runCli(["prices"], { env });
    expect(shown.code).toBe(0);
    expect(shown.stdout).toContain(`Prices in use: ${pricesPath(env)}`);
    expect(shown.stdout).toMatch(
      /gpu_8x_a100\s+8 × nvidia-a100-40gb-sxm\s+europe-central-1\s+10\.3200/,
    );
  });

  it("keeps the old prices when one source is malformed or cut short", async () => {
    const env = offlineEnv();
    expect(
      (await runCli(["prices", "update", "--from", `${origin}${LAMBDA_PATH}`], { env })).code,
    ).toBe(0);
    const before = readFileSync(pricesPath(env), "utf8");
    const malformed = await runCli(
      [
        "prices",
        "update",
        "--from",
        `${origin}${LAMBDA_PATH}`,
        "--from",
        `${origin}/catalogs/v7/aws/vms.csv`,
      ],
      { env },
    );
    expect(malformed.code).toBe(1);
    expect(malformed.stderr).toContain(
      "no InstanceType, AcceleratorName, AcceleratorCount, Price, Region column",
    );
    expect(malformed.stderr).toContain("prices already in use stay in use");
    const partial = await runCli(
      ["prices", "update", "--from", `${origin}/catalogs/v7/runpod/vms.csv`],
      { env },
    );
    expect(partial.code).toBe(1);
    expect(partial.stderr).toMatch(/error: Cannot read the price catalog .*runpod\/vms\.csv/);
    const missing = await runCli(
      ["prices", "update", "--from", `${origin}/catalogs/v7/oci/vms.csv`],
      { env },
    );
    expect(missing.stderr).toContain("HTTP 404");
    expect(readFileSync(pricesPath(env), "utf8")).toBe(before);
  });

  it("reads a local file with --provider and --region, and writes --out", async () => {
    const env = offlineEnv();
    const folder = env.HOME ?? "";
    writeFileSync(join(folder, "vms.csv"), LAMBDA_VMS_CSV);
    const noProvider = await runCli(["prices", "update", "--from", "vms.csv"], {
      env,
      cwd: folder,
    });
    expect(noProvider.code).toBe(2);
    expect(noProvider.stderr).toContain("Which provider does vms.csv list?");
    const { code, stdout } = await runCli(
      [
        "prices",
        "update",
        "--from",
        "vms.csv",
        "--provider",
        "lambda",
        "--region",
        "us-east-1",
        "--out",
        "p.json",
      ],
      { env, cwd: folder },
    );
    expect(code).toBe(0);
    expect(stdout).toContain(`Use them with --catalog ${join(folder, "p.json")}.`);
    const file = parseGpuCatalog(JSON.parse(readFileSync(join(folder, "p.json"), "utf8")));
    expect(file.instances?.["lambda/gpu_1x_a6000"]?.region).toBe("us-east-1");
  });

  it("prices AWS rows, and says why a GCP file gives nothing (and writes nothing)", async () => {
    const env = offlineEnv();
    const folder = env.HOME ?? "";
    writeFileSync(join(folder, "aws.csv"), AWS_VMS_CSV);
    writeFileSync(join(folder, "gcp.csv"), GCP_VMS_CSV);
    const aws = await runCli(["prices", "update", "--from", "aws.csv", "--provider", "aws"], {
      env,
      cwd: folder,
    });
    expect(aws.code).toBe(0);
    // The excerpt's 7 GPU instance types, every name mapped (tests/fixtures/prices/aws-vms.ts).
    expect(aws.stdout).toContain("aws: 7 GPU instance types priced (cheapest region each)");
    expect(aws.stdout).not.toContain("not mapped");
    const before = readFileSync(pricesPath(env), "utf8");
    const gcp = await runCli(["prices", "update", "--from", "gcp.csv", "--provider", "gcp"], {
      env,
      cwd: folder,
    });
    expect(gcp.code).toBe(1);
    expect(gcp.stderr).toContain(
      "Left out: (rows with no InstanceType): 4 rows price an accelerator apart from any instance type (GCP's layout)",
    );
    expect(readFileSync(pricesPath(env), "utf8")).toBe(before);
  });
});

describe("rankings and plans pick up the price file", () => {
  const LLAMA_8B = "meta-llama/Meta-Llama-3-8B";

  it("says which prices it uses, and warns when they are over 90 days old", async () => {
    const env = offlineEnv();
    mkdirSync(join(env.XDG_CACHE_HOME ?? "", "vramfit"), { recursive: true });
    // An RTX A6000 at a price no built-in row has: the ranking must show it.
    writeFileSync(
      pricesPath(env),
      JSON.stringify({
        mode: "extend",
        instances: {
          "lambda/gpu_1x_a6000": {
            provider: "lambda",
            name: "gpu_1x_a6000",
            acceleratorId: "nvidia-rtx-a6000",
            gpuCount: 1,
            region: "us-east-1",
            onDemandUsdPerHour: 0.123,
            priceSource: "http://127.0.0.1/vms.csv",
            priceAsOf: "2020-01-01",
            priceRetrieved: "2020-01-01",
          },
        },
      }),
    );
    const { code, stdout, stderr } = await runCli(
      ["gpus", LLAMA_8B, "--context", "4k", "--cloud", "lambda"],
      { env },
    );
    expect(code).toBe(0);
    expect(stderr).toContain(
      `prices: 1 instance price from ${pricesPath(env)} (retrieved 2020-01-01,`,
    );
    expect(stderr).toContain("warning: these prices are over 90 days old");
    // The price file's row replaced the built-in lambda/gpu_1x_a6000 ($0.80), with its own date.
    expect(stdout).toContain(
      "lambda/gpu_1x_a6000 on-demand $0.1230/GPU-hour (us-east-1); as of 2020-01-01, read 2020-01-01; source http://127.0.0.1/vms.csv",
    );
    const replaced = await runCli(["prices"], { env });
    expect(replaced.stdout).toContain("warning: over 90 days old");
  });

  it("changes nothing when there is no price file", async () => {
    const env = offlineEnv();
    const { code, stderr } = await runCli(["gpus", LLAMA_8B, "--context", "4k"], { env });
    expect(code).toBe(0);
    expect(stderr).toBe("");
    expect((await runCli(["prices"], { env })).stdout).toContain("No price file at");
  });
});
