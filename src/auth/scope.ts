/**
 * Token scopes, distribution "Token Scope Documentation" (docs/spec/auth/scope.md):
 *
 *   scope         := resourcetype ":" resourcename ":" action [ "," action ]*
 *   resourcetype  := resourcetypevalue [ "(" resourcetypevalue ")" ]
 *
 * A token request may carry several scopes (repeated `scope=` query params, or space-separated in one
 * challenge). Merging per resource before asking keeps one token covering e.g. pull from the source
 * repository and pull+push on the destination, instead of one token exchange per action.
 */

export type RepositoryAction = 'pull' | 'push' | 'delete';

/** Canonical action order, so equal scope sets render identically (token cache keys, logs). */
const ACTION_ORDER: readonly string[] = ['pull', 'push', 'delete', '*'];

/** `repository:<name>:<actions>`, e.g. `scopeFor('samalba/my-app', ['push', 'pull'])` → `repository:samalba/my-app:pull,push`. */
export function scopeFor(repository: string, actions: readonly RepositoryAction[]): string {
  if (actions.length === 0) throw new RangeError('scopeFor needs at least one action');
  return `repository:${repository}:${sortActions(new Set(actions)).join(',')}`;
}

/**
 * Unions the actions of scopes naming the same resource; input strings may each hold several
 * space-separated scopes. Resources keep first-seen order. Strings that do not parse as
 * `type:name:actions` are kept verbatim (deduplicated) rather than dropped — the server may understand them.
 */
export function mergeScopes(scopes: Iterable<string>): string[] {
  const merged = new Map<string, { type: string; name: string; actions: Set<string> } | null>();
  for (const group of scopes) {
    for (const scope of group.split(' ')) {
      if (scope === '') continue;
      const parsed = parseScope(scope);
      if (parsed === undefined) {
        if (!merged.has(scope)) merged.set(scope, null);
        continue;
      }
      const key = `${parsed.type}:${parsed.name}`;
      const existing = merged.get(key);
      if (existing) {
        for (const action of parsed.actions) existing.actions.add(action);
      } else {
        merged.set(key, { type: parsed.type, name: parsed.name, actions: new Set(parsed.actions) });
      }
    }
  }
  return [...merged].map(([key, entry]) =>
    entry === null ? key : `${entry.type}:${entry.name}:${sortActions(entry.actions).join(',')}`,
  );
}

/**
 * Splits a single scope. The resource name sits between the first and the *last* colon: types never
 * contain ":", action lists never do, but a name could (`registry:catalog:*` has none, yet some
 * registries use host:port-qualified names).
 */
export function parseScope(scope: string): { type: string; name: string; actions: string[] } | undefined {
  const first = scope.indexOf(':');
  const last = scope.lastIndexOf(':');
  if (first <= 0 || last === first) return undefined;
  const type = scope.slice(0, first);
  const name = scope.slice(first + 1, last);
  const actions = scope
    .slice(last + 1)
    .split(',')
    .filter((a) => a !== '');
  if (name === '' || actions.length === 0) return undefined;
  return { type, name, actions };
}

function sortActions(actions: Iterable<string>): string[] {
  const rank = (a: string) => {
    const i = ACTION_ORDER.indexOf(a);
    return i === -1 ? ACTION_ORDER.length : i;
  };
  // Array.prototype.sort is stable, so unknown actions keep their first-seen order after the known ones.
  return [...actions].sort((a, b) => rank(a) - rank(b));
}
