import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, relative } from "node:path";
import { pathToFileURL } from "node:url";
import { parse as parseYaml } from "yaml";
import { afterAll, describe, expect, it } from "vitest";
import { runBuiltCli } from "../helpers/cli.js";

// Every code block of the README and docs/ runs, so examples cannot drift from the code:
// - ts/js blocks run as modules ("vramfit" and "vramfit/deploy" point at src/); a statement ending
//   in a comment that is a literal (`formatBytes(x); // "168.78 GB"`) asserts that value (a string
//   ending in "..." asserts how the value starts);
// - sh blocks run each `vramfit ...` line with the built CLI, offline on the bundled models; when
//   a ```text block follows, the output must contain its lines in order, each the start of a
//   printed line (an example may cut a long line short; a line "..." skips any number);
// - json and yaml blocks must parse.
// `<!-- docs-test: skip <reason> -->` right before a block skips it, reason required;
// `<!-- docs-test: file <name> -->` writes the block as <name> in the folder the document's sh
// blocks run in (one scratch folder per document), so `vramfit check deployment.json` finds it.

const ROOT = join(import.meta.dirname, "..", "..");
const SCRATCH = join(ROOT, "tests", "docs", ".blocks");

interface Block {
  readonly file: string;
  /** The name the block is written under for the document's commands, when marked so. */
  readonly writeAs: string | undefined;
  readonly line: number;
  readonly lang: string;
  readonly code: string;
  readonly skip: string | undefined;
  readonly output: string | undefined;
}

function markdownFiles(): string[] {
  const docs = readdirSync(join(ROOT, "docs"), { recursive: true, encoding: "utf8" })
    .filter((file) => file.endsWith(".md"))
    .map((file) => join("docs", file));
  return ["README.md", ...docs.sort()];
}

function blocksOf(file: string): Block[] {
  const text = readFileSync(join(ROOT, file), "utf8");
  const fence = /^```(\w*)[^\n]*\n([\s\S]*?)^```[ \t]*$/gm;
  const found: { lang: string; code: string; index: number; end: number }[] = [];
  for (const match of text.matchAll(fence)) {
    found.push({
      lang: match[1] ?? "",
      code: match[2] ?? "",
      index: match.index,
      end: match.index + match[0].length,
    });
  }
  return found.map((block, position) => {
    const before = text.slice(0, block.index);
    const skip = /<!--\s*docs-test:\s*skip\s+([^>]+?)\s*-->\s*$/.exec(before)?.[1];
    const writeAs = /<!--\s*docs-test:\s*file\s+([\w.-]+)\s*-->\s*$/.exec(before)?.[1];
    const next = found[position + 1];
    const between = next === undefined ? "" : text.slice(block.end, next.index);
    const output = next?.lang === "text" && /^\s*$/.test(between) ? next.code : undefined;
    return {
      file,
      writeAs,
      line: before.split("\n").length,
      lang: block.lang,
      code: block.code,
      skip,
      output,
    };
  });
}

/** A ts/js block as a module whose literal-comment lines are assertions. */
function asModule(code: string): string {
  const src = pathToFileURL(join(ROOT, "src")).href;
  const body = code
    .replace(/from "vramfit\/deploy"/g, `from "${src}/deploy.ts"`)
    .replace(/from "vramfit"/g, `from "${src}/index.ts"`)
    .split("\n")
    .map((line) => {
      const match = /^(\s*)(.+?);\s*\/\/\s*(.+?)\s*$/.exec(line);
      const literal = match?.[3];
      if (match === null || literal === undefined || !isLiteral(literal)) return line;
      return `${match[1] ?? ""}__expect(${match[2]}, ${literal.replace(/_/g, "")}, ${JSON.stringify(line.trim())});`;
    })
    .join("\n");
  return `const __expect = (actual, expected, line) => {
  const abridged = typeof expected === "string" && expected.endsWith("...");
  const same = abridged
    ? typeof actual === "string" && actual.startsWith(expected.slice(0, -3))
    : JSON.stringify(actual) === JSON.stringify(expected);
  if (!same) {
    throw new Error(\`\${line}\\n  expected \${JSON.stringify(expected)}, got \${JSON.stringify(actual)}\`);
  }
};
${body}
`;
}

