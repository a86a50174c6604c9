// The node:http fetch under the Hub client, against a real server on 127.0.0.1: what the
// transport relies on (status, headers, bodies, redirects not followed, failures shaped like
// the built-in fetch's). The Hub behaviours themselves are tested through it in tests/io/hub/.
import { createServer, type IncomingMessage, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { gzipSync } from "node:zlib";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { readAtMost } from "../../../src/io/http/direct-body.js";
import { nodeFetch } from "../../../src/io/platform/node-fetch.js";

type Route = (request: IncomingMessage, response: ServerResponse) => void;

const routes: Record<string, Route> = {
  "/json": (_, response) => {
    response.setHeader("x-repo-commit", "abc");
    response.end('{"ok":true}');
  },
  "/echo-headers": (request, response) => response.end(JSON.stringify(request.headers)),
  "/gzip": (_, response) => {
    response.writeHead(200, { "content-encoding": "gzip" });
    response.end(gzipSync("compressed anyway"));
  },
  "/redirect": (_, response) => {
    response.writeHead(302, { location: "/json" });
    response.end();
  },
  "/missing": (_, response) => {
    response.writeHead(404, { "x-error-code": "RepoNotFound" });
    response.end("not here");
  },
  "/cut": (_, response) => {
    response.writeHead(200, { "content-length": "100" });
    response.write("only ten b");
    setTimeout(() => response.socket?.destroy(), 20);
  },
  "/slow": (_, response) => {
    setTimeout(() => response.end("late"), 2000);
  },
  "/big": (_, response) => {
    // 64 KiB in 16 writes, no Content-Length: only counting as it arrives can stop it.
    for (let i = 0; i < 16; i++) response.write(Buffer.alloc(4096, 0x61));
    response.end();
  },
  "/twice": (_, response) => {
    response.setHeader("set-cookie", ["a=1", "b=2"]);
    response.end();
  },
};

let base = "";
const server = createServer((request, response) => {
  const route = routes[request.url ?? ""];
  if (route === undefined) {
    response.writeHead(500);
    response.end();
  } else route(request, response);
});

beforeAll(async () => {
  await new Promise<void>((ready) => server.listen(0, "127.0.0.1", ready));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
afterAll(async () => {
  server.closeAllConnections();
  await new Promise((closed) => server.close(closed));
});

describe("nodeFetch", () => {
  it("answers with the status, the headers and the body", async () => {
    const response = await nodeFetch(`${base}/json`);
    expect(response.status).toBe(200);
    expect(response.ok).toBe(true);
    expect(response.headers.get("x-repo-commit")).toBe("abc");
    expect(await response.json()).toEqual({ ok: true });
  });

  it("sends the request headers, from a Headers object or a plain record", async () => {
    const fromHeaders = await nodeFetch(`${base}/echo-headers`, {
      headers: new Headers({ authorization: "Bearer hf_x", range: "bytes=0-7" }),
    });
    expect(await fromHeaders.json()).toMatchObject({
      authorization: "Bearer hf_x",
      range: "bytes=0-7",
    });
    const fromRecord = await nodeFetch(`${base}/echo-headers`, { headers: { "x-a": "1" } });
    expect(await fromRecord.json()).toMatchObject({ "x-a": "1" });
  });

  it("HEAD gets no body", async () => {
    const response = await nodeFetch(`${base}/json`, { method: "HEAD" });
    expect(response.status).toBe(200);
    expect(response.body).toBeNull();
  });

  it("returns a redirect instead of following it (the transport follows by hand)", async () => {
    const response = await nodeFetch(`${base}/redirect`, { redirect: "manual" });
    expect(response.status).toBe(302);
    expect(response.headers.get("location")).toBe("/json");
  });

  it("a 404 is an answer, not a failure", async () => {
    const response = await nodeFetch(`${base}/missing`);
    expect(response.status).toBe(404);
    expect(response.headers.get("x-error-code")).toBe("RepoNotFound");
    expect(await response.text()).toBe("not here");
  });

  it("a compressed answer nobody asked for is decompressed, and its Content-Length dropped", async () => {
    const response = await nodeFetch(`${base}/gzip`);
    expect(await response.text()).toBe("compressed anyway");
    expect(response.headers.get("content-encoding")).toBeNull();
  });

  it("reads the body straight from the socket up to a limit, without a web stream", async () => {
    expect((await readAtMost(await nodeFetch(`${base}/big`), 65_536))?.length).toBe(65_536);
    const cut = await nodeFetch(`${base}/big`);
    expect(await readAtMost(cut, 10_000)).toBeUndefined();
    expect(cut.bodyUsed).toBe(true);
    const dropped = await nodeFetch(`${base}/cut`);
    await expect(readAtMost(dropped, 1000)).rejects.toThrow(TypeError);
  });

  it("repeated headers are all kept", async () => {
    const response = await nodeFetch(`${base}/twice`);
    expect(response.headers.getSetCookie()).toEqual(["a=1", "b=2"]);
  });

  it("a refused connection is a TypeError with the socket error as its cause", async () => {
    const closed = createServer();
    await new Promise<void>((ready) => closed.listen(0, "127.0.0.1", ready));
    const port = (closed.address() as AddressInfo).port;
    await new Promise((done) => closed.close(done));
    const failure = await nodeFetch(`http://127.0.0.1:${port}/`).catch((error: unknown) => error);
    expect(failure).toBeInstanceOf(TypeError);
    expect((failure as TypeError & { cause: { code: string } }).cause.code).toBe("ECONNREFUSED");
  });

  it("a connection dropped mid-body errors the body with a TypeError", async () => {
    const response = await nodeFetch(`${base}/cut`);
    const failure = await response.text().catch((error: unknown) => error);
    expect(failure).toBeInstanceOf(TypeError);
  });

  it("an abort rejects with the signal's reason, before or during the request", async () => {
    const before = AbortSignal.abort(new Error("stop"));
    await expect(nodeFetch(`${base}/json`, { signal: before })).rejects.toThrow("stop");
    const during = new AbortController();
    const pending = nodeFetch(`${base}/slow`, { signal: during.signal });
    setTimeout(() => {
      during.abort(new Error("user cancelled"));
    }, 50);
    await expect(pending).rejects.toThrow("user cancelled");
  });

  it("an https URL is spoken to in TLS (node:https loads on that first request)", async () => {
    // A plain-http server cannot answer a TLS handshake: the failure is the TLS layer's.
    const failure = await nodeFetch(base.replace("http:", "https:") + "/json").catch(
      (error: unknown) => error,
    );
    expect(failure).toBeInstanceOf(TypeError);
    expect((failure as TypeError & { cause: { code: string } }).cause.code).toMatch(/SSL|EPROTO/);
  });

  it("refuses a protocol other than http and https", async () => {
    await expect(nodeFetch("file:///etc/passwd")).rejects.toBeInstanceOf(TypeError);
  });
});
