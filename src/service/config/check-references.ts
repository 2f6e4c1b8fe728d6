/**
 * Checks between parts of the config that no single schema can see: rules naming environments, names
 * that must be unique, approvers that must exist and be able to approve, rules that can never be met.
 * Also produces the warnings: settings that are legal but weaken production (TLS off, inline secrets).
 */

import { roleAllows } from './api-tokens.ts';
import { formatApprover } from './approver-schema.ts';
import type { ConfigPieces, KeyPath, PathProblem } from './config-pieces.ts';
import { externalSources } from './config-sources.ts';
import { isRegistryEventTrigger } from './rule-triggers.ts';
import type { PromotionRule } from './schema.ts';

export interface ReferenceCheckResult {
  readonly problems: PathProblem[];
  readonly warnings: PathProblem[];
}

export function checkReferences(pieces: ConfigPieces): ReferenceCheckResult {
  const problems: PathProblem[] = [];
  const warnings: PathProblem[] = [];
  const problem = (path: KeyPath, message: string): void => {
    problems.push({ path, message });
  };
  const warn = (path: KeyPath, message: string): void => {
    warnings.push({ path, message });
  };

  const environmentRef = (path: KeyPath, name: string): void => {
    const known = pieces.environmentNames;
    if (known === undefined || known.includes(name)) return;
    problem(path, `unknown environment "${name}" (known: ${known.length === 0 ? 'none' : known.join(', ')})`);
  };
  const ruleRefs = (path: KeyPath, names: readonly string[] | undefined): void => {
    names?.forEach((name, i) => {
      if (!pieces.promotionNames.includes(name)) problem([...path, i], `unknown promotion rule "${name}"`);
    });
  };

  // Environments.
  for (const [name, { tls }] of pieces.environments) {
    if (tls.verify) continue;
    warn(
      ['environments', name, 'tls', 'verify'],
      'TLS verification is off: certificates are not checked and plain HTTP is allowed',
    );
    for (const key of ['caFile', 'certDir'] as const) {
      if (tls[key] !== undefined) warn(['environments', name, 'tls', key], 'ignored while verify is false');
    }
  }

  // Promotion rules: names and environments (read on their own, so invalid rules are covered too).
  const firstRule = new Map<string, number>();
  for (const { index, value: head } of pieces.ruleHeads) {
    const at = ['promotions', index];
    if (head.fromEnvironment !== undefined) environmentRef([...at, 'from'], head.fromEnvironment);
    if (head.toEnvironment !== undefined) environmentRef([...at, 'to'], head.toEnvironment);
    if (head.name === undefined) continue;
    const earlier = firstRule.get(head.name);
    if (earlier === undefined) firstRule.set(head.name, index);
    else
      problem([...at, 'name'], `duplicate rule name "${head.name}" (first used by promotions[${earlier}])`);
  }
  // Promotion rules: everything that needs the whole rule.
  const triggersGiven = new Set(
    pieces.ruleHeads.filter(({ value }) => value.triggersGiven).map((h) => h.index),
  );
  const firstRoute = new Map<string, number>();
  for (const { index, value: rule } of pieces.promotions) {
    const at = ['promotions', index];
    const route = `${rule.from.environment}:${rule.from.repository} -> ${rule.to.environment}`;
    const shadowing = firstRoute.get(route);
    if (shadowing === undefined) firstRoute.set(route, index);
    else {
      warn(
        [...at, 'from'],
        `never used: promotions[${shadowing}] has the same source and destination environment and is tried first`,
      );
    }
    if (!rule.signature.required) {
      for (const key of ['publicKeyFiles', 'identities', 'attestations'] as const) {
        if (rule.signature[key].length > 0) {
          warn([...at, 'signature', key], 'ignored while signature.required is false');
        }
      }
    }
    checkApprovals(pieces, index, rule, problem, warn);
    checkRuleTriggers(pieces, index, rule, triggersGiven.has(index), problem, warn);
  }

  // API tokens.
  const firstTokenName = new Map<string, number>();
  const firstTokenHash = new Map<string, number>();
  for (const { index, value: token } of pieces.apiTokens) {
    const at = ['apiTokens', index];
    const sameName = firstTokenName.get(token.name);
    if (sameName === undefined) firstTokenName.set(token.name, index);
    else
      problem([...at, 'name'], `duplicate token name "${token.name}" (first used by apiTokens[${sameName}])`);
    const sameHash = firstTokenHash.get(token.sha256);
    if (sameHash === undefined) firstTokenHash.set(token.sha256, index);
    else problem([...at, 'sha256'], `same hash as apiTokens[${sameHash}]: every token must be distinct`);
    ruleRefs([...at, 'promotions'], token.promotions);
  }

  // Sign-in: rule scopes of the role mapping, and where the identity provider sends people back.
  const oidc = pieces.auth?.oidc;
  if (oidc !== undefined) {
    for (const [role, matchers] of Object.entries(oidc.roles)) {
      matchers?.forEach((matcher, i) => {
        ruleRefs(['auth', 'oidc', 'roles', role, i, 'promotions'], matcher.promotions);
      });
    }
    const publicUrl = pieces.server?.publicUrl;
    if (oidc.redirectUrl === undefined && pieces.server !== undefined && publicUrl === undefined) {
      problem(
        ['auth', 'oidc', 'redirectUrl'],
        'is needed when server.publicUrl is not set: the URL the identity provider sends people back to (…/auth/callback)',
      );
    }
    const reached = publicUrl ?? oidc.redirectUrl;
    if (reached?.startsWith('http://') && !isLoopback(new URL(reached).hostname)) {
      warn(
        publicUrl === undefined ? ['auth', 'oidc', 'redirectUrl'] : ['server', 'publicUrl'],
        'plain http: session cookies are sent without Secure and can be read on the network',
      );
    }
  }

  // Notify targets.
  const firstTarget = new Map<string, number>();
  for (const { index, value: target } of pieces.notify) {
    const at = ['notify', index];
    const earlier = firstTarget.get(target.name);
    if (earlier === undefined) firstTarget.set(target.name, index);
    else
      problem(
        [...at, 'name'],
        `duplicate notify target name "${target.name}" (first used by notify[${earlier}])`,
      );
    ruleRefs([...at, 'promotions'], target.promotions);
    const url = new URL(target.url);
    if (url.protocol === 'http:' && !isLoopback(url.hostname)) {
      warn([...at, 'url'], 'plain http: event payloads (and their signatures) travel unencrypted');
    }
  }

  // Triggers.
  const triggers = pieces.triggers;
  for (const key of ['distribution', 'harbor'] as const) {
    const trigger = triggers[key];
    if (trigger?.enabled && trigger.environment !== undefined) {
      environmentRef(['triggers', key, 'environment'], trigger.environment);
    }
    // Before per-rule triggers every rule accepted registry events; after an upgrade such a config
    // silently promotes nothing on push, so say so (only when every rule could be read).
    const rulesComplete = pieces.promotions.length === pieces.ruleHeads.length;
    if (
      trigger?.enabled &&
      rulesComplete &&
      !pieces.promotions.some(({ value }) => value.triggers.includes(key))
    ) {
      warn(
        ['triggers', key, 'enabled'],
        `no promotion rule lists "${key}" in its triggers: registry pushes promote nothing (registry events are opt-in per rule)`,
      );
    }
  }
  if (!Object.values(triggers).some((trigger) => trigger.enabled)) {
    warn(['triggers'], 'no trigger is enabled: nothing can request a promotion');
  }
  if (triggers.api?.enabled && pieces.apiTokenNames.length === 0) {
    warn(
      ['triggers', 'api', 'enabled'],
      'the API is enabled but no apiTokens are configured: every API request will be refused',
    );
  }

  // Inline secrets: legal (local experiments), never right in a file that gets shared.
  for (const source of externalSources(pieces)) {
    const inline = 'inline secret: anyone who can read this file can read it; use file: or env:';
    if ((source.kind === 'secret' || source.kind === 'signing-key') && 'value' in source.ref) {
      warn([...source.path, 'value'], inline);
    }
    if (source.kind === 'signing-key' && source.passphrase !== undefined && 'value' in source.passphrase) {
      warn([...source.path.slice(0, -1), 'passphrase', 'value'], inline);
    }
  }
  return { problems, warnings };
}

