import { defineConfig } from "vitest/config";

// Three kinds of test, run together by `npm test`: runtime (unit, golden, CLI),
// fast-check properties, and type tests.
export default defineConfig({
  test: {
    // No test may reach the real Hub or read the real home, token or cache.
    setupFiles: ["tests/setup/isolate-environment.ts"],
    projects: [
      {
        extends: true,
        test: { name: "unit", include: ["tests/**/*.test.ts"], exclude: ["tests/props/**"] },
      },
      { extends: true, test: { name: "props", include: ["tests/props/**/*.test.ts"] } },
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
