// A local imitation of the Hugging Face Hub's URL layout, status codes and headers, as
// recorded in shared/reference/hub-api.md §3 and §8: model info under /api/models, files
// under /resolve with Range, ETag and X-Repo-Commit, errors with a JSON body and the
// X-Error-Code / X-Error-Message headers, X-Request-Id on everything. Tests start it on
// 127.0.0.1 with a random port and talk to it through the real @huggingface/hub client.
// With `tls`, it serves https with the test certificate of tests/fixtures/tls (clients trust
// it through NODE_EXTRA_CA_CERTS, see TEST_CA_FILE).
import { readFileSync } from "node:fs";
import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import { createSecureServer, type Http2ServerRequest } from "node:http2";
import { createServer as createHttpsServer } from "node:https";
import {
  connect,
  createServer as createNetServer,
  type AddressInfo,
  type Server as NetServer,
  type Socket,
} from "node:net";
import { join } from "node:path";
import type { FakeFile } from "./safetensors.js";

/** The certificate the fake Hub serves with `tls` (CA:TRUE, for 127.0.0.1 and localhost). */
export const TEST_CA_FILE = join(import.meta.dirname, "..", "fixtures", "tls", "localhost.crt");
const TEST_KEY_FILE = join(import.meta.dirname, "..", "fixtures", "tls", "localhost.key");

/** A repo the fake Hub serves. */
export interface FakeRepo {
  id: string;
  /** The commit of `main`. */
  sha: string;
  files: Record<string, FakeFile>;
  /** Other branches and tags: name → commit. */
  refs?: Record<string, string>;
  gated?: false | "auto" | "manual";
  private?: boolean;
  /** Tokens allowed to read a gated or private repo. */
  approvedTokens?: string[];
  /** The Hub's `safetensors` summary in model info. */
  safetensors?: { parameters: Record<string, number>; total: number };
}

/** One request as the server saw it. */
export interface RecordedRequest {
  server: "hub" | "cdn";
  method: string;
  path: string;
  /** The query string, with its `?`, or "" when there is none. */
  search: string;
  range: string | undefined;
  authorization: string | undefined;
  atMs: number;
  /** `2.0` for HTTP/2, else `1.1`. */
  httpVersion: string;
  /** Which connection carried it: 1 for the first the server accepted, 2 for the next... */
  connection: number;
}

/** A connection a client opened, as the server (or its delaying proxy) saw it open. */
export interface AcceptedConnection {
  server: "hub" | "cdn";
  /** Milliseconds since the fake Hub started, as {@link RecordedRequest.atMs}. */
  atMs: number;
}

/** A fault to inject instead of the normal answer. */
export type Fault =
  | { kind: "status"; status: number; headers?: Record<string, string>; body?: string }
  | { kind: "drop" }
  | { kind: "delay"; ms: number }
  /**
   * A 200 with the whole file, whatever the Range; `chunked` sends it without a Content-Length,
   * `echoToken` puts the Authorization header in X-Request-Id.
   */
  | { kind: "ignore-range"; echoToken?: boolean; chunked?: boolean }
  | { kind: "short-range" }
  | { kind: "truncate" }
  | { kind: "echo-token" };

interface Injected {
  match: (request: RecordedRequest) => boolean;
  fault: Fault;
  times: number;
}

/** Options of {@link FakeHub.start}. */
export interface FakeHubOptions {
  /** Delay before every answer, to imitate a network. */
  latencyMs?: number;
  /** Redirect LFS files to a second server (another origin), as the Hub does to its CDN. */
  cdn?: boolean;
  /** Tokens the Hub knows; any other token is answered 401 "Invalid credentials". */
  tokens?: string[];
  /**
   * Serve https: `h2` offers HTTP/2 and HTTP/1.1 by ALPN (as huggingface.co does), `http1`
   * HTTP/1.1 only.
   */
  tls?: "h2" | "http1";
  /**
   * A delay on every new connection before the server sees it (and so before the TLS handshake
   * can finish), to imitate the TCP and TLS handshakes a real network makes a new connection pay
   * (2 round trips for TLS 1.3). A client that opens a connection early hides it.
   */
  connectLatencyMs?: number;
}

/** A running fake Hub (and its CDN). */
export class FakeHub {
  readonly requests: RecordedRequest[] = [];
  /** Requests being answered right now, and the most there ever were at once. */
  readonly load = { inFlight: 0, maxInFlight: 0 };
  private readonly repos = new Map<string, FakeRepo>();
  private readonly faults: Injected[] = [];
  private counter = 0;
  /** Connection numbers, by socket (HTTP/1.1) or session (HTTP/2). */
  private readonly connections = new WeakMap<object, number>();
  private connectionCount = 0;

