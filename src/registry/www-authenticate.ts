import type { AuthChallenge } from './auth-session.ts';

// Temporary adapter; replaced by src/auth/challenge.ts once it lands.
export function parseAuthenticateHeader(values: readonly string[]): AuthChallenge[] {
  const out: AuthChallenge[] = [];
  for (const value of values) {
    const m = /^\s*(\w+)\s*(.*)$/.exec(value);
    if (!m) continue;
    const params: Record<string, string> = {};
    for (const p of (m[2] ?? '').matchAll(/(\w+)="((?:[^"\\]|\\.)*)"|(\w+)=([^,\s]+)/g)) {
      if (p[1]) params[p[1].toLowerCase()] = (p[2] ?? '').replace(/\\(.)/g, '$1');
      else if (p[3]) params[p[3].toLowerCase()] = p[4] ?? '';
    }
    out.push({ scheme: (m[1] ?? '').toLowerCase(), params });
  }
  return out;
}
