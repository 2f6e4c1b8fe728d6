/** The `rel="next"` target of an RFC 8288 Link header (spec "Listing Tags" / "Listing Referrers" pagination). */
export function nextLink(value: string | string[] | undefined): string | undefined {
  if (value === undefined) return undefined;
  for (const header of Array.isArray(value) ? value : [value]) {
    for (const part of header.split(/,(?=\s*<)/)) {
      const m = /^\s*<([^>]*)>\s*;(.*)$/.exec(part);
      // rel is a space-separated list (RFC 8288 §3.3): `rel="next"`, `rel=next`, `rel="prev next"`.
      const rel = /(?:^|;)\s*rel\s*=\s*(?:"([^"]*)"|([^;\s]+))/i.exec(m?.[2] ?? '');
      const values = (rel?.[1] ?? rel?.[2] ?? '').toLowerCase().split(/\s+/);
      if (m && values.includes('next')) return m[1];
    }
  }
  return undefined;
}