  private constructor(
    private readonly options: FakeHubOptions,
    private readonly hub: Server,
    private readonly cdn: Server,
    readonly url: string,
    readonly cdnUrl: string,
    private readonly sockets: Set<Socket>,
    private readonly proxies: Server[],
    /** Every connection a client opened, to either server, in order. */
    readonly connectionsOpened: AcceptedConnection[],
    private readonly started: number,
  ) {}

  /** Starts the Hub (and the CDN) on 127.0.0.1, random ports. */
  static async start(repos: FakeRepo[], options: FakeHubOptions = {}): Promise<FakeHub> {
    const servers: { self?: FakeHub } = {};
    const hub = makeServer(options, (req, res) => void servers.self?.handle("hub", req, res));
    const cdn = makeServer(options, (req, res) => void servers.self?.handle("cdn", req, res));
    const scheme = options.tls === undefined ? "http" : "https";
    const sockets = new Set<Socket>();
    const proxies: Server[] = [];
    const track = (socket: Socket): void => {
      sockets.add(socket);
      socket.once("close", () => sockets.delete(socket));
    };
    const accepted: AcceptedConnection[] = [];
    const started = Date.now();
    const listen = async (server: Server, name: "hub" | "cdn"): Promise<string> => {
      server.on("connection", track);
      let port = await listenOn(server);
      // A client's connection, when it connects (before a delaying proxy holds it).
      let front: Server | NetServer = server;
      if (options.connectLatencyMs !== undefined) {
        const proxy = delayingProxy(port, options.connectLatencyMs, track);
        proxies.push(proxy);
        port = await listenOn(proxy);
        front = proxy;
      }
      front.on("connection", () => accepted.push({ server: name, atMs: Date.now() - started }));
      return `${scheme}://127.0.0.1:${port}`;
    };
    const [hubUrl, cdnUrl] = await Promise.all([listen(hub, "hub"), listen(cdn, "cdn")]);
    const self = new FakeHub(
      options,
      hub,
      cdn,
      hubUrl,
      cdnUrl,
      sockets,
      proxies,
      accepted,
      started,
    );
    for (const repo of repos) self.add(repo);
    servers.self = self;
    return self;
  }

  /** Adds or replaces a repo. */
  add(repo: FakeRepo): void {
    this.repos.set(repo.id, repo);
  }

  /** Answers the next `times` requests that `match` with `fault`. */
  inject(match: (request: RecordedRequest) => boolean, fault: Fault, times = 1): void {
    this.faults.push({ match, fault, times });
  }

  /** Calls `listener` for every connection either server accepts (before any TLS handshake). */
  onConnection(listener: () => void): void {
    for (const server of [this.hub, this.cdn]) server.on("connection", listener);
  }

  /** Forgets recorded requests and connections, and pending faults. */
  reset(): void {
    this.requests.length = 0;
    this.connectionsOpened.length = 0;
    this.faults.length = 0;
    this.load.maxInFlight = this.load.inFlight;
  }

  /** Requests to the Hub itself (not the CDN). */
  hubRequests(): RecordedRequest[] {
    return this.requests.filter((request) => request.server === "hub");
  }

  /** Stops both servers, dropping open connections. */
  async close(): Promise<void> {
    for (const socket of this.sockets) socket.destroy();
    for (const server of [this.hub, this.cdn, ...this.proxies]) {
      await new Promise((resolve) => server.close(resolve));
    }
  }

