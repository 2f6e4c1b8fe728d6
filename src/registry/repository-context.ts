import { redactUrl } from './redact-url.ts';
import { parseErrorBody, RegistryError } from './registry-error.ts';
import type { RegistryResponse, RegistryTransport } from './registry-transport.ts';

/** What every registry verb needs: the transport, the repository name and the token scopes to ask for. */
export interface RepositoryContext {
  readonly transport: RegistryTransport;
  readonly name: string;
  /** Scopes for requests on this repository (pull, or pull+push for a destination so one token serves both). */
  readonly scopes: readonly string[];
}

export function repositoryScope(name: string, push: boolean): string {
  return `repository:${name}:${push ? 'pull,push' : 'pull'}`;
}

/** Consume an unexpected response into a RegistryError (body read with a cap: error bodies are small). */
export async function toRegistryError(method: string, res: RegistryResponse): Promise<RegistryError> {
  let text = '';
  // HEAD responses and already-drained bodies have nothing to read; consuming a used undici body
  // throws asynchronously, outside any try.
  const body = res.body;
  if (!body.bodyUsed && !body.destroyed && !body.readableEnded)
    try {
      const buf = Buffer.from(await res.body.arrayBuffer());
      text = buf.subarray(0, 16 * 1024).toString('utf8');
    } catch {
      // the body failed too: keep the status alone
    }
  const { errors, fallback } = parseErrorBody(text);
  return new RegistryError(method, redactUrl(res.url), res.status, errors, fallback);
}

export function encodePath(name: string): string {
  // Repository names are validated by the reference grammar; still encode nothing but the path separator.
  return name.split('/').map(encodeURIComponent).join('/');
}