/** Whether some `auth.oidc.roles` matcher gives people approve rights for rule `name`. */
function peopleMayApprove(pieces: ConfigPieces, name: string): boolean {
  const roles = pieces.auth?.oidc?.roles ?? {};
  return (['approver', 'admin'] as const).some((role) =>
    (roles[role] ?? []).some(
      (matcher) => matcher.promotions === undefined || matcher.promotions.includes(name),
    ),
  );
}

function checkApprovals(
  pieces: ConfigPieces,
  index: number,
  rule: PromotionRule,
  problem: (path: KeyPath, message: string) => void,
  warn: (path: KeyPath, message: string) => void,
): void {
  const at = ['promotions', index, 'approvals'];
  const { required, approvers } = rule.approvals;
  if (required === 0 && approvers !== undefined) warn([...at, 'approvers'], 'ignored while required is 0');
  const tokens = new Map(pieces.apiTokens.map(({ value }) => [value.name, value]));
  const people = approvers?.some((entry) => entry.kind !== 'token') === true;
  approvers?.forEach((entry, i) => {
    if (entry.kind !== 'token') {
      if (pieces.auth !== undefined && pieces.auth.oidc === undefined) {
        problem(
          [...at, 'approvers', i],
          `names a person (${formatApprover(entry)}), but nobody can sign in: auth.oidc is not configured`,
        );
      }
      return;
    }
    const name = entry.value;
    const token = tokens.get(name);
    if (token === undefined) {
      // A token that exists but is invalid is already reported where it is.
      if (!pieces.apiTokenNames.includes(name))
        problem([...at, 'approvers', i], `unknown API token "${name}"`);
    } else if (!roleAllows(token.role, 'approve')) {
      problem([...at, 'approvers', i], `API token "${name}" has role ${token.role}, which cannot approve`);
    } else if (token.promotions !== undefined && !token.promotions.includes(rule.name)) {
      problem([...at, 'approvers', i], `API token "${name}" is not scoped to this rule ("${rule.name}")`);
    }
  });
  if (required === 0 || !pieces.apiTokensComplete) return;
  // People who sign in may approve too; how many a group holds is the identity provider's business.
  if ((approvers === undefined || people) && peopleMayApprove(pieces, rule.name)) return;
  const eligible = [...tokens.values()].filter(
    (token) =>
      roleAllows(token.role, 'approve') &&
      (token.promotions === undefined || token.promotions.includes(rule.name)) &&
      (approvers === undefined ||
        approvers.some((entry) => entry.kind === 'token' && entry.value === token.name)),
  );
  if (eligible.length < required) {
    const who = eligible.length === 0 ? 'none' : eligible.map((token) => token.name).join(', ');
    problem(
      [...at, 'required'],
      `needs ${required} distinct approvers but only ${eligible.length} API token(s) can approve this rule (${who})`,
    );
  }
}

