import { VramfitError } from "../../errors.js";
import { readTextFileCapped } from "../files/read-json-file.js";

/** Largest price catalog read: SkyPilot's AWS `vms.csv` is about 2.5 MB. */
export const MAX_PRICE_SOURCE_BYTES = 32 * 1024 * 1024;

/** Milliseconds one download may take. */
export const PRICE_SOURCE_TIMEOUT_MS = 60_000;

/** Options of {@link readPriceSource}. */
export interface ReadPriceSourceParams {
  /** An `http(s)://` URL or a file path (already resolved against the working folder). */
  readonly from: string;
  /** The fetch to use; default the global one. */
  readonly fetch?: typeof fetch | undefined;
  /** Milliseconds the download may take. @default {@link PRICE_SOURCE_TIMEOUT_MS} */
  readonly timeoutMs?: number | undefined;
}

/**
 * Reads a price catalog's text from a URL or a file, whole or not at all: a status other than
 * 200, a body shorter than its `Content-Length` (a cut connection) or larger than
 * {@link MAX_PRICE_SOURCE_BYTES} is an error, so a partial download is never parsed.
 *
 * @throws {VramfitError} `PRICES_UNAVAILABLE` naming the source and why.
 */
export async function readPriceSource(params: ReadPriceSourceParams): Promise<string> {
  const { from } = params;
  if (!/^https?:\/\//i.test(from)) {
    return readTextFileCapped(from, {
      maxBytes: MAX_PRICE_SOURCE_BYTES,
      fail: ({ problem, cause }) => unavailable(from, problem, cause),
    });
  }
  let response: Response;
  let text: string;
  try {
    response = await (params.fetch ?? fetch)(from, {
      signal: AbortSignal.timeout(params.timeoutMs ?? PRICE_SOURCE_TIMEOUT_MS),
    });
    if (response.status !== 200) {
      await response.body?.cancel();
      throw unavailable(from, `HTTP ${response.status}`);
    }
    const declared = Number(response.headers.get("content-length") ?? Number.NaN);
    if (declared > MAX_PRICE_SOURCE_BYTES) {
      await response.body?.cancel();
      throw unavailable(from, `${declared} bytes, over the ${MAX_PRICE_SOURCE_BYTES}-byte limit`);
    }
    const bytes = new Uint8Array(await response.arrayBuffer());
    if (bytes.byteLength > MAX_PRICE_SOURCE_BYTES) {
      throw unavailable(from, `over the ${MAX_PRICE_SOURCE_BYTES}-byte limit`);
    }
    if (Number.isFinite(declared) && bytes.byteLength !== declared) {
      throw unavailable(
        from,
        `${bytes.byteLength} of ${declared} bytes arrived (a partial download)`,
      );
    }
    text = new TextDecoder("utf-8", { fatal: true }).decode(bytes);
  } catch (error) {
    if (error instanceof VramfitError) throw error;
    throw unavailable(from, (error as Error).message, error);
  }
  return text;
}

function unavailable(from: string, problem: string, cause?: unknown): VramfitError {
  return new VramfitError(
    "PRICES_UNAVAILABLE",
    `Cannot read the price catalog ${from}: ${problem}.`,
    {
      hint: "Check the URL or path and the network; the prices already in use stay in use.",
      cause,
    },
  );
}
