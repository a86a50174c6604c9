// Screenshots of the main view at desktop and phone widths, written as test artifacts into
// test-results/ on every run; `npm run screenshots` (VRAMFIT_SCREENSHOTS=docs/images) writes the
// README's copies instead, so they are refreshed by one command.
import { mkdirSync } from "node:fs";
import { join } from "node:path";
import type { Browser } from "playwright-core";
import { afterAll, beforeAll, expect, it } from "vitest";
import { launchChromium, TEST_RESULTS, WEB_DIST } from "../helpers/browser.js";
import { serveFolder, type StaticServer } from "../helpers/static-server.js";

const FOLDER = process.env.VRAMFIT_SCREENSHOTS ?? TEST_RESULTS;

let browser: Browser;
let site: StaticServer;

beforeAll(async () => {
  site = await serveFolder(WEB_DIST);
  browser = await launchChromium();
  mkdirSync(FOLDER, { recursive: true });
});

afterAll(async () => {
  await browser.close();
  await site.close();
});

const VIEWS = [
  { file: "web-desktop.png", width: 1280, height: 1200 },
  { file: "web-phone.png", width: 390, height: 844 },
] as const;

it.each(VIEWS)("$file: the worked example at $width px", async ({ file, width, height }) => {
  const context = await browser.newContext({ viewport: { width, height } });
  const page = await context.newPage();
  await page.goto(`${site.url}/?gpu=nvidia-h100-sxm`);
  await page.waitForSelector("#curve svg");
  // Nothing wider than the screen: the tables scroll inside their own box.
  expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(
    width,
  );
  // On a phone the form comes first; show the results, as a reader scrolls to them.
  if (width < 600) {
    await page.locator("#results").evaluate((results) => {
      results.scrollIntoView({ block: "start" });
    });
  }
  const path = join(FOLDER, file);
  await page.screenshot({ path });
  await context.close();
});
