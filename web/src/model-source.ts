// Turns the page's model input into a model the estimates take: a bundled snapshot, a Hub repo
// read in the browser through the library's Hub client (fetch only), or a pasted config.json.
// Errors are the library's own (`VramfitError` with a hint), shown as they are.
import { parseModelConfig, resolveModel, type ResolvedModel } from "vramfit";
import type { PageState } from "./state.js";

/** The subject named in errors about a pasted config. */
export const PASTED_SUBJECT = "pasted config.json";

/** What the page needs to load a model; the token is held by the page, never in the state. */
export interface ModelRequest {
  readonly state: PageState;
  /** The pasted config's text, for the config source. */
  readonly configText: string;
  /** A Hub access token, for gated repos. */
  readonly accessToken: string | undefined;
  /** Cancels a Hub read superseded by another. */
  readonly signal?: AbortSignal | undefined;
}

/**
 * Loads the model the request names.
 *
 * @throws {VramfitError} the library's errors: a Hub refusal, a malformed config, an unknown repo.
 */
export async function loadModel(request: ModelRequest): Promise<ResolvedModel> {
  const { state } = request;
  switch (state.source) {
    case "bundled":
      // Offline: the library's bundled snapshot, as `vramfit ... --offline` reads it.
      return resolveModel(state.model, { offline: true });
    case "hub":
      return resolveModel(state.model.trim(), {
        revision: state.revision.trim() || undefined,
        hubUrl: state.hub.trim() || undefined,
        accessToken: request.accessToken || undefined,
        offline: false,
        signal: request.signal,
      });
    case "config":
      return {
        id: undefined,
        spec: parseModelConfig(parseJson(request.configText), { subject: PASTED_SUBJECT }),
        source: { kind: "object" },
      };
  }
}

/** The pasted text as JSON, or an error that says where it stops being JSON. */
function parseJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch (error) {
    throw new SyntaxError(`The ${PASTED_SUBJECT} is not JSON: ${(error as Error).message}`);
  }
}