/**
 * A rule's `triggers` against the `triggers:` section. Listing a trigger that is not enabled is an
 * error, not a warning: whoever wrote it expects that trigger to promote this rule, and a config that
 * silently never does is found out only when a release does not arrive. (The default list is not
 * checked: it means "whichever of these is enabled".) A registry event that can promote a rule with no
 * approval is legal but is exactly the path issue 13 found unguarded, so it is always warned about.
 */
function checkRuleTriggers(
  pieces: ConfigPieces,
  index: number,
  rule: PromotionRule,
  given: boolean,
  problem: (path: KeyPath, message: string) => void,
  warn: (path: KeyPath, message: string) => void,
): void {
  const at = ['promotions', index, 'triggers'];
  rule.triggers.forEach((name, i) => {
    const trigger = pieces.triggers[name];
    // An invalid trigger section is reported where it is; only a valid, disabled one is a problem here.
    if (trigger === undefined) return;
    if (!trigger.enabled) {
      if (given) {
        problem(
          [...at, i],
          `rule "${rule.name}" lists trigger "${name}", which is not enabled (set triggers.${name}.enabled: true, or remove "${name}" from this list)`,
        );
      }
      return;
    }
    if (!isRegistryEventTrigger(name) || !('environment' in trigger)) return;
    if (trigger.environment !== rule.from.environment) {
      warn(
        [...at, i],
        `never used: triggers.${name} reports pushes to environment "${trigger.environment}", but this rule promotes from "${rule.from.environment}"`,
      );
    } else if (rule.approvals.required === 0) {
      warn(
        [...at, i],
        `rule "${rule.name}": a registry push to ${rule.from.environment}:${rule.from.repository} (${name} event) promotes to ${rule.to.environment} with no approval and no CI; set approvals.required, or remove "${name}" if CI should decide`,
      );
    }
  });
}

function isLoopback(hostname: string): boolean {
  return hostname === 'localhost' || hostname === '[::1]' || /^127\./.test(hostname);
}
