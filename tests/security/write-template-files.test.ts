import { execFileSync } from "node:child_process";
import {
  chmodSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  statSync,
  symlinkSync,
  writeFileSync,
} from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { VramfitError } from "../../src/index.js";
import { writeTemplateFiles, type FileToWrite } from "../../src/io/files/write-template-files.js";
import { runCli } from "../helpers/cli.js";

// `plan --emit` writes inside --out and nowhere else: never through a symbolic link, all files
// or none, and every refusal a typed error (code and hint), never a Node stack trace.

const SET: FileToWrite[] = [
  { path: "vllm/serve.sh", contents: "#!/usr/bin/env bash\necho new\n" },
  { path: "vllm/config.yaml", contents: "model: new\n" },
  { path: "vllm/docker-run.sh", contents: "#!/usr/bin/env bash\necho new\n" },
  { path: "terraform/hcl/main.tf", contents: "# new\n" },
];

function scratch(): { out: string; outside: string } {
  const root = mkdtempSync(join(tmpdir(), "vramfit-out-"));
  const outside = join(root, "outside");
  mkdirSync(outside);
  return { out: join(root, "out"), outside };
}

/** Every entry under a folder (files, folders, links), relative, sorted. */
function tree(folder: string): string[] {
  return readdirSync(folder, { recursive: true }).map(String).sort();
}

async function refusal(run: Promise<unknown>): Promise<VramfitError> {
  const error = await run.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(VramfitError);
  expect((error as VramfitError).hint).toBeTruthy();
  return error as VramfitError;
}

describe("symbolic links in --out", () => {
  it("a dangling link where a template goes: refused, nothing created outside", async () => {
    const { out, outside } = scratch();
    mkdirSync(join(out, "vllm"), { recursive: true });
    symlinkSync(join(outside, "pwned"), join(out, "vllm", "serve.sh"));
    for (const force of [false, true]) {
      const error = await refusal(writeTemplateFiles(out, SET, { force }));
      expect(error.code).toBe("OUTPUT_INVALID");
      expect(error.message).toContain("vllm/serve.sh");
      expect(error.message).toContain("symbolic link");
    }
    expect(tree(outside)).toEqual([]);
    expect(tree(out)).toEqual(["vllm", "vllm/serve.sh"]);
  });

  it("a link to an existing file, with --force: refused, the file outside untouched", async () => {
    const { out, outside } = scratch();
    writeFileSync(join(outside, "precious"), "keep me\n");
    mkdirSync(join(out, "vllm"), { recursive: true });
    symlinkSync(join(outside, "precious"), join(out, "vllm", "config.yaml"));
    const error = await refusal(writeTemplateFiles(out, SET, { force: true }));
    expect(error.code).toBe("OUTPUT_INVALID");
    expect(readFileSync(join(outside, "precious"), "utf8")).toBe("keep me\n");
    expect(tree(out)).toEqual(["vllm", "vllm/config.yaml"]);
  });

  it("a linked sub-folder: refused, the folder it points at receives nothing", async () => {
    const { out, outside } = scratch();
    mkdirSync(out);
    symlinkSync(outside, join(out, "terraform"));
    const error = await refusal(writeTemplateFiles(out, SET, { force: true }));
    expect(error.code).toBe("OUTPUT_INVALID");
    expect(error.message).toContain("terraform");
    expect(tree(outside)).toEqual([]);
  });

  it("--out itself may be a link to a folder: the files land in the real folder", async () => {
    const { out, outside } = scratch();
    symlinkSync(outside, out);
    await writeTemplateFiles(out, SET);
    expect(tree(outside)).toEqual([
      "terraform",
      "terraform/hcl",
      "terraform/hcl/main.tf",
      "vllm",
      "vllm/config.yaml",
      "vllm/docker-run.sh",
      "vllm/serve.sh",
    ]);
  });
});

