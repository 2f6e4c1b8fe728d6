/**
 * Error text from the network stack is recorded and logged, and may echo what it was given. A notify
 * URL can itself be a credential (chat webhooks put their token in the path), so every configured
 * secret and the target URL (whole, and its path) are cut out before the text is stored anywhere.
 */

/** Shorter values are not searched for: replacing "a" everywhere would garble the message, not protect. */
const MIN_SCRUB_LENGTH = 4;

export function scrub(text: string, sensitive: readonly (string | undefined)[]): string {
  let out = text;
  // Longest first, so a URL is removed whole before its path is searched for.
  const values = sensitive
    .filter((v): v is string => v !== undefined && v.length >= MIN_SCRUB_LENGTH)
    .sort((a, b) => b.length - a.length);
  for (const value of values) out = out.split(value).join('***');
  return out;
}

/** A target URL and the parts of it that may carry a token (path and query). */
export function urlSecrets(url: string): string[] {
  if (!URL.canParse(url)) return [url];
  const parsed = new URL(url);
  const tail = parsed.pathname + parsed.search;
  return tail.length > 1 ? [url, parsed.href, tail] : [url, parsed.href];
}
