/**
 * A command line vramfit cannot understand; the CLI prints the message, the hint and where
 * the help is, and exits 2.
 */
export class UsageError extends Error {
  override name = "UsageError";
  /** What to do about it (a did-you-mean, the known values), printed on its own line. */
  readonly hint: string | undefined;

  constructor(message: string, options: { readonly hint?: string | undefined } = {}) {
    super(message);
    this.hint = options.hint;
  }
}
