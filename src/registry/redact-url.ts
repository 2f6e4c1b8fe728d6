/**
 * Query parameters that are safe to show. Everything else is replaced: upload session URLs carry
 * opaque state (`_state` in distribution) and blob redirects to object storage carry signatures
 * (`X-Amz-Signature`, `sig`), which are bearer credentials for as long as they are valid.
 */
const SAFE_PARAMS = new Set(['digest', 'mount', 'from', 'n', 'last', 'service', 'scope']);

export function redactUrl(input: string | URL): string {
  let url: URL;
  try {
    url = typeof input === 'string' ? new URL(input) : new URL(input.href);
  } catch {
    return '<invalid url>';
  }
  url.username = '';
  url.password = '';
  for (const key of [...url.searchParams.keys()]) {
    if (!SAFE_PARAMS.has(key)) url.searchParams.set(key, 'REDACTED');
  }
  return url.href;
}
