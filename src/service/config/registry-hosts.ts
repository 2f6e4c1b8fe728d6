/**
 * Registry hosts as ferry.yaml names them, and the comparable form used to recognise a host that a
 * trigger reports (an OpenShift webhook body, a registry push event) as one of the configured
 * environments. Hosts are validated with the reference grammar so every `<host>/<repository>` ferry
 * builds from config is a reference the rest of the system accepts.
 */
import { tryParseReference } from '../../reference/parse-reference.ts';
import { normalizeRegistryHost } from '../../reference/registry-host.ts';

/**
 * Why `host` cannot be a registry host, or undefined when it can. The checks are the reference grammar's
 * (via a probe reference), plus the rule that makes a host recognisable as one: image references only
 * read the first component as a registry if it has a "." or ":" or is `localhost`.
 */
export function checkRegistryHost(host: string): string | undefined {
  if (host === '') return 'registry host is empty';
  if (/^[A-Za-z][A-Za-z0-9+.-]*:\/\//.test(host))
    return 'must be host[:port] without a scheme ("https://" is implied)';
  if (host.includes('/'))
    return 'must be host[:port] only, without a path (repositories go in promotion rules)';
  if (!host.includes('.') && !host.includes(':') && host !== 'localhost') {
    return 'must contain "." or ":" or be "localhost" (a bare name would be read as a Docker Hub namespace); add the port, e.g. "registry:5000"';
  }
  const probe = tryParseReference(`${host}/probe`);
  if (!probe.ok) return probe.reason;
  if (probe.ref.repository !== 'probe' || probe.ref.tag !== undefined || probe.ref.digest !== undefined) {
    return 'must be a host[:port] only';
  }
  return undefined;
}

/**
 * Comparable key for a registry host: case-insensitive (DNS), Docker Hub aliases collapsed, and an
 * explicit default port (`:443`, `:80`) dropped, because `registry.example:443` and `registry.example`
 * are the same registry to every client. A registry serving different content on ports 80 and 443 of
 * one host is not a setup worth supporting at the cost of mismatching the common case.
 */
export function registryHostKey(host: string): string {
  const lower = normalizeRegistryHost(host.toLowerCase());
  const port = /:(443|80)$/.exec(lower);
  // IPv6 hosts are bracketed, so the last ":" before a port always follows "]" or a name label.
  return port === null ? lower : lower.slice(0, port.index);
}
