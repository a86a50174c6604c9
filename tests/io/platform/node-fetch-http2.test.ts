// nodeFetch over https against a real HTTP/2 server on 127.0.0.1 (the test certificate of
// tests/fixtures/tls, trusted through NODE_EXTRA_CA_CERTS: vitest.config.ts sets it for the
// test processes, and the child process below gets it explicitly).
import { execFile } from "node:child_process";
import { readFileSync } from "node:fs";
import {
  createSecureServer,
  type Http2SecureServer,
  type Http2Session,
  type IncomingHttpHeaders,
  type ServerHttp2Stream,
} from "node:http2";
import type { AddressInfo } from "node:net";
import { join } from "node:path";
import { promisify } from "node:util";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { nodeFetch } from "../../../src/io/platform/node-fetch.js";
import { TEST_CA_FILE } from "../../helpers/fake-hub.js";

type Route = (stream: ServerHttp2Stream, headers: IncomingHttpHeaders) => void;

const routes: Record<string, Route> = {
  "/json": (stream, headers) => {
    const head = { ":status": 200, "x-repo-commit": "abc", "set-cookie": ["a=1", "b=2"] };
    if (headers[":method"] === "HEAD") {
      stream.respond(head, { endStream: true });
      return;
    }
    stream.respond(head);
    stream.end('{"ok":true}');
  },
  "/echo-headers": (stream, headers) => {
    stream.respond({ ":status": 200 });
    stream.end(JSON.stringify(headers));
  },
  "/slow": (stream) => {
    const timer = setTimeout(() => {
      if (!stream.destroyed) {
        stream.respond({ ":status": 200 });
        stream.end("late");
      }
    }, 2000);
    stream.on("close", () => {
      clearTimeout(timer);
    });
  },
  "/slow-body": (stream) => {
    stream.respond({ ":status": 200 });
    stream.write("first half, ");
    const timer = setTimeout(() => stream.end("second half"), 2000);
    stream.on("close", () => {
      clearTimeout(timer);
    });
  },
  "/then-go-away": (stream) => {
    stream.respond({ ":status": 200 });
    stream.end("bye", () => stream.session?.goaway());
  },
};

let server: Http2SecureServer;
let base: string;
const sessions: Http2Session[] = [];
const seen: { path: string }[] = [];

