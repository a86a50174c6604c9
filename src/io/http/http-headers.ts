/**
 * HTTP headers without the runtime's `Headers` class. On Node, the global `Headers`,
 * `Request` and `Response` live in undici, which Node loads and compiles on first use: about
 * 60 ms of CPU, a quarter of a cold `vramfit estimate` (docs/benchmarks.md). vramfit's Hub
 * client needs none of undici, so its requests and answers carry these plain classes instead;
 * they work the same in a browser.
 */

/**
 * Header names and values as the Fetch standard's `Headers` keeps them: names compared without
 * case and listed in lower case, sorted; values of a repeated name joined with ", " (Set-Cookie
 * values kept apart). No guard for forbidden names: a browser's `fetch` copies these into its
 * own `Headers`, which applies its rules.
 */
export class HttpHeaders implements Headers {
  /** Each lower-case name's values in the order given. */
  readonly #values = new Map<string, string[]>();

  /** Copies `init`: another `Headers`, `[name, value]` pairs or a plain object. */
  constructor(init?: HeadersInit) {
    if (init === undefined) return;
    if (Array.isArray(init)) {
      for (const [name, value] of init) this.append(name, value);
    } else if (isHeadersLike(init)) {
      init.forEach((value, name) => {
        this.append(name, value);
      });
    } else {
      for (const [name, value] of Object.entries(init)) this.append(name, value);
    }
  }

  /** Adds a value, after any the name already has. */
  append(name: string, value: string): void {
    const key = name.toLowerCase();
    const values = this.#values.get(key);
    if (values === undefined) this.#values.set(key, [value.trim()]);
    else values.push(value.trim());
  }

  /** Removes the name and its values. */
  delete(name: string): void {
    this.#values.delete(name.toLowerCase());
  }

  /** The values of the name joined with ", ", or `null`. */
  get(name: string): string | null {
    return this.#values.get(name.toLowerCase())?.join(", ") ?? null;
  }

  /** Each Set-Cookie value on its own (they cannot be joined with commas). */
  getSetCookie(): string[] {
    return [...(this.#values.get("set-cookie") ?? [])];
  }

  /** Whether the name is present. */
  has(name: string): boolean {
    return this.#values.has(name.toLowerCase());
  }

  /** Replaces the name's values with this one. */
  set(name: string, value: string): void {
    this.#values.set(name.toLowerCase(), [value.trim()]);
  }

  /** Calls `callback(value, name, this)` for each name, sorted. */
  forEach(
    callback: (value: string, name: string, parent: Headers) => void,
    thisArg?: unknown,
  ): void {
    for (const [name, value] of this.entries()) callback.call(thisArg, value, name, this);
  }

  /** `[name, value]` pairs, names sorted; each Set-Cookie value is a pair of its own. */
  *entries(): HeadersIterator<[string, string]> {
    for (const name of [...this.#values.keys()].sort()) {
      const values = this.#values.get(name) ?? [];
      if (name === "set-cookie") for (const value of values) yield [name, value];
      else yield [name, values.join(", ")];
    }
  }

  /** The names, sorted. */
  *keys(): HeadersIterator<string> {
    for (const [name] of this.entries()) yield name;
  }

  /** The values, in name order. */
  *values(): HeadersIterator<string> {
    for (const [, value] of this.entries()) yield value;
  }

  /** Same as {@link HttpHeaders.entries}. */
  [Symbol.iterator](): HeadersIterator<[string, string]> {
    return this.entries();
  }
}

/** Whether `init` has the `forEach` of a `Headers` (ours, the runtime's, or another fetch's). */
function isHeadersLike(init: HeadersInit): init is Headers {
  return typeof (init as Partial<Headers>).forEach === "function";
}
