import { describe, expect, it } from "vitest";
import {
  createHubFetch,
  HEADER_READ_AHEAD_BYTES,
  MAX_WINDOWS,
  READ_AHEAD_BYTES,
} from "../../../src/io/hub/hub-fetch.js";
import { parseRangeHeader, type Transport } from "../../../src/io/hub/transport.js";

// Main kept every 256 KiB read-ahead window until the read ended: 3,000 shards held 1.09 GB.
// A window is now dropped once its safetensors header (or its whole small file) has been read,
// and at most MAX_WINDOWS are held for files whose reader never comes.

/**
 * A safetensors file: 8-byte little-endian header length, the JSON header (padded with spaces
 * to `headerBytes` when given), then 1 MiB of data.
 */
function safetensors(headerBytes = 0): Uint8Array<ArrayBuffer> {
  const json = JSON.stringify({
    w: { dtype: "BF16", shape: [512, 1024], data_offsets: [0, 1_048_576] },
  });
  const header = new TextEncoder().encode(json.padEnd(headerBytes, " "));
  const bytes = new Uint8Array(8 + header.length + 1_048_576);
  new DataView(bytes.buffer).setBigUint64(0, BigInt(header.length), true);
  bytes.set(header, 8);
  return bytes;
}

/** A transport serving `file` at every URL, honouring Range as the Hub does (206). */
function transportOf(file: Uint8Array<ArrayBuffer>, ranges: string[] = []): Transport {
  return (request) => {
    ranges.push(request.headers.get("range") ?? "");
    const range = parseRangeHeader(request.headers.get("range") ?? "");
    if (range === undefined) return Promise.resolve(new Response(file));
    const end = Math.min(range.end ?? file.length - 1, file.length - 1);
    return Promise.resolve(
      new Response(file.slice(range.start, end + 1), {
        status: 206,
        headers: { "content-range": `bytes ${range.start}-${end}/${file.length}` },
      }),
    );
  };
}

const url = (i: number) => `https://hub.test/org/repo/resolve/abc/model-${i}.safetensors`;
const get = (fetch: typeof globalThis.fetch, i: number, range: string) =>
  fetch(url(i), { headers: { Range: range } }).then((response) => response.arrayBuffer());

describe("read-ahead windows", () => {
  it("a window is dropped once the header has been read, as @huggingface/hub reads it", async () => {
    const file = safetensors();
    expect(file.length).toBeGreaterThan(READ_AHEAD_BYTES);
    const headerEnd = 8 + Number(new DataView(file.buffer).getBigUint64(0, true)) - 1;
    const fetch = createHubFetch(transportOf(file), false);
    for (let i = 0; i < 200; i++) {
      // The size probe, the 8-byte length, then the header (WebBlob slices, end exclusive).
      await get(fetch, i, "bytes=0-0");
      await get(fetch, i, "bytes=0-7");
      expect(fetch.windowsHeld()).toBe(1);
      await get(fetch, i, `bytes=8-${headerEnd}`);
      expect(fetch.windowsHeld()).toBe(0);
    }
  });

  it("a safetensors file's window is its first 100,000 bytes; a longer header is read after it", async () => {
    const file = safetensors(150_000); // longer than huggingface_hub's 100 kB first read
    const headerEnd = 8 + 150_000 - 1;
    const ranges: string[] = [];
    const fetch = createHubFetch(transportOf(file, ranges), false);
    await get(fetch, 0, "bytes=0-0");
    const length = await get(fetch, 0, "bytes=0-7");
    expect(new DataView(length).getBigUint64(0, true)).toBe(150_000n);
    const header = new Uint8Array(await get(fetch, 0, `bytes=8-${headerEnd}`));
    expect(header).toEqual(file.slice(8, headerEnd + 1));
    expect(ranges).toEqual(["bytes=0-99999", `bytes=8-${headerEnd}`]);
    expect(HEADER_READ_AHEAD_BYTES).toBe(100_000);
  });

  it("any other file's window is its first 256 KiB (config.json, the index: read whole)", async () => {
    const ranges: string[] = [];
    const fetch = createHubFetch(transportOf(new Uint8Array(300_000), ranges), false);
    await fetch("https://hub.test/org/repo/resolve/abc/model.safetensors.index.json", {
      headers: { Range: "bytes=0-0" },
    });
    expect(ranges).toEqual([`bytes=0-${256 * 1024 - 1}`]);
    expect(READ_AHEAD_BYTES).toBe(256 * 1024);
  });

  it(`files probed but never read: at most ${MAX_WINDOWS} windows held`, async () => {
    const fetch = createHubFetch(transportOf(safetensors()), false);
    for (let i = 0; i < 200; i++) await get(fetch, i, "bytes=0-0");
    expect(fetch.windowsHeld()).toBe(MAX_WINDOWS);
  });

  it("a small file read whole is dropped", async () => {
    const config = new TextEncoder().encode('{"model_type":"llama"}');
    const fetch = createHubFetch(transportOf(config), false);
    await get(fetch, 0, "bytes=0-0");
    await fetch(url(0)).then((response) => response.text());
    expect(fetch.windowsHeld()).toBe(0);
  });
});

describe("prefetch", () => {
  it("the first plain GET of a prefetched URL takes its answer; a later one sends again", async () => {
    const sent: string[] = [];
    const counting: Transport = (request) => {
      sent.push(`${request.method} ${request.url} ${request.headers.get("range") ?? ""}`);
      return Promise.resolve(new Response(`answer ${sent.length}`));
    };
    const fetch = createHubFetch(counting, false);
    const info = "https://hub.test/api/models/org/repo/revision/main?expand=sha";
    fetch.prefetch(info);
    fetch.prefetch(info); // asked twice: still one request
    expect(sent).toEqual([`GET ${info} `]);
    expect(await (await fetch(info)).text()).toBe("answer 1");
    expect(await (await fetch(info)).text()).toBe("answer 2");
    expect(sent).toHaveLength(2);
  });

  it("a ranged read or another URL is not served from it; offline, nothing is sent", async () => {
    const sent: string[] = [];
    const counting: Transport = (request) => {
      sent.push(request.url);
      return Promise.resolve(new Response("x"));
    };
    const fetch = createHubFetch(counting, false);
    fetch.prefetch(url(1));
    await fetch(url(1), { headers: { Range: "bytes=0-0" } });
    await fetch(url(2));
    expect(sent).toEqual([url(1), url(1), url(2)]);
    const offline = createHubFetch(counting, true);
    offline.prefetch(url(3));
    expect(sent).toHaveLength(3);
  });

  it("a prefetch that fails rejects the read that takes it, and nothing else", async () => {
    const failing: Transport = () => Promise.reject(new Error("HUB_UNREACHABLE"));
    const fetch = createHubFetch(failing, false);
    fetch.prefetch(url(1));
    await expect(fetch(url(1))).rejects.toThrow("HUB_UNREACHABLE");
  });
});
