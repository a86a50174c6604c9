import { mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { InvalidOptionError } from "../../../src/index.js";
import { DEFAULT_HUB_URL, resolveHubSettings } from "../../../src/io/hub/settings.js";
import { tempDir } from "../../helpers/hub-fixtures.js";

/** A home whose huggingface token file holds `token` (as `hf auth login` writes it). */
function homeWithTokenFile(token: string): string {
  const home = tempDir();
  mkdirSync(join(home, ".cache", "huggingface"), { recursive: true });
  writeFileSync(join(home, ".cache", "huggingface", "token"), `${token}\n`);
  return home;
}

describe("resolveHubSettings: option > env > token file > default", () => {
  it("defaults: huggingface.co, main, online, 30 s, caches under ~/.cache", async () => {
    const home = tempDir();
    const settings = await resolveHubSettings({ env: { HOME: home } });
    expect(settings).toMatchObject({
      endpoint: DEFAULT_HUB_URL,
      revision: "main",
      offline: false,
      timeoutMs: 30_000,
      token: undefined,
      cacheDir: `${home}/.cache/vramfit`,
      hfHubCacheDir: `${home}/.cache/huggingface/hub`,
    });
  });

  it("the token: accessToken, then HF_TOKEN, then HUGGING_FACE_HUB_TOKEN, then the token file", async () => {
    const HOME = homeWithTokenFile("hf_from_file");
    const all = { HOME, HF_TOKEN: "hf_from_env", HUGGING_FACE_HUB_TOKEN: "hf_legacy" };
    const pick = async (options: object) => {
      const { token, tokenSource } = await resolveHubSettings(options);
      return [token, tokenSource];
    };
    expect(await pick({ env: all, accessToken: "hf_option" })).toEqual([
      "hf_option",
      "accessToken option",
    ]);
    expect(await pick({ env: all })).toEqual(["hf_from_env", "HF_TOKEN"]);
    expect(await pick({ env: { ...all, HF_TOKEN: "  " } })).toEqual([
      "hf_legacy",
      "HUGGING_FACE_HUB_TOKEN",
    ]);
    expect(await pick({ env: { HOME } })).toEqual(["hf_from_file", "token file"]);
    expect(await pick({ env: { HOME: tempDir() } })).toEqual([undefined, undefined]);
  });

  it("the token file follows HF_TOKEN_PATH and HF_HOME; HF_HUB_DISABLE_IMPLICIT_TOKEN ignores env and file", async () => {
    const elsewhere = tempDir();
    writeFileSync(join(elsewhere, "token"), "hf_in_hf_home\r\n");
    const env = { HOME: tempDir(), HF_HOME: elsewhere };
    expect((await resolveHubSettings({ env })).token).toBe("hf_in_hf_home");
    writeFileSync(join(elsewhere, "other"), "hf_at_path");
    expect(
      (await resolveHubSettings({ env: { ...env, HF_TOKEN_PATH: join(elsewhere, "other") } }))
        .token,
    ).toBe("hf_at_path");
    const disabled = { ...env, HF_TOKEN: "hf_x", HF_HUB_DISABLE_IMPLICIT_TOKEN: "1" };
    expect((await resolveHubSettings({ env: disabled })).token).toBeUndefined();
    expect((await resolveHubSettings({ env: disabled, accessToken: "hf_y" })).token).toBe("hf_y");
  });

  it("offline reads no token at all", async () => {
    const settings = await resolveHubSettings({
      env: { HOME: homeWithTokenFile("hf_f"), HF_HUB_OFFLINE: "1" },
    });
    expect(settings).toMatchObject({ offline: true, token: undefined });
  });

  it("HF_HUB_OFFLINE accepts 1, true, on, yes in any case; the offline option wins over it", async () => {
    for (const value of ["1", "TRUE", "on", "Yes"]) {
      expect((await resolveHubSettings({ env: { HF_HUB_OFFLINE: value } })).offline).toBe(true);
    }
    for (const value of ["0", "false", ""]) {
      expect((await resolveHubSettings({ env: { HF_HUB_OFFLINE: value } })).offline).toBe(false);
    }
    expect(
      (await resolveHubSettings({ env: { HF_HUB_OFFLINE: "1" }, offline: false })).offline,
    ).toBe(false);
  });

  it("HF_ENDPOINT with a trailing slash, and hubUrl over it", async () => {
    expect(
      (await resolveHubSettings({ env: { HF_ENDPOINT: "http://mirror.test/hf//" } })).endpoint,
    ).toBe("http://mirror.test/hf");
    expect(
      (
        await resolveHubSettings({
          env: { HF_ENDPOINT: "http://a.test" },
          hubUrl: "https://b.test/",
        })
      ).endpoint,
    ).toBe("https://b.test");
  });

  it("caches follow XDG_CACHE_HOME, HF_HOME and HF_HUB_CACHE; cacheDir false means none", async () => {
    const settings = await resolveHubSettings({
      env: { HOME: "/h", XDG_CACHE_HOME: "/x", HF_HUB_CACHE: "/hub-cache" },
    });
    expect(settings).toMatchObject({ cacheDir: "/x/vramfit", hfHubCacheDir: "/hub-cache" });
    expect((await resolveHubSettings({ env: { HOME: "/h", HF_HOME: "/hf" } })).hfHubCacheDir).toBe(
      "/hf/hub",
    );
    expect(
      (await resolveHubSettings({ env: { HOME: "/h" }, cacheDir: false })).cacheDir,
    ).toBeUndefined();
    expect((await resolveHubSettings({ env: {} })).cacheDir).toBeUndefined(); // no home given: no cache
  });

  it.each([
    [{ hubUrl: "ftp://x" }, "hubUrl"],
    [{ hubUrl: "not a url" }, "hubUrl"],
    [{ hubUrl: "https://user:hf_secret@x.test" }, "hubUrl"],
    [{ revision: "../../etc" }, "revision"],
    [{ revision: "has space" }, "revision"],
    [{ revision: "" }, "revision"],
    [{ timeoutMs: 0 }, "timeoutMs"],
    [{ accessToken: "hf_with space" }, "accessToken"],
  ])("rejects %j with InvalidOptionError on %s", async (options, option) => {
    const error = await resolveHubSettings({ env: {}, ...options }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(InvalidOptionError);
    expect(error).toMatchObject({ option });
    expect((error as Error).message).not.toContain("hf_secret");
    expect((error as Error).message).not.toContain("hf_with");
  });

  it("accepts branches, tags, PR refs and commits", async () => {
    for (const revision of [
      "main",
      "v1.0",
      "refs/pr/1",
      "0123456789abcdef0123456789abcdef01234567",
    ]) {
      expect((await resolveHubSettings({ env: {}, revision })).revision).toBe(revision);
    }
  });
});

describe("the browser platform's default fetch", () => {
  it("calls the global fetch unbound, as browsers require (a method call throws Illegal invocation there)", async () => {
    const { defaultFetch } = await import("../../../src/io/platform/browser.js");
    const original = globalThis.fetch;
    const receivers: unknown[] = [];
    // A browser's fetch refuses any receiver but the window (or none).
    globalThis.fetch = function (this: unknown) {
      receivers.push(this);
      return Promise.resolve(new Response("ok"));
    };
    try {
      const settings = { fetch: defaultFetch };
      await settings.fetch("http://127.0.0.1/");
      expect(receivers).toHaveLength(1);
      expect(receivers[0] === undefined || receivers[0] === globalThis).toBe(true);
    } finally {
      globalThis.fetch = original;
    }
  });
});