  private async handle(
    server: "hub" | "cdn",
    req: IncomingMessage,
    res: ServerResponse,
  ): Promise<void> {
    const url = new URL(req.url ?? "/", "http://fake");
    if (cors(req, res)) return;
    // HTTP/2: the session is the connection (its socket is a new proxy on every request).
    const carrier = (req as unknown as Partial<Http2ServerRequest>).stream?.session ?? req.socket;
    let connection = this.connections.get(carrier);
    if (connection === undefined) {
      connection = ++this.connectionCount;
      this.connections.set(carrier, connection);
    }
    const request: RecordedRequest = {
      server,
      method: req.method ?? "GET",
      path: url.pathname,
      search: url.search,
      range: req.headers.range,
      authorization: req.headers.authorization,
      atMs: Date.now() - this.started,
      httpVersion: req.httpVersion,
      connection,
    };
    this.requests.push(request);
    this.load.inFlight += 1;
    this.load.maxInFlight = Math.max(this.load.maxInFlight, this.load.inFlight);
    res.once("close", () => {
      this.load.inFlight -= 1;
    });
    res.setHeader("X-Request-Id", `Root=1-test-${++this.counter}`);
    if (this.options.latencyMs !== undefined) await sleep(this.options.latencyMs);

    const injected = this.faults.find((fault) => fault.times > 0 && fault.match(request));
    let fault: Fault | undefined;
    if (injected !== undefined) {
      injected.times--;
      fault = injected.fault;
    }
    switch (fault?.kind) {
      case "status":
        res.writeHead(fault.status, { "Content-Type": "text/plain", ...fault.headers });
        res.end(fault.body ?? "Error");
        return;
      case "drop":
        req.socket.destroy();
        return;
      case "delay":
        await sleep(fault.ms);
        if (req.socket.destroyed) return;
        break;
      case "ignore-range":
        if (fault.echoToken === true) {
          res.setHeader("X-Request-Id", `Root=1-${request.authorization ?? "none"}`);
        }
        break;
      case "echo-token":
        // A hostile or buggy server that repeats the Authorization header everywhere it can.
        res.setHeader("X-Request-Id", `Root=1-${request.authorization ?? "none"}`);
        error(res, 403, "GatedRepo", `Token ${request.authorization ?? "none"} is not approved`);
        return;
      default:
        break;
    }

    if (server === "cdn") {
      const match = /^\/cdn\/([^/]+\/[^/]+)\/([0-9a-f]{40})\/(.+)$/.exec(url.pathname);
      const file = match === null ? undefined : this.repos.get(match[1]!)?.files[match[3]!];
      if (file === undefined) {
        error(res, 404, "EntryNotFound", "Entry not found");
        return;
      }
      serveFile(res, request, file, match![2]!, fault);
      return;
    }

    const api = /^\/api\/models\/([^/]+\/[^/]+)(?:\/revision\/([^/]+))?$/.exec(url.pathname);
    if (api !== null) {
      this.modelInfo(res, request, api[1]!, decodeURIComponent(api[2] ?? "main"), url);
      return;
    }
    const resolve = /^\/([^/]+\/[^/]+)\/resolve\/([^/]+)\/(.+)$/.exec(url.pathname);
    if (resolve !== null) {
      this.resolve(res, request, resolve[1]!, decodeURIComponent(resolve[2]!), resolve[3]!, fault);
      return;
    }
    error(res, 404, undefined, "Not found");
  }

  /** The repo, or the error the Hub would answer for it; `null` when it answered. */
  private access(
    res: ServerResponse,
    request: RecordedRequest,
    id: string,
    kind: "api" | "file",
  ): FakeRepo | null {
    const token = /^Bearer (.+)$/.exec(request.authorization ?? "")?.[1];
    if (
      token !== undefined &&
      this.options.tokens !== undefined &&
      !this.options.tokens.includes(token)
    ) {
      error(res, 401, undefined, "Invalid credentials in Authorization header");
      return null;
    }
    const repo = this.repos.get(id);
    const approved = token !== undefined && (repo?.approvedTokens ?? []).includes(token);
    if (repo === undefined || (repo.private === true && !approved)) {
      // The Hub answers 401 to anonymous requests for missing repos, so private ones stay hidden.
      error(res, token === undefined ? 401 : 404, "RepoNotFound", "Repository not found");
      return null;
    }
    if (kind === "file" && repo.gated !== undefined && repo.gated !== false && !approved) {
      if (token === undefined) {
        error(
          res,
          401,
          "GatedRepo",
          `Access to model ${id} is restricted. You must have access to it and be authenticated to access it. Please log in.`,
        );
      } else {
        error(
          res,
          403,
          "GatedRepo",
          `Access to model ${id} is restricted and you are not in the authorized list. Visit https://huggingface.co/${id} to ask for access.`,
        );
      }
      return null;
    }
    return repo;
  }

  private commit(res: ServerResponse, repo: FakeRepo, revision: string): string | null {
    const sha =
      revision === "main" || revision === "HEAD" || revision === repo.sha
        ? repo.sha
        : (repo.refs?.[revision] ??
          (Object.values(repo.refs ?? {}).includes(revision) ? revision : undefined));
    if (sha === undefined) {
      error(res, 404, "RevisionNotFound", `Invalid rev id: ${revision}`);
      return null;
    }
    return sha;
  }

