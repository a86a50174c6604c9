// Headless Chromium for the browser tests: Debian's `chromium` package (apt-get install -y
// chromium; .ci/run installs it when missing) driven by playwright-core, which downloads nothing.
import { existsSync } from "node:fs";
import { join } from "node:path";
import { chromium, type Browser } from "playwright-core";

/** The built page the tests load (`npm run build:web`). */
export const WEB_DIST = join(import.meta.dirname, "..", "..", "web", "dist");

/** Where screenshots and other artifacts go (gitignored). */
export const TEST_RESULTS = join(import.meta.dirname, "..", "..", "test-results");

/** Launches Chromium, or says how to get it. */
export async function launchChromium(): Promise<Browser> {
  const executablePath = process.env.CHROMIUM_PATH ?? "/usr/bin/chromium";
  if (!existsSync(executablePath)) {
    throw new Error(
      `No Chromium at ${executablePath}: apt-get install -y chromium, or set CHROMIUM_PATH.`,
    );
  }
  if (!existsSync(join(WEB_DIST, "index.html"))) {
    throw new Error(`No built page in ${WEB_DIST}: run npm run build:web first.`);
  }
  return chromium.launch({ executablePath, args: ["--no-sandbox"] });
}
