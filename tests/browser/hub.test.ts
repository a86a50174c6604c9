// The page reading the local imitation Hub (another origin, so through CORS) with the library's
// fetch-only Hub client: a public repo, a gated one (401, then a pasted token), and a 429 retried.
import type { Browser, Page } from "playwright-core";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { estimateInference, HubError } from "../../src/index.js";
import { launchChromium, WEB_DIST } from "../helpers/browser.js";
import { FakeHub } from "../helpers/fake-hub.js";
import { APPROVED_TOKEN, hubRepos, KNOWN_TOKENS, sha } from "../helpers/hub-fixtures.js";
import { serveFolder, type StaticServer } from "../helpers/static-server.js";

let browser: Browser;
let site: StaticServer;
let hub: FakeHub;

beforeAll(async () => {
  site = await serveFolder(WEB_DIST);
  hub = await FakeHub.start(hubRepos(), { tokens: KNOWN_TOKENS });
  browser = await launchChromium();
});

afterAll(async () => {
  await browser.close();
  await hub.close();
  await site.close();
});

beforeEach(() => {
  hub.reset();
});

async function open(repo: string): Promise<Page> {
  const page = await (await browser.newContext()).newPage();
  await page.goto(`${site.url}/?source=hub&model=${repo}&hub=${encodeURIComponent(hub.url)}`);
  return page;
}

/** What the library in Node says about a repo on the same Hub, at the page's default workload. */
function fromNode(repo: string, accessToken?: string) {
  return estimateInference(repo, {
    contextLength: 4096,
    batchSize: 8,
    hubUrl: hub.url,
    cacheDir: false,
    env: {},
    accessToken,
  });
}

/** Request ids differ per request; everything else in a Hub error must match. */
function withoutRequestIds(text: string): string {
  return text.replace(/Root=1-test-\d+/g, "<request id>");
}

describe("the page and the Hub", () => {
  it("reads a public repo: the commit shown, the numbers the library gets in Node", async () => {
    const page = await open("test-org/tiny");
    await page.waitForSelector("#breakdown svg");
    expect(await page.textContent("#model-status")).toContain(`commit ${sha(1)}`);
    const expected = await fromNode("test-org/tiny");
    expect(expected.parameters.source).toBe("safetensors");
    expect(await page.getAttribute("#breakdown .total", "data-bytes")).toBe(
      String(expected.memory.totalBytes),
    );
    // The browser read the headers by Range, across origins: CORS let it.
    expect(hub.hubRequests().some((request) => request.range !== undefined)).toBe(true);
  });

  it("a gated repo: the library's 401 message, then a pasted token reads it and stays out of the URL", async () => {
    const page = await open("test-org/gated");
    const error = page.locator("#model-error");
    await error.waitFor({ state: "visible" });
    const refused = await fromNode("test-org/gated").catch((caught: unknown) => caught);
    expect(refused).toBeInstanceOf(HubError);
    const failure = refused as HubError;
    expect(failure.code).toBe("HUB_GATED");
    expect(withoutRequestIds((await error.textContent())!)).toBe(
      withoutRequestIds(`${failure.message}\nHint: ${failure.hint ?? ""}`),
    );

    await page.getByLabel(/Access token/).fill(APPROVED_TOKEN);
    await page.getByRole("button", { name: "Fetch from the Hub" }).click();
    await page.waitForSelector("#breakdown svg");
    await error.waitFor({ state: "hidden" });
    expect(await page.textContent("#model-status")).toContain(`commit ${sha(4)}`);
    const granted = await fromNode("test-org/gated", APPROVED_TOKEN);
    expect(await page.getAttribute("#breakdown .total", "data-bytes")).toBe(
      String(granted.memory.totalBytes),
    );
    expect(page.url()).not.toContain(APPROVED_TOKEN);
    expect(
      await page.evaluate(() => `${String(localStorage.length)} ${String(sessionStorage.length)}`),
    ).toBe("0 0");
    const authorized = hub.requests.filter((request) => request.authorization !== undefined);
    expect(authorized.length).toBeGreaterThan(0);
    expect(
      authorized.every((request) => request.authorization === `Bearer ${APPROVED_TOKEN}`),
    ).toBe(true);
  });

  it("a 429 is retried after Retry-After, and the page loads", async () => {
    const info = (request: { path: string }) =>
      request.path.startsWith("/api/models/test-org/tiny");
    hub.inject(info, { kind: "status", status: 429, headers: { "Retry-After": "1" } }, 1);
    const page = await open("test-org/tiny");
    await page.waitForSelector("#breakdown svg");
    const tries = hub.hubRequests().filter(info);
    expect(tries).toHaveLength(2);
    expect(tries[1]!.atMs - tries[0]!.atMs).toBeGreaterThanOrEqual(900);
    expect(await page.isHidden("#model-error")).toBe(true);
  });

  it("a weights file redirected to a CDN: the browser follows it, and the token stays with the Hub", async () => {
    const cdnHub = await FakeHub.start(hubRepos(), { tokens: KNOWN_TOKENS, cdn: true });
    try {
      const page = await (await browser.newContext()).newPage();
      await page.goto(
        `${site.url}/?source=hub&model=test-org/gated&hub=${encodeURIComponent(cdnHub.url)}`,
      );
      await page.locator("#model-error").waitFor({ state: "visible" });
      await page.getByLabel(/Access token/).fill(APPROVED_TOKEN);
      await page.getByRole("button", { name: "Fetch from the Hub" }).click();
      await page.waitForSelector("#breakdown svg");
      const granted = await estimateInference("test-org/gated", {
        contextLength: 4096,
        batchSize: 8,
        hubUrl: cdnHub.url,
        cacheDir: false,
        env: {},
        accessToken: APPROVED_TOKEN,
      });
      expect(await page.getAttribute("#breakdown .total", "data-bytes")).toBe(
        String(granted.memory.totalBytes),
      );
      const cdn = cdnHub.requests.filter((request) => request.server === "cdn");
      expect(cdn.length).toBeGreaterThan(0);
      // The Fetch standard drops Authorization on a redirect to another origin; Chromium does.
      expect(cdn.every((request) => request.authorization === undefined)).toBe(true);
    } finally {
      await cdnHub.close();
    }
  });
});
