/**
 * A registry host on its own (`registry.example:5000`, `localhost`, `[::1]:5000`): the `domain` grammar of
 * distribution/reference (`host [':' port]`, host a DNS-ish name, dotted IPv4 or `[IPv6]`), plus the rule
 * that decides whether a reference's first component is a registry at all (containers/image
 * `splitDockerDomain`: it needs a `.` or a `:port`, or must be `localhost`).
 */
import { DOMAIN_COMPONENT_RE, IPV6_HOST_RE } from './grammar.ts';
import { characterProblem } from './part-characters.ts';

const HOST_CHAR_RE = /^[A-Za-z0-9.:[\]-]$/;

/** The `domain` grammar alone, for a first component already known to be a registry. */
export function domainProblem(domain: string): string | undefined {
  let host: string;
  let rest: string;
  if (domain.startsWith('[')) {
    const close = domain.indexOf(']');
    if (close === -1) return `registry IPv6 address "${domain}" is missing "]"`;
    host = domain.slice(0, close + 1);
    rest = domain.slice(close + 1);
    if (!IPV6_HOST_RE.test(host)) {
      return `registry IPv6 address "${host}" is invalid (only hex digits and ":"; no zone identifier or embedded IPv4)`;
    }
    if (rest !== '' && !rest.startsWith(':')) return `unexpected "${rest}" after registry IPv6 address`;
  } else {
    const colon = domain.indexOf(':');
    host = colon === -1 ? domain : domain.slice(0, colon);
    rest = colon === -1 ? '' : domain.slice(colon);
    if (host === '') return 'registry host is empty';
    for (const label of host.split('.')) {
      if (label === '')
        return `registry host "${host}" has an empty label (leading, trailing or doubled ".")`;
      if (!DOMAIN_COMPONENT_RE.test(label)) {
        return `registry host "${host}" is invalid: label "${label}" must contain only letters, digits and "-", and not start or end with "-"`;
      }
    }
  }
  if (rest === '') return undefined;
  const port = rest.slice(1);
  if (port === '') return `registry "${domain}" has an empty port`;
  if (!/^[0-9]+$/.test(port)) return `port must be a number (got "${port}" in registry "${domain}")`;
  const portNumber = Number(port);
  if (portNumber < 1 || portNumber > 65535) return `port ${port} is out of range (1-65535)`;
  return undefined;
}

/** Why `host` is not a usable registry host (a phrase that reads after `"…" is invalid: `), or undefined. */
export function registryHostProblem(host: string): string | undefined {
  if (host === '') return 'is empty';
  if (/^[A-Za-z][A-Za-z0-9+.-]*:\/\//.test(host)) return 'must be host[:port], without a URL scheme';
  if (host.includes('/')) return 'must be host[:port], without a path';
  if (host.includes('@')) return 'must be host[:port], without credentials';
  const bad = characterProblem(host, HOST_CHAR_RE, 'letters, digits, ".", "-", ":port", "[IPv6]"');
  if (bad !== undefined) return bad;
  const reason = domainProblem(host);
  if (reason !== undefined) return reason;
  // A bare single-label name (`registry`) would be read as a Docker Hub path in `registry/team/app`,
  // so such a host could never appear in a reference.
  if (!host.includes('.') && !host.includes(':') && host !== 'localhost') {
    return 'is not a registry host (it needs a "." or a ":port", or must be "localhost")';
  }
  return undefined;
}
