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
    // The shortfall, worked by hand: 2 × 70,553,706,496 B of weights + 10,737,418,240 B of KV cache
    // + 1.5 GiB reserve against 0.92 × 81,920 MiB.
    const need = 2 * 70_553_706_496 + 10_737_418_240 + 1.5 * 1024 ** 3;
    const shortGb = ((need - 0.92 * 81_920 * 1024 ** 2) / 1e9).toFixed(2);
    expect(shortGb).toBe("74.43");
    expect(README).toContain(`${shortGb} GB short`);
    expect(failed[0]?.reason).toContain(`${shortGb} GB short`);
  });
});