  private modelInfo(
    res: ServerResponse,
    request: RecordedRequest,
    id: string,
    revision: string,
    url: URL,
  ): void {
    const repo = this.access(res, request, id, "api");
    if (repo === null) return;
    const sha = this.commit(res, repo, revision);
    if (sha === null) return;
    const config = parseOrEmpty(repo.files["config.json"]);
    const full: Record<string, unknown> = {
      _id: `621ffdc036468d709f17${String(this.counter).padStart(4, "0")}`,
      id: repo.id,
      sha,
      private: repo.private === true,
      gated: repo.gated ?? false,
      downloads: 1,
      likes: 1,
      lastModified: "2026-11-01T00:00:00.000Z",
      pipeline_tag: "text-generation",
      library_name: "transformers",
      // A subset, as on the real Hub: no dimensions here, so code must read config.json.
      config: { architectures: config.architectures, model_type: config.model_type },
      siblings: Object.keys(repo.files).map((rfilename) => ({ rfilename })),
      ...(repo.safetensors === undefined ? {} : { safetensors: repo.safetensors }),
    };
    const expand = [...url.searchParams.getAll("expand"), ...url.searchParams.getAll("expand[]")];
    const body =
      expand.length === 0
        ? full
        : Object.fromEntries(
            Object.entries(full).filter(
              ([key]) => key === "_id" || key === "id" || expand.includes(key),
            ),
          );
    json(res, 200, body);
  }

  private resolve(
    res: ServerResponse,
    request: RecordedRequest,
    id: string,
    revision: string,
    path: string,
    fault: Fault | undefined,
  ): void {
    const repo = this.access(res, request, id, "file");
    if (repo === null) return;
    const sha = this.commit(res, repo, revision);
    if (sha === null) return;
    const file = repo.files[decodeURIComponent(path)];
    if (file === undefined) {
      error(res, 404, "EntryNotFound", `${path} does not exist`);
      return;
    }
    if (this.options.cdn === true && file.lfs === true) {
      res.writeHead(302, {
        Location: `${this.cdnUrl}/cdn/${repo.id}/${sha}/${path}`,
        "X-Linked-Size": String(file.size),
        "X-Linked-Etag": etag(file),
        "X-Repo-Commit": sha,
      });
      res.end();
      return;
    }
    serveFile(res, request, file, sha, fault);
  }
}

/** Listens on a random port of 127.0.0.1; resolves to the port. */
function listenOn(server: Server | NetServer): Promise<number> {
  return new Promise((resolve) =>
    server.listen(0, "127.0.0.1", () => {
      resolve((server.address() as AddressInfo).port);
    }),
  );
}

/**
 * A TCP proxy to `port` that holds each new connection `delayMs` before passing it on: the
 * client's bytes (a TLS ClientHello, a request) wait, as on a network where the handshakes take
 * that long.
 */
function delayingProxy(port: number, delayMs: number, track: (socket: Socket) => void): Server {
  const proxy = createNetServer((client) => {
    track(client);
    const timer = setTimeout(() => {
      const upstream = connect(port, "127.0.0.1");
      track(upstream);
      client.pipe(upstream).pipe(client);
      upstream.on("error", () => client.destroy());
      client.on("error", () => upstream.destroy());
    }, delayMs);
    client.once("close", () => {
      clearTimeout(timer);
    });
  });
  return proxy as unknown as Server;
}

/** An http server, or with `tls` an https one (HTTP/2 and HTTP/1.1, or HTTP/1.1 only). */
function makeServer(
  options: FakeHubOptions,
  handle: (req: IncomingMessage, res: ServerResponse) => void,
): Server {
  if (options.tls === undefined) return createServer(handle);
  const credentials = { key: readFileSync(TEST_KEY_FILE), cert: readFileSync(TEST_CA_FILE) };
  if (options.tls === "http1") return createHttpsServer(credentials, handle);
  // The compatibility API's request and response have the members the handler uses.
  return createSecureServer({ ...credentials, allowHTTP1: true }, handle as never) as never;
}

/**
 * CORS, as the Hub sends it, so a page on another origin can read the answers: the origin
 * allowed, and the headers the Hub client reads exposed (the Hub's list, shared/reference/hub-api.md
 * §2, plus Retry-After and RateLimit, which pace retries). Answers a preflight (a browser asks
 * before sending Authorization or Range) and returns true; node clients send no Origin and see
 * no change.
 */
