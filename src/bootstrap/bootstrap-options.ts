/**
 * `ferry bootstrap` flags → validated options. Every problem is a BadUsageError (exit 2) naming the flag
 * and the value, so a typo in a namespace is caught here and not by `oc apply` halfway through a file.
 * Defaults live here, next to the checks, and nowhere else.
 */
import { BadUsageError } from '../errors/kinds.ts';
import { displayValue } from '../reference/index.ts';
import {
  checkDns1035Label,
  checkDns1123Label,
  checkDns1123Subdomain,
  checkImage,
  checkPublicUrl,
  checkQuantity,
  checkRegistryHost,
  checkSha256Hex,
  checkTagPattern,
} from './check-values.ts';

export const PLATFORMS = ['openshift', 'kubernetes'] as const;
export type Platform = (typeof PLATFORMS)[number];
export const ROLES = ['source', 'target'] as const;
export type Role = (typeof ROLES)[number];

/**
 * How ferry authenticates to the source registry: `token` is the pull-only service-account token
 * printed by `--role source` (OpenShift's registry honours it); `auth-file` is a containers auth.json
 * of a pull-only robot account, for registries that know nothing of Kubernetes service accounts.
 */
export const SOURCE_AUTHS = ['token', 'auth-file'] as const;
export type SourceAuth = (typeof SOURCE_AUTHS)[number];
/** How ferry authenticates to the target registry: its own (push-only) service account, or a robot's auth.json. */
export const TARGET_AUTHS = ['service-account', 'auth-file'] as const;
export type TargetAuth = (typeof TARGET_AUTHS)[number];

/** Git SHAs, abbreviated or full: what the seed pipeline promoted ($GIT_COMMIT). */
export const DEFAULT_TAG_PATTERN = '[0-9a-f]{7,40}';
export const DEFAULT_STORAGE_SIZE = '1Gi';
export const DEFAULT_NAME = 'ferry';
export const IMAGE_REPOSITORY = 'ghcr.io/ferry-dev/ferry';

/** Flags as commander hands them over: unchecked strings. */
export interface BootstrapFlags {
  readonly platform?: string | undefined;
  readonly role?: string | undefined;
  readonly namespace?: string | undefined;
  readonly sourceNamespace?: readonly string[] | undefined;
  readonly targetNamespace?: string | undefined;
  readonly name?: string | undefined;
  readonly serviceAccount?: string | undefined;
  readonly sourceRegistry?: string | undefined;
  readonly targetRegistry?: string | undefined;
  readonly image?: string | undefined;
  readonly createNamespace?: boolean | undefined;
  readonly routeHost?: string | undefined;
  readonly publicUrl?: string | undefined;
  readonly tags?: string | undefined;
  readonly sourceAuth?: string | undefined;
  readonly targetAuth?: string | undefined;
  readonly sourceCaConfigmap?: string | undefined;
  readonly targetCaConfigmap?: string | undefined;
  readonly storageSize?: string | undefined;
  readonly storageClass?: string | undefined;
  readonly viewerTokenSha256?: string | undefined;
}

interface CommonOptions {
  readonly platform: Platform;
  /** ferry version, for the header and the default image tag. */
  readonly version: string;
  /** Base name of the objects (Deployment, Service, `<name>-config`, `<name>-source-token` …). */
  readonly name: string;
  /** Namespace the service account (and on the target, ferry) lives in. */
  readonly namespace: string;
  readonly serviceAccount: string;
  /** Also print the Namespace object. */
  readonly createNamespace: boolean;
}

export interface SourceOptions extends CommonOptions {
  readonly role: 'source';
  /** Namespaces (OpenShift projects) whose images the service account may pull. */
  readonly sourceNamespaces: readonly string[];
  /** Only used in the comments (a pull check); optional on this side. */
  readonly sourceRegistry?: string | undefined;
}

