// The model-info URL of @huggingface/hub 2.17.5 (lib/model-info.ts), shared by vramfit's
// fetch-only twin of the library (./fetch-hub-library.ts) and by the read that asks for the
// model info before the library has loaded (./read-hub-model.ts). The Hub tests count every
// request, so a library whose URL drifted from this one shows up as one request too many.

/** consts.ts: the public Hub. */
export const HUB_URL = "https://huggingface.co";

/** lib/list-models.ts: the fields every model-info call asks for. */
const MODEL_EXPAND_KEYS = [
  "pipeline_tag",
  "private",
  "gated",
  "downloads",
  "likes",
  "lastModified",
];

/** What `modelInfo` is asked for. */
export interface ModelInfoUrlParams {
  readonly name: string;
  readonly revision?: string | undefined;
  readonly hubUrl?: string | undefined;
  readonly additionalFields?: readonly string[] | undefined;
}

/** The URL `modelInfo` requests for these parameters. */
export function modelInfoUrl(params: ModelInfoUrlParams): string {
  const fields = params.additionalFields ?? [];
  const expand = [...MODEL_EXPAND_KEYS, ...fields.map((f) => (f === "filePaths" ? "siblings" : f))];
  const search = new URLSearchParams(expand.map((key) => ["expand", key])).toString();
  const revision = encodeURIComponent(params.revision ?? "HEAD");
  // `||` as upstream: "" is the public Hub here.
  const hubUrl = params.hubUrl || HUB_URL;
  return `${hubUrl}/api/models/${params.name}/revision/${revision}?${search}`;
}
