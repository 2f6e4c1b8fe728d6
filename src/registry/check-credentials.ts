/**
 * Whether a registry accepts the transport's credentials, as `skopeo login` checks them
 * (containers/image docker.CheckAuth): `GET /v2/` with them — Basic directly, or through the bearer
 * token exchange the registry's challenge asks for (no repository scope). A 401/403, from the
 * registry or from its token server, means the credentials were refused.
 */
import { ErrorCode } from '../errors/codes.ts';
import { FerryError } from '../errors/ferry-error.ts';
import type { RegistryTransport } from './registry-transport.ts';
import { toRegistryError } from './repository-context.ts';

export class CredentialsRefusedError extends FerryError {
  constructor(registry: string, options: { cause?: unknown } = {}) {
    super(ErrorCode.Auth, `${registry} refused the credentials`, options);
  }
}

export async function checkCredentials(transport: RegistryTransport, signal?: AbortSignal): Promise<void> {
  let res: Awaited<ReturnType<RegistryTransport['request']>>;
  try {
    res = await transport.request({ method: 'GET', url: '/v2/', scopes: [], signal });
  } catch (err) {
    // The token server refused the credentials (auth-session's exchange): a non-temporary auth error.
    if (err instanceof FerryError && err.code === ErrorCode.Auth && !err.temporary)
      throw new CredentialsRefusedError(transport.registry, { cause: err });
    throw err;
  }
  if (res.status === 200) {
    await res.body.dump();
    return;
  }
  const error = await toRegistryError('GET', res);
  if (res.status === 401 || res.status === 403)
    throw new CredentialsRefusedError(transport.registry, { cause: error });
  throw error;
}
