import { VramfitError } from "../../errors.js";
import type { HubLibrary } from "./hub-library.js";

/** Placeholder: the fetch-only Hub reader for browsers. */
export const FETCH_HUB_LIBRARY: HubLibrary = new Proxy({} as HubLibrary, {
  get() {
    throw new VramfitError("HUB_UNREACHABLE", "No Hub client in this runtime yet.");
  },
});
