/** A 40-hex git commit. */
export const COMMIT_SHA = /^[0-9a-f]{40}$/;
