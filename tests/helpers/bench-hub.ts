// What tests/scripts/bench.mjs needs from the test helpers (bundled by esbuild at bench time).
export { FakeHub, TEST_CA_FILE } from "./fake-hub.js";
export { APPROVED_TOKEN, hubRepos, LLAMA_8B_PARAMETERS, sha } from "./hub-fixtures.js";
