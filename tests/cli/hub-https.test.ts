// The built CLI against an https Hub, as huggingface.co is: one TLS connection per origin,
// HTTP/2 when the server offers it, HTTP/1.1 when it does not. The fake Hub's certificate is
// trusted the way a user trusts a company proxy's: NODE_EXTRA_CA_CERTS.
import { afterEach, describe, expect, it } from "vitest";
import { runBuiltCli } from "../helpers/cli.js";
import { FakeHub, TEST_CA_FILE } from "../helpers/fake-hub.js";
import { APPROVED_TOKEN, hubRepos, isolatedEnv, KNOWN_TOKENS } from "../helpers/hub-fixtures.js";

const REPO = "meta-llama/Meta-Llama-3-8B"; // 4 shards, gated
const PUBLISHED_PARAMETERS = 8_030_261_248; // the model card's 8.03B, as the Hub counts it

let hub: FakeHub | undefined;
afterEach(async () => {
  await hub?.close();
  hub = undefined;
});

async function coldEstimate(options: Parameters<typeof FakeHub.start>[1]) {
  hub = await FakeHub.start(hubRepos(), { tokens: KNOWN_TOKENS, ...options });
  const env = isolatedEnv({
    HF_ENDPOINT: hub.url,
    HF_TOKEN: APPROVED_TOKEN,
    NODE_EXTRA_CA_CERTS: TEST_CA_FILE,
  });
  const result = await runBuiltCli(["estimate", REPO, "--json"], { env });
  return { ...result, requests: hub.requests };
}

describe("the built CLI against an https Hub", { timeout: 30_000 }, () => {
  it("HTTP/2: all 7 requests of a cold sharded estimate share one connection", async () => {
    const { code, stdout, stderr, requests } = await coldEstimate({ tls: "h2" });
    expect(stderr).toBe("");
    expect(code).toBe(0);
    expect(JSON.parse(stdout).parameters.total).toBe(PUBLISHED_PARAMETERS);
    expect(requests).toHaveLength(7); // model info, config.json, the index, 4 shard headers
    expect(new Set(requests.map((request) => request.httpVersion))).toEqual(new Set(["2.0"]));
    expect(new Set(requests.map((request) => request.connection)).size).toBe(1);
  });

  it("HTTP/2 with the CDN on another origin: one connection to each", async () => {
    const { code, requests } = await coldEstimate({ tls: "h2", cdn: true });
    expect(code).toBe(0);
    const connections = (server: "hub" | "cdn") =>
      new Set(requests.filter((r) => r.server === server).map((r) => r.connection)).size;
    expect(requests.some((request) => request.server === "cdn")).toBe(true);
    expect(connections("hub")).toBe(1);
    expect(connections("cdn")).toBe(1);
  });

  it("the CDN an earlier read was redirected to is connected to while the model info travels", async () => {
    // Each new connection is held 100 ms, as TCP and TLS handshakes would hold it.
    hub = await FakeHub.start(hubRepos(), {
      tokens: KNOWN_TOKENS,
      tls: "h2",
      cdn: true,
      connectLatencyMs: 100,
    });
    const env = isolatedEnv({
      HF_ENDPOINT: hub.url,
      HF_TOKEN: APPROVED_TOKEN,
      NODE_EXTRA_CA_CERTS: TEST_CA_FILE,
    });
    /** When the CDN's first connection opened, and when the first file was asked of the Hub. */
    const timing = () => ({
      cdnOpened: hub!.connectionsOpened.find((c) => c.server === "cdn")!.atMs,
      firstFileAsked: hub!.requests.find((r) => r.server === "hub" && r.path.includes("/resolve/"))!
        .atMs,
    });
    // First read: the CDN is learned from the redirects, so connected to after them.
    expect((await runBuiltCli(["estimate", "test-org/tiny", "--json"], { env })).code).toBe(0);
    const first = timing();
    expect(first.cdnOpened).toBeGreaterThan(first.firstFileAsked);
    // Next cold read (another repo): connected to before the redirects come.
    hub.reset();
    expect((await runBuiltCli(["estimate", REPO, "--json"], { env })).code).toBe(0);
    const next = timing();
    expect(next.cdnOpened).toBeLessThan(next.firstFileAsked);
    expect(
      new Set(hub.requests.filter((r) => r.server === "cdn").map((r) => r.connection)).size,
    ).toBe(1);
  });

  it("a server that offers only HTTP/1.1 is read over HTTP/1.1, same numbers", async () => {
    const { code, stdout, requests } = await coldEstimate({ tls: "http1" });
    expect(code).toBe(0);
    expect(JSON.parse(stdout).parameters.total).toBe(PUBLISHED_PARAMETERS);
    expect(new Set(requests.map((request) => request.httpVersion))).toEqual(new Set(["1.1"]));
    // The negotiated connection carries the model info, then one of the 6 parallel requests of
    // the second wave; the other 5 open their own.
    expect(new Set(requests.map((request) => request.connection)).size).toBe(6);
    const first = requests.filter((request) => request.connection === requests[0]!.connection);
    expect(first).toHaveLength(2);
  });

  it("an untrusted certificate: no request, no retry, a hint that names NODE_EXTRA_CA_CERTS", async () => {
    hub = await FakeHub.start(hubRepos(), { tokens: KNOWN_TOKENS, tls: "h2" });
    let handshakes = 0;
    hub.onConnection(() => handshakes++);
    const env = isolatedEnv({ HF_ENDPOINT: hub.url, HF_TOKEN: APPROVED_TOKEN });
    const { code, stderr } = await runBuiltCli(["estimate", "test-org/tiny", "--json"], { env });
    expect(code).toBe(1);
    const { error } = JSON.parse(stderr) as {
      error: { code: string; message: string; hint: string };
    };
    expect(error.code).toBe("HUB_UNREACHABLE");
    expect(error.message).toContain("TLS certificate is not trusted (DEPTH_ZERO_SELF_SIGNED_CERT");
    expect(error.hint).toContain("NODE_EXTRA_CA_CERTS");
    expect(hub.requests).toHaveLength(0);
    expect(handshakes).toBe(1); // refused once, not retried
  });
});
