/**
 * What a Keychain hands to the transport for one registry. Resolution happens on every token exchange
 * (not once at start), so sources backed by files (mounted Kubernetes secrets) pick up rotated values.
 */
export type Credential =
  | { readonly kind: 'anonymous' }
  /** Username + password (or a service-account token used as the password, OpenShift-style). */
  | { readonly kind: 'basic'; readonly username: string; readonly password: string }
  /** A registry bearer token used as-is (skopeo --registry-token); no token exchange. */
  | { readonly kind: 'bearer'; readonly token: string }
  /** docker config `identitytoken`: an OAuth2 refresh token, exchanged by POST to the realm. */
  | {
      readonly kind: 'identity-token';
      readonly username?: string | undefined;
      readonly refreshToken: string;
    };

export const ANONYMOUS: Credential = Object.freeze({ kind: 'anonymous' });

/** Resolves the credential to use for a registry host (canonical form, e.g. `docker.io`, `host:5000`). */
export interface Keychain {
  resolve(registry: string): Promise<Credential>;
}
