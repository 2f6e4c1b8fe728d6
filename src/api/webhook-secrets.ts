/**
 * Checks on configured webhook secrets. A bad secret is a server configuration problem, never the
 * caller's fault, so it raises a FerryError with an auth-config code (a 5xx), not a TriggerError — and
 * an empty list must never degrade into "accept everything".
 */
import { ErrorCode } from '../errors/codes.ts';
import { FerryError } from '../errors/ferry-error.ts';

export function assertSecretsConfigured(secrets: readonly string[], what: string): void {
  if (secrets.length === 0) throw new FerryError(ErrorCode.AuthConfig, `no ${what} secret is configured`);
  secrets.forEach((secret, index) => {
    if (secret === '') throw new FerryError(ErrorCode.AuthConfig, `${what} secret #${index + 1} is empty`);
  });
}
