/**
 * Whether a `fetch` input is a `Request`, tested by its shape: `input instanceof Request` would
 * touch the global `Request`, which on Node loads undici (./http-headers.ts says why that costs).
 */
export function isRequest(input: RequestInfo | URL): input is Request {
  return typeof input === "object" && "method" in input && "url" in input;
}
