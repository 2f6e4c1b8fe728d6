/**
 * Why a flag value cannot be used, or undefined when it can. Each check returns a reason rather than
 * throwing, so bootstrap-options.ts can name the flag and the value in one BadUsageError. Every value
 * that passes is safe to print unquoted in a shell command comment and as a YAML scalar.
 */
import { tryParseReference } from '../reference/index.ts';

/** Kubernetes IsDNS1123Label: namespaces, and (being stricter than needed) service account names. */
const DNS1123_LABEL_RE = /^[a-z0-9](?:[-a-z0-9]*[a-z0-9])?$/;
/** Kubernetes IsDNS1035Label: Service names must start with a letter. */
const DNS1035_LABEL_RE = /^[a-z](?:[-a-z0-9]*[a-z0-9])?$/;
const LABEL_MAX = 63;
const SUBDOMAIN_MAX = 253;

const LABEL_RULE = 'lowercase letters, digits and "-", starting and ending with a letter or digit';

export function checkDns1123Label(value: string): string | undefined {
  if (value.length > LABEL_MAX) return `must be a DNS-1123 label of at most ${LABEL_MAX} characters`;
  if (!DNS1123_LABEL_RE.test(value)) return `must be a DNS-1123 label (${LABEL_RULE})`;
  return undefined;
}

/** `--name` names the Service too, and a Service name is a DNS-1035 label. */
export function checkDns1035Label(value: string): string | undefined {
  if (value.length > LABEL_MAX) return `must be a DNS-1035 label of at most ${LABEL_MAX} characters`;
  if (!DNS1035_LABEL_RE.test(value)) {
    return 'must be a DNS-1035 label (lowercase letters, digits and "-", starting with a letter, ending with a letter or digit)';
  }
  return undefined;
}

/** ConfigMap and StorageClass names, a Route's `spec.host`: dot-separated DNS-1123 labels. */
export function checkDns1123Subdomain(value: string): string | undefined {
  if (value.length > SUBDOMAIN_MAX)
    return `must be a DNS-1123 subdomain of at most ${SUBDOMAIN_MAX} characters`;
  const labels = value.split('.');
  if (labels.some((label) => checkDns1123Label(label) !== undefined)) {
    return `must be a DNS-1123 subdomain (labels of ${LABEL_RULE}, separated by ".")`;
  }
  return undefined;
}

/**
 * A registry host[:port] as ferry.yaml accepts it. The same rules as the config schema's host check
 * (src/service/config/registry-hosts.ts, which this layer may not import), so a generated ferry.yaml
 * never fails to load on a host this accepted; test/bootstrap loads the output to keep them in step.
 */
export function checkRegistryHost(value: string): string | undefined {
  if (value === '') return 'registry host is empty';
  if (/^[A-Za-z][A-Za-z0-9+.-]*:\/\//.test(value)) {
    return 'must be host[:port] without a scheme ("https://" is implied)';
  }
  if (value.includes('/')) return 'must be host[:port] only, without a path';
  if (!value.includes('.') && !value.includes(':') && value !== 'localhost') {
    return 'must contain "." or ":" or be "localhost" (a bare name would be read as a Docker Hub namespace)';
  }
  const probe = tryParseReference(`${value}/probe`);
  if (!probe.ok) return probe.reason;
  if (probe.ref.repository !== 'probe' || probe.ref.tag !== undefined || probe.ref.digest !== undefined) {
    return 'must be host[:port] only';
  }
  return undefined;
}

/** The ferry image: a full reference with an explicit tag or digest (":latest" by omission is a moving target). */
export function checkImage(value: string): string | undefined {
  const parsed = tryParseReference(value);
  if (!parsed.ok) return parsed.reason;
  if (parsed.ref.tag === undefined && parsed.ref.digest === undefined) {
    return 'needs an explicit tag or digest (e.g. ghcr.io/ferry-dev/ferry:0.1.0)';
  }
  return undefined;
}

/** A storage request such as 1Gi or 500Mi (the common subset of the Kubernetes quantity grammar). */
export function checkQuantity(value: string): string | undefined {
  if (!/^[1-9][0-9]{0,5}(?:Ki|Mi|Gi|Ti|k|M|G|T)?$/.test(value)) {
    return 'must be a size such as 1Gi, 500Mi or 10G';
  }
  return undefined;
}

/** The promotion rule's tag pattern: a non-empty regular expression. */
export function checkTagPattern(value: string): string | undefined {
  if (value === '') return 'is empty; write ".+" to allow any tag';
  try {
    new RegExp(value);
    return undefined;
  } catch (err) {
    return err instanceof SyntaxError
      ? `is not a regular expression: ${err.message}`
      : 'is not a regular expression';
  }
}

/** sha256("") would match every empty token, so it is refused as ferry.yaml does. */
const EMPTY_SHA256 = 'e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855';

/** The hex SHA-256 of an API token; the message never repeats the value (it may be the token itself). */
export function checkSha256Hex(value: string): string | undefined {
  if (!/^[0-9a-fA-F]{64}$/.test(value)) {
    return 'must be the 64-character hex SHA-256 of the token, not the token itself';
  }
  if (value.toLowerCase() === EMPTY_SHA256) return 'is the SHA-256 of an empty token';
  return undefined;
}

/** ferry's external URL: https, no credentials, no query or fragment. */
export function checkPublicUrl(value: string): string | undefined {
  if (!URL.canParse(value)) return 'must be an absolute https:// URL';
  const url = new URL(value);
  if (url.protocol !== 'https:') return 'must be an https:// URL (non-prod CI sends signed requests to it)';
  if (url.username !== '' || url.password !== '') return 'must not contain credentials';
  if (url.search !== '' || url.hash !== '') return 'must not contain a query or fragment';
  return undefined;
}
