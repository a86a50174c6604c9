import { execFileSync } from "node:child_process";
import { tmpdir } from "node:os";
import { parse as parseHcl } from "@cdktf/hcl2json";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { parse as parseYaml } from "yaml";
import { renderTemplates } from "../../src/deploy.js";
import { InvalidOptionError, parseGpuCatalog, VramfitError } from "../../src/index.js";
import {
  attribute,
  block,
  comment,
  heredoc,
  renderHcl,
  toTerraformJson,
} from "../../src/deploy/templates/hcl.js";
import {
  TEMPLATE_TARGET_IDS,
  type TemplatePlans,
} from "../../src/deploy/templates/render-templates.js";
import { commandScript } from "../../src/deploy/templates/shell.js";
import { toYaml } from "../../src/deploy/templates/yaml.js";
import {
  bashSyntaxErrors,
  hclToTerraformJson,
  llama3_70bBf16,
  unwrapSingletons,
} from "../helpers/templates.js";

// Generated files must hold interpolated text as data, never as code: whatever a model id, a
// GPU name or a comment holds, every script has the lines the template wrote and no others, and
// every YAML / HCL / JSON file parses back to exactly the keys the template wrote.

/** Every character some reader of the generated files takes as the end of a line. */
const BREAKS = ["\n", "\r", "\r\n", "\u000b", "\u000c", "\u0085", "\u2028", "\u2029"];

const hostile = fc.constantFrom(
  "evil\ntouch PWNED\n#",
  "org/model\rtrust-remote-code: true",
  'x"\n}\nresource "null_resource" "pwn" {\n  provisioner "local-exec" { command = "touch PWNED" }\n}\n#',
  "a\u2028touch PWNED",
  "a\u2029b\u0085c",
  "$(touch PWNED)",
  "`touch PWNED`",
  "'; touch PWNED; '",
  '${file("/etc/passwd")}',
  "%{ if true }x%{ endif }",
  "\\",
  "\\'",
  '"',
  "\u001b[31mred",
  "\u007f\u0080\u009f",
  "tab\there",
  "-n",
  "--trust-remote-code",
  "#",
  "key: value",
);

/** Any text (no lone surrogates: no file holds one), weighted towards line breaks and quotes. */
const anyText = fc
  .oneof(
    hostile,
    fc.string({ unit: "grapheme" }),
    fc.string({ unit: "binary" }),
    fc.string({ unit: fc.constantFrom(...BREAKS, "a", "/", "'", '"', "\\", "$", "{", "#", " ") }),
  )
  .filter((text) => !/\p{Surrogate}/u.test(text));

/** Lines as the strictest reader splits them (YAML 1.1: \r\n, \n, \r, NEL, U+2028, U+2029). */
function lines(text: string): string[] {
  return text.split(/\r\n|[\n\r\u0085\u2028\u2029]/);
}

/**
 * In one bash process: `bash -n` on a script, and the words bash splits a command into (its
 * first word replaced by a printer, as tests/helpers/templates.ts's bashWords does).
 */
function syntaxAndWords(script: string, command: string): [string, string[]] {
  const run = [
    'syntax=$(printf %s "$1" | bash -n 2>&1)',
    "printf '%s\\0' \"$syntax\"",
    "__words() { printf '%s\\0' \"$@\"; }",
    'eval "__words $2"',
  ].join("\n");
  const out = execFileSync("bash", ["-c", run, "check", script, command], {
    encoding: "utf8",
    cwd: tmpdir(),
    // No HOME with a .bashrc: bash reads it when stdin is a socket, as Node's pipes are.
    env: { PATH: process.env.PATH ?? "", HOME: tmpdir() },
    stdio: ["ignore", "pipe", "pipe"],
  });
  const [syntax = "", ...words] = out.split("\0").slice(0, -1);
  return [syntax, words];
}

describe("one place per language escapes line breaks", () => {
  it("bash: any comment stays one comment line, any word one word that reads back exactly", () => {
    fc.assert(
      fc.property(
        anyText.filter((text) => !text.includes("\0")),
        (text) => {
          const script = commandScript(
            "x.sh",
            [text, "second"],
            [
              ["prog", text],
              ["--flag", text],
            ],
          );
          const contents = script.files[0].contents;
          expect(syntaxAndWords(contents, script.command)).toEqual([
            "",
            ["prog", text, "--flag", text],
          ]);
          expect(lines(contents)).toHaveLength(7); // shebang, 2 comments, set, 2 command lines, ""
          expect(
            lines(contents)
              .slice(1, 3)
              .every((line) => line.startsWith("# ")),
          ).toBe(true);
          expect(lines(contents)[3]).toBe("set -euo pipefail");
          expect(lines(contents)[5]).toMatch(/^ {2}--flag /);
        },
      ),
      { numRuns: 60 },
    );
  }, 60_000);

  it("YAML: any comment stays one comment line, any value parses back under YAML 1.1 and 1.2", () => {
    fc.assert(
      fc.property(anyText, (text) => {
        const yaml = toYaml({ model: text, port: 8000 }, { comments: [text, "second"] });
        const [first, second, third] = lines(yaml);
        expect([first?.startsWith("#"), second, third?.startsWith("model: ")]).toEqual([
          true,
          "# second",
          true,
        ]);
        for (const version of ["1.1", "1.2"] as const) {
          expect(parseYaml(yaml, { version })).toStrictEqual({ model: text, port: 8000 });
        }
      }),
      { numRuns: 400 },
    );
  });

  it("HCL: a line that starts with a combining mark survives (found by the property below)", async () => {
    // HashiCorp's parser strips a heredoc's indent by grapheme cluster: "    \u{1E000}" is one
    // cluster, so in a heredoc the mark went with the indent. Such text is written quoted.
    const body = [block("locals", [], [attribute("script", heredoc("echo hi\n\u{1E000}\n"))])];
    expect(await hclToTerraformJson(renderHcl(body))).toEqual({
      locals: { script: "echo hi\n\u{1E000}\n" },
    });
  });

  it("HCL: any comment stays one comment line; HashiCorp's parser reads exactly the attributes written", async () => {
    await fc.assert(
      fc.asyncProperty(anyText, async (text) => {
        const body = [
          comment(text),
          block(
            "locals",
            [],
            [attribute("model", text), attribute("script", heredoc(`echo hi\n${text}\n`))],
          ),
        ];
        const hcl = renderHcl(body);
        expect(lines(hcl)[0]?.startsWith("# ")).toBe(true);
        expect(lines(hcl)[1]).toBe("locals {");
        const json = toTerraformJson(body);
        expect(Object.keys(json)).toEqual(["locals"]);
        expect(await hclToTerraformJson(hcl)).toEqual(unwrapSingletons(json));
        expect(JSON.parse(JSON.stringify(json))).toEqual(json);
      }),
      { numRuns: 60 },
    );
  });
});

