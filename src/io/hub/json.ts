import { InvalidConfigError } from "../../errors.js";

/**
 * `JSON.parse` for text from the network or a cache: drops every `__proto__` key, so a
 * crafted file can never reach an object's prototype when later code copies or merges it
 * (JSON.parse itself creates a plain own property, but `Object.assign` and friends would
 * not). Source: the approach of fastify's secure-json-parse.
 *
 * @throws {InvalidConfigError} naming `subject` when the text is not JSON.
 */
export function parseUntrustedJson(text: string, subject: string): unknown {
  try {
    return JSON.parse(text, (key, value: unknown) => (key === "__proto__" ? undefined : value));
  } catch (error) {
    throw new InvalidConfigError(
      { subject, path: "", problem: `not valid JSON (${(error as Error).message})` },
      { cause: error },
    );
  }
}