export interface TargetOptions extends CommonOptions {
  readonly role: 'target';
  readonly sourceNamespace: string;
  readonly targetNamespace: string;
  readonly sourceRegistry: string;
  readonly targetRegistry: string;
  readonly image: string;
  readonly routeHost?: string | undefined;
  readonly publicUrl?: string | undefined;
  readonly tags: string;
  readonly sourceAuth: SourceAuth;
  readonly targetAuth: TargetAuth;
  /** ConfigMaps holding a `ca.crt` to trust for each registry, in addition to the system roots. */
  readonly sourceCaConfigMap?: string | undefined;
  readonly targetCaConfigMap?: string | undefined;
  readonly storageSize: string;
  readonly storageClass?: string | undefined;
  readonly viewerTokenSha256?: string | undefined;
}

export type BootstrapOptions = SourceOptions | TargetOptions;

/** Flags that only shape the target side's Deployment and ferry.yaml. */
const TARGET_ONLY: readonly (readonly [keyof BootstrapFlags, string])[] = [
  ['image', '--image'],
  ['routeHost', '--route-host'],
  ['publicUrl', '--public-url'],
  ['tags', '--tags'],
  ['sourceAuth', '--source-auth'],
  ['targetAuth', '--target-auth'],
  ['sourceCaConfigmap', '--source-ca-configmap'],
  ['targetCaConfigmap', '--target-ca-configmap'],
  ['storageSize', '--storage-size'],
  ['storageClass', '--storage-class'],
  ['viewerTokenSha256', '--viewer-token-sha256'],
];

function usage(message: string): BadUsageError {
  return new BadUsageError(message);
}

/** `value` if `check` accepts it; otherwise a BadUsageError naming the flag and (unless secret) the value. */
function checked(
  flag: string,
  value: string,
  check: (value: string) => string | undefined,
  showValue = true,
): string {
  const reason = check(value);
  if (reason === undefined) return value;
  const shown = showValue ? ` ${JSON.stringify(displayValue(value))}` : '';
  throw usage(`${flag}${shown}: ${reason}`);
}

function optional(
  flag: string,
  value: string | undefined,
  check: (value: string) => string | undefined,
  showValue = true,
): string | undefined {
  return value === undefined ? undefined : checked(flag, value, check, showValue);
}

function required(
  flag: string,
  value: string | undefined,
  what: string,
  check: (value: string) => string | undefined,
): string {
  if (value === undefined) throw usage(`${flag} is required with --role target: ${what}`);
  return checked(flag, value, check);
}

function choice<T extends string>(flag: string, value: string, allowed: readonly T[]): T {
  if ((allowed as readonly string[]).includes(value)) return value as T;
  throw usage(`${flag} ${JSON.stringify(displayValue(value))}: expected one of ${allowed.join(', ')}`);
}

