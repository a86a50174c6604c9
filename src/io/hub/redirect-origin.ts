/**
 * The origin the Hub last redirected file reads to (its CDN, e.g. `https://us.aws.cdn.hf.co`),
 * kept per endpoint in `<cacheDir>/hub/<host>/redirect-origin`. The next cold read opens a
 * connection to it while the model info is on its way (#platform `preconnect`), so the CDN's
 * TCP and TLS handshakes, two round trips on a real network, no longer wait for the Hub's
 * redirects. Only an https origin is kept or used; the connection carries no request and no
 * token until a redirect sends one there.
 */
import { readTextFile, writeFileAtomic } from "#platform";
import { endpointCacheFolder } from "./branch-ref.js";

/** The file that keeps it, for `endpoint` in the cache at `cacheDir`. */
function originFile(cacheDir: string, endpoint: string): string {
  return `${endpointCacheFolder(cacheDir, endpoint)}/redirect-origin`;
}

/** The origin kept for `endpoint`, or `undefined` (none, or not an https origin). */
export async function readRedirectOrigin(
  cacheDir: string,
  endpoint: string,
): Promise<string | undefined> {
  const text = (await readTextFile(originFile(cacheDir, endpoint), 300))?.trim();
  if (text === undefined || !URL.canParse(text)) return undefined;
  const url = new URL(text);
  return url.protocol === "https:" && url.origin === text ? text : undefined;
}

/** Keeps `origin` for `endpoint` (an https origin only). */
export async function writeRedirectOrigin(
  cacheDir: string,
  endpoint: string,
  origin: string,
): Promise<void> {
  if (!origin.startsWith("https://")) return;
  await writeFileAtomic(originFile(cacheDir, endpoint), `${origin}\n`);
}
