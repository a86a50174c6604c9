import { readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { parseUserDeployment, validateDeployment } from "../../src/deploy.js";

// The deployment.json of docs/api.md must stay a valid file, and say what `vramfit check` reports for it.
const README = readFileSync(join(import.meta.dirname, "..", "..", "docs", "api.md"), "utf8");
const example = /A `deployment.json` for `vramfit check`[\s\S]*?```json\n([\s\S]*?)```/.exec(
  README,
);

describe("the deployment.json of docs/api.md", () => {
  it("parses with the file schema and fails check 8 only, as docs/api.md says", async () => {
    expect(example?.[1]).toBeDefined();
    const deployment = parseUserDeployment(JSON.parse(example![1]!));
    const report = await validateDeployment(deployment);
    const failed = report.checks.filter((check) => check.status === "fail");
    expect(failed.map((check) => check.id)).toEqual(["fit"]);
    // The shortfall, worked by hand: vLLM's budget on one A100 80GB (docs/methodology.md#serving-fit): weights + rotary cache
    // (8,192 × 128 × 2 B) + the profile run's forward of 2,048 tokens (2 × (3 × 8,192 + 3 × 28,672) B
    // each) + 0.10 GiB non-torch + 0.5 GiB CUDA graphs + 10,737,418,240 B of KV cache, against
    // 0.92 × (81,920 − 512) MiB.
    const need =
      2 * 70_553_706_496 +
      8192 * 128 * 2 +
      2048 * 2 * (3 * 8192 + 3 * 28_672) +
      Math.round(0.1 * 1024 ** 3) +
      Math.round(0.5 * 1024 ** 3) +
      10_737_418_240;
    const budget = Math.floor((81_920 - 512) * 1024 ** 2 * 0.92);
    const shortGb = ((need - budget) / 1e9).toFixed(2);
    expect(shortGb).toBe("74.41");
    expect(README).toContain(`${shortGb} GB short`);
    expect(failed[0]?.reason).toContain(`${shortGb} GB short`);
  });
});