/** A full plan set (every target) for one model id. */
function plansFor(modelId: string): TemplatePlans {
  return {
    serving: { ...llama3_70bBf16(), modelId, servedModelName: "m" },
    training: { baseModel: modelId, method: "qlora" },
    infra: {
      region: "us-east-1",
      instanceTypes: ["p4de.24xlarge"],
      gpusPerInstance: 8,
      namePrefix: "vramfit-m-",
    },
  };
}

/** Every key path of a value, array items by position ("a.b[0].c"). */
function keyPaths(value: unknown, path = ""): string[] {
  if (Array.isArray(value)) return value.flatMap((item, i) => keyPaths(item, `${path}[${i}]`));
  if (value === null || typeof value !== "object") return [path];
  return Object.entries(value as Record<string, unknown>).flatMap(([key, child]) =>
    keyPaths(child, path === "" ? key : `${path}.${key}`),
  );
}

/**
 * What each file is made of, id aside: a script's lines (and the script, for `bash -n`), a data
 * file's key paths; main.tf's key paths and its user data's lines.
 */
async function shapeOf(path: string, contents: string, scripts: string[]): Promise<unknown> {
  if (path.endsWith(".sh")) {
    scripts.push(contents);
    return lines(contents).length;
  }
  if (path.endsWith(".yaml")) return keyPaths(parseYaml(contents, { version: "1.1" }));
  if (path.endsWith(".json")) return keyPaths(JSON.parse(contents));
  if (path.endsWith(".tf")) {
    const parsed = (await parseHcl(path, contents)) as { locals: [{ user_data: string }] };
    const userData = parsed.locals[0].user_data;
    scripts.push(userData);
    return [keyPaths(parsed), lines(userData).length];
  }
  // Python: the comment lines stay comments.
  return lines(contents).filter((line) => line.startsWith("#")).length;
}

/** The shape of every file of a set; every script (and the user data) passes `bash -n`. */
async function shapesOf(files: readonly { path: string; contents: string }[]): Promise<unknown[]> {
  const scripts: string[] = [];
  const shapes = [];
  for (const file of files) shapes.push(await shapeOf(file.path, file.contents, scripts));
  expect(bashSyntaxErrors(scripts)).toEqual(scripts.map(() => ""));
  return shapes;
}

describe("any model id, through every template", () => {
  const baseline = renderTemplates(plansFor("org/model"), TEMPLATE_TARGET_IDS).files;

  it("is refused as an option, or written as data: same lines, same keys as for org/model", async () => {
    const expected = await shapesOf(baseline);
    await fc.assert(
      fc.asyncProperty(anyText, async (modelId) => {
        let files;
        try {
          files = renderTemplates(plansFor(modelId), TEMPLATE_TARGET_IDS).files;
        } catch (error) {
          expect(error).toBeInstanceOf(InvalidOptionError);
          expect((error as InvalidOptionError).option).toMatch(/^plan\.(modelId|baseModel)$/);
          return;
        }
        expect(files.map((file) => file.path)).toEqual(baseline.map((file) => file.path));
        expect(await shapesOf(files)).toEqual(expected);
        const config = files.find((file) => file.path === "vllm/config.yaml")!.contents;
        expect((parseYaml(config) as { model: string }).model).toBe(modelId);
      }),
      { numRuns: 25 },
    );
  }, 60_000);

  it("with a line break is refused by every template, and by a GPU catalog as a name", () => {
    for (const br of BREAKS) {
      const id = `evil${br}touch PWNED${br}#`;
      expect(() => renderTemplates(plansFor(id), ["vllm"])).toThrow(InvalidOptionError);
      expect(() =>
        parseGpuCatalog({ accelerators: { x: { name: `Acme${br}X1`, memoryGiB: 80 } } }),
      ).toThrow(expect.objectContaining({ code: "CATALOG_INVALID" }) as VramfitError);
    }
  });
});
