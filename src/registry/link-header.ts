/** The `rel="next"` target of an RFC 8288 Link header (spec "Listing Tags" / "Listing Referrers" pagination). */
export function nextLink(value: string | string[] | undefined): string | undefined {
  if (value === undefined) return undefined;
  for (const header of Array.isArray(value) ? value : [value]) {
    for (const part of header.split(/,(?=\s*<)/)) {
      const m = /^\s*<([^>]*)>\s*;(.*)$/.exec(part);
      if (m && /\brel\s*=\s*"?next"?/i.test(m[2] ?? '')) return m[1];
    }
  }
  return undefined;
}