beforeAll(async () => {
  const fixtures = join(import.meta.dirname, "..", "..", "fixtures", "tls");
  server = createSecureServer({
    key: readFileSync(join(fixtures, "localhost.key")),
    cert: readFileSync(TEST_CA_FILE),
  });
  server.on("session", (session) => sessions.push(session));
  server.on("stream", (stream, headers) => {
    const path = String(headers[":path"]);
    seen.push({ path });
    const route = routes[path];
    if (route === undefined) stream.respond({ ":status": 404 }, { endStream: true });
    else route(stream, headers);
  });
  await new Promise<void>((ready) => server.listen(0, "127.0.0.1", ready));
  base = `https://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
afterAll(async () => {
  for (const session of sessions) session.destroy();
  await new Promise((done) => server.close(done));
});
beforeEach(() => {
  seen.length = 0;
});

describe("nodeFetch over HTTP/2", () => {
  it("trusts the test certificate (the tests' environment is set up)", () => {
    expect(process.env.NODE_EXTRA_CA_CERTS).toBe(TEST_CA_FILE);
  });

  it("sends parallel requests as streams of one session", async () => {
    const before = sessions.length;
    const answers = await Promise.all(
      Array.from({ length: 6 }, () => nodeFetch(`${base}/json`).then((r) => r.json())),
    );
    expect(answers).toEqual(Array.from({ length: 6 }, () => ({ ok: true })));
    expect(seen).toHaveLength(6);
    expect(sessions.length - before).toBeLessThanOrEqual(1); // one, or the one already open
  });

  it("answers with the status, the headers (repeated ones kept) and the body", async () => {
    const response = await nodeFetch(`${base}/json`);
    expect(response.status).toBe(200);
    expect(response.statusText).toBe(""); // HTTP/2 has no reason phrase
    expect(response.headers.get("x-repo-commit")).toBe("abc");
    expect(response.headers.getSetCookie()).toEqual(["a=1", "b=2"]);
    expect(await response.text()).toBe('{"ok":true}');
  });

  it("sends the request headers, leaving out those HTTP/2 forbids", async () => {
    const response = await nodeFetch(`${base}/echo-headers`, {
      headers: { Range: "bytes=0-7", Connection: "keep-alive", "X-Custom": "yes" },
    });
    const received = (await response.json()) as Record<string, string>;
    expect(received.range).toBe("bytes=0-7");
    expect(received["x-custom"]).toBe("yes");
    expect(received.connection).toBeUndefined();
    expect(received[":authority"]).toBe(base.slice("https://".length));
  });

  it("a missing path is an answer (404), HEAD gets no body", async () => {
    expect((await nodeFetch(`${base}/nothing`)).status).toBe(404);
    const head = await nodeFetch(`${base}/json`, { method: "HEAD" });
    expect(head.status).toBe(200);
    expect(await head.text()).toBe("");
  });

  it("an abort cancels the stream with the signal's reason; the session serves on", async () => {
    const controller = new AbortController();
    const pending = nodeFetch(`${base}/slow`, { signal: controller.signal });
    setTimeout(() => {
      controller.abort(new Error("user cancelled"));
    }, 50);
    await expect(pending).rejects.toThrow("user cancelled");
    expect(await (await nodeFetch(`${base}/json`)).json()).toEqual({ ok: true });
  });

  it("an abort while the body arrives rejects the read with the signal's reason", async () => {
    const controller = new AbortController();
    const response = await nodeFetch(`${base}/slow-body`, { signal: controller.signal });
    setTimeout(() => {
      controller.abort(new Error("timed out"));
    }, 50);
    await expect(response.text()).rejects.toThrow("timed out");
  });

  it("a session the server sends away from is replaced by a new one", async () => {
    await (await nodeFetch(`${base}/then-go-away`)).text();
    await new Promise((settled) => setTimeout(settled, 50)); // the GOAWAY frame arrives
    const before = sessions.length;
    expect(await (await nodeFetch(`${base}/json`)).json()).toEqual({ ok: true });
    expect(sessions.length).toBe(before + 1);
  });

  it("a server that allows one stream at a time gets one at a time, and every answer", async () => {
    // It refuses a stream over its limit (REFUSED_STREAM); Node's HTTP/2 client (nghttp2) holds
    // the extra ones back once the server's SETTINGS have arrived. Real servers allow 100-128.
    const narrow = createSecureServer({
      key: readFileSync(join(import.meta.dirname, "..", "..", "fixtures", "tls", "localhost.key")),
      cert: readFileSync(TEST_CA_FILE),
      settings: { maxConcurrentStreams: 1 },
    });
    let open = 0;
    let most = 0;
    const narrowSessions: Http2Session[] = [];
    narrow.on("session", (session) => {
      narrowSessions.push(session);
    });
    narrow.on("stream", (stream) => {
      most = Math.max(most, ++open);
      stream.on("close", () => open--);
      setTimeout(() => {
        stream.respond({ ":status": 200 });
        stream.end(String(stream.id));
      }, 20);
    });
    await new Promise<void>((ready) => narrow.listen(0, "127.0.0.1", ready));
    const narrowBase = `https://127.0.0.1:${(narrow.address() as AddressInfo).port}`;
    try {
      await (await nodeFetch(`${narrowBase}/first`)).text(); // the server's SETTINGS arrive
      const answers = await Promise.all(
        Array.from({ length: 5 }, (_, i) => nodeFetch(`${narrowBase}/${i}`).then((r) => r.text())),
      );
      expect(answers).toHaveLength(5);
      expect(most).toBe(1);
    } finally {
      for (const session of narrowSessions) session.destroy();
      await new Promise((done) => narrow.close(done));
    }
  });

  it("an idle session does not hold the process open", async () => {
    // A child process reads one answer and must end by itself while the server (and so the
    // session) stays up; a session that held the event loop would make it time out.
    const fetchModule = join(
      import.meta.dirname,
      "..",
      "..",
      "..",
      "dist",
      "io",
      "platform",
      "node-fetch.js",
    );
    const script = `import { nodeFetch } from ${JSON.stringify(fetchModule)};
const response = await nodeFetch(${JSON.stringify(`${base}/json`)});
console.log(await response.text());`;
    const { stdout } = await promisify(execFile)(
      process.execPath,
      ["--input-type=module", "-e", script],
      { env: { PATH: process.env.PATH ?? "", NODE_EXTRA_CA_CERTS: TEST_CA_FILE }, timeout: 10_000 },
    );
    expect(stdout).toBe('{"ok":true}\n');
  });
});
