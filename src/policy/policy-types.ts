/**
 * A containers policy.json (containers-policy.json(5)) as parsed: which requirements apply by default
 * and per transport scope. Mirrors containers/image v5.23 signature/policy_types.go; every requirement
 * type that file knows is parsed (so a system policy that uses one for a registry ferry never touches
 * still loads), and evaluation decides what ferry can honour.
 */

export interface Policy {
  readonly default: readonly PolicyRequirement[];
  /** Transport name (`docker`, `oci`, …) → scope (`""`, a registry, a repository, a path) → requirements. */
  readonly transports: ReadonlyMap<string, ReadonlyMap<string, readonly PolicyRequirement[]>>;
}

export type PolicyRequirement =
  | { readonly type: 'insecureAcceptAnything' }
  | { readonly type: 'reject' }
  | {
      readonly type: 'sigstoreSigned';
      /** Exactly one of keyPath and keyData. */
      readonly keyPath?: string | undefined;
      readonly keyData?: Uint8Array | undefined;
      readonly signedIdentity: IdentityMatch;
    }
  /** GPG simple signing: parsed so policies load, refused when it applies (ferry has no GPG). */
  | { readonly type: 'signedBy'; readonly keyType: string }
  /** Not implemented by containers/image either: it refuses every image. */
  | { readonly type: 'signedBaseLayer' };

/** How the docker reference inside a signature must relate to the image (containers-policy.json(5)). */
export type IdentityMatch =
  | { readonly type: 'matchExact' }
  | { readonly type: 'matchRepoDigestOrExact' }
  | { readonly type: 'matchRepository' }
  | { readonly type: 'exactReference'; readonly dockerReference: string }
  | { readonly type: 'exactRepository'; readonly dockerRepository: string }
  | { readonly type: 'remapIdentity'; readonly prefix: string; readonly signedPrefix: string };

export const ACCEPT_ANYTHING: Policy = Object.freeze({
  default: Object.freeze([Object.freeze({ type: 'insecureAcceptAnything' as const })]),
  transports: new Map(),
});
