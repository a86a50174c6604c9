// The part of @huggingface/hub that vramfit uses, as a type: the three calls of
// read-hub-model.ts with only the parameters it passes and the results it reads, and the
// three error classes it tests with `instanceof`. The real library satisfies it
// (tests/types/hub-library.test-d.ts), and so does the fetch-only FETCH_HUB_LIBRARY,
// which a browser bundle can use where the real library's Node imports cannot go.

/** Where a call reads from: @huggingface/hub's `hubUrl` and `fetch` parameters. */
export interface HubAccess {
  /** The Hub's base URL, without a trailing slash; `https://huggingface.co` when absent. */
  readonly hubUrl?: string;
  /** The fetch under every request; the global one when absent. */
  readonly fetch?: typeof fetch;
}

/** The model-info fields vramfit asks for with `additionalFields`. */
export type HubModelInfoField = "sha" | "safetensors" | "filePaths";

/** Parameters of {@link HubLibrary.modelInfo}. */
export interface HubModelInfoParams extends HubAccess {
  /** The repo id, `org/name`. */
  readonly name: string;
  /** Branch, tag or commit; the Hub's `HEAD` when absent. */
  readonly revision?: string;
  /** Fields beyond the default ones; `filePaths` is derived from the Hub's `siblings`. */
  readonly additionalFields?: HubModelInfoField[];
}

/** The model-info fields vramfit reads (it checks them again: the answer is untrusted). */
export interface HubModelInfo {
  /** The repo id as the Hub spells it. */
  readonly name: string;
  /** The commit the revision resolved to. */
  readonly sha: string;
  /** Whether (and how) access is gated. */
  readonly gated: false | "auto" | "manual";
  /** Every file of the repo at that commit. */
  readonly filePaths: string[];
  /** The Hub's own parameter count by dtype, for repos it has parsed. */
  readonly safetensors?: { parameters: Record<string, number>; total: number };
}

/** Parameters of {@link HubLibrary.downloadFile} and {@link HubLibrary.parseSafetensorsMetadata}. */
export interface HubFileParams extends HubAccess {
  /** The model repo id, `org/name`. */
  readonly repo: string;
  /** Branch, tag or commit; `main` when absent. */
  readonly revision?: string;
  /** The file's path in the repo. */
  readonly path: string;
}

/** What {@link HubLibrary.downloadFile} gives: a file's size, and its text on demand. */
export interface HubFile {
  /** Bytes in the file. */
  readonly size: number;
  /** Reads the whole file as UTF-8. */
  text(): Promise<string>;
}

/** A safetensors header: tensor name → `{ dtype, shape, data_offsets }`, and `__metadata__`. */
export type HubSafetensorsHeader = Readonly<Record<string, unknown>>;

/** What {@link HubLibrary.parseSafetensorsMetadata} gives for one file or for a sharded index. */
export type HubSafetensorsMetadata = (
  | { readonly sharded: false; readonly header: HubSafetensorsHeader }
  | {
      readonly sharded: true;
      /** Shard file name (relative to the index's folder) → its header. */
      readonly headers: Readonly<Record<string, HubSafetensorsHeader>>;
    }
) & {
  /** Parameters by dtype, packed quantized weights unpacked and quantization bookkeeping left out. */
  readonly parameterCount: Readonly<Record<string, number>>;
  /** The files read: the file, or the index then each shard. */
  readonly filepaths: string[];
};

/** An error answer from the Hub: @huggingface/hub's `HubApiError`. */
export interface HubApiErrorLike extends Error {
  /** The HTTP status. */
  readonly statusCode: number;
  /** The URL of the answer. */
  readonly url: string;
  /** The Hub's `X-Request-Id`, when it sent one. */
  readonly requestId?: string | undefined;
}

/** The surface of @huggingface/hub that vramfit uses. */
export interface HubLibrary {
  /** Model info at a revision (one `GET /api/models/{name}/revision/{revision}`). */
  modelInfo(params: HubModelInfoParams): Promise<HubModelInfo>;
  /** A file at a revision, or null when the Hub answers 404 `EntryNotFound`. */
  downloadFile(params: HubFileParams): Promise<HubFile | null>;
  /** The headers of a `.safetensors` file or of every shard of a `.safetensors.index.json`. */
  parseSafetensorsMetadata(
    params: HubFileParams & { readonly computeParametersCount: true },
  ): Promise<HubSafetensorsMetadata>;
  /** Thrown for a malformed safetensors file or index. */
  readonly SafetensorParseError: new (message: string) => Error;
  /** Thrown for an answer of the wrong shape (no size, no ETag). */
  readonly InvalidApiResponseFormatError: new (message?: string) => Error;
  /** Thrown for an error answer from the Hub. */
  readonly HubApiError: new (
    url: string,
    statusCode: number,
    requestId?: string,
    message?: string,
  ) => HubApiErrorLike;
}
