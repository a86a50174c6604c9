/**
 * The `fetch` vramfit passes to the Hub client on Node: `node:http` with a keep-alive agent,
 * and for https one connection per origin speaking HTTP/2 when the server offers it
 * (./https-routes.ts), instead of Node's built-in `fetch`.
 *
 * Why: the built-in `fetch` (undici) compiles its HTTP parser on first use, which measured
 * about 0.25 s of CPU and 40 MB for a single request (docs/benchmarks.md, "hub, whole
 * processes"), and its idle keep-alive connections hold the process open after the result is
 * printed. `node:http` is already compiled into Node, and an idle keep-alive socket or HTTP/2
 * session is unref'd, so the process ends as soon as its work is done. Browsers keep their own
 * `fetch` (./browser.ts).
 *
 * Its answers are plain {@link NodeResponse} objects, not the runtime's `Response`: on Node that
 * class, `Headers` and `Request` live in undici too, and touching any of them loads it (about
 * 60 ms of CPU).
 *
 * Only what vramfit's transport uses is supported: GET and HEAD, headers, `redirect: "manual"`
 * (redirects are returned, never followed: the transport follows them itself) and `signal`.
 * Failures look like the built-in `fetch`'s: a `TypeError` whose `cause` is the socket error,
 * and the signal's reason when aborted.
 */
import http from "node:http";
import type { ClientHttp2Session, IncomingHttpHeaders } from "node:http2";
import type { Duplex, Readable } from "node:stream";
import { HttpHeaders } from "../http/http-headers.js";
import { isRequest } from "../http/is-request.js";
import {
  abandonNegotiation,
  holdSession,
  httpsRoute,
  takeNegotiatedSocket,
} from "./https-routes.js";
import { decode, NodeResponse } from "./node-response.js";

const httpAgent = new http.Agent({ keepAlive: true });
let httpsAgent: http.Agent | undefined;

/** Statuses whose answer has no body. */
const NO_BODY_STATUSES = new Set([101, 204, 205, 304]);

/** Request headers HTTP/2 forbids (RFC 9113 §8.2.2); `host` becomes `:authority`. */
const CONNECTION_HEADERS = new Set([
  "connection",
  "host",
  "keep-alive",
  "proxy-connection",
  "te",
  "transfer-encoding",
  "upgrade",
]);

/** What one request is, once its input has been read. */
interface Outgoing {
  readonly url: URL;
  readonly method: string;
  readonly headers: HttpHeaders;
  readonly signal: AbortSignal | undefined;
}

/** A `fetch` over `node:http`, `node:https` and `node:http2`; see the file comment. */
export const nodeFetch: typeof fetch = async (input, init) => {
  const url = new URL(isRequest(input) ? input.url : String(input));
  const signal = init?.signal ?? undefined;
  if (url.protocol !== "http:" && url.protocol !== "https:") {
    throw new TypeError(`fetch failed: unsupported protocol ${url.protocol}`);
  }
  if (signal?.aborted === true) throw signal.reason as Error;
  const outgoing = {
    url,
    method: init?.method ?? "GET",
    headers: new HttpHeaders(init?.headers),
    signal,
  };
  if (url.protocol === "http:") return overHttp1(outgoing, http, httpAgent);

  // node:https, node:http2 and tls load at the first https request: an http endpoint (a
  // mirror, the tests' fake Hub) never pays their ~5 ms.
  const route = await untilAborted(httpsRoute(url), signal, (reason) => {
    abandonNegotiation(url, reason);
  });
  if (route.kind === "http2") return overHttp2(outgoing, route.session);
  return overHttp1(outgoing, process.getBuiltinModule("node:https"), keepAliveHttpsAgent());
};

/**
 * The https keep-alive agent; its first connection to an origin is the socket
 * ./https-routes.ts negotiated there, so that handshake is not wasted.
 */
function keepAliveHttpsAgent(): http.Agent {
  if (httpsAgent !== undefined) return httpsAgent;
  const https = process.getBuiltinModule("node:https");
  class NegotiatedFirst extends https.Agent {
    override createConnection(
      options: http.ClientRequestArgs,
      callback?: (error: Error | null, socket: Duplex) => void,
    ): Duplex | null | undefined {
      const host = options.host ?? options.hostname ?? "";
      const port = Number(options.port ?? options.defaultPort ?? 443);
      return takeNegotiatedSocket(host, port) ?? super.createConnection(options, callback);
    }
  }
  httpsAgent = new NegotiatedFirst({ keepAlive: true });
  return httpsAgent;
}

/**
 * `pending`, or the signal's reason as soon as it is aborted (then `onAbort` runs); a failure
 * to connect is a `TypeError` as the built-in fetch's.
 */
