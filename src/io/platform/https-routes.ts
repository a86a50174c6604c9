/**
 * How ./node-fetch.ts reaches an https origin: one TLS connection, opened once per origin and
 * process, offering HTTP/2 and HTTP/1.1 by ALPN. When the server picks HTTP/2 (huggingface.co
 * does: `curl --head` of a resolve URL answers `HTTP/2 302`, as quoted in
 * https://github.com/ngxson/wllama/pull/248, 2026-06-10), every request to that origin is a stream of that one session: a cold
 * estimate's second wave (config.json, the index, every shard header) costs no new TCP and TLS
 * handshakes, which on a real network are two round trips each. When it picks HTTP/1.1, the
 * negotiated socket waits for the keep-alive agent of ./node-fetch.ts to take it
 * ({@link takeNegotiatedSocket}), so it is not wasted.
 *
 * An idle session never holds the process open: it is unref'd whenever no stream is open.
 */
import type { ClientHttp2Session } from "node:http2";
import type { TLSSocket } from "node:tls";

/** Flow-control window per stream: a 256 KiB read-ahead window arrives without a pause. */
const STREAM_WINDOW_BYTES = 4 * 1024 * 1024;
/** Flow-control window of the whole session: 16 shard headers at once, without a pause. */
const SESSION_WINDOW_BYTES = 16 * 1024 * 1024;

/** How an https origin is reached: one HTTP/2 session, or HTTP/1.1 connections. */
export type HttpsRoute =
  { readonly kind: "http2"; readonly session: ClientHttp2Session } | { readonly kind: "http1" };

/** Per origin: the route, or its negotiation in progress. */
const routes = new Map<string, Promise<HttpsRoute>>();
/** Per pending negotiation: its socket, so that an abort can stop it. */
const negotiating = new Map<string, TLSSocket>();
/** Negotiated HTTP/1.1 sockets no request has taken yet, by `host:port`. */
const parked = new Map<string, TLSSocket>();
/** Open streams per session: the session holds the process open only while this is > 0. */
const openStreams = new WeakMap<ClientHttp2Session, number>();

/**
 * The route to `url`'s origin: the one already negotiated, or a new TLS connection. A session
 * that has closed or received GOAWAY since is replaced by a new one.
 */
export async function httpsRoute(url: URL): Promise<HttpsRoute> {
  const origin = url.origin;
  let pending = routes.get(origin);
  // A request waits for it now: its handshake holds the process open (a preconnect's does not).
  negotiating.get(origin)?.ref();
  if (pending === undefined) {
    const started = negotiate(url);
    routes.set(origin, started);
    started.catch(() => {
      forget(origin, started);
    });
    pending = started;
  }
  const route = await pending;
  if (route.kind === "http2" && (route.session.closed || route.session.destroyed)) {
    forget(origin, pending);
    return httpsRoute(url);
  }
  return route;
}

/**
 * Starts the route to `url`'s origin now, for requests to come (the Hub's CDN while the model
 * info is on its way): its handshake does not hold the process open, and a failure is only
 * forgotten, for the first request to try again.
 */
export function preconnect(url: URL): void {
  if (url.protocol !== "https:" || routes.has(url.origin)) return;
  const started = negotiate(url);
  negotiating.get(url.origin)?.unref();
  routes.set(url.origin, started);
  started.catch(() => {
    forget(url.origin, started);
  });
}

/**
 * The HTTP/1.1 socket negotiated for `host` and `port` (`host` without IPv6 brackets), once:
 * the agent's first connection there. `undefined` when there is none (or it has closed).
 */
export function takeNegotiatedSocket(host: string, port: number): TLSSocket | undefined {
  const key = `${host}:${port}`;
  const socket = parked.get(key);
  parked.delete(key);
  if (socket === undefined || socket.destroyed) return undefined;
  socket.ref();
  return socket;
}

/** Stops a negotiation still in progress for `url`'s origin (its request was aborted). */
export function abandonNegotiation(url: URL, reason: Error): void {
  negotiating.get(url.origin)?.destroy(reason);
}

/** Counts a stream open on `session`, which then holds the process open until it closes. */
export function holdSession(session: ClientHttp2Session): () => void {
  const open = openStreams.get(session) ?? 0;
  openStreams.set(session, open + 1);
  if (open === 0) session.ref();
  let released = false;
  return () => {
    if (released) return;
    released = true;
    const left = (openStreams.get(session) ?? 1) - 1;
    openStreams.set(session, left);
    if (left === 0 && !session.destroyed) session.unref();
  };
}

function forget(origin: string, pending: Promise<HttpsRoute>): void {
  if (routes.get(origin) === pending) routes.delete(origin);
}

/** A TLS connection to `url`'s origin offering HTTP/2 and HTTP/1.1; the server picks. */
function negotiate(url: URL): Promise<HttpsRoute> {
  const tls = process.getBuiltinModule("node:tls");
  const { isIP } = process.getBuiltinModule("node:net");
  const host = url.hostname.replace(/^\[(.*)\]$/, "$1"); // an IPv6 literal without brackets
  return new Promise<HttpsRoute>((resolve, reject) => {
    const socket = tls.connect({
      host,
      port: portOf(url),
      servername: isIP(host) === 0 ? host : undefined,
      ALPNProtocols: ["h2", "http/1.1"],
    });
    negotiating.set(url.origin, socket);
    const fail = (error: Error): void => {
      negotiating.delete(url.origin);
      reject(error);
    };
    const closedEarly = (): void => {
      fail(new Error("the connection closed during the TLS handshake"));
    };
    socket.once("error", fail);
    socket.once("close", closedEarly);
    socket.once("secureConnect", () => {
      negotiating.delete(url.origin);
      socket.off("error", fail);
      socket.off("close", closedEarly);
      if (socket.alpnProtocol === "h2") {
        resolve({ kind: "http2", session: openSession(url, socket) });
        return;
      }
      // Parked until the agent takes it: idle, it holds no process open and fails silently.
      const key = `${host}:${portOf(url)}`;
      socket.on("error", () => undefined);
      socket.once("close", () => {
        if (parked.get(key) === socket) parked.delete(key);
      });
      socket.unref();
      parked.set(key, socket);
      resolve({ kind: "http1" });
    });
  });
}

/** The port of an https URL. */
function portOf(url: URL): number {
  return url.port === "" ? 443 : Number(url.port);
}

/** An HTTP/2 session over the negotiated socket, forgotten when it closes or is told to go. */
function openSession(url: URL, socket: TLSSocket): ClientHttp2Session {
  const http2 = process.getBuiltinModule("node:http2");
  const session = http2.connect(url.origin, {
    createConnection: () => socket,
    settings: { initialWindowSize: STREAM_WINDOW_BYTES },
  });
  session.once("connect", () => {
    session.setLocalWindowSize(SESSION_WINDOW_BYTES);
  });
  const pending = routes.get(url.origin);
  const drop = (): void => {
    if (pending !== undefined) forget(url.origin, pending);
  };
  // A failure reaches the open streams as their own error; the session is then replaced.
  session.on("error", drop);
  session.on("goaway", drop);
  session.on("close", drop);
  session.unref();
  return session;
}