function cors(req: IncomingMessage, res: ServerResponse): boolean {
  const origin = req.headers.origin;
  if (origin === undefined) return false;
  res.setHeader("Access-Control-Allow-Origin", origin);
  res.setHeader("Vary", "Origin");
  res.setHeader(
    "Access-Control-Expose-Headers",
    "X-Repo-Commit,X-Request-Id,X-Error-Code,X-Error-Message,X-Total-Count,ETag,Link,Accept-Ranges,Content-Range,X-Linked-Size,X-Linked-ETag,Retry-After,RateLimit,RateLimit-Policy",
  );
  if (req.method !== "OPTIONS") return false;
  res.writeHead(204, {
    "Access-Control-Allow-Methods": "GET, HEAD, OPTIONS",
    "Access-Control-Allow-Headers":
      req.headers["access-control-request-headers"] ?? "authorization, range",
    "Access-Control-Max-Age": "600",
  });
  res.end();
  return true;
}

function serveFile(
  res: ServerResponse,
  request: RecordedRequest,
  file: FakeFile,
  sha: string,
  fault: Fault | undefined,
): void {
  const headers = {
    ETag: etag(file),
    "Accept-Ranges": "bytes",
    "X-Repo-Commit": sha,
    "Content-Type": "application/octet-stream",
  };
  const range = /^bytes=(\d+)-(\d*)$/.exec(request.range ?? "");
  if (range === null || fault?.kind === "ignore-range") {
    const chunked = fault?.kind === "ignore-range" && fault.chunked === true;
    res.writeHead(200, chunked ? headers : { ...headers, "Content-Length": String(file.size) });
    streamBytes(res, file, 0, file.size - 1);
    return;
  }
  const start = Number(range[1]);
  if (start >= file.size) {
    res.writeHead(416, { "Content-Range": `bytes */${file.size}` });
    res.end();
    return;
  }
  const end = Math.min(range[2] === "" ? file.size - 1 : Number(range[2]), file.size - 1);
  const length = end - start + 1;
  const sent = fault?.kind === "short-range" ? Math.floor(length / 2) : length;
  res.writeHead(206, {
    ...headers,
    "Content-Range": `bytes ${start}-${end}/${file.size}`,
    "Content-Length": String(fault?.kind === "truncate" ? length : sent),
  });
  if (fault?.kind === "truncate") {
    // Half the body, then the connection closes (after the client has seen the headers).
    res.write(slice(file, start, start + Math.floor(length / 2) - 1));
    setTimeout(() => res.socket?.destroy(), 20);
    return;
  }
  res.end(slice(file, start, start + sent - 1));
}

/** Bytes `start..end` of a file: its real bytes, then zeros. */
function slice(file: FakeFile, start: number, end: number): Buffer {
  const out = Buffer.alloc(Math.max(0, end - start + 1));
  if (start < file.bytes.length)
    out.set(file.bytes.subarray(start, Math.min(end + 1, file.bytes.length)));
  return out;
}

/** Streams a (possibly huge, virtual) body with backpressure until done or the client leaves. */
function streamBytes(res: ServerResponse, file: FakeFile, start: number, end: number): void {
  let position = start;
  const chunk = 64 * 1024;
  const pump = (): void => {
    while (position <= end) {
      if (res.destroyed) return;
      const last = Math.min(position + chunk - 1, end);
      const ok = res.write(slice(file, position, last));
      position = last + 1;
      if (!ok) {
        res.once("drain", pump);
        return;
      }
    }
    res.end();
  };
  pump();
}

function etag(file: FakeFile): string {
  return `"${file.size.toString(16)}-${file.bytes.length.toString(16)}"`;
}

function json(res: ServerResponse, status: number, body: unknown): void {
  res.writeHead(status, { "Content-Type": "application/json; charset=utf-8" });
  res.end(JSON.stringify(body));
}

/** An error as the Hub sends it: JSON body and the X-Error-Code / X-Error-Message headers. */
function error(
  res: ServerResponse,
  status: number,
  code: string | undefined,
  message: string,
): void {
  res.writeHead(status, {
    "Content-Type": "application/json; charset=utf-8",
    "X-Error-Message": message,
    ...(code === undefined ? {} : { "X-Error-Code": code }),
  });
  res.end(JSON.stringify({ error: message }));
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

function parseOrEmpty(file: FakeFile | undefined): Record<string, unknown> {
  try {
    return JSON.parse(new TextDecoder().decode(file?.bytes)) as Record<string, unknown>;
  } catch {
    return {};
  }
}