async function untilAborted<T>(
  pending: Promise<T>,
  signal: AbortSignal | undefined,
  onAbort: (reason: Error) => void,
): Promise<T> {
  let stop: (() => void) | undefined;
  const aborted = new Promise<never>((_, reject) => {
    stop = () => {
      const reason = signal?.reason as Error;
      onAbort(reason);
      reject(reason);
    };
    if (signal?.aborted === true) stop();
    else signal?.addEventListener("abort", stop, { once: true });
  });
  try {
    return await Promise.race([
      pending.catch((error: unknown) => {
        throw signal?.aborted === true
          ? (signal.reason as Error)
          : new TypeError("fetch failed", { cause: error });
      }),
      aborted,
    ]);
  } finally {
    if (stop !== undefined) signal?.removeEventListener("abort", stop);
  }
}

/** One request over HTTP/1.1, through `agent`'s keep-alive connections. */
function overHttp1(
  { url, method, headers, signal }: Outgoing,
  client: Pick<typeof http, "request">,
  agent: http.Agent,
): Promise<Response> {
  return new Promise<Response>((resolve, reject) => {
    const request = client.request(url, { method, headers: Object.fromEntries(headers), agent });
    const onAbort = (): void => {
      request.destroy(signal?.reason as Error);
    };
    signal?.addEventListener("abort", onAbort, { once: true });
    const settle = (): void => signal?.removeEventListener("abort", onAbort);

    request.on("error", (error) => {
      settle();
      reject(
        signal?.aborted === true
          ? (signal.reason as Error)
          : new TypeError("fetch failed", { cause: error }),
      );
    });
    request.on("response", (answer) => {
      const answerHeaders = new HttpHeaders();
      for (let i = 0; i + 1 < answer.rawHeaders.length; i += 2) {
        answerHeaders.append(answer.rawHeaders[i] as string, answer.rawHeaders[i + 1] as string);
      }
      const status = answer.statusCode ?? 0;
      const head = { status, statusText: answer.statusMessage ?? "", headers: answerHeaders };
      const response = respond(url, method, signal, head, answer, settle);
      if (response instanceof Error) reject(response);
      else resolve(response);
    });
    request.end();
  });
}

/** One request as a stream of an HTTP/2 session. */
function overHttp2(
  { url, method, headers, signal }: Outgoing,
  session: ClientHttp2Session,
): Promise<Response> {
  return new Promise<Response>((resolve, reject) => {
    const release = holdSession(session);
    const outgoingHeaders: Record<string, string> = {
      ":method": method,
      ":path": `${url.pathname}${url.search}`,
    };
    headers.forEach((value, name) => {
      if (!CONNECTION_HEADERS.has(name)) outgoingHeaders[name] = value;
    });
    let stream: ReturnType<ClientHttp2Session["request"]>;
    try {
      stream = session.request(outgoingHeaders, { endStream: true });
    } catch (error) {
      // The session closed or was told to go away between the route and this request.
      release();
      reject(new TypeError("fetch failed", { cause: error }));
      return;
    }
    const onAbort = (): void => {
      // The server sees RST_STREAM CANCEL (a cancel, not a failure) and the session serves on;
      // a body being read fails with the reason instead of ending early.
      stream.close(process.getBuiltinModule("node:http2").constants.NGHTTP2_CANCEL);
      stream.destroy(signal?.reason as Error);
      reject(signal?.reason as Error);
    };
    signal?.addEventListener("abort", onAbort, { once: true });
    const settle = (): void => signal?.removeEventListener("abort", onAbort);
    stream.once("close", release);

    stream.on("error", (error) => {
      settle();
      reject(
        signal?.aborted === true
          ? (signal.reason as Error)
          : new TypeError("fetch failed", { cause: error }),
      );
    });
    stream.once("response", (head: IncomingHttpHeaders) => {
      const answerHeaders = new HttpHeaders();
      for (const [name, value] of Object.entries(head)) {
        if (name.startsWith(":") || value === undefined) continue;
        for (const one of Array.isArray(value) ? value : [value]) answerHeaders.append(name, one);
      }
      const status = Number(head[":status"]);
      const answer = { status, statusText: "", headers: answerHeaders }; // HTTP/2 has no reason phrase
      const response = respond(url, method, signal, answer, stream, settle);
      if (response instanceof Error) reject(response);
      else resolve(response);
    });
  });
}

/**
 * The answer for the status, headers and body stream that arrived, or the error the built-in
 * fetch gives for a status its `Response` refuses.
 */
function respond(
  url: URL,
  method: string,
  signal: AbortSignal | undefined,
  { status, statusText, headers }: { status: number; statusText: string; headers: HttpHeaders },
  source: Readable,
  settle: () => void,
): Response | Error {
  if (!(status >= 200 && status <= 599)) {
    source.destroy();
    settle();
    return new TypeError("fetch failed", { cause: new RangeError(`status ${status}`) });
  }
  const hasBody = method !== "HEAD" && !NO_BODY_STATUSES.has(status);
  if (!hasBody) {
    source.resume();
    source.once("end", settle);
  }
  return new NodeResponse({
    url: url.href,
    status,
    statusText,
    headers,
    body: hasBody ? decode(source, headers) : null,
    abortReason: () => (signal?.aborted === true ? (signal.reason as Error) : undefined),
    done: settle,
  });
}
