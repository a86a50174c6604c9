/**
 * How to find a model: where to look and with what credentials. Shared by every
 * function that accepts a repo id (`estimateInference`, and later training, GPU ranking
 * and planning), so callers learn one vocabulary.
 */
// eslint-disable-next-line @typescript-eslint/no-empty-object-type -- filled in by the Hub client (revision, accessToken, hubUrl, fetch, offline, cacheDir).
export interface ResolveModelOptions {}
