/**
 * Where `vramfit prices update` writes the user's prices and where the rankings look for them:
 * `$XDG_CACHE_HOME/vramfit/prices.json`, else `$HOME/.cache/vramfit/prices.json` (the folder
 * the Hub cache uses, src/io/hub/settings.ts). Read from the environment given, never from the
 * machine: a caller (or a test) that passes no HOME gets no price file.
 */
export function defaultPriceFilePath(
  env: Readonly<Record<string, string | undefined>>,
): string | undefined {
  const xdg = nonEmpty(env.XDG_CACHE_HOME);
  const home = nonEmpty(env.HOME) ?? nonEmpty(env.USERPROFILE);
  const cache = xdg ?? (home === undefined ? undefined : `${home}/.cache`);
  return cache === undefined ? undefined : `${cache}/vramfit/prices.json`;
}

function nonEmpty(value: string | undefined): string | undefined {
  return value === undefined || value.trim() === "" ? undefined : value;
}
