// The answer vramfit's transport hands the Hub client, against the runtime's `Response` as the
// oracle for what each read returns; and bounded reads (readAtMost) of both kinds of answer.
import { describe, expect, it } from "vitest";
import { BufferedResponse } from "../../../src/io/http/buffered-response.js";
import { discardBody, readAtMost } from "../../../src/io/http/direct-body.js";

const BYTES = new TextEncoder().encode('\uFEFF{"model":"llama"}');

function ours(body: Uint8Array<ArrayBuffer> | null = BYTES.slice()): BufferedResponse {
  return new BufferedResponse({
    status: 206,
    headers: { "Content-Type": "application/json", "Content-Range": "bytes 0-19/100" },
    url: "https://hub.example/m/resolve/abc/config.json",
    body,
  });
}
function runtime(): Response {
  return new Response(BYTES.slice(), {
    status: 206,
    headers: { "Content-Type": "application/json", "Content-Range": "bytes 0-19/100" },
  });
}

describe("BufferedResponse", () => {
  it("reads as the runtime's Response does: text (BOM dropped), json, bytes, blob, stream", async () => {
    expect(await ours().text()).toBe(await runtime().text());
    expect(await ours().json()).toEqual(await runtime().json());
    expect(await ours().bytes()).toEqual(new Uint8Array(await runtime().arrayBuffer()));
    expect(new Uint8Array(await ours().arrayBuffer())).toEqual(
      new Uint8Array(await runtime().arrayBuffer()),
    );
    const blob = await ours().blob();
    expect(blob.type).toBe("application/json");
    expect(blob.size).toBe(BYTES.length);
    expect(await new Response(ours().body).text()).toBe(await runtime().text());
  });

  it("has the status, headers and URL it was given", () => {
    const response = ours();
    expect([response.status, response.ok, response.type, response.redirected]).toEqual([
      206,
      true,
      "basic",
      false,
    ]);
    expect(response.headers.get("content-range")).toBe("bytes 0-19/100");
    expect(response.url).toBe("https://hub.example/m/resolve/abc/config.json");
    expect(new BufferedResponse({ status: 404, headers: {}, url: "", body: null }).ok).toBe(false);
  });

  it("is read once, like a Response; a clone reads on its own", async () => {
    const response = ours();
    const clone = response.clone();
    await response.text();
    expect(response.bodyUsed).toBe(true);
    await expect(response.text()).rejects.toThrow(TypeError);
    expect(() => response.clone()).toThrow(TypeError);
    expect(await clone.json()).toEqual({ model: "llama" });
  });

  it("a HEAD answer has no body", async () => {
    const head = ours(null);
    expect(head.body).toBeNull();
    expect(await head.text()).toBe("");
  });
});

describe("readAtMost", () => {
  it("gives the whole body within the limit, nothing past it", async () => {
    expect(await readAtMost(ours(), BYTES.length)).toEqual(BYTES);
    expect(await readAtMost(ours(), BYTES.length - 1)).toBeUndefined();
  });

  it("reads any other Response through its web stream, with the same limit", async () => {
    expect(await readAtMost(runtime(), BYTES.length)).toEqual(BYTES);
    expect(await readAtMost(runtime(), BYTES.length - 1)).toBeUndefined();
    expect(await readAtMost(new Response(null, { status: 204 }), 0)).toEqual(new Uint8Array(0));
  });

  it("discardBody drops either kind unread", async () => {
    const buffered = ours();
    await discardBody(buffered);
    expect(buffered.bodyUsed).toBe(true);
    const other = runtime();
    await discardBody(other);
    await expect(other.text()).rejects.toThrow(TypeError);
  });
});