describe("all or nothing", () => {
  it("a folder where a template goes (EISDIR once): typed error, every old file as it was", async () => {
    const { out } = scratch();
    await writeTemplateFiles(out, SET);
    const old = SET.map((file) => readFileSync(join(out, file.path), "utf8"));
    rmSync(join(out, "vllm", "docker-run.sh"));
    mkdirSync(join(out, "vllm", "docker-run.sh"));
    const changed = SET.map((file) => ({ ...file, contents: "changed\n" }));
    const error = await refusal(writeTemplateFiles(out, changed, { force: true }));
    expect(error.code).toBe("OUTPUT_INVALID");
    expect(error.message).toContain("is a folder where the template file goes");
    for (const [i, file] of SET.entries()) {
      if (file.path !== "vllm/docker-run.sh") {
        expect(readFileSync(join(out, file.path), "utf8")).toBe(old[i]);
      }
    }
    expect(tree(out).some((entry) => entry.includes("staging"))).toBe(false);
  });

  it("a file where a folder goes, and --out naming a file: typed errors, nothing written", async () => {
    const { out } = scratch();
    mkdirSync(out);
    writeFileSync(join(out, "terraform"), "a file\n");
    const error = await refusal(writeTemplateFiles(out, SET));
    expect(error.code).toBe("OUTPUT_INVALID");
    expect(tree(out)).toEqual(["terraform"]);

    const file = join(out, "terraform");
    expect((await refusal(writeTemplateFiles(file, SET))).code).toBe("OUTPUT_INVALID");
    expect((await refusal(writeTemplateFiles(join(file, "below"), SET))).code).toBe(
      "OUTPUT_INVALID",
    );
  });

  it("--force writes new files: the old files' permissions are not kept", async () => {
    const { out } = scratch();
    await writeTemplateFiles(out, SET);
    chmodSync(join(out, "vllm", "serve.sh"), 0o700);
    chmodSync(join(out, "vllm", "config.yaml"), 0o666);
    const before = statSync(join(out, "vllm", "config.yaml")).ino;
    await writeTemplateFiles(out, SET, { force: true });
    // What a fresh file gets under this process's umask.
    const fresh = (mode: number) => {
      const probe = join(mkdtempSync(join(tmpdir(), "vramfit-mode-")), "probe");
      writeFileSync(probe, "", { mode });
      return statSync(probe).mode & 0o777;
    };
    expect(statSync(join(out, "vllm", "serve.sh")).mode & 0o777).toBe(fresh(0o755));
    expect(statSync(join(out, "vllm", "config.yaml")).mode & 0o777).toBe(fresh(0o644));
    expect(statSync(join(out, "vllm", "config.yaml")).ino).not.toBe(before);
    expect(readdirSync(out).some((entry) => entry.startsWith(".vramfit"))).toBe(false);
  });
});

/**
 * A folder this process cannot write to. chmod does not stop root, so as root the folder is
 * bind-mounted read-only on itself; where neither works, the reason to skip.
 */
function readOnlyFolder(): { path: string; release: () => void } | { skip: string } {
  const path = mkdtempSync(join(tmpdir(), "vramfit-ro-"));
  const writable = () => {
    try {
      writeFileSync(join(path, "probe"), "");
      rmSync(join(path, "probe"));
      return true;
    } catch {
      return false;
    }
  };
  if (process.getuid?.() !== 0) {
    chmodSync(path, 0o555);
    if (!writable()) {
      return {
        path,
        release: () => {
          chmodSync(path, 0o755);
        },
      };
    }
    return { skip: "chmod 555 does not stop this user from writing" };
  }
  try {
    execFileSync("mount", ["--bind", "-o", "ro", path, path], { stdio: "ignore" });
  } catch {
    return { skip: "running as root, and a read-only bind mount is not allowed here" };
  }
  const release = () => {
    execFileSync("umount", [path], { stdio: "ignore" });
  };
  if (!writable()) return { path, release };
  release();
  return { skip: "the read-only bind mount is writable" };
}

const readOnly = readOnlyFolder();
afterAll(() => {
  if ("release" in readOnly) readOnly.release();
});

describe("a read-only --out", () => {
  it.skipIf("skip" in readOnly)(
    `is OUTPUT_UNWRITABLE with a hint, in it or below it${"skip" in readOnly ? ` (skipped: ${readOnly.skip})` : ""}`,
    async () => {
      const folder = (readOnly as { path: string }).path;
      for (const out of [folder, join(folder, "plan")]) {
        const error = await refusal(writeTemplateFiles(out, SET));
        expect(error.code).toBe("OUTPUT_UNWRITABLE");
        expect(error.message).toMatch(/read-only|permission denied/);
      }
      expect(tree(folder)).toEqual([]);
    },
  );
});

describe("through the CLI", () => {
  it("plan --emit --out <a file> prints a typed error and its hint, not a stack", async () => {
    const { out } = scratch();
    writeFileSync(out, "not a folder\n");
    const result = await runCli([
      "plan",
      "meta-llama/Meta-Llama-3-8B",
      "--workload",
      "realtime",
      "--emit",
      "vllm",
      "--out",
      out,
    ]);
    expect(result.code).toBe(1);
    expect(result.stderr).toMatch(/^error: Cannot write into .*: it is not a folder\.\nhint: /);
    expect(existsSync(out) && statSync(out).isFile()).toBe(true);
  });
});
