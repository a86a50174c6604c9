import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";

// Every test process starts offline, with a temporary home and no Hugging Face token or
// endpoint, so a test that forgets to pass its own `env` can neither reach the real Hub nor
// read the developer's token or cache. Tests that talk to the fake Hub pass `env` and `hubUrl`.
const home = mkdtempSync(join(tmpdir(), "vramfit-test-home-"));
for (const name of [
  "HF_TOKEN",
  "HUGGING_FACE_HUB_TOKEN",
  "HF_TOKEN_PATH",
  "HF_ENDPOINT",
  "HF_HUB_CACHE",
  "HUGGINGFACE_HUB_CACHE",
  "USERPROFILE",
]) {
  // eslint-disable-next-line @typescript-eslint/no-dynamic-delete -- process.env is a plain string map; unsetting is the point.
  delete process.env[name];
}
process.env.HOME = home;
process.env.XDG_CACHE_HOME = join(home, ".cache");
process.env.HF_HOME = join(home, ".cache", "huggingface");
process.env.HF_HUB_OFFLINE = "1";