function isLiteral(text: string): boolean {
  return /^(?:"(?:[^"\\]|\\.)*"|-?[\d_]+(?:\.\d+)?|true|false|null)$/.test(text);
}

/** The first expected line `actual` lacks (in order, each the start of a printed line), if any. */
function containsInOrder(actual: string, expected: string): string | undefined {
  const lines = actual.split("\n").map((line) => line.trimEnd());
  let at = 0;
  for (const wanted of expected.split("\n").map((line) => line.trimEnd())) {
    if (wanted.trim() === "" || wanted.trim() === "...") continue;
    const found = lines.findIndex((line, index) => index >= at && line.startsWith(wanted));
    if (found === -1) return wanted;
    at = found + 1;
  }
  return undefined;
}

const BLOCKS = markdownFiles().flatMap(blocksOf);

/** One scratch folder per document, holding its `file`-marked blocks. */
const folders = new Map<string, string>();
function folderOf(file: string): string {
  let folder = folders.get(file);
  if (folder === undefined) {
    folder = mkdtempSync(join(tmpdir(), "vramfit-docs-"));
    for (const block of BLOCKS.filter((candidate) => candidate.file === file)) {
      if (block.writeAs !== undefined) writeFileSync(join(folder, block.writeAs), block.code);
    }
    folders.set(file, folder);
  }
  return folder;
}
const RUNNABLE = new Set(["ts", "typescript", "js", "sh", "bash", "json", "yaml", "yml"]);

mkdirSync(SCRATCH, { recursive: true });
afterAll(() => {
  rmSync(SCRATCH, { recursive: true, force: true });
});

describe("the code blocks of the README and docs/", () => {
  it("are found, and every skip gives its reason", () => {
    expect(BLOCKS.filter((block) => RUNNABLE.has(block.lang)).length).toBeGreaterThan(10);
    for (const block of BLOCKS) {
      if (block.skip !== undefined) expect(block.skip.length).toBeGreaterThan(5);
    }
  });

  const cases = BLOCKS.filter((block) => RUNNABLE.has(block.lang) && block.skip === undefined);
  it.each(cases.map((block) => [`${block.file}:${block.line} (${block.lang})`, block] as const))(
    "%s",
    async (_name, block) => {
      if (block.lang === "json") {
        expect(() => JSON.parse(block.code)).not.toThrow();
        return;
      }
      if (block.lang === "yaml" || block.lang === "yml") {
        expect(() => parseYaml(block.code)).not.toThrow();
        return;
      }
      if (block.lang === "sh" || block.lang === "bash") {
        const commands = block.code
          .split("\n")
          .map((line) => line.trim())
          .filter((line) => /^(npx )?vramfit /.test(line));
        // The document's scratch folder: commands that write files (plan --emit) write there.
        const cwd = folderOf(block.file);
        let printed = "";
        for (const command of commands) {
          const argv = command
            .replace(/^(npx )?vramfit /, "")
            .replace(/\s+#.*$/, "")
            .split(/\s+/);
          const result = await runBuiltCli(argv, { cwd });
          const expectedCode = /#\s*exits\s+(\d)/.exec(command)?.[1];
          expect({ command, code: result.code }, result.stderr.slice(0, 400)).toEqual({
            command,
            code: expectedCode === undefined ? 0 : Number(expectedCode),
          });
          printed += result.stdout;
        }
        if (block.output !== undefined) {
          expect(
            containsInOrder(printed, block.output),
            `missing from the output of ${block.file}:${block.line}`,
          ).toBeUndefined();
        }
        return;
      }
      const path = join(
        SCRATCH,
        `${relative(ROOT, block.file).replace(/\W+/g, "-")}-${block.line}.ts`,
      );
      writeFileSync(path, asModule(block.code));
      await import(pathToFileURL(path).href);
    },
    60_000,
  );
});
