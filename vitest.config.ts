import { defineConfig } from "vitest/config";

// The test processes trust the tests' own certificate (tests/fixtures/tls, for 127.0.0.1 and
// localhost only), so that in-process tests can talk https to a local server. Node reads
// NODE_EXTRA_CA_CERTS at start; vitest's worker processes inherit it from here.
process.env.NODE_EXTRA_CA_CERTS = new URL(
  "tests/fixtures/tls/localhost.crt",
  import.meta.url,
).pathname;

// Three kinds of test, run together by `npm test`: runtime (unit, golden, CLI),
// fast-check properties, and type tests; a fourth project checks the packed package, and a
// fifth drives the built web page in headless Chromium (`npm run test:browser`).
export default defineConfig({
  // Tests run on Node: `#platform` is the Node platform (package.json "imports").
  resolve: { alias: { "#platform": new URL("src/io/platform/node.ts", import.meta.url).pathname } },
  test: {
    // No test may reach the real Hub or read the real home, token or cache.
    setupFiles: ["tests/setup/isolate-environment.ts"],
    projects: [
      {
        extends: true,
        test: {
          name: "unit",
          include: ["tests/**/*.test.ts"],
          exclude: ["tests/props/**", "tests/package/**", "tests/browser/**"],
        },
      },
      // Properties run a hundred rankings or plans each: seconds on a busy 2-core machine.
      {
        extends: true,
        test: { name: "props", include: ["tests/props/**/*.test.ts"], testTimeout: 60_000 },
      },
      // `npm run fuzz`: the bounded-time properties 10× longer, with a new seed each run, and the
      // Hub read of a 10,000-shard repo.
      {
        extends: true,
        test: {
          name: "fuzz",
          include: ["tests/props/bounded-time.props.test.ts", "tests/io/hub/big-repos.test.ts"],
          env: { VRAMFIT_FUZZ: "long" },
        },
      },
      // What npm ships, installed in a scratch project: `npm run check:package`, not `npm test`.
      {
        extends: true,
        test: { name: "package", include: ["tests/package/**/*.test.ts"], testTimeout: 120_000 },
      },
      // The built page (web/dist) in Debian's chromium through playwright-core.
      {
        extends: true,
        test: {
          name: "browser",
          include: ["tests/browser/**/*.test.ts"],
          testTimeout: 60_000,
          hookTimeout: 60_000,
          fileParallelism: false,
        },
      },
      {
        extends: true,
        test: {
          name: "types",
          include: [],
          typecheck: { enabled: true, only: true, include: ["tests/types/**/*.test-d.ts"] },
        },
      },
    ],
  },
});
