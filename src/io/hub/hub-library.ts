/** The Hub client vramfit calls (placeholder until the narrow interface lands). */
export type HubLibrary = typeof import("@huggingface/hub");
