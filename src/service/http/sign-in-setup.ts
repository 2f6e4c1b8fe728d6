/**
 * Turns ferry.yaml's `auth:` section into what the HTTP app needs for browser sessions: the cookie
 * key (the configured secret, or the generated `<dataDir>/session.key`), whether cookies are `Secure`,
 * the OpenID Connect client and the role mapping. Called once at start-up by the composition root; a
 * problem (a session key too short, no redirect URL) is a ConfigError naming the key.
 */
import { PATHS } from '../../api/paths.ts';
import type { AuthConfig } from '../config/auth-schema.ts';
import { ConfigError } from '../config/config-error.ts';
import type { ReadFile } from '../config/read-small-file.ts';
import { type Env, resolveSecret } from '../config/resolve-secret.ts';
import { grantsForClaims } from '../config/role-mapping.ts';
import type { SessionSettings } from './create-http-app.ts';
import { createOidcSignIn } from './oidc-sign-in.ts';
import type { OneTimeLogins } from './one-time-login.ts';
import { keyFromSecret, loadOrCreateKeyFile } from './session-key.ts';
import { cookiesSecure, type SessionRevocations } from './sessions.ts';

export interface SignInSetupOptions {
  readonly auth: AuthConfig;
  readonly publicUrl: string | undefined;
  readonly dataDir: string;
  readonly env: Env;
  readonly readFile?: ReadFile | undefined;
  readonly oneTime?: OneTimeLogins | undefined;
  /** Groups the rules' `approvers` name (config/approver-schema.ts approverGroups). */
  readonly approverGroups?: readonly string[] | undefined;
  /** Where sign-outs are recorded (the store's session_revocations). */
  readonly revocations: SessionRevocations;
}

/** `auth.oidc.redirectUrl`, else `server.publicUrl` + `/auth/callback`. */
export function redirectUrlOf(auth: AuthConfig, publicUrl: string | undefined): string | undefined {
  return auth.oidc?.redirectUrl ?? (publicUrl === undefined ? undefined : `${publicUrl}${PATHS.callback}`);
}

export async function signInSettings(options: SignInSetupOptions): Promise<SessionSettings> {
  const { auth, env, readFile } = options;
  let key: Buffer;
  if (auth.session.key === undefined) {
    key = await loadOrCreateKeyFile(options.dataDir);
  } else {
    const secret = await resolveSecret(auth.session.key, { env, readFile, key: 'auth.session.key' });
    const checked = keyFromSecret(secret);
    if (typeof checked === 'string') {
      throw new ConfigError([{ path: 'auth.session.key', message: `the secret ${checked}` }]);
    }
    key = checked;
  }
  const oidcConfig = auth.oidc;
  let oidc: SessionSettings['oidc'];
  if (oidcConfig !== undefined) {
    const redirectUrl = redirectUrlOf(auth, options.publicUrl);
    if (redirectUrl === undefined) {
      throw new ConfigError([
        {
          path: 'auth.oidc.redirectUrl',
          message:
            'is needed when server.publicUrl is not set (the URL the identity provider sends people back to)',
        },
      ]);
    }
    const secretRef = oidcConfig.clientSecret;
    oidc = createOidcSignIn({
      config: oidcConfig,
      redirectUrl,
      alsoKeepGroups: options.approverGroups,
      clientSecret:
        secretRef === undefined
          ? undefined
          : () => resolveSecret(secretRef, { env, readFile, key: 'auth.oidc.clientSecret' }),
    });
  }
  const roles = oidcConfig?.roles ?? {};
  return {
    key,
    // The redirect URL is where the browser meets ferry when publicUrl is not set.
    secure: cookiesSecure(options.publicUrl ?? redirectUrlOf(auth, undefined)),
    ttlSeconds: auth.session.ttlSeconds,
    oidc,
    oneTime: options.oneTime,
    revocations: options.revocations,
    grantsFor: (claims) => grantsForClaims(roles, claims),
  };
}
