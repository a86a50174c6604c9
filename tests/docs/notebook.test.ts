import { mkdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { pathToFileURL } from "node:url";
import { afterAll, describe, expect, it, vi } from "vitest";

// docs/notebooks/vramfit.ipynb runs as a script: its code cells, in order, as one module, with
// Deno's "npm:vramfit" pointed at src/. No Jupyter kernel installs from the npm registry, so this
// is how CI executes the notebook; every cell must run and print.

const ROOT = join(import.meta.dirname, "..", "..");
const SCRATCH = join(ROOT, "tests", "docs", ".blocks");

interface Notebook {
  readonly cells: readonly { readonly cell_type: string; readonly source: readonly string[] }[];
}

afterAll(() => {
  rmSync(join(SCRATCH, "notebook.ts"), { force: true });
});

describe("docs/notebooks/vramfit.ipynb", () => {
  it("runs every code cell in order, offline, and prints the worked example", async () => {
    const notebook = JSON.parse(
      readFileSync(join(ROOT, "docs", "notebooks", "vramfit.ipynb"), "utf8"),
    ) as Notebook;
    const code = notebook.cells
      .filter((cell) => cell.cell_type === "code")
      .map((cell) => cell.source.join(""))
      .join("\n\n")
      .replace(
        /from "npm:vramfit"/g,
        `from "${pathToFileURL(join(ROOT, "src", "index.ts")).href}"`,
      );
    expect(code).toContain("estimateInference");
    mkdirSync(SCRATCH, { recursive: true });
    const path = join(SCRATCH, "notebook.ts");
    writeFileSync(path, code);
    const printed: string[] = [];
    const log = vi.spyOn(console, "log").mockImplementation((...args: unknown[]) => {
      printed.push(args.map(String).join(" "));
    });
    const table = vi.spyOn(console, "table").mockImplementation((rows: unknown) => {
      printed.push(JSON.stringify(rows));
    });
    try {
      await import(pathToFileURL(path).href);
    } finally {
      log.mockRestore();
      table.mockRestore();
    }
    // The worked example: Llama-3-70B, 4K × 8, BF16 = 168.78 GB.
    expect(printed[0]).toBe("168.78 GB");
    expect(printed).toHaveLength(3);
  });
});
