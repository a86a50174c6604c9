import { defineConfig } from "vitest/config";

// Three kinds of test, run together by `npm test`: runtime (unit, golden, CLI),
// fast-check properties, and type tests; a fourth project checks the packed package.
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
          exclude: ["tests/props/**", "tests/package/**"],
        },
      },
      // Properties run a hundred rankings or plans each: seconds on a busy 2-core machine.
      {
        extends: true,
        test: { name: "props", include: ["tests/props/**/*.test.ts"], testTimeout: 60_000 },
      },
      // What npm ships, installed in a scratch project: `npm run check:package`, not `npm test`.
      {
        extends: true,
        test: { name: "package", include: ["tests/package/**/*.test.ts"], testTimeout: 120_000 },
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
