/** Largest config.json vramfit will read, from a disk or the Hub; real ones are a few kilobytes. */
export const MAX_CONFIG_FILE_BYTES = 4 * 1024 * 1024;
