// A pasted config.json travels in the URL like every other input: minified, deflated
// (CompressionStream, in every current browser) and base64url-encoded, so a 5 KB config makes a
// link of about 1.5 KB.

/** Packs config text for the URL query. */
export async function packConfig(text: string): Promise<string> {
  const minified = JSON.stringify(JSON.parse(text));
  const stream = new Blob([minified]).stream().pipeThrough(new CompressionStream("deflate-raw"));
  const bytes = new Uint8Array(await new Response(stream).arrayBuffer());
  let binary = "";
  for (const byte of bytes) binary += String.fromCharCode(byte);
  return btoa(binary).replaceAll("+", "-").replaceAll("/", "_").replace(/=+$/, "");
}

/** Unpacks {@link packConfig}'s text. @throws {Error} for text it did not write. */
export async function unpackConfig(packed: string): Promise<string> {
  const binary = atob(packed.replaceAll("-", "+").replaceAll("_", "/"));
  const bytes = Uint8Array.from(binary, (character) => character.charCodeAt(0));
  const stream = new Blob([bytes]).stream().pipeThrough(new DecompressionStream("deflate-raw"));
  return new Response(stream).text();
}