export function parseBootstrapOptions(flags: BootstrapFlags, version: string): BootstrapOptions {
  if (flags.platform === undefined) throw usage(`platform is required: ${PLATFORMS.join(' or ')}`);
  const platform = choice('platform', flags.platform, PLATFORMS);
  if (flags.role === undefined) {
    throw usage('--role is required: source (the non-production cluster) or target (production)');
  }
  const role = choice('--role', flags.role, ROLES);
  const name = checked('--name', flags.name ?? DEFAULT_NAME, checkDns1035Label);
  const sourceNamespaces = (flags.sourceNamespace ?? []).map((ns) =>
    checked('--source-namespace', ns, checkDns1123Label),
  );
  if (new Set(sourceNamespaces).size !== sourceNamespaces.length) {
    throw usage('--source-namespace: the same namespace is given twice');
  }
  const targetNamespace = optional('--target-namespace', flags.targetNamespace, checkDns1123Label);
  const sourceRegistry = optional('--source-registry', flags.sourceRegistry, checkRegistryHost);
  const targetRegistry = optional('--target-registry', flags.targetRegistry, checkRegistryHost);
  const namespaceFlag = optional('--namespace', flags.namespace, checkDns1123Label);
  const serviceAccountFlag = optional('--service-account', flags.serviceAccount, checkDns1123Label);
  const createNamespace = flags.createNamespace === true;

  if (role === 'source') {
    for (const [key, flag] of TARGET_ONLY) {
      if (flags[key] !== undefined) throw usage(`${flag} applies to --role target only`);
    }
    const first = sourceNamespaces[0];
    if (first === undefined) {
      throw usage('--source-namespace is required with --role source: the namespace(s) to pull images from');
    }
    return {
      platform,
      role,
      version,
      name,
      // The seed put its puller account into the non-prod project itself; without --namespace, so do we.
      namespace: namespaceFlag ?? first,
      serviceAccount: serviceAccountFlag ?? `${name}-image-puller`,
      createNamespace,
      sourceNamespaces,
      sourceRegistry,
    };
  }

  if (sourceNamespaces.length > 1) {
    throw usage(
      '--source-namespace is given more than once: --role target writes one promotion rule; add more rules to ferry.yaml by hand',
    );
  }
  const sourceNamespace = sourceNamespaces[0];
  if (sourceNamespace === undefined) {
    throw usage('--source-namespace is required with --role target: the namespace images are promoted from');
  }
  const target = required(
    '--target-namespace',
    targetNamespace,
    'the namespace images are promoted to',
    checkDns1123Label,
  );
  const routeHost = optional('--route-host', flags.routeHost, checkDns1123Subdomain);
  if (routeHost !== undefined && platform !== 'openshift') {
    throw usage(
      '--route-host applies to openshift only (on kubernetes, expose the Service with your Ingress)',
    );
  }
  const publicUrl =
    optional('--public-url', flags.publicUrl, checkPublicUrl)?.replace(/\/+$/, '') ??
    (routeHost === undefined ? undefined : `https://${routeHost}`);
  return {
    platform,
    role,
    version,
    name,
    // Without --namespace ferry runs in the target namespace, where its push right is anyway.
    namespace: namespaceFlag ?? target,
    serviceAccount: serviceAccountFlag ?? name,
    createNamespace,
    sourceNamespace,
    targetNamespace: target,
    sourceRegistry: required(
      '--source-registry',
      sourceRegistry,
      'host[:port] of the registry to pull from',
      checkRegistryHost,
    ),
    targetRegistry: required(
      '--target-registry',
      targetRegistry,
      'host[:port] of the registry to push to',
      checkRegistryHost,
    ),
    image: checked('--image', flags.image ?? `${IMAGE_REPOSITORY}:${version}`, checkImage),
    routeHost,
    publicUrl,
    tags: checked('--tags', flags.tags ?? DEFAULT_TAG_PATTERN, checkTagPattern),
    // OpenShift's registry authorises service-account tokens; a generic registry behind Kubernetes does
    // not, so there a robot account's auth file is the default on both sides.
    sourceAuth: choice(
      '--source-auth',
      flags.sourceAuth ?? (platform === 'openshift' ? 'token' : 'auth-file'),
      SOURCE_AUTHS,
    ),
    targetAuth: choice(
      '--target-auth',
      flags.targetAuth ?? (platform === 'openshift' ? 'service-account' : 'auth-file'),
      TARGET_AUTHS,
    ),
    sourceCaConfigMap: optional('--source-ca-configmap', flags.sourceCaConfigmap, checkDns1123Subdomain),
    targetCaConfigMap: optional('--target-ca-configmap', flags.targetCaConfigmap, checkDns1123Subdomain),
    storageSize: checked('--storage-size', flags.storageSize ?? DEFAULT_STORAGE_SIZE, checkQuantity),
    storageClass: optional('--storage-class', flags.storageClass, checkDns1123Subdomain),
    viewerTokenSha256: optional(
      '--viewer-token-sha256',
      flags.viewerTokenSha256,
      checkSha256Hex,
      false,
    )?.toLowerCase(),
  };
}
