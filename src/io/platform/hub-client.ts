/**
 * The parts of `@huggingface/hub` vramfit calls (../hub/hub-library.ts, `HubLibrary`), named
 * one by one so a bundler keeps only these: the CLI bundle holds about 50 KB of the library
 * instead of loading all of its 290 KB on each cold Hub read (docs/benchmarks.md).
 */
export {
  downloadFile,
  HubApiError,
  InvalidApiResponseFormatError,
  modelInfo,
  parseSafetensorsMetadata,
  SafetensorParseError,
} from "@huggingface/hub";
