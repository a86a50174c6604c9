import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";

/** The project's fixtures folder. */
export const FIXTURES_DIR = join(import.meta.dirname, "..", "..", "fixtures");

/** What truth.json records about a fixture: the published count and its sources. */
export interface Truth {
  repo: string;
  params_total: number | null;
  model_parameters_excluding_buffers?: number;
  sources: string[];
  notes: string;
}

/** One fixture folder: the config.json and truth.json beside it. */
export interface ModelFixture {
  dir: string;
  config: Record<string, unknown>;
  truth: Truth;
}

/** Reads fixtures/models/<dir>/{config,truth}.json. */
export function loadFixture(dir: string): ModelFixture {
  const base = join(FIXTURES_DIR, "models", dir);
  return {
    dir,
    config: JSON.parse(readFileSync(join(base, "config.json"), "utf8")),
    truth: JSON.parse(readFileSync(join(base, "truth.json"), "utf8")),
  };
}

/** Every fixture under fixtures/models. */
export function allFixtures(): ModelFixture[] {
  return readdirSync(join(FIXTURES_DIR, "models")).sort().map(loadFixture);
}
